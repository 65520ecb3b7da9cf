/**
 * The Belfirst import (TR-28, TR-40): preview, commit, limits, the watched folder and the API.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BelfirstImportService, DEFAULT_IMPORT_LIMITS, ImportRefusal, splitAddressLine } from '../../runtime/services/belfirst-import.service';
import { checkZipDeclaredSize, ZipCheckError } from '../../runtime/services/xlsx-guard';
import { eventually, loggedIn, startTestServer, type TestServer } from '../api/api-harness';
import { bigWorkbookFile, companyRow, enterpriseNumber, HEADERS, workbook, zipBomb } from './belfirst-fixtures';

let srv: TestServer;
let watchDir: string;

beforeAll(async () => {
  watchDir = mkdtempSync(join(tmpdir(), 'belfirst-watch-'));
  srv = await startTestServer({ BELFIRST_WATCH_DIR: watchDir, BELFIRST_WATCH_POLL_MS: '50' });
});
afterAll(async () => {
  await srv.close();
  rmSync(watchDir, { recursive: true, force: true });
});

const AGENT = { id: 'u-agent', roles: ['census-agent'] };

function service(limits: Partial<typeof DEFAULT_IMPORT_LIMITS> = {}): BelfirstImportService {
  return new BelfirstImportService({ store: srv.runtime.store, packs: srv.runtime.packs, records: srv.runtime.records, clock: Date.now, logFile: null, limits });
}

function dossierCount(): number {
  return srv.runtime.store.listInstances({ recordTypes: ['dossier'], filters: {}, sort: 'createdAt', direction: 'asc', limit: 1, offset: 0 }).total;
}

async function refusal(p: Promise<unknown>): Promise<ImportRefusal> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ImportRefusal) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
}

describe('preview', () => {
  it('gives a status per row, flags bad enterprise numbers and missing names in FR/NL, reports unknown columns, writes nothing', async () => {
    const before = dossierCount();
    const file = await workbook(
      [companyRow(1), ['Mauvais numéro SA', '0403.170.702', 'SA', 'Rue Haute 5', 1000, 'Bruxelles', '47.110', 'x'], ['', enterpriseNumber(3), 'SRL', 'Rue Basse 7', 1000, 'Bruxelles', '', ''], companyRow(1)],
      { headers: [...HEADERS, 'Chiffre d’affaires'] },
    );
    const p = await service().preview('belfirst', file, 'export.xlsx');
    expect(p.columns.unknown).toEqual(['Chiffre d’affaires']);
    expect(p.columns.missing).toEqual(expect.arrayContaining(['Numéro de TVA', 'E-mail']));
    expect(p.rows.map((r) => [r.row, r.status])).toEqual([[2, 'new'], [3, 'error'], [4, 'error'], [5, 'duplicate']]);
    expect(p.rows[0]?.key).toBe(enterpriseNumber(1));
    const bad = p.rows[1]?.errors[0];
    expect(bad?.field).toBe('enterprise_number');
    expect(bad?.fr).toMatch(/contrôle|entreprise/i);
    expect(bad?.nl).toMatch(/controle|ondernemingsnummer/i);
    const noName = p.rows[2]?.errors[0];
    expect(noName).toMatchObject({ field: 'company_name', code: 'required' });
    expect(noName?.fr).toContain('manquant');
    expect(noName?.nl).toContain('ontbreekt');
    expect(p.rows[3]?.duplicateOf).toBe(2);
    expect(p.totals).toEqual({ rows: 4, new: 1, existing: 0, duplicate: 1, error: 2 });
    expect(dossierCount()).toBe(before);
  });

  it('refuses a file without the required columns (422), naming them', async () => {
    const file = await workbook([['Société X', 'SA']], { headers: ['Nom', 'Forme juridique', 'Colonne bizarre'] });
    const r = await refusal(service().preview('belfirst', file, 'x.xlsx'));
    expect(r.status).toBe(422);
    expect(r.code).toBe('missing-columns');
    expect(r.localized.fr).toContain("Numéro d'entreprise");
    expect(r.details['unknown']).toEqual(['Colonne bizarre']);
  });

  it('uses the cached result of formulas', async () => {
    const file = await workbook([], {
      edit: (ws) => {
        const row = ws.addRow([]);
        row.getCell(1).value = { formula: 'CONCATENATE("Formule ","SA")', result: 'Formule SA' };
        row.getCell(2).value = { formula: 'TEXT(403170701,"0000000000")', result: '0403170701' };
        row.getCell(4).value = 'Avenue Louise 54 bte 3';
        row.getCell(5).value = { formula: '500*2', result: 1000 };
        row.getCell(6).value = 'Bruxelles';
      },
    });
    const p = await service().preview('belfirst', file, 'f.xlsx');
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]).toMatchObject({ status: 'new', key: '0403.170.701', name: 'Formule SA' });
  });

  it('handles merged cells: a merged title above the header, a commune merged down several rows', async () => {
    const file = await workbook([companyRow(11), companyRow(12).map((v, i) => (i === 5 ? null : v)), companyRow(13).map((v, i) => (i === 5 ? null : v))], {
      title: 'Belfirst — export du 27/11/2026',
      edit: (ws) => {
        ws.mergeCells('A1:G1');
        ws.mergeCells('F3:F5');
      },
    });
    const svc = service();
    const p = await svc.preview('belfirst', file, 'merged.xlsx');
    expect(p.rows.map((r) => r.status)).toEqual(['new', 'new', 'new']);
    const c = await svc.commit(AGENT, 'belfirst', file, 'merged.xlsx');
    expect(c.created).toBe(3);
    const id = c.rows[2]?.recordId ?? '';
    const rec = srv.runtime.store.getInstance(id);
    expect(rec?.snapshot.context.fields['registered_office']).toMatchObject({ street: 'Rue de la Loi', number: '14', postalCode: '1000', city: 'Bruxelles' });
  });

  it('splits an address line into street, number and box', () => {
    expect(splitAddressLine('Avenue Louise 54 bte 3')).toEqual({ street: 'Avenue Louise', number: '54', box: '3' });
    expect(splitAddressLine('Rue Haute, 12A')).toEqual({ street: 'Rue Haute', number: '12A' });
  });
});

describe('commit', () => {
  it('creates one dossier per company, nothing twice on re-import, and notifies the role once', async () => {
    const rows = [companyRow(21), companyRow(22), companyRow(23), ['Erreur SA', '0123.456.789', 'SA', 'Rue X 1', 1000, 'Bruxelles', '']];
    const file = await workbook(rows);
    const svc = service();
    const before = dossierCount();
    const first = await svc.commit(AGENT, 'belfirst', file, 'belfirst-nov.xlsx');
    expect(first).toMatchObject({ created: 3, errors: 1, notified: true });
    expect(dossierCount()).toBe(before + 3);
    const second = await svc.commit(AGENT, 'belfirst', file, 'belfirst-nov.xlsx');
    expect(second).toMatchObject({ created: 0, skipped: 3, errors: 1, notified: false });
    expect(second.totals.existing).toBe(3);
    expect(dossierCount()).toBe(before + 3);
    // Same companies, number written differently: still matched.
    const other = await workbook([companyRow(21).map((v, i) => (i === 1 ? String(v).replace(/\./g, '') : v))]);
    expect((await svc.commit(AGENT, 'belfirst', other, 'again.xlsx')).created).toBe(0);

    const notes = srv.runtime.store.listDeliveries('notification', 100).filter((n) => n['import'] === 'belfirst' && n['fileName'] === 'belfirst-nov.xlsx');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ role: 'census-agent', subject: '3 dossiers prêts / 3 dossiers klaar' });
    const log = svc.log();
    expect(log[0]).toMatchObject({ actor: 'u-agent', fileName: 'belfirst-nov.xlsx', created: 3, errors: 1, rows: 4 });
    expect(log[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(log).toHaveLength(3);
  });
});

describe('limits', () => {
  it('refuses a zip bomb by its central directory, without inflating it', async () => {
    const bomb = await zipBomb(20 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(100_000);
    // The directory check reads headers only, and runs before any entry is inflated.
    expect(() => checkZipDeclaredSize(bomb, 5 * 1024 * 1024)).toThrow(ZipCheckError);
    const r = await refusal(service({ maxUncompressedBytes: 5 * 1024 * 1024 }).preview('belfirst', bomb, 'bomb.xlsx'));
    expect(r.status).toBe(413);
    expect(r.code).toBe('uncompressed-too-large');
    expect(r.details).toMatchObject({ problem: 'too-large-uncompressed', declaredBytes: 20 * 1024 * 1024 });
    expect(r.localized.fr).toContain('refusé sans être ouvert');
    expect(r.localized.nl).toContain('geweigerd');
  });

  it('refuses a zip whose directory lies about the size, at the cap', async () => {
    const liar = await zipBomb(20 * 1024 * 1024, 1000);
    const r = await refusal(service({ maxUncompressedBytes: 5 * 1024 * 1024 }).preview('belfirst', liar, 'liar.xlsx'));
    expect(r.status).toBe(413);
    expect(r.details['problem']).toBe('lying-sizes');
  });

  it('refuses a file over the size limit, and a file that is not a workbook', async () => {
    const file = await workbook([companyRow(1)]);
    const big = await refusal(service({ maxFileBytes: 1000 }).preview('belfirst', file, 'a.xlsx'));
    expect([big.status, big.code]).toEqual([413, 'file-too-large']);
    const junk = await refusal(service().preview('belfirst', Buffer.from('Nom;Numéro\nA;B\n'), 'a.csv'));
    expect([junk.status, junk.code]).toEqual([422, 'unreadable-file']);
  });

  it('refuses more rows than the limit (100,000 by default) with a clear message', async () => {
    expect(DEFAULT_IMPORT_LIMITS.maxRows).toBe(100_000);
    const dir = mkdtempSync(join(tmpdir(), 'belfirst-rows-'));
    try {
      const path = join(dir, 'rows.xlsx');
      await bigWorkbookFile(path, 101);
      const svc = service({ maxRows: 100 });
      const r = await refusal(svc.preview('belfirst', readFileSync(path), 'rows.xlsx'));
      expect([r.status, r.code]).toEqual([413, 'too-many-rows']);
      expect(r.localized.fr).toContain('plus de 100 lignes');
      expect(r.localized.nl).toContain('meer dan 100 rijen');
      await bigWorkbookFile(path, 100);
      expect((await svc.preview('belfirst', readFileSync(path), 'rows.xlsx')).totals.rows).toBe(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the default row limit', () => {
  it('refuses a real 100,001-row file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'belfirst-100k-'));
    try {
      const path = join(dir, 'rows.xlsx');
      await bigWorkbookFile(path, 100_001, 1, true);
      const r = await refusal(service().preview('belfirst', readFileSync(path), 'rows.xlsx'));
      expect([r.status, r.code]).toEqual([413, 'too-many-rows']);
      expect(r.localized.fr).toMatch(/plus de 100.000 lignes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('watched folder', () => {
  it('imports a dropped .xlsx as the system and moves it to done/ with a log; a bad one to failed/', async () => {
    const file = await workbook([companyRow(41), companyRow(42)]);
    writeFileSync(join(watchDir, 'drop.tmp'), file);
    renameSync(join(watchDir, 'drop.tmp'), join(watchDir, 'belfirst-dec.xlsx'));
    writeFileSync(join(watchDir, 'broken.xlsx'), 'not a zip');
    await eventually(async () => (existsSync(join(watchDir, 'done', 'belfirst-dec.xlsx.log')) && existsSync(join(watchDir, 'failed', 'broken.xlsx.log')) ? true : null), 10_000);
    const log = JSON.parse(readFileSync(join(watchDir, 'done', 'belfirst-dec.xlsx.log'), 'utf8')) as Record<string, unknown>;
    expect(log).toMatchObject({ ok: true, created: 2 });
    const failed = JSON.parse(readFileSync(join(watchDir, 'failed', 'broken.xlsx.log'), 'utf8')) as Record<string, unknown>;
    expect(failed).toMatchObject({ ok: false, code: 'unreadable-file' });
    expect(readdirSync(watchDir).filter((n) => n.endsWith('.xlsx'))).toEqual([]);
    const { rows } = srv.runtime.store.listInstances({ recordTypes: ['dossier'], filters: {}, fieldFilters: { enterprise_number: enterpriseNumber(41) }, sort: 'createdAt', direction: 'asc', limit: 5, offset: 0 });
    expect(rows.map((r) => r.createdBy)).toEqual(['system']);
  });
});

describe('API', () => {
  const post = async (path: string, user: string, body: Buffer, lang = 'fr'): Promise<{ status: number; body: Record<string, unknown> }> => {
    const client = await loggedIn(srv.url, user);
    const res = await fetch(`${srv.url}${path}`, { method: 'POST', headers: { cookie: client.cookie ?? '', 'content-type': 'application/octet-stream', 'accept-language': lang }, body: new Uint8Array(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('previews then commits for a census agent; refuses other roles', async () => {
    const file = await workbook([companyRow(51), companyRow(52)]);
    const preview = await post('/api/imports/belfirst/preview?filename=api.xlsx', 'agent', file);
    expect(preview.status).toBe(200);
    expect(preview.body['totals']).toMatchObject({ new: 2 });
    const commit = await post('/api/imports/belfirst/commit?filename=api.xlsx', 'agent', file);
    expect(commit.status).toBe(200);
    expect(commit.body).toMatchObject({ created: 2, existing: 0, errors: 0 });
    const again = await post('/api/imports/belfirst/commit?filename=api.xlsx', 'admin', file);
    expect(again.body).toMatchObject({ created: 0, existing: 2 });
    expect((await post('/api/imports/belfirst/preview', 'author', file)).status).toBe(403);
  });

  it('answers 413 for a zip bomb and 422 for wrong columns, in the caller’s language and both', async () => {
    const bomb = await zipBomb(DEFAULT_IMPORT_LIMITS.maxUncompressedBytes + 1024 * 1024);
    const r = await post('/api/imports/belfirst/preview', 'agent-nl', bomb, 'nl');
    expect(r.status).toBe(413);
    expect(r.body['code']).toBe('uncompressed-too-large');
    expect(String(r.body['message'])).toContain('geweigerd');
    const wrong = await post('/api/imports/belfirst/preview', 'agent', await workbook([['A']], { headers: ['Nom'] }));
    expect(wrong.status).toBe(422);
    expect((wrong.body['details'] as Record<string, unknown>)['messages']).toMatchObject({ fr: expect.stringContaining('absentes') as unknown, nl: expect.stringContaining('ontbreken') as unknown });
  }, 60_000);
});
