/**
 * A local lookup of the Crossroads Bank for Enterprises (KBO/BCE) from its public Open Data
 * extract (https://economie.fgov.be/nl/themas/ondernemingen/kruispuntbank-van/diensten-voor-iedereen/kbo-open-data):
 * CSV files enterprise, establishment, denomination, address, activity, contact and code,
 * imported into its own SQLite file (DATA_DIR/kbo.sqlite, WAL), apart from the record store.
 *
 * - full import: every table is emptied and filled again from the seven files;
 * - update import: the daily update extract's <table>_delete.csv / <table>_insert.csv pairs,
 *   applied as delete (every row of the entity numbers listed) then insert; a code.csv in the
 *   update folder replaces the codes.
 * Every header is checked before anything is written, and the whole import is one transaction:
 * a bad file leaves the lookup as it was.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkEnterpriseNumber } from '../../engine/fields';
import { readCsvHeader, readCsvRows } from './csv-stream';

export interface KboText {
  fr: string;
  nl: string;
  en: string;
}

export type KboImportProblem = 'missing-file' | 'bad-header' | 'bad-row' | 'busy' | 'no-files';

export class KboImportError extends Error {
  constructor(readonly problem: KboImportProblem, readonly messages: KboText, readonly file: string | null) {
    super(messages.en);
  }
}

export type KboTable = 'enterprise' | 'establishment' | 'denomination' | 'address' | 'activity' | 'contact' | 'code';

/** The documented columns of each file of the extract, in order. */
export const KBO_COLUMNS: Record<KboTable, readonly string[]> = {
  enterprise: ['EnterpriseNumber', 'Status', 'JuridicalSituation', 'TypeOfEnterprise', 'JuridicalForm', 'JuridicalFormCAC', 'StartDate'],
  establishment: ['EstablishmentNumber', 'StartDate', 'EnterpriseNumber'],
  denomination: ['EntityNumber', 'Language', 'TypeOfDenomination', 'Denomination'],
  address: ['EntityNumber', 'TypeOfAddress', 'CountryNL', 'CountryFR', 'Zipcode', 'MunicipalityNL', 'MunicipalityFR', 'StreetNL', 'StreetFR', 'HouseNumber', 'Box', 'ExtraAddressInfo', 'DateStrikingOff'],
  activity: ['EntityNumber', 'ActivityGroup', 'NaceVersion', 'NaceCode', 'Classification'],
  contact: ['EntityNumber', 'EntityContact', 'ContactType', 'Value'],
  code: ['Category', 'Code', 'Language', 'Description'],
};

const TABLES: readonly KboTable[] = ['code', 'enterprise', 'establishment', 'denomination', 'address', 'activity', 'contact'];
const UPDATE_TABLES: readonly KboTable[] = ['enterprise', 'establishment', 'denomination', 'address', 'activity', 'contact'];

export interface KboImportResult {
  mode: 'full' | 'update';
  /** Rows read per file (file name → rows). */
  files: Record<string, number>;
  inserted: Record<string, number>;
  deleted: Record<string, number>;
  enterprises: number;
  durationMs: number;
}

export type KboProgress = (file: string, rows: number, done: boolean) => void;

