/**
 * The Onyx update file read back (TR-29, issue 5 part 9) over HTTP: the article, what was paid and
 * the arrears written to the dossiers by one `update` event each; bad rows explained in French and
 * Dutch; the same file twice, two commits at once and a zip bomb change nothing they should not.
 */
import ExcelJS from 'exceljs';
import { DEFAULT_IMPORT_LIMITS } from '../../runtime/services/belfirst-import.service';
import { UpdateFileService, type UpdateCommit, type UpdatePreview, type UpdateRowPreview } from '../../runtime/services/onyx-update.service';
import { zipBomb } from '../census-import/belfirst-fixtures';
import type { ApiClient, ErrorBody, RecordView } from '../api/api-harness';
import { censusServer, company, enterpriseNumber, toClosedMatching, type Census } from './census-walk';

const HEADERS = ["Numéro d'entreprise", 'Dénomination', 'Exercice', 'Article', 'Montant payé', 'Date de paiement', 'Arriérés'];

let c: Census;
const d: Record<string, RecordView> = {};

beforeAll(async () => {
  c = await censusServer();
  for (const i of [11, 12, 13, 14, 16, 17, 17, 18, 19]) {
    const r = await c.agent.create(company(i));
    d[d[`d${i}`] ? `d${i}bis` : `d${i}`] = r;
  }
  d['d15'] = await toClosedMatching(c, company(15));
}, 60_000);

afterAll(async () => {
  await c.server.close();
});

