/**
 * WCAG 2.1 AA checks (axe-core, the engine behind most accessibility audits) on each screen
 * an agent uses, plus keyboard operation: the whole census step is done without a mouse.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './browser-harness';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ withDemoRecords: true });
});
afterAll(async () => {
  await e2e?.close();
});

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

async function violations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays as users get it.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.map((v) => `${v.id} (${v.impact ?? ''}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

it('meets WCAG 2.1 AA on the login, list, queue, new-record and record screens', async () => {
  const ctx = await e2e.newContext();
  const login = await ctx.newPage();
  await login.goto(`${e2e.url}/`);
  await login.locator('#username').waitFor();
  expect(await violations(login)).toEqual([]);

  const page = await e2e.login('agent', ctx);
  const screens: Array<[string, string, string]> = [
    ['list', '#/records/dossier', 'table tbody tr'],
    ['queue', '#/queues/census', 'table tbody tr'],
    ['new', '#/records/dossier/new', 'form'],
  ];
  for (const [name, hash, ready] of screens) {
    await page.goto(`${e2e.url}/${hash}`);
    await page.locator(ready).first().waitFor();
    expect({ name, violations: await violations(page) }).toEqual({ name, violations: [] });
  }
  await page.goto(`${e2e.url}/#/records/dossier`);
  await page.locator('table tbody tr a').first().click();
  await page.locator('.progress-path').waitFor();
  expect({ name: 'record', violations: await violations(page) }).toEqual({ name: 'record', violations: [] });

  // The checker itself sees a control without a label (so the empty lists above mean something).
  await page.evaluate(() => document.querySelector('main')?.append(document.createElement('input')));
  expect((await violations(page)).some((v) => v.startsWith('label'))).toBe(true);
  await ctx.close();
});

it('lets an agent create and prepare a dossier with the keyboard alone, with visible focus', async () => {
  const page = await e2e.login('agent');
  await page.goto(`${e2e.url}/#/records/dossier/new`);
  await page.locator('form').waitFor();
  // Tab to the first field from the top of the page; the focused element shows an outline.
  await page.keyboard.press('Tab');
  let guard = 0;
  while ((await page.evaluate(() => (document.activeElement as HTMLElement | null)?.id ?? '')) === '' || !(await page.evaluate(() => document.activeElement?.tagName === 'INPUT'))) {
    await page.keyboard.press('Tab');
    if (++guard > 40) throw new Error('no input reachable with Tab');
  }
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.type('Clavier et Fils SRL');
  await page.getByLabel('Règlement-taxe').focus();
  await page.keyboard.press('ArrowDown');
  await page.getByRole('button', { name: 'Créer' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.progress-path').waitFor();
  await page.getByRole('button', { name: 'Commencer la préparation' }).focus();
  await page.keyboard.press('Enter');
  await page.getByText('En préparation').first().waitFor();
  await e2e.shot(page, 'keyboard-only-prepared');
});
