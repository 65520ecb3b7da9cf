/**
 * Spreadsheet exports declared in the pack (`exports:` files), first of all the census results
 * for Onyx, the commune's tax software (TR-29). Generic over any export of any pack: one row per
 * record of the export's record type, in one of its `states` (a state or a parent of the current
 * one), columns in the declared order.
 *
 * Cell values, chosen so that the other system reads codes and numbers, never labels:
 *  - number, money: numbers; enum: the stored key (`false-declaration`, not its label);
 *  - boolean: an Excel boolean cell (TRUE/FALSE, shown VRAI/WAAR by a French or Dutch Excel);
 *  - date: an Excel date (dd/mm/yyyy); datetime and `$createdAt`/`$updatedAt`: an Excel date and
 *    time, as the clock showed it in the pack's time zone (Excel has no time zones);
 *  - address: `field.part` gives one part; the whole field gives one line "street number bte box,
 *    postcode city"; enterprise number: its official form 0403.170.701;
 *  - list: the items joined with "; " (file names for files);
 *  - `pii: true` fields are left empty: the schema promises personal data is masked in exports.
 *
 * The workbook is streamed (exceljs's streaming writer) page by page from the store, so exporting
 * the whole register holds one page of records in memory, not the file.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { hasRecordPermission } from '../../engine/access';
import { localParts } from '../../engine/calendar';
import type { LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import type { FieldDefinition } from '../../engine/fields';
import type { ExportDefinition, Pack } from '../../engine/pack';
import type { InstanceRow, RecordStore } from '../ports/record-store.port';
import type { PacksService } from './packs.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** A request refused as a whole, with its HTTP status and a message in every language. */
export class SpreadsheetRefusal extends Error {
  constructor(readonly status: 400 | 403 | 404 | 413 | 422, readonly code: string, readonly localized: LocalizedText, readonly details: Record<string, unknown> = {}) {
    super(localized.en ?? localized.fr);
  }
}

export interface ExportSummary {
  id: string;
  label: LocalizedText;
  record: string;
  sheet: string;
  states: string[] | null;
  headers: string[];
  /** The export reads an update file back (POST /api/exports/:id/update/…), and this user may send it. */
  update: { key: string; columns: string[] } | null;
}

/** A checked export request: everything is known before the first byte is written. */
export interface ExportPlan {
  id: string;
  pack: Pack;
  def: ExportDefinition;
  /** The selected records, when `ids` was given; else every record in the export's states. */
  ids: string[] | null;
  fileName: string;
}

export const MAX_SELECTION = 1000;
const PAGE = 1000;
const DATE_FORMAT = 'dd/mm/yyyy';
const DATETIME_FORMAT = 'dd/mm/yyyy hh:mm';

type CellValue = string | number | boolean | Date | null;

/** Whether the record is in one of the states (its current state or one of its parents). */
export function inExportStates(def: ExportDefinition, row: Pick<InstanceRow, 'states'>): boolean {
  return !def.states || def.states.length === 0 || row.states.some((s) => def.states?.includes(s) === true);
}

export class SpreadsheetExportService {
  constructor(private readonly deps: { store: RecordStore; packs: PacksService }) {}

  /** The exports whose record type this user may read. */
  list(actor: Actor): ExportSummary[] {
    const { pack } = this.deps.packs.active();
    return Object.entries(pack.exports ?? {})
      .filter(([, def]) => hasRecordPermission(pack, actor.roles, def.record, 'read'))
      .map(([id, def]) => ({
        id, label: def.label, record: def.record, sheet: sheetName(id, def), states: def.states ?? null,
        headers: def.columns.map((c) => c.header),
        update: def.update && hasRecordPermission(pack, actor.roles, def.record, 'update')
          ? { key: def.update.key.header, columns: Object.keys(def.update.columns) }
          : null,
      }));
  }

  /** The export, checked for this user: 404 unknown, 403 not readable, 422 a selection outside it. */
  plan(actor: Actor, exportId: string, ids: string[] | null): ExportPlan {
    const { pack } = this.deps.packs.active();
    const def = exportDefinition(pack, exportId);
    if (!hasRecordPermission(pack, actor.roles, def.record, 'read')) {
      const label = pack.records[def.record]?.plural ?? pack.records[def.record]?.label ?? text(def.record, def.record, def.record);
      throw new SpreadsheetRefusal(403, 'forbidden', text(
        `Votre rôle ne permet pas de lire les « ${label.fr} » : l’export « ${def.label.fr} » vous est fermé.`,
        `Uw rol mag geen "${label.nl}" lezen: de export "${def.label.nl}" is voor u niet beschikbaar.`,
        `Your role may not read ${label.en ?? def.record}: the export "${def.label.en ?? def.label.fr}" is closed to you.`,
      ), { export: exportId });
    }
    if (ids !== null) {
      if (ids.length === 0 || ids.length > MAX_SELECTION) {
        throw new SpreadsheetRefusal(422, 'validation-failed', text(
          `Sélectionnez de 1 à ${MAX_SELECTION} enregistrements (ids).`,
          `Selecteer 1 tot ${MAX_SELECTION} records (ids).`,
          `Select 1 to ${MAX_SELECTION} records (ids).`,
        ), { field: 'ids' });
      }
      const outside = ids.filter((id) => {
        const row = this.deps.store.getInstance(id);
        return !row || row.recordType !== def.record || !inExportStates(def, row);
      });
      if (outside.length > 0) {
        const states = (def.states ?? []).join(', ');
        throw new SpreadsheetRefusal(422, 'not-exportable', text(
          `Ces enregistrements n’existent pas ou ne sont pas dans les états de l’export (${states}) : ${outside.join(', ')}.`,
          `Deze records bestaan niet of zijn niet in de toestanden van de export (${states}): ${outside.join(', ')}.`,
          `These records do not exist or are not in the export's states (${states}): ${outside.join(', ')}.`,
        ), { ids: outside });
      }
    }
    return { id: exportId, pack, def, ids, fileName: `${exportId}.xlsx` };
  }

