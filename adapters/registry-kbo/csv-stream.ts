/**
 * A streaming CSV reader (RFC 4180: comma separator, fields in double quotes may hold commas,
 * newlines and doubled quotes). Reads the file chunk by chunk: a KBO full extract has files of
 * several hundred megabytes, never held in memory whole.
 */
import { createReadStream } from 'node:fs';

/** Yields each row as its list of fields; a UTF-8 byte-order mark is dropped; blank lines are skipped. */
export async function* readCsvRows(path: string): AsyncGenerator<string[]> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let quoteSeen = false; // inside a quoted field, the previous character was a quote
  let first = true;
  let fieldStarted = false;
  for await (const chunk of stream as AsyncIterable<string>) {
    let text = chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: string[][] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          quoted = false; // the closing quote: handle c below as outside a quote
        } else if (c === '"') {
          quoteSeen = true;
          continue;
        } else {
          field += c;
          continue;
        }
      }
      if (c === '"' && !fieldStarted) {
        quoted = true;
        fieldStarted = true;
      } else if (c === ',') {
        row.push(field);
        field = '';
        fieldStarted = false;
      } else if (c === '\n') {
        row.push(field);
        if (!(row.length === 1 && row[0] === '')) out.push(row);
        row = [];
        field = '';
        fieldStarted = false;
      } else if (c === '\r') {
        // CRLF: the \n ends the row.
      } else {
        field += c;
        fieldStarted = true;
      }
    }
    for (const r of out) yield r;
  }
  if (quoted && !quoteSeen) throw new Error(`${path}: a quoted field is not closed at the end of the file`);
  if (fieldStarted || row.length > 0 || field !== '') {
    row.push(field);
    if (!(row.length === 1 && row[0] === '')) yield row;
  }
}

/** The first row only (the header), without reading the rest of the file. */
export async function readCsvHeader(path: string): Promise<string[] | null> {
  for await (const row of readCsvRows(path)) return row;
  return null;
}
