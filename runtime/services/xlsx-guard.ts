/**
 * Checks an .xlsx (a zip) before anything inflates it: the sizes its central directory declares,
 * that every entry the file holds is in that directory (a streaming unzipper reads local headers,
 * so a bomb hidden outside the directory would otherwise slip through), and, while inflating each
 * entry with a hard output cap, that no entry inflates beyond what it declared.
 *
 * Only the central directory is read for the first check: a zip bomb is refused without
 * inflating a byte of it.
 */
import { inflateRawSync } from 'node:zlib';

export type ZipProblem = 'not-a-zip' | 'too-large-uncompressed' | 'lying-sizes' | 'unsupported';

export class ZipCheckError extends Error {
  constructor(readonly problem: ZipProblem, readonly detail: string, readonly declaredBytes = 0) {
    super(`${problem}: ${detail}`);
  }
}

export interface ZipEntryInfo {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The entries of the central directory; throws ZipCheckError('not-a-zip') when there is none. */
export function readCentralDirectory(buf: Buffer): ZipEntryInfo[] {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipCheckError('not-a-zip', 'no end of central directory');
  let count: number = buf.readUInt16LE(eocd + 10);
  let size: number = buf.readUInt32LE(eocd + 12);
  let offset: number = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipCheckError('not-a-zip', 'zip64 locator missing');
    const z = Number(buf.readBigUInt64LE(loc + 8));
    if (z < 0 || z + 56 > buf.length || buf.readUInt32LE(z) !== ZIP64_EOCD) throw new ZipCheckError('not-a-zip', 'zip64 end record missing');
    count = Number(buf.readBigUInt64LE(z + 32));
    size = Number(buf.readBigUInt64LE(z + 40));
    offset = Number(buf.readBigUInt64LE(z + 48));
  }
  if (offset + size > buf.length) throw new ZipCheckError('not-a-zip', 'central directory outside the file');
  const entries: ZipEntryInfo[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipCheckError('not-a-zip', 'bad central directory entry');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localHeaderOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    // zip64 extra field: the 64-bit values, in this order, for those set to 0xffffffff.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff) { uncompressedSize = Number(buf.readBigUInt64LE(q)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(buf.readBigUInt64LE(q)); q += 8; }
        if (localHeaderOffset === 0xffffffff) { localHeaderOffset = Number(buf.readBigUInt64LE(q)); q += 8; }
      }
      e += 4 + len;
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/**
 * Refuses the zip when its entries declare more than `maxUncompressedBytes` in all, or when some
 * bytes before the central directory are not one of its entries. Reads headers only.
 */
export function checkZipDeclaredSize(buf: Buffer, maxUncompressedBytes: number): ZipEntryInfo[] {
  const entries = readCentralDirectory(buf);
  const total = entries.reduce((s, x) => s + x.uncompressedSize, 0);
  if (total > maxUncompressedBytes) throw new ZipCheckError('too-large-uncompressed', `${total} bytes declared`, total);
  // Entries must follow each other from the start of the file: nothing hidden between them.
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let expected = 0;
  for (const x of sorted) {
    const gap = x.localHeaderOffset - expected;
    // A data descriptor (12 to 24 bytes) may follow the previous entry's data.
    if (gap < 0 || gap > 24) throw new ZipCheckError('lying-sizes', `unlisted bytes before ${x.name}`);
    const h = x.localHeaderOffset;
    if (h + 30 > buf.length || buf.readUInt32LE(h) !== LOCAL) throw new ZipCheckError('lying-sizes', `no local header for ${x.name}`);
    expected = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28) + x.compressedSize;
  }
  return entries;
}

/** Inflates each entry with an output cap equal to its declared size: a lie is refused at the cap. */
export function checkZipInflation(buf: Buffer, entries: ZipEntryInfo[], onEntry?: (name: string, data: Buffer) => void): void {
  for (const x of entries) {
    const h = x.localHeaderOffset;
    const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
    const raw = buf.subarray(start, start + x.compressedSize);
    let data: Buffer;
    if (x.method === 0) data = raw;
    else if (x.method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, x.uncompressedSize) });
      } catch (err) {
        throw new ZipCheckError('lying-sizes', `${x.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else throw new ZipCheckError('unsupported', `compression method ${x.method} in ${x.name}`);
    if (data.length !== x.uncompressedSize) throw new ZipCheckError('lying-sizes', `${x.name} inflates to ${data.length} bytes, declares ${x.uncompressedSize}`);
    onEntry?.(x.name, data);
  }
}