  /** Writes the workbook to `out` (an HTTP response, a file); resolves with the number of rows. */
  async write(plan: ExportPlan, out: Writable): Promise<number> {
    const { pack, def } = plan;
    const fields = pack.records[def.record]?.fields ?? {};
    const tz = pack.manifest.timezone;
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet(sheetName(plan.id, def), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = def.columns.map((c) => ({ header: c.header, width: Math.min(40, Math.max(12, c.header.length + 4)) }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    const cells = def.columns.map((c) => cellWriter(c.field, fields, tz));
    let count = 0;
    const emit = (row: InstanceRow): void => {
      const r = ws.addRow(cells.map((w) => w.value(row)));
      cells.forEach((w, i) => {
        if (w.numFmt) r.getCell(i + 1).numFmt = w.numFmt;
      });
      r.commit();
      count++;
    };
    if (plan.ids) {
      for (const id of plan.ids) {
        const row = this.deps.store.getInstance(id);
        if (row && row.recordType === def.record && inExportStates(def, row)) emit(row);
      }
    } else {
      for (let offset = 0; ; offset += PAGE) {
        const { rows } = this.deps.store.listInstances({ recordTypes: [def.record], filters: {}, sort: 'createdAt', direction: 'asc', limit: PAGE, offset });
        for (const row of rows) if (inExportStates(def, row)) emit(row);
        if (rows.length < PAGE) break;
        // Lets the response drain and other requests run between pages.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    ws.commit();
    await wb.commit();
    return count;
  }
}

export function exportDefinition(pack: Pack, exportId: string): ExportDefinition {
  const def = Object.hasOwn(pack.exports ?? {}, exportId) ? pack.exports?.[exportId] : undefined;
  if (!def) {
    throw new SpreadsheetRefusal(404, 'unknown-export', text(
      `L’export « ${exportId} » n’est pas défini dans le pack publié.`,
      `Export "${exportId}" is niet gedefinieerd in het gepubliceerde pakket.`,
      `Export "${exportId}" is not defined in the published pack.`,
    ), { export: exportId });
  }
  return def;
}

function sheetName(id: string, def: ExportDefinition): string {
  return (def.sheet ?? id).slice(0, 31);
}

interface CellWriter {
  value: (row: InstanceRow) => CellValue;
  numFmt?: string;
}

/** How one column's cells are computed, decided once per export rather than per row. */
function cellWriter(column: string, fields: Record<string, FieldDefinition>, tz: string): CellWriter {
  const wall = (iso: string | null): Date | null => {
    const ms = iso === null ? NaN : Date.parse(iso);
    if (Number.isNaN(ms)) return null;
    const p = localParts(ms, tz);
    return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
  };
  switch (column) {
    case '$id': return { value: (r) => r.id };
    case '$status': return { value: (r) => r.status };
    case '$step': return { value: (r) => r.step };
    case '$owner': return { value: (r) => r.owner };
    case '$createdAt': return { value: (r) => wall(r.createdAt), numFmt: DATETIME_FORMAT };
    case '$updatedAt': return { value: (r) => wall(r.updatedAt), numFmt: DATETIME_FORMAT };
    default: break;
  }
  const [name = '', part] = column.split('.');
  const def = fields[name];
  const raw = (r: InstanceRow): unknown => r.snapshot.context.fields[name];
  if (!def || def.pii) return { value: () => null };
  if (part !== undefined) {
    return { value: (r) => addressPart(raw(r), part) };
  }
  switch (def.type) {
    case 'number':
    case 'money':
      return { value: (r) => { const v = raw(r); return typeof v === 'number' && Number.isFinite(v) ? v : null; } };
    case 'boolean':
      return { value: (r) => { const v = raw(r); return typeof v === 'boolean' ? v : null; } };
    case 'date':
      return {
        value: (r) => {
          const v = raw(r);
          const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
          return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
        },
        numFmt: DATE_FORMAT,
      };
    case 'datetime':
      return { value: (r) => { const v = raw(r); return wall(typeof v === 'string' ? v : null); }, numFmt: DATETIME_FORMAT };
    case 'address':
      return { value: (r) => addressLine(raw(r)) };
    case 'list':
      return { value: (r) => listText(raw(r)) };
    case 'file':
      return { value: (r) => listText([raw(r)]) };
    default:
      return { value: (r) => scalarText(raw(r)) };
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function addressPart(v: unknown, part: string): string | null {
  if (!isObj(v)) return null;
  if (part === 'line') return streetLine(v);
  return scalarText(v[part]);
}

function streetLine(a: Record<string, unknown>): string | null {
  const s = [a['street'], a['number']].filter((x) => typeof x === 'string' && x !== '').join(' ');
  const box = typeof a['box'] === 'string' && a['box'] !== '' ? ` bte ${a['box']}` : '';
  return s === '' ? null : s + box;
}

function addressLine(v: unknown): string | null {
  if (!isObj(v)) return null;
  const city = [v['postalCode'], v['city']].filter((x) => typeof x === 'string' && x !== '').join(' ');
  const line = [streetLine(v), city].filter((x) => x !== null && x !== '').join(', ');
  return line === '' ? null : line;
}

function listText(v: unknown): string | null {
  if (!Array.isArray(v)) return null;
  const items = v.map((x) => (isObj(x) && typeof x['name'] === 'string' ? x['name'] : scalarText(x))).filter((x): x is string => x !== null);
  return items.length === 0 ? null : items.join('; ');
}
