/**
 * The Onyx export (TR-29, issue 5 part 9) over HTTP: dossiers walked to their closed states, the
 * workbook read back with exceljs, its columns in the pack's order, codes rather than labels,
 * open dossiers left out, and the export closed to users who may not read dossiers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'yaml';
import { ApiClient, loggedIn, PACK_DIR, type RecordView } from '../api/api-harness';
import { censusServer, company, setTaxesAfterDeadlines, toAnalysis, toClosedCompliant, toClosedMatching, toNotified, type Census } from './census-walk';

interface ExportItem { id: string; label: { fr: string; nl: string }; headers: string[]; update: { key: string; columns: string[] } | null }

let c: Census;
let matching: RecordView;
let compliant: RecordView;
let taxed: RecordView;
let open: RecordView;
let analysing: RecordView;

const declared = parse(readFileSync(join(PACK_DIR, 'exports.yaml'), 'utf8')) as { exports: { onyx: { sheet: string; columns: Array<{ header: string; field: string }> } } };
const onyx = declared.exports.onyx;

beforeAll(async () => {
  c = await censusServer();
  const notified = await toNotified(c, company(3, { company_name: 'Enseignes Lumineuses SA', legal_form: 'SA', tax_regulation: 'signage' }), 1800);
  matching = await toClosedMatching(c, company(1, { tax_regulation: 'parking' }), 2500.75);
  compliant = await toClosedCompliant(c, company(2, { tax_regulation: 'terraces', registered_office: { street: 'Rue Haute', number: '12', box: '3', postalCode: '1000', city: 'Bruxelles', country: 'BE' } }));
  [taxed] = (await setTaxesAfterDeadlines(c, [notified.id])) as [RecordView];
  open = await c.agent.send((await c.agent.create(company(4))).id, 'prepare');
  analysing = await toAnalysis(c, company(5));
}, 60_000);

afterAll(async () => {
  await c.server.close();
});

async function download(client: ApiClient, path: string): Promise<{ status: number; type: string | null; disposition: string | null; body: Buffer }> {
  const res = await fetch(c.server.url + path, { headers: client.cookie ? { cookie: client.cookie } : {} });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: Buffer.from(await res.arrayBuffer()) };
}

async function sheetOf(body: Buffer): Promise<{ name: string; headers: string[]; rows: Map<string, Record<string, unknown>> }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no worksheet');
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows = new Map<string, Record<string, unknown>>();
  for (let r = 2; r <= ws.rowCount; r++) {
    const values = (ws.getRow(r).values as unknown[]).slice(1);
    const row: Record<string, unknown> = {};
    headers.forEach((h, i) => {
      row[h] = values[i] ?? null;
    });
    rows.set(String(row['Référence']), row);
  }
  return { name: ws.name, headers, rows };
}

describe('GET /api/exports', () => {
  it('lists the Onyx export with its columns for those who may read dossiers, and nothing for others', async () => {
    const res = await c.agent.get<{ items: ExportItem[] }>('/api/exports');
    expect(res.status).toBe(200);
    const item = res.body.items.find((x) => x.id === 'onyx');
    expect(item?.label).toMatchObject({ fr: 'Export Onyx (données fiscales)', nl: 'Onyx-export (fiscale gegevens)' });
    expect(item?.headers).toEqual(onyx.columns.map((col) => col.header));
    expect(item?.update?.key).toBe("Numéro d'entreprise");
    // The alderman reads dossiers (so exports) but changes none (so no update file).
    const alderman = await c.alderman.get<{ items: ExportItem[] }>('/api/exports');
    expect(alderman.body.items.find((x) => x.id === 'onyx')?.update).toBeNull();
    const author = await loggedIn(c.server.url, 'author');
    expect((await author.get<{ items: ExportItem[] }>('/api/exports')).body.items).toEqual([]);
  });
});

describe('GET /api/exports/onyx.xlsx', () => {
  it('writes the closed dossiers in the pack’s column order, with numbers, dates and codes', async () => {
    const res = await download(c.manager, '/api/exports/onyx.xlsx');
    expect(res.status).toBe(200);
    expect(res.type).toContain('spreadsheetml.sheet');
    expect(res.disposition).toContain('onyx.xlsx');
    const sheet = await sheetOf(res.body);
    expect(sheet.name).toBe(onyx.sheet);
    expect(sheet.headers).toEqual(onyx.columns.map((col) => col.header));
    // Only the dossiers whose census is over: not the one being prepared, nor the one in analysis.
    expect([...sheet.rows.keys()].sort()).toEqual([matching.id, compliant.id, taxed.id].sort());
    expect(sheet.rows.has(open.id)).toBe(false);
    expect(sheet.rows.has(analysing.id)).toBe(false);

    const t = sheet.rows.get(taxed.id) ?? {};
    expect(t).toMatchObject({
      "Numéro d'entreprise": taxed.fields['enterprise_number'], 'Dénomination': 'Enseignes Lumineuses SA', 'Forme juridique': 'SA',
      'Rue': 'Rue de la Loi', 'Numéro': '3', 'Code postal': '1000', 'Commune': 'Bruxelles',
      // Codes, as Onyx wants them, not the labels.
      'Règlement-taxe': 'signage', 'Résultat': 'false-declaration', 'Statut': 'closed',
      'Montant déclaré': 1000, 'Base d\'office': 1800, 'Majoration': 2, 'Montant à enrôler': 3600,
    });
    // An Excel date, showing the Brussels wall-clock time of the enrolment.
    const setOn = t["Date d'enrôlement"];
    expect(setOn).toBeInstanceOf(Date);
    const brussels = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(String(taxed.fields['tax_set_on'])));
    expect((setOn as Date).toISOString().slice(0, 16).replace('T', ' ')).toBe(brussels);

    const m = sheet.rows.get(matching.id) ?? {};
    expect(m).toMatchObject({ 'Règlement-taxe': 'parking', 'Résultat': 'matches', 'Montant déclaré': 2500.75, 'Statut': 'closed' });
    // Not taxed: the tax columns stay empty rather than 0.
    expect(m['Montant à enrôler']).toBeNull();
    expect(m["Date d'enrôlement"]).toBeNull();
    const k = sheet.rows.get(compliant.id) ?? {};
    expect(k).toMatchObject({ 'Résultat': 'unclear', 'Règlement-taxe': 'terraces', 'Rue': 'Rue Haute', 'Numéro': '12' });
  });

  it('writes a selection only, and refuses ids outside the export in French and Dutch', async () => {
    const one = await download(c.agent, `/api/exports/onyx.xlsx?ids=${matching.id}`);
    expect(one.status).toBe(200);
    expect([...(await sheetOf(one.body)).rows.keys()]).toEqual([matching.id]);

    const bad = await c.agent.get(`/api/exports/onyx.xlsx?ids=${matching.id},${open.id}`);
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('not-exportable');
    const messages = bad.body.details['messages'] as { fr: string; nl: string };
    expect(messages.fr).toContain(open.id);
    expect(messages.nl).toContain('toestanden');
    expect(bad.body.details['ids']).toEqual([open.id]);
  });

  it('refuses users who may not read dossiers (403) and unknown exports (404), in their language', async () => {
    const author = await loggedIn(c.server.url, 'author');
    const res = await download(author, '/api/exports/onyx.xlsx');
    expect(res.status).toBe(403);
    const body = JSON.parse(res.body.toString('utf8')) as { code: string; message: string; details: { messages: { fr: string; nl: string } } };
    expect(body.code).toBe('forbidden');
    expect(body.details.messages.fr).toContain('Dossiers de recensement');
    expect(body.details.messages.nl).toContain('Tellingsdossiers');
    const unknown = await c.agent.get('/api/exports/belastingen.xlsx');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('unknown-export');
    expect((await download(new ApiClient(c.server.url), '/api/exports/onyx.xlsx')).status).toBe(401);
  });
});

