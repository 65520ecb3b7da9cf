/**
 * The census screens in Chromium against a real server: a letter generated from the dossier
 * page (TR-9), the Onyx export downloaded and its update file read back (TR-29), the census
 * figures with their workbook (TR-24, TR-47), and registered-mail proofs uploaded in a batch
 * (TR-45). Each page passes axe (WCAG 2.1 AA) and shows no French to a Dutch user.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { ApiClient, type RecordView } from '../api/api-harness';
import { enterpriseNumber } from '../census-onyx/census-walk';
import { wcagViolations } from './axe';
import { startE2E, type E2E } from './browser-harness';
import { expectDutchScreen, type DutchScreenCheck } from './language-check';

jest.setTimeout(300_000);
let e2e: E2E;
let work: string;
let agent: ApiClient;
let managerApi: ApiClient;
let alderman: ApiClient;
let secretary: ApiClient;
/** Dossiers created by this test (the server starts empty): the figures count them. */
let created = 0;

beforeAll(async () => {
  e2e = await startE2E();
  work = mkdtempSync(join(tmpdir(), 'census-screens-e2e-'));
  [agent, managerApi, alderman, secretary] = await Promise.all(['agent', 'manager', 'alderman', 'secretary'].map((u) => new ApiClient(e2e.url).login(u)));
});
afterAll(async () => {
  await e2e?.close();
  rmSync(work, { recursive: true, force: true });
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ONYX_HEADERS = ["Numéro d'entreprise", 'Dénomination', 'Exercice', 'Article', 'Montant payé', 'Date de paiement', 'Arriérés'];
/** The zip local file header every .xlsx starts with. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function createDossier(fields: Record<string, unknown>): Promise<RecordView> {
  created++;
  return agent.create({ tax_regulation: 'signage', language: 'fr', ...fields });
}

/** Prepared, approved by the manager, signed by the alderman and the secretary: waiting for its registered letter. */
async function signedDossier(fields: Record<string, unknown>): Promise<RecordView> {
  const d = await createDossier(fields);
  await agent.send(d.id, 'prepare');
  await agent.send(d.id, 'request-signature');
  await managerApi.send(d.id, 'approve');
  await alderman.send(d.id, 'approve');
  return secretary.send(d.id, 'approve');
}

/** Mailed, returned, analysed as matching: closed, so in the Onyx export's states. */
async function closedDossier(fields: Record<string, unknown>): Promise<RecordView> {
  const d = await signedDossier(fields);
  await agent.send(d.id, 'send-registered-mail', { registered_number: 'RR000000014BE' });
  await agent.send(d.id, 'return-received', { declared_amount: 1000 });
  return agent.send(d.id, 'conclude-analysis', { outcome: 'matches' });
}

/** An Onyx-like update workbook: a title row, the header row, the rows. */
async function onyxFile(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Onyx');
  ws.addRow(['Onyx — situation des articles']);
  ws.addRow(ONYX_HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const pdf = (label: string): Buffer => Buffer.from(`%PDF-1.4\n% ${label}\n${'0'.repeat(2000)}\n%%EOF\n`);

/** Text as read, with the narrow and non-breaking spaces of Intl's formats made plain. */
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');
const euros = (n: number, locale: string): string => plain(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(n));

async function expectNoViolations(page: Page, name: string): Promise<void> {
  expect({ name, violations: await wcagViolations(page) }).toEqual({ name, violations: [] });
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: /Navigation|navigatie/i }).getByRole('link', { name, exact: true }).click();
}

let closed: RecordView;

it('generates a cover letter with the tax regulation from the dossier page, lists the files and downloads them', async () => {
  const d = await createDossier({ company_name: 'Papeterie du Sablon SRL', enterprise_number: enterpriseNumber(801) });
  const page = await e2e.login('agent');
  await page.goto(`${e2e.url}/#/record/${d.id}`);
  const panel = page.getByRole('region', { name: 'Générer un courrier' });
  await panel.waitFor();
  await expect(panel.getByLabel('Modèle de courrier').inputValue()).resolves.toBe('census-cover-letter');
  expect(await panel.getByRole('option').allInnerTexts()).toEqual(expect.arrayContaining(['Recensement des taxes communales']));
  expect(await panel.getByLabel('DOCX').isChecked()).toBe(true);
  expect(await panel.getByLabel('PDF').isChecked()).toBe(true);
  await panel.getByLabel('Joindre le règlement-taxe').check();
  await expectNoViolations(page, 'letters-panel');

  await panel.getByRole('button', { name: 'Générer le courrier' }).click();
  await panel.getByText('« Recensement des taxes communales » : 3 fichiers générés et ajoutés au dossier').waitFor({ timeout: 60_000 });
  const links = panel.locator('.letters-result a');
  const names = await links.allInnerTexts();
  expect(names).toHaveLength(3);
  expect(names.filter((n) => n.endsWith('.docx'))).toHaveLength(1);
  expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(2);
  await e2e.shot(page, 'census-screens-01-letter');
  await expectNoViolations(page, 'letters-done');

  // The letter downloads as a file; the regulation too, a PDF.
  const docx = links.filter({ hasText: /\.docx$/ });
  const [download] = await Promise.all([page.waitForEvent('download'), docx.click()]);
  const saved = join(work, 'letter.docx');
  await download.saveAs(saved);
  expect(readFileSync(saved).subarray(0, 4).equals(ZIP_MAGIC)).toBe(true);
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
    const res = await page.context().request.get(`${e2e.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-disposition']).toContain('attachment');
  }
  const regulation = await page.context().request.get(`${e2e.url}${(await links.nth(2).getAttribute('href')) ?? ''}`);
  expect(regulation.headers()['content-type']).toBe('application/pdf');
  expect((await regulation.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // The dossier reloaded: its letters are there, on the page and on the server.
  const record = await agent.record(d.id);
  expect(Array.isArray(record.fields['letters']) ? record.fields['letters'] : []).toHaveLength(3);
  await page.waitForFunction((files) => {
    const text = document.querySelector('.record-main')?.textContent ?? '';
    return files.every((f) => text.includes(f));
  }, names);
});

it('downloads the Onyx export, reads back an update file and shows the dossier its payment data', async () => {
  closed = await closedDossier({ company_name: 'Brasserie Onyx SA', enterprise_number: enterpriseNumber(802) });
  expect(closed.states).toEqual(['closed-matching']);
  const page = await e2e.login('manager');
  await nav(page, 'Onyx');
  await page.getByRole('heading', { name: 'Onyx : export et mise à jour', level: 1 }).waitFor();
  const link = page.getByRole('link', { name: /Télécharger \(\.xlsx\)/ });
  await link.waitFor();
  await expectNoViolations(page, 'onyx');

  // The export: a real workbook, as a download, with the closed dossier in it.
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = join(work, 'onyx.xlsx');
  await download.saveAs(saved);
  const bytes = readFileSync(saved);
  expect(bytes.subarray(0, 4).equals(ZIP_MAGIC)).toBe(true);
  const res = await page.context().request.get(`${e2e.url}${(await link.getAttribute('href')) ?? ''}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe(XLSX);
  const wb = new ExcelJS.Workbook();
  // exceljs types ask for an ArrayBuffer; a Node Buffer is what it reads at run time.
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells = wb.worksheets[0]?.getSheetValues().flat().map(String) ?? [];
  expect(cells).toContain('Brasserie Onyx SA');

  // The file Onyx sends back: the closed dossier paid, and a company the census does not know.
  const file = await onyxFile([
    [enterpriseNumber(802), 'Brasserie Onyx SA', 2026, 'ART-E2E-802', 1250.5, new Date(Date.UTC(2026, 2, 2)), 80],
    [enterpriseNumber(899), 'Inconnue SA', 2026, 'ART-X', 10, null, null],
  ]);
  await page.getByLabel('Fichier de mise à jour Onyx (.xlsx)').setInputFiles({ name: 'onyx-retour.xlsx', mimeType: XLSX, buffer: file });
  await page.getByRole('heading', { name: 'Aperçu de la mise à jour « onyx-retour.xlsx »' }).waitFor();
  await page.getByText('1 dossier à mettre à jour').waitFor();
  await page.getByText('1 ligne en erreur (ignorée)').waitFor();
  const rows = page.locator('table.onyx-rows tbody tr');
  expect(await rows.count()).toBe(2);
  const good = plain(await rows.nth(0).innerText());
  expect(good).toContain('Brasserie Onyx SA');
  expect(good).toContain('ART-E2E-802');
  expect(good).toContain(euros(1250.5, 'fr-BE'));
  expect(await rows.nth(0).getByRole('link', { name: 'Brasserie Onyx SA' }).getAttribute('href')).toBe(`#/record/${closed.id}`);
  const bad = await rows.nth(1).innerText();
  expect(bad).toContain('Erreur');
  expect(bad).toMatch(/Aucun .* avec ce numéro d'entreprise/);
  expect(bad).toContain(enterpriseNumber(899));
  await e2e.shot(page, 'census-screens-02-onyx-preview');
  await expectNoViolations(page, 'onyx-preview');
  // The preview wrote nothing.
  expect((await agent.record(closed.id)).version).toBe(closed.version);

  await page.getByRole('button', { name: 'Mettre à jour les dossiers (1)' }).click();
  await page.getByRole('heading', { name: 'Mise à jour terminée' }).waitFor();
  await page.getByText('1 dossier mis à jour').waitFor();
  await page.getByText('1 ligne non appliquée').waitFor();
  await e2e.shot(page, 'census-screens-03-onyx-done');
  await expectNoViolations(page, 'onyx-done');

  // The dossier, opened from the result, shows what Onyx reported.
  await page.locator('table.onyx-rows').getByRole('link', { name: 'Brasserie Onyx SA' }).click();
  await page.getByRole('heading', { name: 'Brasserie Onyx SA', level: 1 }).waitFor();
  const main = page.locator('.record-main');
  await page.waitForFunction(() => [...document.querySelectorAll('.record-main input')].some((i) => (i as HTMLInputElement).value === 'ART-E2E-802'));
  expect(await main.getByLabel('Article Onyx', { exact: true }).inputValue()).toBe('ART-E2E-802');
  expect(Number(await main.getByLabel('Montant payé', { exact: true }).inputValue())).toBe(1250.5);
  expect(await main.getByLabel('Payé le', { exact: true }).inputValue()).toBe('2026-03-02');
  expect(Number(await main.getByLabel('Arriérés', { exact: true }).inputValue())).toBe(80);
  expect((await agent.record(closed.id)).fields).toMatchObject({ onyx_article: 'ART-E2E-802', tax_paid_amount: 1250.5, tax_paid_on: '2026-03-02', arrears: 80 });
});

it('uploads two proofs of sending and shows, file by file, the dossier and what was done', async () => {
  const bakery = await signedDossier({ company_name: 'Boulangerie Peeters SRL', enterprise_number: '0403.170.701' });
  const garage = await signedDossier({ company_name: 'Garage du Midi SA', enterprise_number: '0417.497.106' });
  const page = await e2e.login('agent');
  await nav(page, 'Recommandés');
  await page.getByRole('heading', { name: 'Envois recommandés', level: 1 }).waitFor();
  expect(await page.getByLabel('Preuves de dépôt (envoi du recommandé)').isChecked()).toBe(true);
  await expectNoViolations(page, 'registered-mail');
  await page.getByLabel('Fichiers scannés').setInputFiles([
    { name: 'BE0403170701 RR473124829BE.pdf', mimeType: 'application/pdf', buffer: pdf('bakery') },
    { name: '0417.497.106 RR123456785BE.pdf', mimeType: 'application/pdf', buffer: pdf('garage') },
  ]);
  await page.getByText('2 fichiers choisis').waitFor();
  await page.getByRole('button', { name: 'Envoyer 2 fichiers' }).click();
  await page.getByRole('heading', { name: 'Résultat pour 2 fichiers' }).waitFor({ timeout: 60_000 });
  await page.getByText('2 fichiers traités').waitFor();
  const rows = page.locator('table.mail-results tbody tr');
  expect(await rows.count()).toBe(2);
  for (const [i, d, number] of [[0, bakery, 'RR473124829BE'], [1, garage, 'RR123456785BE']] as const) {
    const row = rows.nth(i);
    expect(await row.getByRole('link').getAttribute('href')).toBe(`#/record/${d.id}`);
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells[1]).toContain(d.title ?? '');
    expect(cells[1]).toContain(number);
    expect(cells[2]).toBe('Traité');
    expect(cells[3]).toContain(number);
    expect(cells[3]).toContain('15 jours');
  }
  await e2e.shot(page, 'census-screens-04-registered-mail');
  await expectNoViolations(page, 'registered-mail-done');
  expect(await agent.record(bakery.id)).toMatchObject({ states: ['awaiting-return'], fields: { registered_number: 'RR473124829BE' } });

  // The late returns are one link away.
  await page.getByRole('link', { name: 'Voir les dossiers dont le retour est en retard' }).first().click();
  await page.waitForFunction(() => window.location.hash === '#/records/dossier?view=late-returns');
  await page.getByRole('navigation', { name: 'Vues enregistrées' }).waitFor();
});

it('shows the census figures of this month to the tax manager, with the companies in arrears and the workbook', async () => {
  const page = await e2e.login('manager');
  await nav(page, 'Chiffres du recensement');
  await page.getByRole('heading', { name: 'Chiffres du recensement', level: 1 }).waitFor();
  await page.locator('table.figures-table tbody tr').first().waitFor();
  const now = new Date();
  const month = new Intl.DateTimeFormat('fr-BE', { month: 'long', year: 'numeric', timeZone: 'Europe/Brussels' }).format(now);
  const row = page.locator('table.figures-table tbody tr').filter({ has: page.getByRole('rowheader', { name: month, exact: true }) });
  const cells = await row.locator('td').allInnerTexts();
  // Created this month: every dossier of this test.
  expect(cells[0]).toBe(String(created));
  expect(created).toBe(4);
  // The closed dossier; its letter and the two mailed by proof.
  expect(cells[3]).toBe('1');
  expect(cells[5]).toBe('3');
  const arrears = plain(await page.getByRole('region', { name: 'Entreprises avec arriérés' }).innerText());
  expect(arrears).toContain('Brasserie Onyx SA');
  expect(arrears).toContain(euros(80, 'fr-BE'));
  await e2e.shot(page, 'census-screens-05-figures');
  await expectNoViolations(page, 'figures');

  const link = page.getByRole('link', { name: 'Télécharger les chiffres (.xlsx)' });
  const href = (await link.getAttribute('href')) ?? '';
  expect(href).toMatch(/^\/api\/reports\/census\.xlsx\?from=\d{4}-01-01&to=\d{4}-\d{2}-\d{2}&by=month$/);
  const res = await page.context().request.get(`${e2e.url}${href}`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe(XLSX);
  const body = await res.body();
  expect(body.subarray(0, 4).equals(ZIP_MAGIC)).toBe(true);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['Chiffres - Cijfers', 'Arriérés - Achterstallen']);

  // By quarter: one row per quarter of the year so far, the link following the choice.
  await page.getByLabel('Regrouper par').selectOption('quarter');
  await page.getByRole('button', { name: 'Afficher les chiffres' }).click();
  const [year, monthNumber] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(now).split('-').map(Number) as [number, number];
  await page.getByRole('rowheader', { name: `T${Math.ceil(monthNumber / 3)} ${year}`, exact: true }).waitFor();
  expect(await link.getAttribute('href')).toMatch(/by=quarter$/);

  // Other roles do not see the page.
  const agentPage = await e2e.login('agent');
  expect(await agentPage.getByRole('navigation', { name: /Navigation/ }).getByRole('link', { name: 'Chiffres du recensement' }).count()).toBe(0);
  await agentPage.goto(`${e2e.url}/#/census/figures`);
  await agentPage.getByRole('alert').getByText('Seuls les responsables du service Taxes').waitFor();
});

it('shows the letters panel, the Onyx page, registered mail and the figures entirely in Dutch', async () => {
  const page = await e2e.login('agent-nl');
  const d = await createDossier({ company_name: 'Drukkerij Peeters BV', enterprise_number: enterpriseNumber(803), language: 'nl' });
  await page.goto(`${e2e.url}/#/record/${d.id}`);
  const panel = page.getByRole('region', { name: 'Brief genereren' });
  await panel.waitFor();
  await panel.getByLabel('Het belastingreglement bijvoegen').check();
  await panel.getByRole('button', { name: 'Brief genereren' }).click();
  await panel.getByText(/3 bestanden gegenereerd en aan het dossier toegevoegd/).waitFor({ timeout: 60_000 });
  await assertDutch(page, 'letters');

  await nav(page, 'Onyx');
  await page.getByRole('heading', { name: 'Onyx: export en bijwerking', level: 1 }).waitFor();
  await page.getByRole('link', { name: /Downloaden \(\.xlsx\)/ }).waitFor();
  await assertDutch(page, 'onyx');
  const file = await onyxFile([
    [enterpriseNumber(802), 'Brasserie Onyx SA', 2026, 'ART-E2E-802', 'twaalf euro', null, null],
  ]);
  await page.getByLabel('Onyx-bijwerkingsbestand (.xlsx)').setInputFiles({ name: 'onyx-nl.xlsx', mimeType: XLSX, buffer: file });
  await page.getByText('1 rij met fouten (overgeslagen)').waitFor();
  expect(await page.locator('table.onyx-rows tbody tr').innerText()).toContain('twaalf euro');
  await assertDutch(page, 'onyx-preview');
  await expectNoViolations(page, 'onyx-preview-nl');

  await nav(page, 'Aangetekende zendingen');
  await page.getByRole('heading', { name: 'Aangetekende zendingen', level: 1 }).waitFor();
  await page.getByLabel('Gescande bestanden').setInputFiles([{ name: 'scan-zonder-nummer.pdf', mimeType: 'application/pdf', buffer: pdf('nameless') }]);
  await page.getByRole('button', { name: '1 bestand verzenden' }).click();
  await page.getByRole('heading', { name: 'Resultaat voor 1 bestand' }).waitFor({ timeout: 60_000 });
  expect(await page.locator('table.mail-results tbody tr td').nth(1).innerText()).toBe('Geweigerd');
  await assertDutch(page, 'registered-mail');

  // The manager reads the figures in Dutch (the language switch is kept for the account).
  const manager = await e2e.login('manager');
  await manager.getByRole('button', { name: 'Nederlands' }).click();
  await nav(manager, 'Cijfers van de telling');
  await manager.getByRole('heading', { name: 'Cijfers van de telling', level: 1 }).waitFor();
  await manager.locator('table.figures-table tbody tr').first().waitFor();
  await assertDutch(manager, 'figures');
  await expectNoViolations(manager, 'figures-nl');
  await manager.getByRole('button', { name: 'Français' }).click();
});

// --- Dutch screens: no interface key, no French text (tests/e2e/language-check.ts) ---

const DUTCH_CHECK: DutchScreenCheck = {
  /** Keys of the census-extra namespace (and the others) that would show untranslated. */
  keyPattern: /\b(?:letters|onyx|figures|mail|nav|list|columns|value|error)\.[a-z][A-Za-z]+\b/,
  // Headers quoted from the spreadsheet (.file-column), file names and the user's own name
  // (Marc Responsable) are data, not the interface.
  userData: { selector: '.file-column, header.top .user', fileNames: true },
};

async function assertDutch(page: Page, screen: string): Promise<void> {
  await e2e.shot(page, `census-screens-nl-${screen}`);
  await expectDutchScreen(page, screen, DUTCH_CHECK);
}
