/**
 * The KBO/BCE Open Data importer (adapters/registry-kbo) on the shipped extract
 * (examples/kbo-extract): counts, search by name and number, the update pairs, and a bad file
 * that leaves the lookup untouched.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KboImportError, openKboStore, readCsvRows, type KboStore } from '../../adapters/registry-kbo';

const EXTRACT = resolve(__dirname, '..', '..', 'examples', 'kbo-extract');
const FULL = join(EXTRACT, 'full');
const UPDATE = join(EXTRACT, 'update');

let root: string;
let store: KboStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'civic-flow-kbo-'));
  store = openKboStore(join(root, 'data'));
});

afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

function copyExtract(): string {
  const dir = join(root, 'extract');
  cpSync(FULL, dir, { recursive: true });
  return dir;
}

describe('the CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes, newlines and CRLF', async () => {
    const file = join(root, 'q.csv');
    writeFileSync(file, '\uFEFF"A","B"\r\n"Garage ""Le Midi"", Anderlecht","x"\r\nplain,"two\nlines"\n\nlast,');
    const rows: string[][] = [];
    for await (const r of readCsvRows(file)) rows.push(r);
    expect(rows).toEqual([['A', 'B'], ['Garage "Le Midi", Anderlecht', 'x'], ['plain', 'two\nlines'], ['last', '']]);
  });
});

describe('importing the shipped KBO extract', () => {
  it('imports every file of the full extract and reports the rows per file', async () => {
    const progress: string[] = [];
    const result = await store.importDir(FULL, 'full', (file, rows, done) => {
      if (done) progress.push(`${file}:${rows}`);
    });
    expect(result.files).toEqual({ 'code.csv': 68, 'enterprise.csv': 30, 'establishment.csv': 10, 'denomination.csv': 62, 'address.csv': 40, 'activity.csv': 38, 'contact.csv': 21 });
    expect(result.enterprises).toBe(30);
    expect(progress).toContain('enterprise.csv:30');
    // A second full import replaces, it does not add.
    expect((await store.importDir(FULL, 'full')).enterprises).toBe(30);
  });

  it('gives one enterprise with its FR/NL names, legal form, address, NACE codes, establishments and contacts', async () => {
    await store.importDir(FULL, 'full');
    const e = store.get('0712345036');
    expect(e).toMatchObject({
      number: '0712.345.036',
      status: 'AC',
      startDate: '1995-01-01',
      name: { fr: 'Boulangerie Sainte-Catherine', nl: 'Bakkerij Sint-Katelijne' },
      legalForm: { code: '610', fr: 'Société à responsabilité limitée', nl: 'Besloten vennootschap' },
      address: {
        fr: { street: 'Rue Neuve', number: '10', box: 'b', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
        nl: { street: 'Nieuwstraat', city: 'Brussel' },
      },
    });
    expect(e?.nace.map((n) => n.code)).toEqual(['10712', '70220']);
    expect(e?.nace[0]?.label?.fr).toBe('Fabrication artisanale de pain et de pâtisserie fraîche');
    expect(e?.establishments).toEqual([expect.objectContaining({ number: '2.123.456.001', startDate: '2015-01-01' })]);
    expect(e?.contacts).toContainEqual({ type: 'EMAIL', value: 'info0@example.be' });
    // A name in one language only is given in both.
    expect(store.get('0712.482.915')?.name).toEqual({ fr: 'Café Métropole', nl: 'Café Métropole' });
  });

  it('finds enterprises by name without case or accents, and by number in any formatting', async () => {
    await store.importDir(FULL, 'full');
    const names = (q: string): string[] => store.search(q).map((e) => e.name.fr);
    expect(names('cafe metropole')).toEqual(['Café Métropole']);
    expect(names('CAFÉ')).toEqual(['Café Métropole']);
    expect(names('epicerie ELODIE')).toEqual(['Épicerie Fine Élodie']);
    expect(names('zinneke')).toEqual(['Restaurant Le Zinneke']);
    expect(names('bakkerij')).toEqual(['Boulangerie Sainte-Catherine']);
    expect(names('garage le midi')).toEqual(['Garage "Le Midi", Anderlecht']);
    for (const q of ['0712.345.036', '0712345036', '712345036', 'BE0712345036', 'BE 0712 345 036', '0712-345-036']) {
      expect(store.search(q).map((e) => e.number)).toEqual(['0712.345.036']);
    }
    expect(store.search('0712.3').length).toBeGreaterThan(0);
    expect(store.search('2.123.456.001').map((e) => e.number)).toEqual(['0712.345.036']);
    expect(store.search('zzz-unknown')).toEqual([]);
    expect(store.search('e').length).toBeLessThanOrEqual(20);
  });

  it('applies an update extract as delete then insert', async () => {
    await store.importDir(FULL, 'full');
    const result = await store.importDir(UPDATE, 'update');
    expect(result.files['enterprise_delete.csv']).toBe(2);
    expect(result.deleted['enterprise']).toBe(2);
    expect(result.inserted['enterprise']).toBe(2);
    expect(result.enterprises).toBe(30);
    // Struck off: gone from the lookup and from searches.
    expect(store.get('0716.344.109')).toBeNull();
    expect(store.search('traiteur saveurs')).toEqual([]);
    // Changed: the new name and legal form replace the old ones.
    expect(store.get('0712.896.649')).toMatchObject({ name: { fr: 'Épicerie Fine Élodie & Fils' }, legalForm: { code: '014' }, startDate: '1999-05-05' });
    expect(store.search('elodie').map((e) => e.name.fr)).toEqual(['Épicerie Fine Élodie & Fils']);
    // New.
    expect(store.get('0799999085')).toMatchObject({ name: { fr: 'Librairie Nouvelle Flagey', nl: 'Nieuwe Boekhandel Flagey' }, address: { nl: { street: 'Flageyplein', city: 'Elsene' } } });
    expect(store.search('nieuwe boekhandel').map((e) => e.number)).toEqual(['0799.999.085']);
  });

  it('refuses a file with a wrong header, clearly in French and Dutch, and imports nothing', async () => {
    await store.importDir(FULL, 'full');
    const dir = copyExtract();
    writeFileSync(join(dir, 'enterprise.csv'), 'EnterpriseNumber,Status\n"0799.999.085","AC"\n');
    const error = await store.importDir(dir, 'full').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KboImportError);
    const e = error as KboImportError;
    expect(e.problem).toBe('bad-header');
    expect(e.file).toBe('enterprise.csv');
    expect(e.messages.fr).toContain('Le fichier enterprise.csv n’a pas les colonnes attendues');
    expect(e.messages.nl).toContain('Het bestand enterprise.csv heeft niet de verwachte kolommen');
    expect(store.enterpriseCount()).toBe(30);
    expect(store.get('0712.345.036')?.name.fr).toBe('Boulangerie Sainte-Catherine');
  });

  it('rolls back the whole import when a row deep in the last file is broken (one transaction)', async () => {
    await store.importDir(FULL, 'full');
    const dir = copyExtract();
    // Enterprises are replaced by new ones, then the last file fails.
    writeFileSync(join(dir, 'enterprise.csv'), `${readFileSync(join(FULL, 'enterprise.csv'), 'utf8').split('\n')[0]}\n"0799.999.085","AC","000","2","610","","15-03-2026"\n`);
    writeFileSync(join(dir, 'contact.csv'), `${readFileSync(join(FULL, 'contact.csv'), 'utf8')}"0712.345.036","ENT"\n`);
    const error = await store.importDir(dir, 'full').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KboImportError);
    expect((error as KboImportError).problem).toBe('bad-row');
    expect((error as KboImportError).messages.nl).toContain('contact.csv, regel 23');
    expect(store.enterpriseCount()).toBe(30);
    expect(store.get('0799.999.085')).toBeNull();
    expect(store.get('0712.345.036')).not.toBeNull();
  });

  it('names a missing file in French and Dutch', async () => {
    const dir = copyExtract();
    rmSync(join(dir, 'code.csv'));
    const error = await store.importDir(dir, 'full').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KboImportError);
    expect((error as KboImportError).problem).toBe('missing-file');
    expect((error as KboImportError).messages.fr).toContain('Le fichier code.csv manque');
    expect((error as KboImportError).messages.nl).toContain('Het bestand code.csv ontbreekt');
    expect(store.enterpriseCount()).toBe(0);
  });
});
