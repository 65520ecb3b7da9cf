/**
 * Reading back the update file of an export (`update:` of an `exports:` entry): for the census,
 * the file Onyx sends back with the article, what was paid and the arrears (TR-29). Named after
 * its first user; generic over any export that declares `update`.
 *
 *  - the file is checked like the Belfirst import (xlsx-guard): its size, the sizes its zip
 *    directory declares (a zip bomb is refused before a byte is inflated), each entry inflated
 *    with a cap at its declared size; then read with exceljs's streaming reader;
 *  - the header row is the first of the first 20 rows that holds the key column;
 *  - each row is matched to ONE record on `update.key`, normalised as the field is (an enterprise
 *    number 403170701, 0403 170 701 or BE0403.170.701 matches 0403.170.701); when several records
 *    share the key, the one in the export's states wins; still several: the row is refused;
 *  - the mapped columns are validated as the field's type requires (messages of the field, FR/NL);
 *    an empty cell leaves the field as it is; a non-empty cell in a column the pack does not
 *    declare is an error of its row (a renamed column must not be dropped silently);
 *  - a key twice in the file: every row holding it is refused (which one is right is unknown);
 *  - the preview dry-runs the very engine step the commit will apply (the pure `applyEvent`), so
 *    what the engine refuses (a closed dossier, a computed field) shows per row before the commit;
 *  - the commit sends ONE `update` event per changed record, only the fields that differ; rows
 *    already as in the file are skipped, so reading the same file twice changes nothing. Each
 *    event carries the idempotency key file-hash + row: two commits of the same file (two users,
 *    two processes) apply each row once; commits run one at a time per process so the second
 *    one's counts say "unchanged".
 */
