/**
 * The census agent's batch screens in Chromium against a real server: the Belfirst import
 * (preview with a row error, then commit), the bulk mail merge from the list with the combined
 * PDF downloaded, the alderman signing two letters in one action, and the saved "late returns"
 * view. Each new screen passes axe (WCAG 2.1 AA) and shows no French to a Dutch user.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ApiClient } from '../api/api-harness';
import { companyRow, enterpriseNumber, workbook } from '../census-import/belfirst-fixtures';
import { wcagViolations } from './axe';
import { startE2E, type E2E } from './browser-harness';
import { expectDutchScreen, type DutchScreenCheck } from './language-check';

jest.setTimeout(240_000);
let e2e: E2E;
let work: string;
beforeAll(async () => {
  e2e = await startE2E();
  work = mkdtempSync(join(tmpdir(), 'census-batch-e2e-'));
});
afterAll(async () => {
  await e2e?.close();
  rmSync(work, { recursive: true, force: true });
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Two good companies and, on spreadsheet row 3, a wrong check digit. */
async function belfirstFile(first: number): Promise<Buffer> {
  const bad = ['Chiffre Faux SA', '0403.170.702', 'SA', 'Rue Haute 5', 1000, 'Bruxelles', '47.110'];
  return workbook([companyRow(first), bad, companyRow(first + 1)]);
}

async function expectNoViolations(page: Page, name: string): Promise<void> {
  expect({ name, violations: await wcagViolations(page) }).toEqual({ name, violations: [] });
}

const rowTitles = (page: Page) => page.locator('table.records tbody tr td:nth-child(2)').allInnerTexts();

async function api(username: string): Promise<ApiClient> {
  return new ApiClient(e2e.url).login(username);
}

