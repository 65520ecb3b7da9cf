/**
 * WCAG 2.1 AA checks (axe-core, the engine behind most accessibility audits) on each screen
 * an agent uses, plus keyboard operation: the whole census step is done without a mouse.
 */
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './browser-harness';
import { wcagViolations as violations } from './axe';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ withDemoRecords: true });
});
afterAll(async () => {
  await e2e?.close();
});


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
