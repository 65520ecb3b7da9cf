/**
 * Journeys of the census agent in the generated screens: create a dossier, move it through
 * its steps with the progress path and history following, and see other users' changes live.
 */
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './browser-harness';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const currentStep = (page: Page) => page.locator('.progress-path [aria-current="step"]').innerText();
const historyLength = (page: Page) => page.locator('[data-testid="history"] ol.timeline > li').count();
/** The history is read after the record: wait until it shows `n` entries. */
const historyReaches = (page: Page, n: number) =>
  page.waitForFunction((count) => document.querySelectorAll('[data-testid="history"] ol.timeline > li').length === count, n, { timeout: 10_000 });

async function createDossier(page: Page, name: string): Promise<string> {
  await page.getByRole('navigation').getByRole('link', { name: 'Dossiers de recensement' }).click();
  await page.getByRole('link', { name: 'Nouveau' }).click();
  await page.getByLabel('Dénomination').fill(name);
  await page.getByLabel('Règlement-taxe').selectOption({ label: 'Taxe sur les enseignes' });
  await page.getByRole('button', { name: 'Créer' }).click();
  await page.locator('.progress-path').waitFor();
  return decodeURIComponent(page.url().split('#/record/')[1] ?? '');
}

it('moves a dossier through its steps from the generated screens, with progress and history following', async () => {
  const agent = await e2e.login('agent');
  const id = await createDossier(agent, 'Librairie Molière SRL');
  expect(id).not.toBe('');
  expect(await currentStep(agent)).toContain('Préparation');
  await historyReaches(agent, 1);
  await e2e.shot(agent, 'census-01-created');

  await agent.getByRole('button', { name: 'Commencer la préparation' }).click();
  await agent.getByRole('button', { name: 'Soumettre pour signature' }).waitFor();
  await historyReaches(agent, 2);
  await agent.getByRole('button', { name: 'Soumettre pour signature' }).click();
  // The tax manager approves the letter before the signatories (TR-23).
  await agent.getByText('En attente de l\'approbation du responsable').first().waitFor();
  expect(await currentStep(agent)).toContain('Signature');
  await historyReaches(agent, 3);
  await e2e.shot(agent, 'census-02-sent-for-signature');

  const manager = await e2e.login('manager');
  await manager.goto(`${e2e.url}/#/record/${encodeURIComponent(id)}`);
  await manager.getByRole('button', { name: 'Approuver' }).first().click();
  await manager.locator('.event-form button[type=submit]').click();
  await manager.locator('.event-form').waitFor({ state: 'detached' });
  await e2e.shot(manager, 'census-02b-approved-by-manager');
  await manager.context().close();
  // The agent's page followed without a reload: now with the signatories.
  await agent.getByText('Envoyé pour approbation').first().waitFor();
  expect(await currentStep(agent)).toContain('Signature');
  await historyReaches(agent, 4);

  // The alderman and the secretary sign, each on their own screen.
  for (const signer of ['alderman', 'secretary']) {
    const page = await e2e.login(signer);
    await page.goto(`${e2e.url}/#/record/${encodeURIComponent(id)}`);
    const approve = page.getByRole('button', { name: signer === 'alderman' ? 'Goedkeuren' : 'Approuver' }).first();
    await approve.click();
    // The approval form (an optional comment), then its send button.
    await page.locator('.event-form button[type=submit]').click();
    await page.locator('.event-form').waitFor({ state: 'detached' });
    await e2e.shot(page, `census-03-signed-by-${signer}`);
    await page.context().close();
  }

  // The agent's page followed without a reload.
  await agent.getByText('Signatures reçues').first().waitFor();
  expect(await currentStep(agent)).toContain('Envoi recommandé');
  // The event asks for the bpost number of the registered letter.
  await agent.getByRole('button', { name: 'Recommandé envoyé' }).click();
  const events = agent.getByTestId('record-events');
  await events.getByLabel('N° d\'envoi recommandé').fill('RR123456785BE');
  await events.getByRole('button', { name: 'Confirmer : Recommandé envoyé' }).click();
  await agent.getByRole('button', { name: 'Retour reçu' }).waitFor();
  await agent.getByText('RR123456785BE').first().waitFor();
  expect(await currentStep(agent)).toContain('Envoi recommandé');
  expect(await agent.getByText('Recommandé envoyé').count()).toBeGreaterThan(0);
  await historyReaches(agent, 7);
  await e2e.shot(agent, 'census-04-registered-mail');
});

it('shows a change made by one user on another user’s screen without a reload', async () => {
  const first = await e2e.login('agent');
  const id = await createDossier(first, 'Garage Horta SA');
  const second = await e2e.login('manager');
  await second.goto(`${e2e.url}/#/record/${encodeURIComponent(id)}`);
  await second.locator('.progress-path').waitFor();
  // A new dossier's history has its creation only.
  await historyReaches(second, 1);
  const before = await historyLength(second);

  await first.getByRole('button', { name: 'Commencer la préparation' }).click();
  await first.getByRole('button', { name: 'Soumettre pour signature' }).waitFor();

  // The manager's page announces the change and shows the new state, with no reload.
  await second.getByText('Modifié par Karim Recenseur').waitFor();
  await second.getByText('En préparation').first().waitFor();
  await historyReaches(second, before + 1);
  await e2e.shot(second, 'live-update-seen-by-manager');

  // And the list of the census queue follows too.
  await second.goto(`${e2e.url}/#/queues/census`);
  await second.locator('table tbody tr').first().waitFor();
  const rows = await second.locator('table tbody tr').count();
  await createDossier(first, 'Pharmacie Magritte SPRL');
  await second.waitForFunction((n) => document.querySelectorAll('table tbody tr').length === n + 1, rows);
});