/** An Onyx-like workbook: a title row, the header row, the rows. */
async function onyxFile(rows: unknown[][], headers: string[] = HEADERS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Onyx');
  ws.addRow(['Onyx — situation des articles au 31/03/2026']);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload<T>(client: ApiClient, step: 'preview' | 'commit', file: Buffer, name = 'onyx-update.xlsx'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${c.server.url}/api/exports/onyx/update/${step}?filename=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(client.cookie ? { cookie: client.cookie } : {}) },
    body: new Uint8Array(file),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const digits = (n: string): number => Number(n.replace(/\./g, ''));
const at = (p: UpdatePreview, row: number): UpdateRowPreview => {
  const r = p.rows.find((x) => x.row === row);
  if (!r) throw new Error(`no row ${row} in ${JSON.stringify(p.rows.map((x) => x.row))}`);
  return r;
};
const updatesOf = async (id: string): Promise<number> => (await c.agent.history(id)).filter((h) => h.eventType === 'update').length;

let mixed: Buffer;

describe('preview', () => {
  it('matches rows on the enterprise number, says what would change, and explains every bad row in French and Dutch', async () => {
    mixed = await onyxFile([
      /* 3 */ [enterpriseNumber(11), 'Société 11 SRL', 2026, 'ART-2026-011', 1250.5, new Date(Date.UTC(2026, 2, 2)), 0],
      // A number cell that lost its leading zero; Belgian text forms of an amount and a date.
      /* 4 */ [digits(enterpriseNumber(12)), 'Société 12 SRL', 2026, 'ART-2026-012', '1.234,56', '14/03/2026', '120,50'],
      /* 5 */ ['0403.170.702', 'Mauvais numéro SA', 2026, 'ART-X', 10, null, null],
      /* 6 */ [enterpriseNumber(999), 'Inconnue SA', 2026, 'ART-Y', 10, null, null],
      /* 7 */ [enterpriseNumber(13), 'Société 13 SRL', 2026, 'ART-2026-013', 'douze euros', null, null],
      /* 8 */ [enterpriseNumber(15), 'Société 15 SRL', 2026, 'ART-2026-015', 300, null, 0],
      /* 9 */ [enterpriseNumber(16), 'Société 16 SRL', 2026, 'ART-2026-016', 10, null, null],
      /* 10 */ [enterpriseNumber(16), 'Société 16 SRL', 2026, 'ART-2026-016b', 20, null, null],
      /* 11 */ [enterpriseNumber(17), 'Société 17 SRL', 2026, 'ART-2026-017', 10, null, null],
      /* 12 */ [enterpriseNumber(14), 'Société 14 SRL', 2026, 'ART-2026-014', -5, null, null],
    ]);
    const versions = await Promise.all(Object.values(d).map(async (r) => (await c.agent.record(r.id)).version));
    const res = await upload<UpdatePreview>(c.agent, 'preview', mixed);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.columns).toMatchObject({ key: "Numéro d'entreprise", unknown: [], missing: [], ignored: ['Dénomination', 'Exercice'] });
    expect(p.rows.map((r) => [r.row, r.status])).toEqual([
      [3, 'update'], [4, 'update'], [5, 'error'], [6, 'error'], [7, 'error'], [8, 'update'], [9, 'error'], [10, 'error'], [11, 'error'], [12, 'error'],
    ]);
    expect(at(p, 3)).toMatchObject({ recordId: d['d11']?.id, key: enterpriseNumber(11), title: 'Société 11 SRL' });
    expect(at(p, 3).changes).toEqual([
      { field: 'onyx_article', column: 'Article', before: null, after: 'ART-2026-011' },
      { field: 'tax_paid_amount', column: 'Montant payé', before: null, after: 1250.5 },
      { field: 'tax_paid_on', column: 'Date de paiement', before: null, after: '2026-03-02' },
      { field: 'arrears', column: 'Arriérés', before: null, after: 0 },
    ]);
    expect(at(p, 4)).toMatchObject({ recordId: d['d12']?.id, key: enterpriseNumber(12) });
    expect(Object.fromEntries(at(p, 4).changes.map((x) => [x.field, x.after]))).toEqual({ onyx_article: 'ART-2026-012', tax_paid_amount: 1234.56, tax_paid_on: '2026-03-14', arrears: 120.5 });

    const bad = at(p, 5).errors[0];
    expect(bad).toMatchObject({ field: 'enterprise_number', column: "Numéro d'entreprise" });
    expect(bad?.fr).toContain('chiffres de contrôle');
    expect(bad?.nl).toContain('controlecijfers');
    expect(at(p, 6).errors[0]).toMatchObject({ code: 'unknown-key' });
    expect(at(p, 6).errors[0]?.fr).toContain(enterpriseNumber(999));
    expect(at(p, 6).errors[0]?.nl).toContain('Geen tellingsdossier');
    expect(at(p, 7).errors[0]).toMatchObject({ code: 'not-an-amount', field: 'tax_paid_amount', column: 'Montant payé' });
    expect(at(p, 7).errors[0]?.fr).toContain('douze euros');
    expect(at(p, 7).errors[0]?.nl).toContain('Het bedrag');
    // A closed dossier still takes what Onyx reports (its final state lists those fields as updatable).
    expect(at(p, 8)).toMatchObject({ recordId: d['d15']?.id, states: ['closed-matching'], errors: [] });
    expect(at(p, 8).changes.map((x) => x.field)).toEqual(['onyx_article', 'tax_paid_amount', 'arrears']);
    expect(at(p, 9).errors[0]).toMatchObject({ code: 'duplicate-key' });
    expect(at(p, 9).duplicateOf).toEqual([10]);
    expect(at(p, 10).duplicateOf).toEqual([9]);
    expect(at(p, 11).errors[0]?.code).toBe('ambiguous-key');
    expect(at(p, 11).errors[0]?.fr).toContain(d['d17bis']?.id);
    expect(at(p, 12).errors[0]).toMatchObject({ code: 'below-minimum', field: 'tax_paid_amount' });
    expect(p.totals).toEqual({ rows: 10, update: 3, unchanged: 0, error: 7 });
    // Nothing written.
    expect(await Promise.all(Object.values(d).map(async (r) => (await c.agent.record(r.id)).version))).toEqual(versions);
  });

  it('flags a value in a column the pack does not declare, and not the rows that leave it empty', async () => {
    const file = await onyxFile([
      [enterpriseNumber(18), 'Société 18 SRL', 2026, 'ART-2026-018', 10, null, null, 'à vérifier'],
      [enterpriseNumber(19), 'Société 19 SRL', 2026, 'ART-2026-019', 10, null, null, null],
    ], [...HEADERS, 'Commentaire']);
    const { body } = await upload<UpdatePreview>(c.manager, 'preview', file);
    expect(body.columns.unknown).toEqual(['Commentaire']);
    expect(body.rows.map((r) => r.status)).toEqual(['error', 'update']);
    expect(body.rows[0]?.errors[0]).toMatchObject({ code: 'unknown-column', column: 'Commentaire' });
    expect(body.rows[0]?.errors[0]?.fr).toContain('Colonne inconnue « Commentaire »');
    expect(body.rows[0]?.errors[0]?.nl).toContain('Onbekende kolom "Commentaire"');
  });
});

