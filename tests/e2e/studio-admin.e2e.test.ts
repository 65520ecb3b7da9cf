/**
 * The delegated admin's journey in the studio: break a line of a process, see the error at
 * that line, fix it, change the process, publish, and find the new version in the history
 * with the diagram changed.
 */
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startE2E, type E2E } from './browser-harness';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const FILE = 'processes/knowledge-article.yaml';

/** Puts the cursor at the end of the editor line that ends with `text`, scrolling to it. */
async function endOfLine(page: Page, text: string): Promise<void> {
  const target = page.locator('[data-testid="yaml-editor"] .cm-line').filter({ hasText: new RegExp(`${text}\\s*$`) }).first();
  for (let i = 0; i < 40 && (await target.count()) === 0; i++) {
    await page.locator('[data-testid="yaml-editor"] .cm-scroller').hover();
    await page.mouse.wheel(0, 300);
  }
  await target.scrollIntoViewIfNeeded();
  await target.click();
  await page.keyboard.press('End');
}

/** The editor shows only the lines in view, so line numbers are read from the shipped file. */
async function lineNumberOf(_page: Page, text: string): Promise<number> {
  const lines = readFileSync(join(REPO_ROOT, 'definitions', 'brussels-commune', FILE), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.trimEnd().endsWith(text));
  if (i < 0) throw new Error(`no line ends with ${text}`);
  return i + 1;
}

