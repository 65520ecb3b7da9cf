/**
 * Reads the first worksheet of an uploaded .xlsx (the Belfirst import, the Onyx update file)
 * after the size and zip checks of xlsx-guard.ts, and says in the user's language why a file
 * is refused as a whole.
 *
 * @example
 *   const rows = await readFirstSheet(file, limits, { cell: readCell });
 *   // rows[0].cells.get(1) → the value of column A on the first non-empty row
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { LocalizedText } from '../../engine/errors';
import { checkZipDeclaredSize, checkZipInflation, ZipCheckError } from './xlsx-guard';

/** A cell as read: Dates are kept, since whether a cell was a date matters to some fields. */
export type SheetCell = string | number | boolean | Date;

export interface SheetRow<C> {
  /** The spreadsheet's own row number (1-based). */
  row: number;
  /** Column number (1-based, A = 1) → value; empty cells are absent. */
  cells: Map<number, C>;
}

export interface XlsxLimits {
  /** Largest file accepted (bytes, as uploaded). */
  maxFileBytes: number;
  /** Largest total the zip may inflate to (bytes, as its central directory declares). */
  maxUncompressedBytes: number;
  /** Most data rows (see `headerInLimit`). */
  maxRows: number;
}

/** A file refused as a whole; each service turns it into its own refusal for its routes. */
export class XlsxRefusal extends Error {
  constructor(readonly status: 413 | 422, readonly code: 'file-too-large' | 'uncompressed-too-large' | 'too-many-rows' | 'unreadable-file', readonly localized: LocalizedText, readonly details: Record<string, unknown>) {
    super(localized.en ?? localized.fr);
  }
}

export interface ReadSheetOptions<C> {
  /** A cell's value as the caller keeps it; null for an empty cell. */
  cell: (value: unknown) => C | null;
  /** Counts the header row against `maxRows` (a margin of one row on the limit). */
  headerInLimit?: boolean;
  /** Each entry of the zip as it is inflated, for what the streaming reader does not report. */
  onEntry?: (name: string, data: Buffer) => void;
}

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** Megabytes with at most one decimal, as the refusals show them. */
export function mb(n: number): string {
  return (n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
}

/** Header text as compared: trimmed, one space, lower case, typographic apostrophes straightened. */
export function normHeader(s: string): string {
  return s.normalize('NFC').replace(/[’‘`]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An ExcelJS cell value as read: a formula's cached result, rich text as plain text, errors as empty. */
export function readCell(v: unknown): SheetCell | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (isObj(v)) {
    if ('formula' in v || 'sharedFormula' in v) return readCell(v['result']);
    if (Array.isArray(v['richText'])) return readCell((v['richText'] as unknown[]).map((r) => (isObj(r) ? String(r['text'] ?? '') : '')).join(''));
    if ('text' in v) return readCell(v['text']);
  }
  return null;
}

/** The non-empty rows of the first worksheet, after the size and zip checks; throws XlsxRefusal. */
export async function readFirstSheet<C>(file: Buffer, limits: XlsxLimits, options: ReadSheetOptions<C>): Promise<Array<SheetRow<C>>> {
  if (file.length > limits.maxFileBytes) {
    throw new XlsxRefusal(413, 'file-too-large', text(
      `Le fichier fait ${mb(file.length)} Mo : la limite est de ${mb(limits.maxFileBytes)} Mo.`,
      `Het bestand is ${mb(file.length)} MB groot: de limiet is ${mb(limits.maxFileBytes)} MB.`,
      `The file is ${mb(file.length)} MB: the limit is ${mb(limits.maxFileBytes)} MB.`,
    ), { bytes: file.length, limit: limits.maxFileBytes });
  }
  try {
    checkZipInflation(file, checkZipDeclaredSize(file, limits.maxUncompressedBytes), options.onEntry);
  } catch (err) {
    if (err instanceof ZipCheckError) throw zipRefusal(err, limits);
    throw err;
  }

  const rows: Array<SheetRow<C>> = [];
  const maxRowsRead = limits.maxRows + (options.headerInLimit ? 0 : 1);
  let first = true;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const ws of reader) {
      if (!first) {
        for await (const _row of ws) void _row;
        continue;
      }
      first = false;
      for await (const row of ws) {
        const cells = new Map<number, C>();
        if (Array.isArray(row.values)) {
          row.values.forEach((v, col) => {
            const c = options.cell(v);
            if (c !== null) cells.set(col, c);
          });
        }
        if (cells.size === 0) continue;
        if (rows.length >= maxRowsRead) throw tooManyRows(limits.maxRows);
        rows.push({ row: row.number, cells });
      }
    }
  } catch (err) {
    if (err instanceof XlsxRefusal) throw err;
    throw unreadable({ detail: err instanceof Error ? err.message : String(err) });
  }
  return rows;
}

function tooManyRows(max: number): XlsxRefusal {
  return new XlsxRefusal(413, 'too-many-rows', text(
    `Le fichier compte plus de ${max.toLocaleString('fr-BE')} lignes : découpez-le en plusieurs fichiers.`,
    `Het bestand telt meer dan ${max.toLocaleString('nl-BE')} rijen: splits het in meerdere bestanden.`,
    `The file has more than ${max} rows: split it into several files.`,
  ), { limit: max });
}

function zipRefusal(err: ZipCheckError, limits: XlsxLimits): XlsxRefusal {
  if (err.problem === 'too-large-uncompressed' || err.problem === 'lying-sizes') {
    return new XlsxRefusal(413, 'uncompressed-too-large', text(
      `Le fichier décompressé dépasserait ${mb(limits.maxUncompressedBytes)} Mo : il est refusé sans être ouvert.`,
      `Het uitgepakte bestand zou groter zijn dan ${mb(limits.maxUncompressedBytes)} MB: het wordt geweigerd zonder het te openen.`,
      `The unpacked file would exceed ${mb(limits.maxUncompressedBytes)} MB: it is refused without being opened.`,
    ), { problem: err.problem, declaredBytes: err.declaredBytes, limit: limits.maxUncompressedBytes });
  }
  return unreadable({ problem: err.problem, detail: err.detail });
}

function unreadable(details: Record<string, unknown>): XlsxRefusal {
  return new XlsxRefusal(422, 'unreadable-file', text(
    'Le fichier n’est pas un classeur Excel (.xlsx) lisible.',
    'Het bestand is geen leesbare Excel-werkmap (.xlsx).',
    'The file is not a readable Excel workbook (.xlsx).',
  ), details);
}
