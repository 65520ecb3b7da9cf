/** Belfirst-like spreadsheets built with exceljs, and a hand-made zip bomb. */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { createDeflateRaw } from 'node:zlib';

export const HEADERS = ['Nom', "Numéro d'entreprise", 'Forme juridique', 'Adresse', 'Code postal', 'Commune', 'Code NACE'] as const;

/** A valid enterprise number (mod 97) from a small integer: 04xx.xxx.xcc. */
export function enterpriseNumber(i: number): string {
  const first8 = 4_000_000 + i;
  const check = 97 - (first8 % 97);
  const d = `${String(first8).padStart(8, '0')}${String(check).padStart(2, '0')}`;
  return `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`;
}

export function companyRow(i: number): Array<string | number> {
  return [`Société ${i} SRL`, enterpriseNumber(i), 'SRL', `Rue de la Loi ${i % 200 + 1}`, 1000, 'Bruxelles', '62.010'];
}

/** A workbook: an optional title row, the header row, then the rows. */
export async function workbook(rows: Array<Array<unknown>>, options: { headers?: readonly string[]; title?: string; edit?: (ws: ExcelJS.Worksheet) => void } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Belfirst');
  if (options.title) ws.addRow([options.title]);
  ws.addRow([...(options.headers ?? HEADERS)]);
  for (const r of rows) ws.addRow(r);
  options.edit?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `n` company rows, written with the streaming writer (fast, little memory). */
export async function bigWorkbookFile(path: string, n: number, from = 1, minimal = false): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(path), useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('Belfirst');
  ws.addRow(minimal ? ['Nom', "Numéro d'entreprise"] : [...HEADERS]).commit();
  for (let i = from; i < from + n; i++) ws.addRow(minimal ? [i, i] : companyRow(i)).commit();
  ws.commit();
  await wb.commit();
}

/**
 * A zip with one entry `xl/worksheets/sheet1.xml` of `inflated` zero bytes (compressed to a few
 * hundred kilobytes), declaring `declared` bytes in its headers (a lie when smaller).
 */
export async function zipBomb(inflated: number, declared = inflated): Promise<Buffer> {
  const data = await deflateZeros(inflated);
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + name.length + data.length;
  const cd = Buffer.concat([central, name]);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, cd, eocd]);
}

/** Deflates `n` zero bytes a megabyte at a time (never holding them all). */
async function deflateZeros(n: number): Promise<Buffer> {
  const z = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    z.on('end', () => resolve());
    z.on('error', reject);
  });
  const chunk = Buffer.alloc(1024 * 1024);
  for (let left = n; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (!z.write(part)) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await ended;
  return Buffer.concat(out);
}