export interface KboAddress {
  street: string;
  number: string;
  box?: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface KboEnterprise {
  number: string;
  digits: string;
  status: string;
  statusLabel: { fr: string; nl: string } | null;
  juridicalSituation: string;
  typeOfEnterprise: string;
  startDate: string | null;
  legalForm: { code: string; fr: string; nl: string } | null;
  /** The name in French and in Dutch (each falls back on the other, or on any language). */
  name: { fr: string; nl: string };
  denominations: Array<{ language: string; type: string; value: string }>;
  address: { fr: KboAddress; nl: KboAddress } | null;
  nace: Array<{ code: string; version: string; group: string; classification: string; label: { fr: string; nl: string } | null }>;
  establishments: Array<{ number: string; startDate: string | null; address: { fr: KboAddress; nl: KboAddress } | null }>;
  contacts: Array<{ type: string; value: string }>;
}

const t = (fr: string, nl: string, en: string): KboText => ({ fr, nl, en });

/** Lower case, no accents, letters and digits only: how names are compared. */
export function normaliseForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "0201.310.929", "2.123.456.789", "BE0201310929" → the digits (10); null when not a number. */
export function entityDigits(text: string): string | null {
  const d = text.trim().replace(/^BE/i, '').replace(/[\s.\-/]/g, '');
  if (/^\d{9}$/.test(d)) return `0${d}`;
  return /^\d{10}$/.test(d) ? d : null;
}

function formatEntity(digits: string): string {
  return digits[0] === '0' || digits[0] === '1'
    ? `${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}`
    : `${digits[0]}.${digits.slice(1, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}`;
}

/** "dd-mm-yyyy" → "yyyy-mm-dd"; anything else as is (empty → null). */
function isoDate(text: string): string | null {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text.trim());
  if (m) return `${m[3]}-${m[2]}-${m[1]}`;
  return text.trim() === '' ? null : text.trim();
}

/** KBO language codes of denominations: 1 French, 2 Dutch, 3 German, 4 English, 0 unknown. */
const LANG_FR = '1';
const LANG_NL = '2';

interface AddressRow {
  entity: string;
  type: string;
  country_nl: string;
  country_fr: string;
  zipcode: string;
  municipality_nl: string;
  municipality_fr: string;
  street_nl: string;
  street_fr: string;
  house_number: string;
  box: string;
  extra: string;
  date_striking_off: string;
}

const COUNTRY_CODES: Record<string, string> = {
  belgie: 'BE', belgique: 'BE', nederland: 'NL', 'pays bas': 'NL', frankrijk: 'FR', france: 'FR', duitsland: 'DE', allemagne: 'DE', luxemburg: 'LU', luxembourg: 'LU',
};