it('shows an error at the broken line, then publishes the fixed change as a new version with the diagram changed', async () => {
  const page = await e2e.login('admin');
  await page.goto(`${e2e.url}/#/studio/${FILE}`);
  await page.locator('[data-testid="yaml-editor"] .cm-line').first().waitFor();
  await page.locator(`[data-testid="statechart"] [data-event="restore"][data-from="archived"][data-to="draft"]`).waitFor({ state: 'attached' });
  await e2e.shot(page, 'studio-01-opened');

  // Break a line: `revise: draft` becomes a state that does not exist.
  const line = await lineNumberOf(page, 'revise: draft');
  await endOfLine(page, 'revise: draft');
  await page.keyboard.type('y');
  const marked = page.locator('[data-testid="yaml-editor"] .cm-line', { hasText: 'revise: drafty' }).locator('.cm-lintRange-error');
  await marked.waitFor();
  await page.getByTestId('problems').getByText(`${FILE}:${line}`, { exact: false }).first().waitFor();
  expect(await page.getByTestId('problems').innerText()).toMatch(/État inconnu « drafty »/);
  await e2e.shot(page, 'studio-02-error-at-line');

  // Fix it: the mark goes away.
  await page.keyboard.press('Backspace');
  await marked.waitFor({ state: 'detached' });

  // Change the process: a restored article now goes back to review; the diagram follows.
  const restore = await lineNumberOf(page, 'restore: draft');
  void restore;
  await endOfLine(page, 'restore: draft');
  for (let i = 0; i < 'draft'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('review');
  await page.locator(`[data-testid="statechart"] [data-event="restore"][data-from="archived"][data-to="review"]`).waitFor({ state: 'attached' });
  expect(await page.locator(`[data-testid="statechart"] [data-event="restore"][data-to="draft"]`).count()).toBe(0);

  // Publish, after reading the difference.
  await page.getByRole('toolbar').getByRole('button', { name: 'Publier' }).click();
  const dialog = page.getByTestId('publish-dialog');
  await dialog.waitFor();
  expect(await dialog.innerText()).toMatch(/-\s*restore: draft[\s\S]*\+\s*restore: review/);
  await e2e.shot(page, 'studio-03-publish-diff');
  await dialog.getByRole('button', { name: 'Confirmer la publication' }).click();
  await page.getByTestId('studio-status').getByText('Version 2 publiée', { exact: false }).waitFor();

  // The history lists version 2 as published; the server runs it.
  await page.getByRole('tab', { name: 'Versions' }).click();
  const history = page.getByTestId('history');
  await history.waitFor();
  // The versions are read from the server after the tab opens.
  await history.getByRole('row', { name: /^2\b/ }).waitFor();
  expect(await history.innerText()).toMatch(/^2\b.*\tpubliée\t/m);
  expect(await history.innerText()).toMatch(/^1\t+remplacée/m);
  await e2e.shot(page, 'studio-04-history');
  const health = (await (await fetch(`${e2e.url}/healthz`)).json()) as { packVersion: number };
  expect(health.packVersion).toBe(2);

  // A fresh load of the studio shows the published change in the diagram.
  await page.reload();
  await page.getByRole('tab', { name: 'Diagramme' }).click();
  await page.locator(`[data-testid="statechart"] [data-event="restore"][data-from="archived"][data-to="review"]`).waitFor({ state: 'attached' });
});

it('simulates a knowledge article in a sandbox, timers included, without touching real records', async () => {
  const page = await e2e.login('admin');
  await page.goto(`${e2e.url}/#/studio/${FILE}`);
  await page.getByRole('tab', { name: 'Simulateur' }).click();
  await page.getByLabel('Processus à simuler').selectOption('knowledge-article');
  const role = (r: string) => page.locator('.studio-roles label', { hasText: r }).locator('input');
  await role('knowledge-author').check();
  await page.locator('.studio-sim-start').getByLabel(/^Titre/).fill('Horaires de l’état civil');
  await page.locator('.studio-sim-start').getByLabel(/^Langue/).selectOption('fr');
  await page.locator('.studio-sim-start').getByLabel(/^Contenu/).fill('Du lundi au vendredi.');
  await page.locator('.studio-sim-start').getByLabel(/^Date d'expiration/).fill('2027-06-30');
  await page.getByRole('button', { name: 'Démarrer une instance de test' }).click();
  await page.getByTestId('sim-states').getByText('draft').waitFor();

  await page.locator('.studio-sim-run button[data-event="submit"]').click();
  await page.getByTestId('sim-states').getByText('review').waitFor();
  expect(await page.getByTestId('sim-effects').innerText()).toContain('article-review');

  // Now as the knowledge manager.
  await role('knowledge-author').uncheck();
  await role('knowledge-manager').check();
  await page.locator('.studio-sim-run button[data-event="approve"]').click();
  await page.getByTestId('sim-states').getByText('published').waitFor();
  const timers = page.getByTestId('sim-timers');
  expect(await timers.innerText()).toMatch(/30 juin 2027/);
  await e2e.shot(page, 'studio-06-simulator');
  await timers.getByRole('button').first().click();
  await page.getByTestId('sim-states').getByText('archived').waitFor();

  // A sandbox: no article was created on the server.
  const res = await page.evaluate(async () => (await fetch('/api/records?type=article')).json());
  expect((res as { total: number }).total).toBe(0);
});

it('rolls back to version 1 by publishing its text as a new version', async () => {
  const page = await e2e.login('admin');
  await page.goto(`${e2e.url}/#/studio/${FILE}`);
  await page.getByRole('tab', { name: 'Versions' }).click();
  const history = page.getByTestId('history');
  await history.getByRole('row', { name: /^1\b/ }).getByRole('button', { name: 'Revenir à cette version' }).click();
  const dialog = page.getByTestId('publish-dialog');
  await dialog.waitFor();
  // The difference shown is the way back: review becomes draft again.
  expect(await dialog.innerText()).toMatch(/-\s*restore: review[\s\S]*\+\s*restore: draft/);
  await dialog.getByRole('button', { name: 'Republier le contenu de la version 1' }).click();
  await page.getByTestId('studio-status').getByText('publié comme version 3', { exact: false }).waitFor();
  const health = (await (await fetch(`${e2e.url}/healthz`)).json()) as { packVersion: number };
  expect(health.packVersion).toBe(3);
  await page.getByRole('tab', { name: 'Diagramme' }).click();
  await page.locator(`[data-testid="statechart"] [data-event="restore"][data-from="archived"][data-to="draft"]`).waitFor({ state: 'attached' });
});

it('refuses to publish a pack with errors and keeps the published version running', async () => {
  const page = await e2e.login('admin');
  await page.goto(`${e2e.url}/#/studio/${FILE}`);
  await page.locator('[data-testid="yaml-editor"] .cm-line').first().waitFor();
  const before = ((await (await fetch(`${e2e.url}/healthz`)).json()) as { packVersion: number }).packVersion;
  const line = await lineNumberOf(page, 'archive: archived');
  await endOfLine(page, 'archive: archived');
  await page.keyboard.type('-nowhere');
  await page.locator('.cm-lintRange-error').first().waitFor();
  await page.getByRole('toolbar').getByRole('button', { name: 'Publier' }).click();
  const dialog = page.getByTestId('publish-dialog');
  await dialog.waitFor();
  expect(await dialog.innerText()).toMatch(/refusera/);
  await dialog.getByRole('button', { name: 'Confirmer la publication' }).click();
  await page.getByTestId('publish-problems').waitFor();
  expect(await page.getByTestId('publish-problems').innerText()).toContain(`${FILE}:${line}`);
  await e2e.shot(page, 'studio-05-publish-refused');
  const after = ((await (await fetch(`${e2e.url}/healthz`)).json()) as { packVersion: number }).packVersion;
  expect(after).toBe(before);
});
