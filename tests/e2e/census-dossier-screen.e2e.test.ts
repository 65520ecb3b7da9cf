/**
 * The census agent on the dossier screen (TR-6, TR-7, TR-11, TR-12), in Chromium: adds a work
 * note and edits it (the earlier text kept, marked as edited), uploads two files at once and
 * downloads one, sees a refused file named with its reason, and finds it all after a reload.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { wcagViolations } from './axe';
import { startE2E, type E2E } from './browser-harness';

jest.setTimeout(180_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF photo de la façade')]);

/** A dossier made through the API with the page's own session. */
async function newDossier(page: Page, name: string): Promise<string> {
  const res = await page.request.post(`${e2e.url}/api/records/dossier`, { data: { fields: { company_name: name, tax_regulation: 'signage', language: 'fr' } } });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

it('adds and edits a work note, uploads two files at once and downloads them from the dossier screen', async () => {
  const page = await e2e.login('agent');
  const id = await newDossier(page, 'Boulangerie Sainte-Catherine SRL');
  await page.goto(`${e2e.url}/#/record/${encodeURIComponent(id)}`);
  const notes = page.getByTestId('notes');
  await notes.getByText('Aucune note pour l\u2019instant.').or(notes.getByText("Aucune note pour l'instant.")).waitFor();

  // A note: who and when.
  await page.getByLabel('Nouvelle note').fill('Passé sur place : enseigne lumineuse de 2 m² au-dessus de la vitrine.');
  await page.getByRole('button', { name: 'Ajouter la note' }).click();
  const entry = notes.getByTestId('note').first();
  await entry.getByText('Passé sur place : enseigne lumineuse de 2 m² au-dessus de la vitrine.').waitFor();
  await expect(entry.locator('strong').innerText()).resolves.toBe('Karim Recenseur');
  await notes.getByRole('status').getByText('Note ajoutée.').waitFor();
  expect(await page.getByLabel('Nouvelle note').inputValue()).toBe('');

  // Edited inline: the new text, the "edited" marker, the earlier text on request.
  await entry.getByRole('button', { name: /Modifier la note de Karim Recenseur/ }).click();
  await page.getByLabel('Texte de la note').fill('Passé sur place : enseigne lumineuse de 3 m² au-dessus de la vitrine.');
  await page.getByRole('button', { name: 'Enregistrer la note' }).click();
  await entry.getByText('Passé sur place : enseigne lumineuse de 3 m² au-dessus de la vitrine.').waitFor();
  await expect(entry.getByTestId('note-edited').innerText()).resolves.toContain('modifiée par Karim Recenseur le');
  await entry.getByText('1 version précédente').click();
  await entry.getByText('de 2 m²', { exact: false }).waitFor();
  await e2e.shot(page, 'census-dossier-01-note-edited');

  // Two files in one go, through the file picker.
  await page.getByLabel('Choisir des fichiers').setInputFiles([
    { name: 'Déclaration enseigne 2025.pdf', mimeType: 'application/pdf', buffer: pdf('declaration enseigne') },
    { name: 'facade.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  const docs = page.getByTestId('documents');
  await docs.getByRole('status').getByText('2 fichiers ajoutés au dossier.').waitFor();
  const list = page.getByTestId('document-list');
  await list.getByRole('link', { name: /Déclaration enseigne 2025\.pdf/ }).waitFor();
  await list.getByRole('link', { name: /facade\.jpg/ }).waitFor();
  expect(await page.getByTestId('upload-results').locator('li').allInnerTexts()).toEqual(['Déclaration enseigne 2025.pdf – ajouté', 'facade.jpg – ajouté']);
  // The upload is one change in the history.
  await page.locator('[data-testid="history"] ol.timeline > li').nth(1).waitFor();
  await e2e.shot(page, 'census-dossier-02-uploaded');

  const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('link', { name: /Déclaration enseigne 2025\.pdf/ }).click()]);
  expect(download.suggestedFilename()).toBe('Déclaration enseigne 2025.pdf');
  expect(readFileSync(await download.path()).equals(pdf('declaration enseigne'))).toBe(true);

  // A program disguised as a PDF is refused with its reason, and nothing is added.
  await page.getByLabel('Choisir des fichiers').setInputFiles([{ name: 'facture.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\u0090\u0000 not a pdf') }]);
  await page.getByTestId('document-upload').getByRole('alert').getByText('n’est pas d’un type accepté', { exact: false }).waitFor();
  await page.getByTestId('upload-results').getByText('facture.pdf – refusé', { exact: false }).waitFor();
  expect(await list.getByRole('link').count()).toBe(2);
  expect(await wcagViolations(page)).toEqual([]);
  await e2e.shot(page, 'census-dossier-03-refused');

  // Everything is still there after a reload.
  await page.reload();
  await page.getByTestId('note').first().getByText('de 3 m²', { exact: false }).waitFor();
  await page.getByTestId('document-list').getByRole('link', { name: /facade\.jpg/ }).waitFor();
});

it('shows a colleague’s new note on an open dossier without a reload', async () => {
  const agent = await e2e.login('agent');
  const id = await newDossier(agent, 'Librairie du Parc SRL');
  const manager = await e2e.login('manager');
  await manager.goto(`${e2e.url}/#/record/${encodeURIComponent(id)}`);
  const managerNotes = manager.getByTestId('notes');
  await managerNotes.getByText('Aucune note pour l\u2019instant.').or(managerNotes.getByText("Aucune note pour l'instant.")).waitFor();
  // The agent writes from the API; the manager's open page follows.
  const res = await agent.request.post(`${e2e.url}/api/records/${encodeURIComponent(id)}/notes`, { data: { text: 'Le gérant rappelle lundi.' } });
  expect(res.status()).toBe(201);
  await managerNotes.getByTestId('note').getByText('Le gérant rappelle lundi.').waitFor({ timeout: 10_000 });
});
