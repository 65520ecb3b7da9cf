/**
 * Spreadsheet imports declared in the pack (`imports:` files), first of all the Belfirst export
 * of the companies of the commune (TR-28, TR-40): one census dossier per company.
 *
 *  - refused by size before anything is unzipped: the file's own size, then the total the zip's
 *    central directory declares (a zip bomb is refused without inflating it), then every entry is
 *    inflated with a hard cap at its declared size (a lying directory is refused at the cap);
 *  - read with exceljs's streaming reader; more than `maxRows` data rows is refused;
 *  - formulas give their cached result; a merged range counts as its top-left cell, carried
 *    down the rows it spans in its first column;
 *  - unknown columns are reported; columns for the key or a required field must be present;
 *  - preview: a status per row (new / existing / duplicate / error, messages in FR/NL), writes nothing;
 *  - commit: the new rows through RecordsService.create (in concurrent batches, so the group
 *    commit writes them together), matched on the normalised key so nothing is created twice;
 *    then one notification to the role per file (idempotent key), and a line in the import log.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError, ValidationError, type LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { validateFieldValue, type FieldDefinition } from '../../engine/fields';
import type { ImportDefinition, Pack } from '../../engine/pack';
import type { RecordStore } from '../ports/record-store.port';
import type { PacksService } from './packs.service';
import type { RecordsService } from './records.service';
import { normHeader, readCell, readFirstSheet, XlsxRefusal, type SheetRow, type XlsxLimits } from './xlsx-read';

export interface ImportLimits extends XlsxLimits {
  /** Records created concurrently (one group commit each). */
  batchSize: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxFileBytes: 20 * 1024 * 1024, maxUncompressedBytes: 200 * 1024 * 1024, maxRows: 100_000, batchSize: 250 };

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** A file refused as a whole: `status` is the HTTP status (413 too large, 422 unreadable or wrong columns). */
export class ImportRefusal extends Error {
  constructor(readonly status: 413 | 422 | 404, readonly code: string, readonly localized: LocalizedText, readonly details: Record<string, unknown> = {}) {
    super(localized.en ?? localized.fr);
  }
}

export type RowStatus = 'new' | 'existing' | 'duplicate' | 'error';

export interface RowMessage extends LocalizedText {
  code: string;
  field?: string;
  column?: string;
}

export interface RowPreview {
  /** The row number in the spreadsheet (1-based, as Excel shows it). */
  row: number;
  status: RowStatus;
  /** The normalised key (e.g. 0403.170.701), null when missing or invalid. */
  key: string | null;
  name: string | null;
  /** The existing record (status existing) or the one created (commit). */
  recordId?: string;
  /** The row holding the same key earlier in the file (status duplicate). */
  duplicateOf?: number;
  errors: RowMessage[];
}

export interface ImportTotals {
  rows: number;
  new: number;
  existing: number;
  duplicate: number;
  error: number;
}

export interface ImportPreview {
  import: string;
  fileName: string;
  sha256: string;
  bytes: number;
  columns: { recognised: string[]; unknown: string[]; missing: string[] };
  totals: ImportTotals;
  rows: RowPreview[];
}

export interface ImportCommit extends ImportPreview {
  created: number;
  /** Rows already in the register (status existing and duplicate). */
  skipped: number;
  errors: number;
  notified: boolean;
}

export interface ImportLogEntry {
  import: string;
  at: string;
  actor: string;
  fileName: string;
  sha256: string;
  bytes: number;
  rows: number;
  created: number;
  existing: number;
  duplicate: number;
  errors: number;
  refused?: string;
}

export interface BelfirstImportDeps {
  store: RecordStore;
  packs: PacksService;
  records: RecordsService;
  clock: () => number;
  /** JSON lines, one per commit or refusal; null keeps the log in memory only. */
  logFile: string | null;
  limits?: Partial<ImportLimits>;
}

type CellScalar = string | number | boolean;
type ParsedRow = SheetRow<CellScalar>;

