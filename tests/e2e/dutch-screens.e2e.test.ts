/**
 * Walks the agent's screens in Dutch and asserts that no interface key is left untranslated
 * and that no French text shows: every French string of the interface and of the pack that
 * differs from its Dutch version is looked for on each screen.
 */
import type { Page } from 'playwright-core';
import { ApiClient } from '../api/api-harness';
import { startE2E, type E2E } from './browser-harness';
import { expectDutchScreen, type DutchScreenCheck } from './language-check';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const DUTCH_CHECK: DutchScreenCheck = {
  keyPattern: /\b(?:common|agent|studio|nav|list|record|columns|value|event|history|form|field|hint|login|error|live|progress|new|address|related|documents)\.[a-z][A-Za-z]+\b/,
};

async function assertDutch(page: Page, screen: string): Promise<void> {
  await e2e.shot(page, `nl-${screen}`);
  await expectDutchScreen(page, screen, DUTCH_CHECK);
}

it('shows the agent screens entirely in Dutch', async () => {
  const page = await e2e.login('agent-nl');
  await assertDutch(page, 'home');

  await page.getByRole('navigation').getByRole('link', { name: 'Tellingsdossiers' }).click();
  await page.getByRole('heading', { name: 'Tellingsdossiers' }).waitFor();
  await page.getByText('Geen records gevonden.').waitFor();
  await assertDutch(page, 'list-empty');

  await page.getByRole('link', { name: 'Nieuw' }).click();
  await page.getByLabel('Benaming').waitFor();
  await assertDutch(page, 'new-dossier');
  // A refused value shows its error in Dutch too.
  await page.getByLabel('Benaming').fill('Bakkerij Peeters BV');
  await page.getByLabel('Ondernemingsnummer (KBO)').fill('0403.170.702');
  await page.getByRole('button', { name: 'Aanmaken' }).click();
  await page.getByRole('alert').first().waitFor();
  await assertDutch(page, 'new-dossier-error');
  await page.getByLabel('Ondernemingsnummer (KBO)').fill('0403.170.701');
  await page.getByLabel('Belastingreglement').selectOption({ label: 'Belasting op uithangborden' });
  await page.getByRole('button', { name: 'Aanmaken' }).click();
  await page.locator('.progress-path').waitFor();
  await assertDutch(page, 'record-new');

  await page.getByRole('button', { name: 'Voorbereiding starten' }).click();
  await page.getByRole('button', { name: 'Ter ondertekening voorleggen' }).click();
  // The tax manager approves the letter first (TR-23); the page follows to the signatures.
  await page.getByText('Wacht op goedkeuring van de verantwoordelijke').first().waitFor();
  await assertDutch(page, 'record-manager-approval');
  const id = decodeURIComponent(page.url().split('#/record/')[1] ?? '');
  // A Dutch-speaking manager approves: the demo manager's name, Marc Responsable, would show
  // in the history and read as the French word "Responsable" to this check.
  await e2e.server.auth.ensureUser({ id: 'u-manager-nl', username: 'manager-nl', displayName: 'Griet Verantwoordelijke', password: 'manager-demo', roles: ['tax-manager'], language: 'nl' });
  const manager = await new ApiClient(e2e.url).login('manager-nl', 'manager-demo');
  await manager.send(id, 'approve');
  await page.getByText('Ter goedkeuring verzonden').first().waitFor();
  await assertDutch(page, 'record-signing');

  await page.goto(`${e2e.url}/#/queues/census`);
  await page.locator('table tbody tr').first().waitFor();
  await assertDutch(page, 'queue');
});