it('imports a Belfirst file, merges two dossiers in bulk, and the alderman signs both letters in one action', async () => {
  const agent = await e2e.login('agent');

  // 1. Import: the preview names the bad row, its column and the reason, in French.
  await agent.getByRole('navigation').getByRole('link', { name: 'Import Belfirst' }).click();
  await agent.getByRole('heading', { name: 'Import du fichier Belfirst' }).waitFor();
  await agent.getByLabel('Fichier Belfirst (.xlsx)').setInputFiles({ name: 'belfirst-juin.xlsx', mimeType: XLSX, buffer: await belfirstFile(7001) });
  await agent.getByRole('heading', { name: 'Aperçu de « belfirst-juin.xlsx »' }).waitFor();
  await agent.getByText('3 lignes lues').waitFor();
  await agent.getByText('2 dossiers à créer').waitFor();
  await agent.getByText('1 ligne en erreur (non importée)').waitFor();
  const errorRow = agent.locator('table.census-rows tbody tr.row-error');
  expect(await errorRow.count()).toBe(1);
  const cells = await errorRow.locator('th, td').allInnerTexts();
  expect(cells[0]).toBe('3');
  expect(cells[1]).toBe('Erreur');
  expect(cells[2]).toContain('Chiffre Faux SA');
  expect(cells[3]).toBe("Numéro d'entreprise (BCE) (Numéro d'entreprise)");
  expect(cells[4]).toMatch(/contrôle|entreprise/i);
  await e2e.shot(agent, 'census-batch-01-import-preview');
  await expectNoViolations(agent, 'import-preview');

  // Nothing is created by the preview.
  const client = await api('agent');
  const dossiers = async (q: string) => (await client.get<{ total: number; items: Array<{ id: string; title: string }> }>(`/api/records?type=dossier&q=${encodeURIComponent(q)}`)).body;
  expect((await dossiers('Société 700')).total).toBe(0);

  await agent.getByRole('button', { name: 'Créer 2 nouveaux dossiers' }).click();
  await agent.getByRole('heading', { name: 'Import terminé' }).waitFor();
  await agent.getByText('2 dossiers créés').waitFor();
  await e2e.shot(agent, 'census-batch-02-import-done');
  expect((await dossiers('Société 700')).total).toBe(2);

  // 2. The new dossiers in the list; two selected and merged in bulk.
  await agent.getByRole('link', { name: 'Voir les dossiers de recensement' }).click();
  await agent.getByRole('heading', { name: 'Dossiers de recensement' }).waitFor();
  await agent.getByLabel('Rechercher dans les titres').fill('Société 700');
  await agent.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await agent.waitForFunction(() => document.querySelectorAll('table.records tbody tr').length === 2);
  expect((await rowTitles(agent)).sort()).toEqual(['Société 7001 SRL', 'Société 7002 SRL']);
  await agent.getByRole('checkbox', { name: 'Sélectionner Société 7001 SRL' }).check();
  await agent.getByRole('checkbox', { name: 'Sélectionner Société 7002 SRL' }).check();
  await agent.getByText('2 éléments sélectionnés').waitFor();
  await agent.getByRole('button', { name: 'Publipostage' }).click();
  await agent.getByRole('heading', { name: '2 dossiers en publipostage' }).waitFor();
  expect(await agent.getByRole('checkbox', { name: 'Recensement des taxes communales' }).isChecked()).toBe(true);
  await agent.getByRole('button', { name: 'Générer les courriers (2)' }).click();
  const combined = agent.getByRole('link', { name: /Télécharger le PDF groupé à imprimer/ });
  await combined.waitFor({ timeout: 60_000 });
  // A DOCX and a PDF per dossier.
  const fileLinks = await agent.locator('.merge-results a.merge-file').allInnerTexts();
  expect(fileLinks.map((l) => l.split('\n')[0])).toEqual(['DOCX', 'PDF', 'DOCX', 'PDF']);
  await e2e.shot(agent, 'census-batch-03-merged');
  await expectNoViolations(agent, 'list-bulk-merge');

  const [download] = await Promise.all([agent.waitForEvent('download'), combined.click()]);
  const saved = join(work, 'combined.pdf');
  await download.saveAs(saved);
  const pdf = readFileSync(saved);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', saved, '-'], { encoding: 'utf8' });
  expect(text).toContain('Société 7001 SRL');
  expect(text).toContain('Société 7002 SRL');
  const res = await agent.context().request.get(`${e2e.url}${(await combined.getAttribute('href')) ?? ''}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  expect((await res.body()).equals(pdf)).toBe(true);

  // 3. The two merged dossiers go for signature (their tax regulation first), once the manager approved them (TR-23).
  const ids = (await dossiers('Société 700')).items.map((i) => i.id);
  const managerApi = await api('manager');
  for (const id of ids) {
    await client.send(id, 'update', { fields: { tax_regulation: 'signage' } });
    await client.send(id, 'prepare');
    await client.send(id, 'request-signature');
    await managerApi.send(id, 'approve');
  }

  // The alderman (Dutch) signs both in one action.
  const alderman = await e2e.login('alderman');
  await alderman.getByRole('navigation').getByRole('link', { name: 'Te ondertekenen brieven' }).click();
  await alderman.getByRole('heading', { name: 'Te ondertekenen brieven' }).waitFor();
  await alderman.waitForFunction(() => document.querySelectorAll('.census-signatures table tbody tr').length === 2);
  expect((await rowTitles(alderman)).sort()).toEqual(['Société 7001 SRL', 'Société 7002 SRL']);
  await expectNoViolations(alderman, 'signatures');
  await assertDutch(alderman, 'signatures');
  await alderman.getByRole('button', { name: 'Alles selecteren' }).click();
  await alderman.getByRole('button', { name: '2 brieven ondertekenen' }).click();
  await alderman.getByRole('heading', { name: 'Ondertekend: 2 van 2' }).waitFor({ timeout: 60_000 });
  expect(await alderman.locator('.sign-results li strong').allInnerTexts()).toEqual(['Ondertekend', 'Ondertekend']);
  await alderman.getByText('Er wachten geen brieven op uw handtekening.').waitFor();
  await e2e.shot(alderman, 'census-batch-04-signed');
  await expectNoViolations(alderman, 'signatures-done');
  await assertDutch(alderman, 'signatures-done');

  // The signed PDF opens from the result.
  const signedHref = await alderman.getByRole('link', { name: /Ondertekende PDF openen/ }).first().getAttribute('href');
  const signed = await alderman.context().request.get(`${e2e.url}${signedHref ?? ''}`);
  expect(signed.status()).toBe(200);
  expect(signed.headers()['content-type']).toContain('application/pdf');
  const signedPdf = await signed.body();
  expect(signedPdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(signedPdf.includes(Buffer.from('/ByteRange'))).toBe(true);

  // Both letters now wait only for the secretary.
  const secretary = await api('secretary');
  const pending = (await secretary.get<{ items: Array<{ id: string }> }>('/api/signatures/pending')).body.items.map((i) => i.id);
  expect(pending.sort()).toEqual([...ids].sort());
  const aldermanApi = await api('alderman');
  for (const id of ids) {
    expect((await aldermanApi.history(id)).filter((h) => h.eventType === 'approve' && h.actor === 'u-alderman')).toHaveLength(1);
  }
});

it('shows only late dossiers in the "late returns" view, addressable by its URL', async () => {
  const client = await api('agent');
  for (const [name, late] of [['Librairie Tardive SRL', true], ['Boulangerie Ponctuelle SA', false], ['Imprimerie Lente SPRL', true]] as const) {
    await client.create({ company_name: name, tax_regulation: 'signage', language: 'fr', late_return: late });
  }
  const page = await e2e.login('agent');
  await page.getByRole('navigation').getByRole('link', { name: 'Dossiers de recensement' }).click();
  await page.getByRole('navigation', { name: 'Vues enregistrées' }).getByRole('link', { name: 'Retours en retard' }).click();
  await page.waitForFunction(() => window.location.hash === '#/records/dossier?view=late-returns');
  await page.waitForFunction(() => document.querySelectorAll('table.records tbody tr').length === 2);
  expect((await rowTitles(page)).sort()).toEqual(['Imprimerie Lente SPRL', 'Librairie Tardive SRL']);
  expect(await page.getByRole('link', { name: 'Retours en retard' }).getAttribute('aria-current')).toBe('page');
  await e2e.shot(page, 'census-batch-05-late-returns');
  await expectNoViolations(page, 'list-view-late-returns');

  // "All" shows the others again; the view's URL opened directly filters the same way.
  await page.getByRole('link', { name: 'Tous', exact: true }).click();
  await page.getByRole('cell', { name: 'Boulangerie Ponctuelle SA', exact: true }).waitFor();
  await page.goto(`${e2e.url}/#/records/dossier?view=late-returns`);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('table.records tbody tr').length === 2);
  expect((await rowTitles(page)).sort()).toEqual(['Imprimerie Lente SPRL', 'Librairie Tardive SRL']);
});

it('shows the import page, the list with its views and the bulk merge entirely in Dutch to a Dutch agent', async () => {
  const page = await e2e.login('agent-nl');
  await page.getByRole('navigation').getByRole('link', { name: 'Belfirst-import' }).click();
  await page.getByRole('heading', { name: 'Import van het Belfirst-bestand' }).waitFor();
  await assertDutch(page, 'import-empty');
  await page.getByLabel('Belfirst-bestand (.xlsx)').setInputFiles({ name: 'belfirst-nl.xlsx', mimeType: XLSX, buffer: await belfirstFile(7101) });
  await page.getByText('2 dossiers aan te maken').waitFor();
  const message = await page.locator('table.census-rows tbody tr.row-error td').last().innerText();
  expect(message).toMatch(/controle|ondernemingsnummer/i);
  await assertDutch(page, 'import-preview');
  await expectNoViolations(page, 'import-preview-nl');

  // A file that is not a workbook is refused before any upload, in Dutch.
  await page.getByLabel('Belfirst-bestand (.xlsx)').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from('Nom;Numéro\n') });
  await page.getByRole('alert').getByText('"export.csv" is geen .xlsx-werkmap').waitFor();
  await assertDutch(page, 'import-refused');

  const client = await api('agent-nl');
  await client.create({ company_name: 'Bakkerij Laat BV', enterprise_number: enterpriseNumber(7200), tax_regulation: 'signage', language: 'nl', late_return: true });
  await page.goto(`${e2e.url}/#/records/dossier?view=late-returns`);
  await page.getByRole('navigation', { name: 'Opgeslagen weergaven' }).waitFor();
  await page.getByRole('checkbox', { name: 'Bakkerij Laat BV selecteren' }).check();
  await page.getByRole('button', { name: 'Mailmerge' }).click();
  await page.getByRole('heading', { name: 'Mailmerge van 1 dossier' }).waitFor();
  await page.getByRole('checkbox', { name: 'Telling van de gemeentebelastingen' }).waitFor();
  await assertDutch(page, 'list-bulk-merge');
  await page.getByRole('button', { name: 'Brieven genereren (1)' }).click();
  await page.getByRole('link', { name: /Gebundelde PDF downloaden om af te drukken/ }).waitFor({ timeout: 60_000 });
  await assertDutch(page, 'list-bulk-merge-done');
});

