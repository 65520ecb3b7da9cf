/**
 * Walks the agent's screens in Dutch and asserts that no interface key is left untranslated
 * and that no French text shows: every French string of the interface and of the pack that
 * differs from its Dutch version is looked for on each screen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadPack } from '../../engine/pack/load-pack';
import { readPackDir } from '../../runtime/packs/pack-files';
import { REPO_ROOT, startE2E, type E2E } from './browser-harness';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Pairs of (French, Dutch) texts, walking two trees of the same shape. */
function pairs(fr: Json, nl: Json, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof fr === 'string' && typeof nl === 'string') out.push([fr, nl]);
  else if (fr && nl && typeof fr === 'object' && typeof nl === 'object') {
    for (const k of Object.keys(fr)) pairs((fr as Record<string, Json>)[k] ?? null, (nl as Record<string, Json>)[k] ?? null, out);
  }
  return out;
}

/** The French texts that would give French away on a Dutch screen (placeholders cut out). */
function frenchMarkers(): string[] {
  const dir = join(REPO_ROOT, 'admin-ui', 'src', 'i18n', 'locales');
  const all: Array<[string, string]> = [];
  for (const file of readdirSync(join(dir, 'fr'))) {
    all.push(...pairs(JSON.parse(readFileSync(join(dir, 'fr', file), 'utf8')) as Json, JSON.parse(readFileSync(join(dir, 'nl', file), 'utf8')) as Json));
  }
  const pack = loadPack(readPackDir(join(REPO_ROOT, 'definitions', 'brussels-commune'))).pack;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['fr'] === 'string' && typeof o['nl'] === 'string') all.push([o['fr'], o['nl']]);
      else Object.values(o).forEach(walk);
    }
  };
  walk(pack);
  const dutch = new Set(all.map(([, n]) => n));
  const markers = new Set<string>();
  for (const [fr, nl] of all) {
    if (fr === nl) continue;
    for (const piece of fr.split(/\{\{[^}]*\}\}/)) {
      const p = piece.trim().replace(/[.:…]+$/, '');
      // Long enough to be French on its own, and not a Dutch text as well (names, loanwords).
      if (p.length >= 5 && !dutch.has(p)) markers.add(p);
    }
  }
  return [...markers];
}

const KEY_PATTERN = /\b(?:common|agent|studio|nav|list|record|columns|value|event|history|form|field|hint|login|error|live|progress|new|address|related|documents)\.[a-z][A-Za-z]+\b/;

async function assertDutch(page: Page, screen: string, markers: string[]): Promise<void> {
  await e2e.shot(page, `nl-${screen}`);
  const text = await page.locator('body').innerText();
  const keys = text.match(KEY_PATTERN);
  expect({ screen, untranslatedKey: keys?.[0] ?? null }).toEqual({ screen, untranslatedKey: null });
  const french = markers.filter((m) => new RegExp(`(^|[^\\p{L}])${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\p{L}]|$)`, 'u').test(text));
  expect({ screen, french }).toEqual({ screen, french: [] });
}

it('shows the agent screens entirely in Dutch', async () => {
  const markers = frenchMarkers();
  expect(markers.length).toBeGreaterThan(100);
  const page = await e2e.login('agent-nl');
  expect(await page.getAttribute('html', 'lang')).toBe('nl');
  await assertDutch(page, 'home', markers);

  await page.getByRole('navigation').getByRole('link', { name: 'Tellingsdossiers' }).click();
  await page.getByRole('heading', { name: 'Tellingsdossiers' }).waitFor();
  await page.getByText('Geen records gevonden.').waitFor();
  await assertDutch(page, 'list-empty', markers);

  await page.getByRole('link', { name: 'Nieuw' }).click();
  await page.getByLabel('Benaming').waitFor();
  await assertDutch(page, 'new-dossier', markers);
  // A refused value shows its error in Dutch too.
  await page.getByLabel('Benaming').fill('Bakkerij Peeters BV');
  await page.getByLabel('Ondernemingsnummer (KBO)').fill('0403.170.702');
  await page.getByRole('button', { name: 'Aanmaken' }).click();
  await page.getByRole('alert').first().waitFor();
  await assertDutch(page, 'new-dossier-error', markers);
  await page.getByLabel('Ondernemingsnummer (KBO)').fill('0403.170.701');
  await page.getByLabel('Belastingreglement').selectOption({ label: 'Belasting op uithangborden' });
  await page.getByRole('button', { name: 'Aanmaken' }).click();
  await page.locator('.progress-path').waitFor();
  await assertDutch(page, 'record-new', markers);

  await page.getByRole('button', { name: 'Voorbereiding starten' }).click();
  await page.getByRole('button', { name: 'Ter ondertekening voorleggen' }).click();
  await page.getByText('Ter goedkeuring verzonden').first().waitFor();
  await assertDutch(page, 'record-signing', markers);

  await page.goto(`${e2e.url}/#/queues/census`);
  await page.locator('table tbody tr').first().waitFor();
  await assertDutch(page, 'queue', markers);
});