const ADDRESS_PARTS = new Set(['street', 'number', 'box', 'postalCode', 'city', 'country']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value of a cell as imported: a formula's cached result, rich text as plain text, dates as ISO. */
export function cellScalar(v: unknown): CellScalar | null {
  const c = readCell(v);
  return c instanceof Date ? c.toISOString().slice(0, 10) : c;
}

/** "Rue de la Loi 16 bte 3" → street, number, box. */
export function splitAddressLine(line: string): { street: string; number?: string; box?: string } {
  const m = /^(.*?)[\s,]+(\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?)(?:\s*,?\s*(?:bte|bus|boîte|box|b\.)\s*(\S+))?$/i.exec(line.trim());
  if (!m || !m[1]) return { street: line.trim() };
  const out: { street: string; number?: string; box?: string } = { street: m[1].trim().replace(/,$/, '') };
  if (m[2]) out.number = m[2];
  if (m[3]) out.box = m[3];
  return out;
}

/** "A2:C4" → rows and columns, 1-based. */
function decodeRange(ref: string): { r1: number; c1: number; r2: number; c2: number } | null {
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref);
  if (!m) return null;
  const col = (s: string): number => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return { c1: col(m[1] ?? ''), r1: Number(m[2]), c2: col(m[3] ?? ''), r2: Number(m[4]) };
}

export class BelfirstImportService {
  readonly limits: ImportLimits;
  private readonly memoryLog: ImportLogEntry[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: BelfirstImportDeps) {
    this.limits = { ...DEFAULT_IMPORT_LIMITS, ...deps.limits };
  }

  /** The import log, oldest first (this process's entries). */
  log(): ImportLogEntry[] {
    return [...this.memoryLog];
  }

  private definition(importId: string): { pack: Pack; def: ImportDefinition } {
    const { pack } = this.deps.packs.active();
    const def = pack.imports?.[importId];
    if (!def) throw new ImportRefusal(404, 'unknown-import', text(`L’import « ${importId} » n’est pas défini dans le pack publié.`, `Import "${importId}" is niet gedefinieerd in het gepubliceerde pakket.`, `Import "${importId}" is not defined in the published pack.`));
    return { pack, def };
  }

  /** Checks the file and gives a status per row; writes nothing. */
  async preview(importId: string, file: Buffer, fileName: string): Promise<ImportPreview> {
    const { pack, def } = this.definition(importId);
    return (await this.analyse(importId, pack, def, file, fileName)).preview;
  }