describe('commit', () => {
  it('applies the valid rows by one update event each, and the same file a second time changes nothing', async () => {
    const first = await upload<UpdateCommit>(c.agent, 'commit', mixed);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ updated: 3, errors: 7, unchanged: 0 });
    const r11 = await c.agent.record(d['d11']?.id ?? '');
    expect(r11.fields).toMatchObject({ onyx_article: 'ART-2026-011', tax_paid_amount: 1250.5, tax_paid_on: '2026-03-02', arrears: 0 });
    const r12 = await c.agent.record(d['d12']?.id ?? '');
    expect(r12.fields).toMatchObject({ onyx_article: 'ART-2026-012', tax_paid_amount: 1234.56, tax_paid_on: '2026-03-14', arrears: 120.5 });
    // One event in the history, with every field it changed.
    const h = await c.agent.history(r11.id);
    const last = h[h.length - 1];
    expect(last).toMatchObject({ eventType: 'update', actor: 'u-agent' });
    expect(last?.changes.map((x) => x.field).sort()).toEqual(['arrears', 'onyx_article', 'tax_paid_amount', 'tax_paid_on']);
    expect(await updatesOf(r11.id)).toBe(1);
    // Nothing for the rows in error; the closed dossier got its payment data and stays closed.
    expect((await c.agent.record(d['d13']?.id ?? '')).fields['onyx_article']).toBeUndefined();
    expect(await c.agent.record(d['d15']?.id ?? '')).toMatchObject({ done: true, states: ['closed-matching'], fields: { onyx_article: 'ART-2026-015', tax_paid_amount: 300, arrears: 0 } });

    const again = await upload<UpdateCommit>(c.agent, 'commit', mixed);
    expect(again.body).toMatchObject({ updated: 0, unchanged: 3, errors: 7 });
    expect((await c.agent.record(r11.id)).version).toBe(r11.version);
    expect(await updatesOf(r11.id)).toBe(1);
    expect(await updatesOf(r12.id)).toBe(1);
  });

  it('applies a file committed by two users at the same moment once', async () => {
    const file = await onyxFile([
      [enterpriseNumber(11), 'Société 11 SRL', 2026, 'ART-2026-011', 1250.5, new Date(Date.UTC(2026, 2, 2)), 80],
      [enterpriseNumber(13), 'Société 13 SRL', 2026, 'ART-2026-013', 99.9, new Date(Date.UTC(2026, 3, 1)), null],
    ], HEADERS);
    const before11 = await updatesOf(d['d11']?.id ?? '');
    const [a, b] = await Promise.all([upload<UpdateCommit>(c.agent, 'commit', file), upload<UpdateCommit>(c.manager, 'commit', file)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.updated + b.body.updated).toBe(2);
    expect(a.body.unchanged + b.body.unchanged).toBe(2);
    expect(await updatesOf(d['d11']?.id ?? '')).toBe(before11 + 1);
    expect(await updatesOf(d['d13']?.id ?? '')).toBe(1);
    expect((await c.agent.record(d['d11']?.id ?? '')).fields['arrears']).toBe(80);
  });

  it('applies each row once when two processes commit the same file (idempotency keys)', async () => {
    const file = await onyxFile([[enterpriseNumber(19), 'Société 19 SRL', 2026, 'ART-2026-019', 42, new Date(Date.UTC(2026, 4, 5)), 7]]);
    const rt = c.server.runtime;
    // Two services, two queues: as two runtime processes on one store would be.
    const one = new UpdateFileService({ store: rt.store, packs: rt.packs, records: rt.records, clock: Date.now });
    const two = new UpdateFileService({ store: rt.store, packs: rt.packs, records: rt.records, clock: Date.now });
    const actor = { id: 'u-agent', roles: ['census-agent'] };
    const results = await Promise.all([one.commit(actor, 'onyx', file, 'a.xlsx'), two.commit(actor, 'onyx', file, 'a.xlsx')]);
    expect(results.every((r) => r.errors === 0)).toBe(true);
    expect(await updatesOf(d['d19']?.id ?? '')).toBe(1);
    expect((await c.agent.record(d['d19']?.id ?? '')).fields).toMatchObject({ onyx_article: 'ART-2026-019', tax_paid_amount: 42, arrears: 7 });
  });
});

describe('refusals', () => {
  it('refuses a zip bomb by its declared size, before unzipping it, in French and Dutch', async () => {
    const bomb = await zipBomb(DEFAULT_IMPORT_LIMITS.maxUncompressedBytes + 1024 * 1024);
    expect(bomb.length).toBeLessThan(1_000_000);
    const t0 = Date.now();
    const res = await upload<ErrorBody>(c.agent, 'commit', bomb, 'bomb.xlsx');
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('uncompressed-too-large');
    const m = res.body.details['messages'] as { fr: string; nl: string };
    expect(m.fr).toContain('sans être ouvert');
    expect(m.nl).toContain('zonder het te openen');
    // Refused from its directory: no time spent inflating 200 MB.
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('refuses a file without the key column, an empty body, an unreadable file, and users who may not change dossiers', async () => {
    const noKey = await upload<ErrorBody>(c.agent, 'preview', await onyxFile([['x', 1]], ['Dénomination', 'Article']));
    expect(noKey.status).toBe(422);
    expect(noKey.body.code).toBe('missing-columns');
    expect((noKey.body.details['messages'] as { nl: string }).nl).toContain("Numéro d'entreprise");
    const empty = await upload<ErrorBody>(c.agent, 'preview', Buffer.alloc(0));
    expect([empty.status, empty.body.code]).toEqual([422, 'empty-file']);
    const junk = await upload<ErrorBody>(c.agent, 'preview', Buffer.from('not a spreadsheet at all'));
    expect([junk.status, junk.body.code]).toEqual([422, 'unreadable-file']);
    const alderman = await upload<ErrorBody>(c.alderman, 'commit', mixed);
    expect(alderman.status).toBe(403);
    expect((alderman.body.details['messages'] as { fr: string; nl: string }).nl).toContain('bijwerkingsbestand');
  });
});
