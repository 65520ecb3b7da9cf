/**
 * `npm run bench:web` — what an agent waits for, in Debian's Chromium on loopback:
 *   record_page_ms      from navigation to the record page with 50 history entries being
 *                       interactive (its event buttons enabled, history shown), median of runs;
 *   list_first_page_ms  from opening the list of 10,000 records from the app's navigation to
 *                       its first page shown (server-side pagination), median of runs;
 *   list_cold_load_ms   the same list opened by a full page load (the app boots first);
 *   initial_js_kb_gz    the JavaScript the first page loads (entry + preloads), gzipped.
 * Prints a table, then one JSON line (the last line).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { loadPack } from '../../engine/pack';
import { loadConfig } from '../../runtime/config/config';
import { readPackDir } from '../../runtime/packs/pack-files';
import { startServer } from '../../runtime/server';
import { CHROMIUM, ensureUiBuilt, PASSWORDS, REPO_ROOT } from '../../tests/e2e/browser-harness';

const RUNS = 7;

/** A process of about 2,000 lines on the shipped pack's dossier, for the studio's checker. */
function bigProcess(states: number): string {
  const lines = ['process: big-dossier', 'record: dossier', 'label: { fr: Grand processus, nl: Groot proces }', 'initial: s0',
    'statuses:', '  open: { fr: Ouvert, nl: Open }', '  closed: { fr: Clôturé, nl: Afgesloten }', 'events:', '  next: { label: { fr: Suivant, nl: Volgende }, roles: [census-agent] }',
    '  back: { label: { fr: Retour, nl: Terug }, roles: [census-agent] }', 'states:'];
  for (let i = 0; i < states; i++) {
    lines.push(`  s${i}:`, '    status: open', `    reason: { fr: Étape ${i}, nl: Stap ${i} }`, '    on:', '      next:', `        to: s${i + 1}`,
      '        if: "record.company_name != null && record.declared_amount != null"', '        do:', `          - set: { declared_amount: "record.declared_amount + 1.0" }`,
      `          - assign: { queue: census }`, `      back: s${Math.max(i - 1, 0)}`);
  }
  lines.push(`  s${states}:`, '    type: final', '    status: closed');
  return lines.join('\n') + '\n';
}

/** The studio re-checks the whole pack on each pause in typing: loadPack over every file, the big one changed. */
function lintMs(): { lines: number; ms: number } {
  const files = readPackDir(join(REPO_ROOT, 'definitions', 'brussels-commune'));
  files['processes/big-dossier.yaml'] = bigProcess(180);
  const lines = (files['processes/big-dossier.yaml'] ?? '').split('\n').length;
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    // A keystroke in the big file: its text changes, the other files do not.
    files['processes/big-dossier.yaml'] = `${bigProcess(180)}# ${i}\n`;
    const t0 = performance.now();
    const r = loadPack(files);
    times.push(performance.now() - t0);
    if (!r.pack) throw new Error(`the generated process does not load: ${r.problems[0]?.message ?? ''}`);
  }
  return { lines, ms: Number(median(times.slice(3)).toFixed(1)) };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function initialJsKbGz(): number {
  const dist = join(REPO_ROOT, 'admin-ui', 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  const bytes = scripts.reduce((sum, s) => sum + gzipSync(readFileSync(join(dist, s))).length, 0);
  return bytes / 1024;
}

async function main(): Promise<void> {
  ensureUiBuilt();
  const root = mkdtempSync(join(tmpdir(), 'bench-web-'));
  const server = await startServer(loadConfig({ DATA_DIR: join(root, 'data'), DEMO_DIR: join(REPO_ROOT, 'examples', 'brussels-demo'), PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent' }, REPO_ROOT));
  try {
    const agent = { id: 'u-agent', roles: ['census-agent'] };
    process.stderr.write('creating 10,000 dossiers…\n');
    for (let i = 0; i < 10_000; i += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, j) => server.records.create(agent, 'dossier', { company_name: `Entreprise ${i + j} SRL`, tax_regulation: (['surface', 'signage', 'parking'] as const)[(i + j) % 3] })));
    }
    const busy = await server.records.create(agent, 'dossier', { company_name: 'Dossier avec historique SA', tax_regulation: 'signage' });
    await server.records.send(agent, busy.id, { type: 'prepare' });
    for (let k = 0; k < 48; k++) await server.records.send(agent, busy.id, { type: 'update', data: { fields: { declared_amount: 100 + k } } });
    process.stderr.write(`history of the record: ${server.store.getHistory(busy.id).length} entries\n`);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('#username').fill('agent');
    await page.locator('#password').fill(PASSWORDS['agent'] ?? '');
    await page.locator('form button[type=submit]').click();
    await page.locator('header.top').waitFor();

    const listTimes: number[] = [];
    const coldTimes: number[] = [];
    const recordTimes: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await page.goto('about:blank');
      let t0 = Date.now();
      await page.goto(`${server.url}/#/records/dossier`);
      await page.locator('table tbody tr').first().waitFor();
      coldTimes.push(Date.now() - t0);

      // From the articles list, the agent opens the dossiers from the navigation.
      await page.locator('a[href="#/records/article"]').click();
      await page.locator('table tbody tr').first().waitFor();
      t0 = Date.now();
      await page.locator('a[href="#/records/dossier"]').click();
      await page.locator('table tbody tr').first().waitFor();
      await page.getByText('Entreprise', { exact: false }).first().waitFor();
      listTimes.push(Date.now() - t0);

      await page.goto('about:blank');
      t0 = Date.now();
      await page.goto(`${server.url}/#/record/${busy.id}`);
      // Interactive: the event buttons can be pressed and the history is on screen.
      await page.locator('[data-testid="record-events"] button').first().waitFor({ state: 'visible' });
      await page.locator('[data-testid="history"] ol.timeline > li').nth(49).waitFor();
      recordTimes.push(Date.now() - t0);
    }
    await browser.close();
    const lint = lintMs();
    const result = { record_page_ms: median(recordTimes), list_first_page_ms: median(listTimes), initial_js_kb_gz: Number(initialJsKbGz().toFixed(1)), list_cold_load_ms: median(coldTimes), studio_check_2000_lines_ms: lint.ms };
    console.log(`record page (50 history entries), ms: ${recordTimes.join(', ')} → median ${result.record_page_ms} (target < 1000)`);
    console.log(`list of 10,000, first page, ms:      ${listTimes.join(', ')} → median ${result.list_first_page_ms} (target < 300)`);
    console.log(`  same list by a full page load, ms:  ${coldTimes.join(', ')} → median ${result.list_cold_load_ms}`);
    console.log(`initial JavaScript: ${result.initial_js_kb_gz} KB gzipped (target < 500)`);
    console.log(`studio check of the pack with a ${lint.lines}-line process: ${lint.ms} ms (target < 100)`);
    console.log(JSON.stringify(result));
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