  /** Creates the new rows' records; one import at a time per process, so nothing is created twice. */
  async commit(actor: Actor, importId: string, file: Buffer, fileName: string): Promise<ImportCommit> {
    const run = this.queue.then(() => this.commitNow(actor, importId, file, fileName));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitNow(actor: Actor, importId: string, file: Buffer, fileName: string): Promise<ImportCommit> {
    const { pack, def } = this.definition(importId);
    let preview: ImportPreview;
    let fieldsOf: Map<number, Record<string, unknown>>;
    try {
      ({ preview, fields: fieldsOf } = await this.analyse(importId, pack, def, file, fileName));
    } catch (err) {
      if (err instanceof ImportRefusal) this.writeLog({ import: importId, at: this.now(), actor: actor.id, fileName, sha256: sha256(file), bytes: file.length, rows: 0, created: 0, existing: 0, duplicate: 0, errors: 0, refused: err.code });
      throw err;
    }
    const pending = preview.rows.filter((r) => r.status === 'new');
    let created = 0;
    for (let i = 0; i < pending.length; i += this.limits.batchSize) {
      const batch = pending.slice(i, i + this.limits.batchSize);
      await Promise.all(
        batch.map(async (r) => {
          try {
            const view = await this.deps.records.create(actor, def.record, { ...(def.set ?? {}), ...(fieldsOf.get(r.row) ?? {}) });
            r.recordId = view.id;
            created++;
          } catch (err) {
            r.status = 'error';
            r.errors.push(...errorMessages(err));
          }
        }),
      );
    }
    const totals = countTotals(preview.rows);
    let notified = false;
    if (created > 0 && def.notify) {
      notified = this.deps.store.recordDelivery('notification', `import:${importId}:${preview.sha256}`, {
        role: def.notify, user: null, recordId: null, lang: 'fr',
        subject: `${created} dossiers prêts / ${created} dossiers klaar`,
        body: `${fileName} : ${created} dossiers prêts / ${created} dossiers klaar`,
        text: text(`${created} dossiers prêts`, `${created} dossiers klaar`, `${created} records ready`),
        import: importId, fileName, sha256: preview.sha256, created,
      });
    }
    this.writeLog({ import: importId, at: this.now(), actor: actor.id, fileName, sha256: preview.sha256, bytes: file.length, rows: totals.rows, created, existing: totals.existing, duplicate: totals.duplicate, errors: totals.error });
    return { ...preview, totals, created, skipped: totals.existing + totals.duplicate, errors: totals.error, notified };
  }

  private now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  private writeLog(entry: ImportLogEntry): void {
    this.memoryLog.push(entry);
    if (this.memoryLog.length > 1000) this.memoryLog.shift();
    if (this.deps.logFile) {
      mkdirSync(dirname(this.deps.logFile), { recursive: true });
      appendFileSync(this.deps.logFile, `${JSON.stringify(entry)}\n`);
    }
  }

  private async analyse(importId: string, pack: Pack, def: ImportDefinition, file: Buffer, fileName: string): Promise<{ preview: ImportPreview; fields: Map<number, Record<string, unknown>> }> {
    const record = pack.records[def.record];
    if (!record) throw new ImportRefusal(422, 'unknown-import', text(`Type d’enregistrement inconnu « ${def.record} ».`, `Onbekend recordtype "${def.record}".`, `Unknown record type "${def.record}".`));
    const rows = await this.readRows(file);

    // The header row: the first of the first 20 that names a known column (exports start with a title).
    const known = new Map<string, string | null>();
    for (const [h, target] of Object.entries(def.columns)) known.set(normHeader(h), target);
    const headerRow = rows.slice(0, 20).find((r) => [...r.cells.values()].some((v) => typeof v === 'string' && known.has(normHeader(v))));
    const configured = Object.keys(def.columns);
    if (!headerRow) {
      throw new ImportRefusal(422, 'missing-columns', text(
        `Aucune colonne attendue trouvée. Colonnes attendues : ${configured.join(', ')}.`,
        `Geen verwachte kolom gevonden. Verwachte kolommen: ${configured.join(', ')}.`,
        `None of the expected columns was found. Expected: ${configured.join(', ')}.`,
      ), { missing: configured, unknown: [] });
    }
    const byColumn = new Map<number, { header: string; target: string | null }>();
    const unknown: string[] = [];
    const present = new Set<string>();
    for (const [col, v] of headerRow.cells) {
      if (v === '' ) continue;
      const h = String(v);
      const n = normHeader(h);
      if (known.has(n)) {
        byColumn.set(col, { header: h, target: known.get(n) ?? null });
        present.add(n);
      } else unknown.push(h);
    }
    const missing = configured.filter((h) => !present.has(normHeader(h)) && def.columns[h] !== null);
    const requiredMissing = missing.filter((h) => {
      const field = (def.columns[h] ?? '').split('.')[0] ?? '';
      return field === def.key || record.fields[field]?.required === true;
    });
    if (requiredMissing.length > 0) {
      throw new ImportRefusal(422, 'missing-columns', text(
        `Colonnes obligatoires absentes : ${requiredMissing.join(', ')}.${unknown.length ? ` Colonnes inconnues : ${unknown.join(', ')}.` : ''}`,
        `Verplichte kolommen ontbreken: ${requiredMissing.join(', ')}.${unknown.length ? ` Onbekende kolommen: ${unknown.join(', ')}.` : ''}`,
        `Required columns missing: ${requiredMissing.join(', ')}.${unknown.length ? ` Unknown columns: ${unknown.join(', ')}.` : ''}`,
      ), { missing, requiredMissing, unknown });
    }

    const existing = this.existingKeys(def, record.fields[def.key]);
    const seen = new Map<string, number>();
    const out: RowPreview[] = [];
    const fieldsByRow = new Map<number, Record<string, unknown>>();
    const titleField = record.title ?? def.key;
    for (const r of rows) {
      if (r.row <= headerRow.row) continue;
      if ([...r.cells.values()].every((v) => v === '')) continue;
      const errors: RowMessage[] = [];
      const raw: Record<string, unknown> = {};
      const headerOf: Record<string, string> = {};
      for (const [col, { header, target }] of byColumn) {
        if (target === null) continue;
        const v = r.cells.get(col);
        if (v === undefined || v === '') continue;
        const [field = '', part] = target.split('.');
        headerOf[field] = headerOf[field] ? `${headerOf[field]}, ${header}` : header;
        if (part === undefined) raw[field] = v;
        else {
          const addr = (isObj(raw[field]) ? raw[field] : (raw[field] = {})) as Record<string, unknown>;
          if (part === 'line') Object.assign(addr, splitAddressLine(String(v)));
          else if (ADDRESS_PARTS.has(part)) addr[part] = String(v);
        }
      }
      const fields: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(raw)) {
        const fdef = record.fields[field];
        if (!fdef) continue;
        const res = validateFieldValue(fdef, scalarFor(fdef, value));
        if (res.ok) fields[field] = res.value;
        else errors.push({ ...res.error, field, column: headerOf[field] ?? field });
      }
      for (const [field, fdef] of Object.entries(record.fields)) {
        const mapped = Object.values(def.columns).some((t) => t !== null && t.split('.')[0] === field);
        if (!mapped || errors.some((e) => e.field === field)) continue;
        if ((fdef.required || field === def.key) && (fields[field] === undefined || fields[field] === null)) {
          errors.push({ code: 'required', field, column: columnFor(def, field), ...missingText(fdef, columnFor(def, field)) });
        }
      }
      const keyValue = fields[def.key];
      const key = keyValue === undefined || keyValue === null ? null : String(keyValue);
      const nameValue = fields[titleField] ?? raw[titleField];
      const name = nameValue === undefined || nameValue === null ? null : String(nameValue);
      const p: RowPreview = { row: r.row, status: 'new', key, name, errors };
      if (errors.length > 0) p.status = 'error';
      else if (key !== null && existing.has(key)) {
        p.status = 'existing';
        p.recordId = existing.get(key) ?? '';
      } else if (key !== null && seen.has(key)) {
        p.status = 'duplicate';
        p.duplicateOf = seen.get(key) ?? 0;
      } else {
        if (key !== null) seen.set(key, r.row);
        fieldsByRow.set(r.row, fields);
      }
      out.push(p);
    }
    const preview: ImportPreview = {
      import: importId, fileName, sha256: sha256(file), bytes: file.length,
      columns: { recognised: [...byColumn.values()].map((c) => c.header), unknown, missing },
      totals: countTotals(out),
      rows: out,
    };
    return { preview, fields: fieldsByRow };
  }