import { createHash } from 'node:crypto';
import { maySendEvent } from '../../engine/access';
import { zonedTimeToUtc } from '../../engine/calendar';
import { ConflictError, EngineError, ValidationError, type LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { validateFieldValue, type FieldDefinition } from '../../engine/fields';
import { applyEvent } from '../../engine/instance';
import type { ExportDefinition, Pack } from '../../engine/pack';
import type { InstanceRow, RecordStore } from '../ports/record-store.port';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './belfirst-import.service';
import type { PacksService } from './packs.service';
import type { RecordsService } from './records.service';
import { exportDefinition, inExportStates, SpreadsheetRefusal } from './spreadsheet-export.service';
import { normHeader, readCell, readFirstSheet, XlsxRefusal, type SheetCell, type SheetRow } from './xlsx-read';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

export interface UpdateRowMessage extends LocalizedText {
  code: string;
  field?: string;
  column?: string;
}

export type UpdateRowStatus = 'update' | 'unchanged' | 'error';

export interface UpdateFieldChange {
  field: string;
  column: string;
  before: unknown;
  after: unknown;
}

export interface UpdateRowPreview {
  /** The row number as Excel shows it. */
  row: number;
  status: UpdateRowStatus;
  /** The normalised key (e.g. 0403.170.701); null when missing or invalid. */
  key: string | null;
  recordId?: string;
  title?: string | null;
  /** The matched record's current states, outermost first. */
  states?: string[];
  changes: UpdateFieldChange[];
  /** Other rows of the file holding the same key. */
  duplicateOf?: number[];
  errors: UpdateRowMessage[];
}

export interface UpdateTotals {
  rows: number;
  update: number;
  unchanged: number;
  error: number;
}

export interface UpdatePreview {
  export: string;
  fileName: string;
  sha256: string;
  bytes: number;
  columns: { key: string; recognised: string[]; ignored: string[]; unknown: string[]; missing: string[] };
  totals: UpdateTotals;
  rows: UpdateRowPreview[];
}

export interface UpdateCommit extends UpdatePreview {
  /** Records changed by this commit. */
  updated: number;
  unchanged: number;
  errors: number;
}

export interface UpdateFileDeps {
  store: RecordStore;
  packs: PacksService;
  records: RecordsService;
  clock: () => number;
  limits?: Partial<ImportLimits>;
}

interface Candidate {
  row: InstanceRow;
  inStates: boolean;
}
interface Planned {
  preview: UpdateRowPreview;
  fields: Record<string, unknown>;
  version: number;
}

const BATCH = 250;

/**
 * A cell converted to what the field's validator expects. Excel has no time zones: a date cell
 * is the wall clock of the pack's zone. Text in the Belgian forms (14/03/2026, 1.234,56) is read
 * as those users type it; anything else goes to the validator as is, which explains the problem.
 */
export function cellForField(def: FieldDefinition, v: SheetCell, timeZone: string): unknown {
  switch (def.type) {
    case 'date': {
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      const m = typeof v === 'string' ? /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v) : null;
      return m ? `${m[3]}-${(m[2] ?? '').padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}` : typeof v === 'number' ? String(v) : v;
    }
    case 'datetime':
      if (v instanceof Date) {
        return new Date(zonedTimeToUtc({ year: v.getUTCFullYear(), month: v.getUTCMonth() + 1, day: v.getUTCDate(), hour: v.getUTCHours(), minute: v.getUTCMinutes(), second: v.getUTCSeconds() }, timeZone)).toISOString();
      }
      return String(v);
    case 'number':
    case 'money':
      if (typeof v === 'string') {
        const t = v.replace(/\s*€\s*/g, '').trim();
        // 1.234,56 / 1 234,56 / 1234,56: a decimal comma, dots or spaces between thousands.
        if (/^[+-]?\d{1,3}([.\s\u00a0\u202f]\d{3})*(,\d+)?$/.test(t) || /^[+-]?\d+,\d+$/.test(t)) return t.replace(/[.\s\u00a0\u202f]/g, '').replace(',', '.');
        return t;
      }
      return v instanceof Date ? v.toISOString() : v;
    case 'boolean':
      return v;
    case 'enterprise-number':
      // A number cell lost its leading zero (403170701).
      return typeof v === 'number' ? String(v).padStart(10, '0') : v instanceof Date ? '' : String(v);
    default:
      return v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return JSON.stringify(a) === JSON.stringify(b);
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export class UpdateFileService {
  readonly limits: ImportLimits;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: UpdateFileDeps) {
    this.limits = { ...DEFAULT_IMPORT_LIMITS, ...deps.limits };
  }

  /** The export and its update, checked for this user (404, 422 without `update`, 403). */
  private definition(actor: Actor, exportId: string): { pack: Pack; def: ExportDefinition; update: NonNullable<ExportDefinition['update']> } {
    const { pack } = this.deps.packs.active();
    const def = exportDefinition(pack, exportId);
    if (!def.update) {
      throw new SpreadsheetRefusal(404, 'no-update-file', text(
        `L’export « ${def.label.fr} » ne relit pas de fichier de mise à jour.`,
        `De export "${def.label.nl}" leest geen bijwerkingsbestand in.`,
        `The export "${def.label.en ?? def.label.fr}" reads no update file back.`,
      ), { export: exportId });
    }
    const process = this.deps.packs.processFor(this.deps.packs.active().version, def.record);
    if (!process || !maySendEvent(pack, process.definition, actor.roles, 'update')) {
      const label = pack.records[def.record]?.plural ?? pack.records[def.record]?.label ?? text(def.record, def.record, def.record);
      throw new SpreadsheetRefusal(403, 'forbidden', text(
        `Votre rôle ne permet pas de modifier les « ${label.fr} » : le fichier de mise à jour vous est fermé.`,
        `Uw rol mag geen "${label.nl}" wijzigen: het bijwerkingsbestand is voor u niet beschikbaar.`,
        `Your role may not change ${label.en ?? def.record}: the update file is closed to you.`,
      ), { export: exportId });
    }
    return { pack, def, update: def.update };
  }

  /** Checks the file and says per row what the commit would do; writes nothing. */
  async preview(actor: Actor, exportId: string, file: Buffer, fileName: string): Promise<UpdatePreview> {
    const { pack, def, update } = this.definition(actor, exportId);
    return (await this.analyse(actor, exportId, pack, def, update, file, fileName)).preview;
  }

  /** Applies the valid rows; one commit at a time per process. */
  commit(actor: Actor, exportId: string, file: Buffer, fileName: string): Promise<UpdateCommit> {
    const run = this.queue.then(() => this.commitNow(actor, exportId, file, fileName));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitNow(actor: Actor, exportId: string, file: Buffer, fileName: string): Promise<UpdateCommit> {
    const { pack, def, update } = this.definition(actor, exportId);
    const { preview, planned } = await this.analyse(actor, exportId, pack, def, update, file, fileName);
    let updated = 0;
    const todo = planned.filter((p) => p.preview.status === 'update');
    for (let i = 0; i < todo.length; i += BATCH) {
      await Promise.all(todo.slice(i, i + BATCH).map(async (p) => {
        const r = p.preview;
        try {
          const view = await this.deps.records.send(actor, r.recordId ?? '', {
            type: 'update', data: { fields: p.fields }, expectedVersion: p.version,
            // The same row of the same file is applied once, whoever sends it and however often.
            idempotencyKey: `update-file:${exportId}:${preview.sha256}:${r.row}`,
          });
          if (view.version > p.version) updated++;
          else r.status = 'unchanged';
        } catch (err) {
          r.status = 'error';
          r.errors.push(...errorMessages(err, r.changes));
        }
      }));
    }
    const totals = countTotals(preview.rows);
    return { ...preview, totals, updated, unchanged: totals.unchanged, errors: totals.error };
  }

  private async analyse(actor: Actor, exportId: string, pack: Pack, def: ExportDefinition, update: NonNullable<ExportDefinition['update']>, file: Buffer, fileName: string): Promise<{ preview: UpdatePreview; planned: Planned[] }> {
    const record = pack.records[def.record];
    if (!record) throw new SpreadsheetRefusal(422, 'unknown-export', text(`Type d’enregistrement inconnu « ${def.record} ».`, `Onbekend recordtype "${def.record}".`, `Unknown record type "${def.record}".`));
    const tz = pack.manifest.timezone;
    const rows = await this.readRows(file);

    const keyHeader = normHeader(update.key.header);
    const headerRow = rows.slice(0, 20).find((r) => [...r.cells.values()].some((v) => typeof v === 'string' && normHeader(v) === keyHeader));
    const declared = Object.keys(update.columns);
    if (!headerRow) {
      throw new SpreadsheetRefusal(422, 'missing-columns', text(
        `La colonne clé « ${update.key.header} » est introuvable dans les 20 premières lignes. Colonnes attendues : ${[update.key.header, ...declared].join(', ')}.`,
        `De sleutelkolom "${update.key.header}" staat niet in de eerste 20 rijen. Verwachte kolommen: ${[update.key.header, ...declared].join(', ')}.`,
        `The key column "${update.key.header}" is not in the first 20 rows. Expected columns: ${[update.key.header, ...declared].join(', ')}.`,
      ), { missing: [update.key.header] });
    }
    const targets = new Map<string, string | null>(declared.map((h) => [normHeader(h), update.columns[h] ?? null]));
    let keyColumn = -1;
    const mapped = new Map<number, { header: string; field: string }>();
    const unknownColumns = new Map<number, string>();
    const recognised: string[] = [];
    const ignored: string[] = [];
    const present = new Set<string>();
    for (const [col, v] of headerRow.cells) {
      const h = String(v);
      const n = normHeader(h);
      if (n === keyHeader && keyColumn < 0) {
        keyColumn = col;
        recognised.push(h);
      } else if (targets.has(n)) {
        const field = targets.get(n) ?? null;
        present.add(n);
        recognised.push(h);
        if (field === null) ignored.push(h);
        else mapped.set(col, { header: h, field });
      } else unknownColumns.set(col, h);
    }
    const missing = declared.filter((h) => update.columns[h] !== null && !present.has(normHeader(h)));

    const keyDef = record.fields[update.key.field];
    const byKey = this.candidatesByKey(def, update.key.field, keyDef);
    const now = new Date(this.deps.clock()).toISOString();
    const planned: Planned[] = [];
    const out: UpdateRowPreview[] = [];
    const rowsOfKey = new Map<string, number[]>();

    for (const r of rows) {
      if (r.row <= headerRow.row) continue;
      if (r.cells.size === 0) continue;
      const errors: UpdateRowMessage[] = [];
      const p: UpdateRowPreview = { row: r.row, status: 'update', key: null, changes: [], errors };
      out.push(p);
      for (const [col, header] of unknownColumns) {
        if (!r.cells.has(col)) continue;
        errors.push({ code: 'unknown-column', column: header, ...text(
          `Colonne inconnue « ${header} » : sa valeur ne serait pas lue. Déclarez-la dans l’export du pack (update.columns) ou retirez-la du fichier.`,
          `Onbekende kolom "${header}": de waarde zou niet worden ingelezen. Declareer ze in de export van het pakket (update.columns) of verwijder ze uit het bestand.`,
          `Unknown column "${header}": its value would not be read. Declare it in the pack's export (update.columns) or remove it from the file.`,
        ) });
      }
      const rawKey = r.cells.get(keyColumn);
      if (rawKey === undefined) {
        errors.push({ code: 'required', field: update.key.field, column: update.key.header, ...text(
          `« ${update.key.header} » manquant : la ligne ne peut être liée à aucun dossier.`,
          `"${update.key.header}" ontbreekt: de rij kan aan geen enkel dossier worden gekoppeld.`,
          `"${update.key.header}" is missing: the row matches no record.`,
        ) });
      } else {
        const res = keyDef ? validateFieldValue(keyDef, cellForField(keyDef, rawKey, tz)) : { ok: true as const, value: String(rawKey) };
        if (!res.ok) errors.push({ ...res.error, field: update.key.field, column: update.key.header });
        else p.key = String(res.value);
      }
      if (p.key !== null) rowsOfKey.set(p.key, [...(rowsOfKey.get(p.key) ?? []), r.row]);

      // The values, validated as their field requires.
      const values: Record<string, { value: unknown; column: string }> = {};
      for (const [col, { header, field }] of mapped) {
        const v = r.cells.get(col);
        if (v === undefined) continue;
        const fdef = record.fields[field];
        if (!fdef) continue;
        const res = validateFieldValue(fdef, cellForField(fdef, v, tz));
        if (res.ok) values[field] = { value: res.value, column: header };
        else errors.push({ ...res.error, field, column: header });
      }

      if (p.key === null) continue;
      const candidates = byKey.get(p.key) ?? [];
      const preferred = candidates.filter((c) => c.inStates);
      const pool = preferred.length > 0 ? preferred : candidates;
      if (pool.length === 0) {
        errors.push({ code: 'unknown-key', field: update.key.field, column: update.key.header, ...text(
          `Aucun ${record.label.fr.toLowerCase()} avec ce ${update.key.header.toLowerCase()} (${p.key}).`,
          `Geen ${record.label.nl.toLowerCase()} met dit ${(keyDef?.label.nl ?? update.key.header).toLowerCase()} (${p.key}).`,
          `No ${(record.label.en ?? record.label.fr).toLowerCase()} with this ${(keyDef?.label.en ?? update.key.header).toLowerCase()} (${p.key}).`,
        ) });
        continue;
      }
      if (pool.length > 1) {
        const ids = pool.map((c) => c.row.id).join(', ');
        errors.push({ code: 'ambiguous-key', field: update.key.field, column: update.key.header, ...text(
          `${pool.length} dossiers portent le numéro ${p.key} (${ids}) : la ligne ne dit pas lequel mettre à jour.`,
          `${pool.length} dossiers hebben het nummer ${p.key} (${ids}): de rij zegt niet welk bij te werken.`,
          `${pool.length} records hold ${p.key} (${ids}): the row does not say which to update.`,
        ) });
        continue;
      }
      const target = (pool[0] as Candidate).row;
      p.recordId = target.id;
      p.title = target.title;
      p.states = target.states;
      const current = target.snapshot.context.fields;
      const fields: Record<string, unknown> = {};
      for (const [field, { value, column }] of Object.entries(values)) {
        if (same(current[field], value)) continue;
        fields[field] = value;
        p.changes.push({ field, column, before: current[field] ?? null, after: value });
      }
      if (errors.length > 0 || p.changes.length === 0) continue;
      // The engine's own verdict, without writing: what it refuses now, the commit would too.
      try {
        const process = this.deps.packs.process(target.packVersion, target.process);
        applyEvent(process, target.snapshot, { type: 'update', actor, data: { fields }, at: now });
        planned.push({ preview: p, fields, version: target.version });
      } catch (err) {
        errors.push(...(target.done && err instanceof ConflictError ? [closedMessage(pack, target)] : errorMessages(err, p.changes)));
      }
    }

    // A key twice: no row of it is applied.
    for (const p of out) {
      const same = p.key === null ? [] : (rowsOfKey.get(p.key) ?? []).filter((n) => n !== p.row);
      if (same.length === 0) continue;
      p.duplicateOf = same;
      p.errors.push({ code: 'duplicate-key', field: update.key.field, column: update.key.header, ...text(
        `Le numéro ${p.key} figure aussi ligne(s) ${same.join(', ')} : aucune de ces lignes n’est appliquée.`,
        `Het nummer ${p.key} staat ook op rij(en) ${same.join(', ')}: geen van die rijen wordt toegepast.`,
        `${p.key} is also on row(s) ${same.join(', ')}: none of these rows is applied.`,
      ) });
    }
    for (const p of out) p.status = p.errors.length > 0 ? 'error' : p.changes.length === 0 ? 'unchanged' : 'update';
    const preview: UpdatePreview = {
      export: exportId, fileName, sha256: sha256(file), bytes: file.length,
      columns: { key: update.key.header, recognised, ignored, unknown: [...unknownColumns.values()], missing },
      totals: countTotals(out),
      rows: out,
    };
    return { preview, planned: planned.filter((x) => x.preview.status === 'update') };
  }

  /** Normalised key → the records holding it, whether each is in the export's states. */
  private candidatesByKey(def: ExportDefinition, keyField: string, keyDef: FieldDefinition | undefined): Map<string, Candidate[]> {
    const out = new Map<string, Candidate[]>();
    const page = 5000;
    for (let offset = 0; ; offset += page) {
      const { rows } = this.deps.store.listInstances({ recordTypes: [def.record], filters: {}, sort: 'createdAt', direction: 'asc', limit: page, offset });
      for (const row of rows) {
        const v = row.snapshot.context.fields[keyField];
        if (v === undefined || v === null || v === '') continue;
        const res = keyDef ? validateFieldValue(keyDef, v) : { ok: true as const, value: v };
        const k = String(res.ok ? res.value : v);
        out.set(k, [...(out.get(k) ?? []), { row, inStates: inExportStates(def, row) }]);
      }
      if (rows.length < page) break;
    }
    return out;
  }

  /** The rows of the first worksheet, after the size and zip checks. */
  private async readRows(file: Buffer): Promise<Array<SheetRow<SheetCell>>> {
    try {
      // The header row is counted too: a margin of one row, on a limit of 100,000.
      return await readFirstSheet(file, this.limits, { cell: readCell, headerInLimit: true });
    } catch (err) {
      if (err instanceof XlsxRefusal) throw new SpreadsheetRefusal(err.status, err.code, err.localized, err.details);
      throw err;
    }
  }
}

/**
 * The engine refuses every event, `update` included, once a record reached a final state: a
 * closed dossier keeps what it had when it closed. Reading Onyx's answer into closed dossiers
 * needs a pack-level exception (see docs/census.md, "Onyx export and update file").
 */
function closedMessage(pack: Pack, row: InstanceRow): UpdateRowMessage {
  const state = row.states.join(' / ');
  const status = pack.processes[row.process]?.statuses[row.status];
  return {
    code: 'record-closed',
    ...text(
      `Le dossier ${row.id} est clôturé (${status?.fr ?? row.status}, état « ${state} ») : le moteur n’accepte plus de modification d’un dossier clôturé. Rien n’est écrit pour cette ligne.`,
      `Het dossier ${row.id} is afgesloten (${status?.nl ?? row.status}, toestand "${state}"): de engine aanvaardt geen wijziging meer van een afgesloten dossier. Voor deze rij wordt niets geschreven.`,
      `Record ${row.id} is closed (${status?.en ?? row.status}, state "${state}"): the engine accepts no change to a closed record. Nothing is written for this row.`,
    ),
  };
}

function errorMessages(err: unknown, changes: UpdateFieldChange[]): UpdateRowMessage[] {
  const columnOf = (field: string): string | undefined => changes.find((c) => c.field === field)?.column;
  if (err instanceof ValidationError) {
    const out = Object.entries(err.fieldErrors).map(([field, m]) => {
      const column = columnOf(field);
      return { code: m.code, field, ...(column ? { column } : {}), fr: m.fr, nl: m.nl, en: m.en ?? m.fr };
    });
    if (out.length > 0) return out;
  }
  if (err instanceof EngineError) return [{ code: err.code, ...err.localized, en: err.localized.en ?? err.localized.fr }];
  const msg = err instanceof Error ? err.message : String(err);
  return [{ code: 'update-failed', ...text(`Mise à jour impossible : ${msg}`, `Bijwerken mislukt: ${msg}`, `Could not update: ${msg}`) }];
}

function countTotals(rows: UpdateRowPreview[]): UpdateTotals {
  const t: UpdateTotals = { rows: rows.length, update: 0, unchanged: 0, error: 0 };
  for (const r of rows) t[r.status]++;
  return t;
}

const SHARED = new WeakMap<RecordStore, UpdateFileService>();

/** One service per store: its one-commit-at-a-time queue must be shared by every request. */
export function sharedUpdateFileService(deps: Omit<UpdateFileDeps, 'limits'>): UpdateFileService {
  let s = SHARED.get(deps.store);
  if (!s) {
    s = new UpdateFileService(deps);
    SHARED.set(deps.store, s);
  }
  return s;
}