it('hides the batch pages from users who cannot use them', async () => {
  const manager = await e2e.login('manager');
  expect(await manager.getByRole('navigation').getByRole('link', { name: 'Import Belfirst' }).count()).toBe(0);
  expect(await manager.getByRole('navigation').getByRole('link', { name: 'Courriers à signer' }).count()).toBe(0);
  await manager.goto(`${e2e.url}/#/census/signatures`);
  await manager.getByRole('alert').getByText('réservée à l’échevin des Finances').waitFor();
  await manager.goto(`${e2e.url}/#/census/import`);
  await manager.getByRole('alert').getByText('Seuls les agents recenseurs').waitFor();
  const secretary = await e2e.login('secretary');
  expect(await secretary.getByRole('navigation').getByRole('link', { name: 'Courriers à signer' }).count()).toBe(1);
  expect(await secretary.getByRole('navigation').getByRole('link', { name: 'Import Belfirst' }).count()).toBe(0);
});

// --- Dutch screens: no interface key, no French text (tests/e2e/language-check.ts) ---

const DUTCH_CHECK: DutchScreenCheck = {
  /** Keys of the census namespace (and the others) that would show untranslated. */
  keyPattern: /\b(?:import|bulk|merge|sign|views|nav|list|columns|value|error)\.[a-z][A-Za-z]+\b/,
  // Headers quoted from the uploaded spreadsheet (.file-column) and file names are the user's
  // data, not the interface.
  userData: { selector: '.file-column', fileNames: true },
};

async function assertDutch(page: Page, screen: string): Promise<void> {
  await e2e.shot(page, `census-batch-nl-${screen}`);
  await expectDutchScreen(page, screen, DUTCH_CHECK);
}