  /** Key value → record id of the existing records of the import's type. */
  private existingKeys(def: ImportDefinition, keyDef: FieldDefinition | undefined): Map<string, string> {
    const out = new Map<string, string>();
    const page = 5000;
    for (let offset = 0; ; offset += page) {
      const { rows } = this.deps.store.listInstances({ recordTypes: [def.record], filters: {}, sort: 'createdAt', direction: 'asc', limit: page, offset });
      for (const row of rows) {
        const v = row.snapshot.context.fields[def.key];
        if (v === undefined || v === null || v === '') continue;
        // Normalised as an imported value is, so 0403170701 and 0403.170.701 match.
        const res = keyDef ? validateFieldValue(keyDef, v) : { ok: true as const, value: v };
        out.set(String(res.ok ? res.value : v), row.id);
      }
      if (rows.length < page) break;
    }
    return out;
  }

  /** The rows of the first worksheet, after the size and zip checks; merged ranges carried down. */
  private async readRows(file: Buffer): Promise<ParsedRow[]> {
    let sheetXml: Buffer | null = null;
    let sheetName = '';
    let rows: ParsedRow[];
    try {
      rows = await readFirstSheet(file, this.limits, {
        cell: cellScalar,
        onEntry: (name, data) => {
          const m = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(name);
          if (m && (sheetName === '' || Number(m[1]) < Number(/\d+/.exec(sheetName)?.[0]))) {
            sheetName = name;
            sheetXml = data;
          }
        },
      });
    } catch (err) {
      if (err instanceof XlsxRefusal) throw new ImportRefusal(err.status, err.code, err.localized, err.details);
      throw err;
    }
    // Merged ranges are listed after the sheet data, which the streaming reader does not report.
    const merges: Array<{ r1: number; c1: number; r2: number; c2: number }> = [];
    const xml = sheetXml as Buffer | null;
    if (xml) {
      const at = xml.lastIndexOf('</sheetData>');
      const tail = xml.subarray(at < 0 ? 0 : at).toString('utf8');
      for (const m of tail.matchAll(/<mergeCell\b[^>]*\bref="([A-Z]+\d+:[A-Z]+\d+)"/g)) {
        const r = decodeRange(m[1] ?? '');
        if (r) merges.push(r);
      }
    }

    // A merged range: its top-left value, in its first column, for every row it spans.
    if (merges.length > 0) {
      const byNumber = new Map(rows.map((r) => [r.row, r]));
      for (const m of merges) {
        const v = byNumber.get(m.r1)?.cells.get(m.c1);
        if (v === undefined) continue;
        for (let r = m.r1 + 1; r <= m.r2; r++) {
          let target = byNumber.get(r);
          if (!target) {
            target = { row: r, cells: new Map() };
            byNumber.set(r, target);
            rows.push(target);
          }
          if (!target.cells.has(m.c1)) target.cells.set(m.c1, v);
        }
      }
      rows.sort((a, b) => a.row - b.row);
    }
    return rows;
  }
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function countTotals(rows: RowPreview[]): ImportTotals {
  const t: ImportTotals = { rows: rows.length, new: 0, existing: 0, duplicate: 0, error: 0 };
  for (const r of rows) t[r.status]++;
  return t;
}

/** Numbers stay numbers for number-like fields; everything else is read as text. */
function scalarFor(def: FieldDefinition, v: unknown): unknown {
  if (isObj(v)) return v;
  if (def.type === 'number' || def.type === 'money' || def.type === 'boolean') return v;
  if (typeof v === 'number' && def.type === 'enterprise-number') return String(v).padStart(10, '0');
  return String(v);
}

function columnFor(def: ImportDefinition, field: string): string {
  return Object.entries(def.columns).filter(([, t]) => t !== null && t.split('.')[0] === field).map(([h]) => h).join(', ');
}

function missingText(f: FieldDefinition, column: string): LocalizedText {
  return text(
    `« ${f.label.fr} » manquant (colonne « ${column} »).`,
    `"${f.label.nl}" ontbreekt (kolom "${column}").`,
    `"${f.label.en ?? f.label.fr}" is missing (column "${column}").`,
  );
}

function errorMessages(err: unknown): RowMessage[] {
  if (err instanceof ValidationError) {
    const out: RowMessage[] = Object.entries(err.fieldErrors).map(([field, m]) => ({ code: m.code, field, fr: m.fr, nl: m.nl, en: m.en ?? m.fr }));
    if (out.length > 0) return out;
  }
  if (err instanceof EngineError) return [{ code: err.code, ...err.localized }];
  const msg = err instanceof Error ? err.message : String(err);
  return [{ code: 'create-failed', ...text(`Création impossible : ${msg}`, `Aanmaken mislukt: ${msg}`, `Could not create: ${msg}`) }];
}

const SHARED = new WeakMap<RecordStore, BelfirstImportService>();

/** One service per store (the routes and the watched folder share its one-at-a-time queue). */
export function sharedBelfirstImport(deps: Omit<BelfirstImportDeps, 'limits'>): BelfirstImportService {
  let s = SHARED.get(deps.store);
  if (!s) {
    s = new BelfirstImportService(deps);
    SHARED.set(deps.store, s);
  }
  return s;
}