function addressesOf(row: AddressRow | undefined): { fr: KboAddress; nl: KboAddress } | null {
  if (!row) return null;
  // Belgian addresses have no country in the extract.
  const countryName = normaliseForSearch(row.country_fr || row.country_nl);
  const country = countryName === '' ? 'BE' : (COUNTRY_CODES[countryName] ?? 'BE');
  const one = (street: string, city: string): KboAddress => ({
    street,
    number: row.house_number,
    ...(row.box ? { box: row.box } : {}),
    postalCode: row.zipcode,
    city,
    country,
  });
  return {
    fr: one(row.street_fr || row.street_nl, row.municipality_fr || row.municipality_nl),
    nl: one(row.street_nl || row.street_fr, row.municipality_nl || row.municipality_fr),
  };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS enterprise (number TEXT PRIMARY KEY, status TEXT, juridical_situation TEXT, type_of_enterprise TEXT, juridical_form TEXT, juridical_form_cac TEXT, start_date TEXT);
CREATE TABLE IF NOT EXISTS establishment (number TEXT PRIMARY KEY, start_date TEXT, enterprise TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS establishment_enterprise ON establishment(enterprise);
CREATE TABLE IF NOT EXISTS denomination (entity TEXT NOT NULL, language TEXT, type TEXT, denomination TEXT, search TEXT);
CREATE INDEX IF NOT EXISTS denomination_entity ON denomination(entity);
CREATE TABLE IF NOT EXISTS address (entity TEXT NOT NULL, type TEXT, country_nl TEXT, country_fr TEXT, zipcode TEXT, municipality_nl TEXT, municipality_fr TEXT, street_nl TEXT, street_fr TEXT, house_number TEXT, box TEXT, extra TEXT, date_striking_off TEXT);
CREATE INDEX IF NOT EXISTS address_entity ON address(entity);
CREATE TABLE IF NOT EXISTS activity (entity TEXT NOT NULL, activity_group TEXT, nace_version TEXT, nace_code TEXT, classification TEXT);
CREATE INDEX IF NOT EXISTS activity_entity ON activity(entity);
CREATE TABLE IF NOT EXISTS contact (entity TEXT NOT NULL, entity_contact TEXT, contact_type TEXT, value TEXT);
CREATE INDEX IF NOT EXISTS contact_entity ON contact(entity);
CREATE TABLE IF NOT EXISTS code (category TEXT NOT NULL, code TEXT NOT NULL, language TEXT NOT NULL, description TEXT, PRIMARY KEY (category, code, language));
`;

/** The insert of one CSV row into its table (values in the file's column order). */
const INSERT_SQL: Record<KboTable, string> = {
  enterprise: 'INSERT OR REPLACE INTO enterprise VALUES (?, ?, ?, ?, ?, ?, ?)',
  establishment: 'INSERT OR REPLACE INTO establishment VALUES (?, ?, ?)',
  denomination: 'INSERT INTO denomination VALUES (?, ?, ?, ?, ?)',
  address: 'INSERT INTO address VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  activity: 'INSERT INTO activity VALUES (?, ?, ?, ?, ?)',
  contact: 'INSERT INTO contact VALUES (?, ?, ?, ?)',
  code: 'INSERT OR REPLACE INTO code VALUES (?, ?, ?, ?)',
};

const KEY_COLUMN: Record<KboTable, string> = {
  enterprise: 'number', establishment: 'number', denomination: 'entity', address: 'entity', activity: 'entity', contact: 'entity', code: 'category',
};

/** The columns of a *_delete.csv file: the entity number only. */
const DELETE_HEADER: Record<KboTable, string> = {
  enterprise: 'EnterpriseNumber', establishment: 'EstablishmentNumber', denomination: 'EntityNumber', address: 'EntityNumber', activity: 'EntityNumber', contact: 'EntityNumber', code: 'Category',
};

/** The database file of the lookup, beside the record store. */
export function kboDatabasePath(dataDir: string): string {
  return join(dataDir, 'kbo.sqlite');
}

export class KboStore {
  private readonly db: Database.Database;
  /** The files being imported in this process (one import at a time per file). */
  private static readonly importing = new Set<string>();

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  enterpriseCount(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM enterprise').get()?.n ?? 0;
  }

  /** Imports a full extract folder or an update folder; one transaction, headers checked first. */
  async importDir(dir: string, mode: 'full' | 'update', onProgress: KboProgress = () => undefined): Promise<KboImportResult> {
    if (KboStore.importing.has(this.path)) {
      throw new KboImportError('busy', t('Un import BCE est déjà en cours.', 'Er loopt al een KBO-import.', 'A KBO import is already running.'), null);
    }
    KboStore.importing.add(this.path);
    try {
      return await this.runImport(dir, mode, onProgress);
    } finally {
      KboStore.importing.delete(this.path);
    }
  }

  private async runImport(dir: string, mode: 'full' | 'update', onProgress: KboProgress): Promise<KboImportResult> {
    const started = Date.now();
    // Plan: [file, table, kind], every header checked before the first write.
    const plan: Array<{ file: string; table: KboTable; kind: 'insert' | 'delete' | 'replace-codes' }> = [];
    if (!existsSync(dir)) {
      throw new KboImportError('missing-file', t(`Le dossier « ${dir} » n’existe pas.`, `De map "${dir}" bestaat niet.`, `The folder "${dir}" does not exist.`), dir);
    }
    if (mode === 'full') {
      for (const table of TABLES) plan.push({ file: `${table}.csv`, table, kind: 'insert' });
      for (const step of plan) this.requireFile(dir, step.file);
    } else {
      if (existsSync(join(dir, 'code.csv'))) plan.push({ file: 'code.csv', table: 'code', kind: 'replace-codes' });
      for (const table of UPDATE_TABLES) {
        const del = `${table}_delete.csv`;
        const ins = `${table}_insert.csv`;
        const hasDel = existsSync(join(dir, del));
        const hasIns = existsSync(join(dir, ins));
        if (hasDel !== hasIns) this.requireFile(dir, hasDel ? ins : del);
        if (hasDel) plan.push({ file: del, table, kind: 'delete' }, { file: ins, table, kind: 'insert' });
      }
      if (plan.length === 0) {
        throw new KboImportError('no-files', t(
          `Le dossier « ${dir} » ne contient aucune paire de mise à jour (par exemple enterprise_delete.csv et enterprise_insert.csv).`,
          `De map "${dir}" bevat geen enkel updatepaar (bijvoorbeeld enterprise_delete.csv en enterprise_insert.csv).`,
          `The folder "${dir}" holds no update pair (e.g. enterprise_delete.csv and enterprise_insert.csv).`,
        ), dir);
      }
    }
    for (const step of plan) {
      const expected = step.kind === 'delete' ? [DELETE_HEADER[step.table]] : [...KBO_COLUMNS[step.table]];
      const header = await readCsvHeader(join(dir, step.file));
      // A delete file names its one column after the table's key, or simply EntityNumber.
      const deleteOk = step.kind === 'delete' && header?.length === 1 && (header[0]?.trim() === expected[0] || header[0]?.trim() === 'EntityNumber');
      if (!deleteOk && (!header || header.length !== expected.length || header.some((h, i) => h.trim() !== expected[i]))) {
        throw new KboImportError('bad-header', t(
          `Le fichier ${step.file} n’a pas les colonnes attendues. Attendu : ${expected.join(',')} ; trouvé : ${(header ?? []).join(',') || '(fichier vide)'}. Rien n’a été importé.`,
          `Het bestand ${step.file} heeft niet de verwachte kolommen. Verwacht: ${expected.join(',')}; gevonden: ${(header ?? []).join(',') || '(leeg bestand)'}. Er werd niets geïmporteerd.`,
          `The file ${step.file} does not have the expected columns. Expected: ${expected.join(',')}; found: ${(header ?? []).join(',') || '(empty file)'}. Nothing was imported.`,
        ), step.file);
      }
    }

    const result: KboImportResult = { mode, files: {}, inserted: {}, deleted: {}, enterprises: 0, durationMs: 0 };
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (mode === 'full') for (const table of TABLES) this.db.exec(`DELETE FROM ${table}`);
      for (const step of plan) {
        if (step.kind === 'replace-codes') this.db.exec('DELETE FROM code');
        const rows = await this.applyFile(join(dir, step.file), step.file, step.table, step.kind === 'delete' ? 'delete' : 'insert', onProgress, (n) => {
          if (step.kind === 'delete') result.deleted[step.table] = (result.deleted[step.table] ?? 0) + n;
          else result.inserted[step.table] = (result.inserted[step.table] ?? 0) + n;
        });
        result.files[step.file] = rows;
      }
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
    result.enterprises = this.enterpriseCount();
    result.durationMs = Date.now() - started;
    return result;
  }

  private requireFile(dir: string, file: string): void {
    if (!existsSync(join(dir, file))) {
      throw new KboImportError('missing-file', t(
        `Le fichier ${file} manque dans « ${dir} ». Rien n’a été importé.`,
        `Het bestand ${file} ontbreekt in "${dir}". Er werd niets geïmporteerd.`,
        `The file ${file} is missing from "${dir}". Nothing was imported.`,
      ), file);
    }
  }

  /** Reads one file after its header; returns the data rows read. */
  private async applyFile(path: string, file: string, table: KboTable, kind: 'insert' | 'delete', onProgress: KboProgress, count: (n: number) => void): Promise<number> {
    const insert = this.db.prepare(INSERT_SQL[table]);
    const remove = this.db.prepare(`DELETE FROM ${table} WHERE ${KEY_COLUMN[table]} = ?`);
    const width = kind === 'delete' ? 1 : KBO_COLUMNS[table].length;
    let line = 0;
    let rows = 0;
    for await (const row of readCsvRows(path)) {
      line++;
      if (line === 1) continue; // the header, checked before
      if (row.length !== width) {
        throw new KboImportError('bad-row', t(
          `Le fichier ${file}, ligne ${line}, a ${row.length} colonnes au lieu de ${width}. Rien n’a été importé.`,
          `Het bestand ${file}, regel ${line}, heeft ${row.length} kolommen in plaats van ${width}. Er werd niets geïmporteerd.`,
          `The file ${file}, line ${line}, has ${row.length} columns instead of ${width}. Nothing was imported.`,
        ), file);
      }
      if (kind === 'delete') {
        const key = table === 'code' ? row[0] ?? '' : (entityDigits(row[0] ?? '') ?? row[0] ?? '');
        count(remove.run(key).changes);
      } else {
        insert.run(...this.values(table, row));
        count(1);
      }
      rows++;
      if (rows % 10000 === 0) onProgress(file, rows, false);
    }
    onProgress(file, rows, true);
    return rows;
  }

  private values(table: KboTable, row: string[]): string[] {
    const d = (s: string | undefined): string => entityDigits(s ?? '') ?? (s ?? '');
    const r = row.map((v) => v.trim());
    switch (table) {
      case 'enterprise':
        return [d(r[0]), r[1] ?? '', r[2] ?? '', r[3] ?? '', r[4] ?? '', r[5] ?? '', isoDate(r[6] ?? '') ?? ''];
      case 'establishment':
        return [d(r[0]), isoDate(r[1] ?? '') ?? '', d(r[2])];
      case 'denomination':
        return [d(r[0]), r[1] ?? '', r[2] ?? '', r[3] ?? '', normaliseForSearch(r[3] ?? '')];
      case 'code':
        return [r[0] ?? '', r[1] ?? '', (r[2] ?? '').toUpperCase(), r[3] ?? ''];
      default:
        return [d(r[0]), ...r.slice(1)];
    }
  }

  /** Up to `limit` enterprises whose name holds every word of `q` (no case, no accents), or whose number starts with the digits of `q`. */
  search(q: string, limit = 20): KboEnterprise[] {
    const text = q.trim();
    if (text === '') return [];
    const digits = text.replace(/^BE/i, '').replace(/[\s.\-/]/g, '');
    let numbers: string[];
    if (/^\d{3,10}$/.test(digits)) {
      const exact = entityDigits(digits);
      const prefix = exact ?? digits;
      numbers = this.db
        .prepare<[string, string, number], { number: string }>(
          `SELECT number FROM enterprise WHERE number = ? OR number LIKE ? || '%' ORDER BY number LIMIT ?`,
        )
        .all(prefix, digits, limit)
        .map((r) => r.number);
      if (numbers.length === 0) {
        // An establishment unit number finds its enterprise.
        numbers = this.db
          .prepare<[string, number], { enterprise: string }>('SELECT enterprise FROM establishment WHERE number LIKE ? || \'%\' LIMIT ?')
          .all(digits, limit)
          .map((r) => r.enterprise);
      }
    } else {
      const words = normaliseForSearch(text).split(' ').filter((w) => w !== '');
      if (words.length === 0) return [];
      const where = words.map(() => "d.search LIKE '%' || ? || '%' ESCAPE '\\'").join(' AND ');
      numbers = this.db
        .prepare<string[], { number: string }>(
          `SELECT e.number AS number, MIN(d.search) AS s FROM denomination d JOIN enterprise e ON e.number = d.entity WHERE ${where} GROUP BY e.number ORDER BY s LIMIT ${Math.max(1, Math.min(100, Math.floor(limit)))}`,
        )
        .all(...words.map((w) => w.replace(/[\\%_]/g, (m) => '\\' + m)))
        .map((r) => r.number);
    }
    const out: KboEnterprise[] = [];
    for (const n of [...new Set(numbers)]) {
      const e = this.get(n);
      if (e) out.push(e);
    }
    return out;
  }

  /** One enterprise by its number in any formatting; null when unknown. */
  get(numberText: string): KboEnterprise | null {
    const digits = entityDigits(numberText);
    if (!digits) return null;
    const e = this.db
      .prepare<[string], { number: string; status: string; juridical_situation: string; type_of_enterprise: string; juridical_form: string; start_date: string }>('SELECT * FROM enterprise WHERE number = ?')
      .get(digits);
    if (!e) return null;
    const label = (category: string, code: string): { fr: string; nl: string } | null => {
      if (!code) return null;
      const rows = this.db.prepare<[string, string], { language: string; description: string }>('SELECT language, description FROM code WHERE category = ? AND code = ?').all(category, code);
      const fr = rows.find((r) => r.language === 'FR')?.description;
      const nl = rows.find((r) => r.language === 'NL')?.description;
      if (!fr && !nl) return null;
      return { fr: fr ?? nl ?? code, nl: nl ?? fr ?? code };
    };
    const denominations = this.db
      .prepare<[string], { language: string; type: string; denomination: string }>('SELECT language, type, denomination FROM denomination WHERE entity = ? ORDER BY type, rowid')
      .all(digits)
      .map((r) => ({ language: r.language, type: r.type, value: r.denomination }));
    const pick = (lang: string): string | undefined =>
      (denominations.find((d) => d.type === '001' && d.language === lang) ?? denominations.find((d) => d.language === lang && d.type !== '002'))?.value;
    const any = denominations.find((d) => d.type === '001')?.value ?? denominations[0]?.value ?? '';
    const fr = pick(LANG_FR);
    const nl = pick(LANG_NL);
    const addressRows = this.db.prepare<[string], AddressRow>('SELECT * FROM address WHERE entity = ? ORDER BY rowid').all(digits);
    const office = addressRows.find((a) => a.type === 'REGO' && !a.date_striking_off) ?? addressRows.find((a) => a.type === 'REGO') ?? addressRows[0];
    const legal = e.juridical_form ? label('JuridicalForm', e.juridical_form) : null;
    const nace = this.db
      .prepare<[string], { activity_group: string; nace_version: string; nace_code: string; classification: string }>('SELECT * FROM activity WHERE entity = ? ORDER BY classification, nace_code')
      .all(digits)
      .map((a) => ({ code: a.nace_code, version: a.nace_version, group: a.activity_group, classification: a.classification, label: label(`Nace${a.nace_version}`, a.nace_code) }));
    const establishments = this.db
      .prepare<[string], { number: string; start_date: string }>('SELECT number, start_date FROM establishment WHERE enterprise = ? ORDER BY number')
      .all(digits)
      .map((s) => ({
        number: formatEntity(s.number),
        startDate: s.start_date || null,
        address: addressesOf(this.db.prepare<[string], AddressRow>('SELECT * FROM address WHERE entity = ? ORDER BY rowid').get(s.number)),
      }));
    const contacts = this.db
      .prepare<[string], { contact_type: string; value: string }>('SELECT contact_type, value FROM contact WHERE entity = ? ORDER BY rowid')
      .all(digits)
      .map((c) => ({ type: c.contact_type, value: c.value }));
    return {
      number: formatEntity(digits),
      digits,
      status: e.status,
      statusLabel: label('Status', e.status),
      juridicalSituation: e.juridical_situation,
      typeOfEnterprise: e.type_of_enterprise,
      startDate: e.start_date || null,
      legalForm: legal ? { code: e.juridical_form, ...legal } : null,
      name: { fr: fr ?? nl ?? any, nl: nl ?? fr ?? any },
      denominations,
      address: addressesOf(office),
      nace,
      establishments,
      contacts,
    };
  }
}

export function openKboStore(dataDir: string): KboStore {
  return new KboStore(kboDatabasePath(dataDir));
}

/** True when the text is a valid enterprise number (mod 97), whatever its formatting. */
export function isEnterpriseNumber(text: string): boolean {
  return checkEnterpriseNumber(text).ok;
}
