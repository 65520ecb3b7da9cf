/**
 * Documents, scans and photos added to a record (TR-11, TR-12), several at once, to any field
 * of type `file` or `list` of `file` (the dossier's `documents`, `pv_photos`, `returned_forms`…).
 *
 * All or nothing: every file is checked (size, count, type — the declared type must match the
 * file's first bytes) before anything is stored; one refused file refuses the request, with a
 * reason per file in French, Dutch and English, and nothing is written. The accepted files go
 * to the blob store, then into the field by ONE `update` event: the history shows who added
 * which files, and a concurrent edit of the record is never overwritten (the event names the
 * version it was computed from and is recomputed when another write won).
 *
 * Files are stored by content (sha256): the same bytes already in the field are not added
 * twice, which also makes a retried upload harmless. A blob stored for an event that then
 * fails (the record was closed meanwhile) stays unreferenced: it may be shared with another
 * record, so it is never deleted here.
 */
import { ConflictError, ForbiddenError, NotFoundError, type LocalizedText } from '../../engine/errors';
import { hasRecordPermission } from '../../engine/access';
import type { Actor } from '../../engine/expressions';
import type { FieldDefinition } from '../../engine/fields/field-types';
import type { BlobStore } from '../ports/blob-store.port';
import type { PacksService } from './packs.service';
import type { RecordsService, RecordView } from './records.service';

/** A file value as stored in `file` fields. */
export interface FileValue {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

/** A file held in memory (a generated document, a small upload). */
export interface IncomingFile {
  name: string;
  contentType: string;
  data: Buffer;
}

/** A file already written to disk while it arrived; moved into the blob store, never held whole in memory. */
export interface SpooledFile {
  name: string;
  contentType: string;
  path: string;
  size: number;
  sha256: string;
  /** The first bytes, to check the type. */
  head: Buffer;
  /** It went past the size limit and was cut. */
  truncated: boolean;
}

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxFileBytes: 25 * 1024 * 1024, maxFiles: 20 };

/** How many first bytes the type checks read. */
export const HEAD_BYTES = 8192;

export type FilesRuntime = { records: RecordsService; packs: PacksService; blobs: BlobStore };

export interface AttachResult {
  field: string;
  /** The files added by this request. */
  files: FileValue[];
  /** Files whose content was already in the field (or twice in the request): not added again. */
  duplicates: FileValue[];
  record: RecordView;
}

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** A refused upload: HTTP status, stable code, the message in every language, a reason per file. */
export class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly localized: LocalizedText,
    readonly details: Record<string, unknown> = {},
  ) {
    super(localized.en ?? localized.fr);
  }
}

export interface FileProblem {
  index: number;
  name: string;
  code: 'empty-file' | 'file-too-large' | 'unsupported-file-type';
  messages: LocalizedText;
}

// --- types accepted, recognised by their first bytes ---------------------------------------

const startsWith = (head: Buffer, ...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
const ascii = (head: Buffer, at: number, s: string): boolean => head.subarray(at, at + s.length).toString('latin1') === s;
const isZip = (h: Buffer): boolean => startsWith(h, 0x50, 0x4b, 0x03, 0x04);
// Word 97-2003, Excel 97-2003…: the OLE2 compound file signature.
const isOle = (h: Buffer): boolean => startsWith(h, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
// Text: no NUL byte (UTF-8 or Latin-1 alike; a binary file nearly always has one early).
const isText = (h: Buffer): boolean => !h.includes(0);
// ISO BMFF `ftyp` box with a HEIF brand (ISO/IEC 23008-12): what phones save photos as.
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const isHeif = (h: Buffer): boolean => ascii(h, 4, 'ftyp') && HEIF_BRANDS.has(h.subarray(8, 12).toString('latin1'));

interface AcceptedType {
  extensions: string[];
  sniff: (head: Buffer) => boolean;
}

/** Scans and photos (PDF, JPEG, PNG, HEIC, TIFF), office documents and plain text. */
export const ACCEPTED_TYPES: Record<string, AcceptedType> = {
  'application/pdf': { extensions: ['pdf'], sniff: (h) => ascii(h, 0, '%PDF-') },
  'image/jpeg': { extensions: ['jpg', 'jpeg', 'jfif'], sniff: (h) => startsWith(h, 0xff, 0xd8, 0xff) },
  'image/png': { extensions: ['png'], sniff: (h) => startsWith(h, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  'image/heic': { extensions: ['heic'], sniff: isHeif },
  'image/heif': { extensions: ['heif'], sniff: isHeif },
  'image/tiff': { extensions: ['tif', 'tiff'], sniff: (h) => startsWith(h, 0x49, 0x49, 0x2a, 0x00) || startsWith(h, 0x4d, 0x4d, 0x00, 0x2a) },
  'application/msword': { extensions: ['doc'], sniff: isOle },
  'application/vnd.ms-excel': { extensions: ['xls'], sniff: isOle },
  'application/vnd.ms-powerpoint': { extensions: ['ppt'], sniff: isOle },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extensions: ['docx'], sniff: isZip },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extensions: ['xlsx'], sniff: isZip },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { extensions: ['pptx'], sniff: isZip },
  'application/vnd.oasis.opendocument.text': { extensions: ['odt'], sniff: isZip },
  'application/vnd.oasis.opendocument.spreadsheet': { extensions: ['ods'], sniff: isZip },
  'text/plain': { extensions: ['txt'], sniff: isText },
  'text/csv': { extensions: ['csv'], sniff: isText },
};

// Names some browsers and systems give the same types.
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'application/x-pdf': 'application/pdf', 'image/x-png': 'image/png' };

/** The `accept` list of an upload control: every type and extension above. */
export const ACCEPT_ATTRIBUTE = Object.entries(ACCEPTED_TYPES).flatMap(([t, a]) => [t, ...a.extensions.map((e) => `.${e}`)]).join(',');

const extensionOf = (name: string): string => /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? '';

/**
 * The type the file is stored with, or null when refused. The declared type is tried first, then
 * the one of the extension (Windows declares .csv as Excel; phones send HEIC as octet-stream);
 * either must match the first bytes, so a renamed program is not taken for a PDF.
 */
export function acceptedType(name: string, declared: string, head: Buffer): string | null {
  const d = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  const ext = extensionOf(name);
  const candidates = [ALIASES[d] ?? d, ...Object.entries(ACCEPTED_TYPES).filter(([, a]) => a.extensions.includes(ext)).map(([t]) => t)];
  for (const t of candidates) if (ACCEPTED_TYPES[t]?.sniff(head)) return t;
  return null;
}

/** A name safe to show and to send back in Content-Disposition: no folders, no control characters. */
export function cleanFileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'document';
  if (cleaned.length <= 200) return cleaned;
  const ext = extensionOf(cleaned);
  return ext ? `${cleaned.slice(0, 199 - ext.length)}.${ext}` : cleaned.slice(0, 200);
}

const mb = (bytes: number): string => String(Math.round((bytes / (1024 * 1024)) * 10) / 10);

/** What is wrong with one file, or null. */
function fileProblem(index: number, f: { name: string; contentType: string; size: number; head: Buffer; truncated: boolean }, limits: UploadLimits): FileProblem | null {
  const name = f.name;
  if (f.truncated || f.size > limits.maxFileBytes) {
    return { index, name, code: 'file-too-large', messages: text(`« ${name} » dépasse la taille maximale de ${mb(limits.maxFileBytes)} Mo par fichier.`, `"${name}" is groter dan het maximum van ${mb(limits.maxFileBytes)} MB per bestand.`, `"${name}" is larger than the ${mb(limits.maxFileBytes)} MB limit per file.`) };
  }
  if (f.size === 0) {
    return { index, name, code: 'empty-file', messages: text(`« ${name} » est vide.`, `"${name}" is leeg.`, `"${name}" is empty.`) };
  }
  if (!acceptedType(f.name, f.contentType, f.head)) {
    return {
      index, name, code: 'unsupported-file-type',
      messages: text(
        `« ${name} » n’est pas d’un type accepté : PDF, images (JPEG, PNG, HEIC, TIFF), documents Word, Excel, PowerPoint, OpenDocument ou texte.`,
        `"${name}" is geen aanvaard type: PDF, afbeeldingen (JPEG, PNG, HEIC, TIFF), Word-, Excel-, PowerPoint-, OpenDocument- of tekstdocumenten.`,
        `"${name}" is not an accepted type: PDF, images (JPEG, PNG, HEIC, TIFF), Word, Excel, PowerPoint, OpenDocument or text documents.`,
      ),
    };
  }
  return null;
}

const STATUS: Record<FileProblem['code'], number> = { 'file-too-large': 413, 'unsupported-file-type': 415, 'empty-file': 400 };

/** Refuses the whole request when a file is refused or there are none or too many. */
export function checkFiles(files: Array<{ name: string; contentType: string; size: number; head: Buffer; truncated: boolean }>, limits: UploadLimits, tooMany = false): void {
  if (files.length === 0) {
    throw new UploadRefusal(400, 'no-files', text('Choisissez au moins un fichier à ajouter.', 'Kies minstens één bestand om toe te voegen.', 'Choose at least one file to add.'));
  }
  if (tooMany || files.length > limits.maxFiles) {
    throw new UploadRefusal(413, 'too-many-files', text(
      `Envoyez au plus ${limits.maxFiles} fichiers à la fois. Rien n’a été ajouté.`,
      `Stuur hoogstens ${limits.maxFiles} bestanden tegelijk. Er werd niets toegevoegd.`,
      `Send at most ${limits.maxFiles} files at once. Nothing was added.`,
    ), { maxFiles: limits.maxFiles });
  }
  const problems = files.map((f, i) => fileProblem(i, f, limits)).filter((p): p is FileProblem => p !== null);
  const first = problems[0];
  if (!first) return;
  const message = problems.length === 1
    ? text(`${first.messages.fr} Rien n’a été ajouté.`, `${first.messages.nl} Er werd niets toegevoegd.`, `${first.messages.en ?? ''} Nothing was added.`)
    : text(`${problems.length} fichiers sont refusés. Rien n’a été ajouté.`, `${problems.length} bestanden werden geweigerd. Er werd niets toegevoegd.`, `${problems.length} files were refused. Nothing was added.`);
  throw new UploadRefusal(STATUS[first.code], first.code, message, { files: problems, maxFileBytes: limits.maxFileBytes });
}

export interface FileTarget {
  record: RecordView;
  field: string;
  /** A list of files (else one file, replaced). */
  multiple: boolean;
}

/**
 * The field files may be added to, checked before any byte is read: the record exists for the
 * actor, the field is a file field, the actor may update the record and it is not closed.
 */
export function fileTarget(runtime: FilesRuntime, actor: Actor, recordId: string, field: string): FileTarget {
  const record = runtime.records.get(actor, recordId);
  const pack = runtime.packs.pack(record.packVersion);
  const def: FieldDefinition | undefined = pack.records[record.recordType]?.fields[field];
  if (!def) {
    throw new NotFoundError(text(`Ce dossier n’a pas de champ « ${field} ».`, `Dit dossier heeft geen veld "${field}".`, `This record has no field "${field}".`), { field });
  }
  const multiple = def.type === 'list' && def.of === 'file';
  if ((def.type !== 'file' && !multiple) || def.computed) {
    throw new UploadRefusal(400, 'not-a-file-field', text(`Le champ « ${def.label.fr} » ne reçoit pas de fichiers.`, `Het veld "${def.label.nl}" ontvangt geen bestanden.`, `The field "${def.label.en ?? field}" does not take files.`), { field });
  }
  if (!hasRecordPermission(pack, actor.roles, record.recordType, 'update')) {
    throw new ForbiddenError(text('Votre rôle ne permet pas d’ajouter des documents à ce dossier.', 'Uw rol staat niet toe documenten aan dit dossier toe te voegen.', 'Your role may not add documents to this record.'));
  }
  if (!record.events?.some((e) => e.type === 'update')) {
    throw new UploadRefusal(409, 'record-closed', text('Ce dossier est clôturé : on ne peut plus y ajouter de documents.', 'Dit dossier is afgesloten: er kunnen geen documenten meer aan toegevoegd worden.', 'This record is closed: documents can no longer be added.'));
  }
  return { record, field, multiple };
}

/** The files of a `file` or list-of-`file` field, as stored. */
export function filesOf(value: unknown): FileValue[] {
  const out: FileValue[] = [];
  for (const v of Array.isArray(value) ? value : value ? [value] : []) {
    const o = v as Partial<FileValue> | null;
    if (o && typeof o.id === 'string' && typeof o.name === 'string' && typeof o.size === 'number' && typeof o.contentType === 'string') {
      out.push({ id: o.id, name: o.name, size: o.size, contentType: o.contentType });
    }
  }
  return out;
}

const MAX_ATTEMPTS = 8;

export interface FilesCommit {
  added: FileValue[];
  /** Files already in the field (same content), not added again. */
  duplicates: FileValue[];
  /** The other fields that changed. */
  changed: string[];
  record: RecordView;
}

/**
 * Adds stored files to a `file` or list-of-`file` field and sets other fields, by ONE `update`
 * event (one history entry, applied together or not at all). Recomputed from the record as it
 * is now when another write won in between (two agents at once), so that write's changes stay.
 * Files already in the field are not added again, fields already at their value not rewritten;
 * nothing to do: no event at all. A single `file` field is replaced (`multiple: false`).
 */
export async function addFilesAndFields(
  rt: FilesRuntime,
  actor: Actor,
  recordId: string,
  field: string,
  files: FileValue[],
  fields: Record<string, unknown> = {},
  idempotencyKey?: string,
  options: { multiple?: boolean; record?: RecordView } = {},
): Promise<FilesCommit> {
  const multiple = options.multiple ?? true;
  for (let attempt = 1; ; attempt++) {
    const record = attempt === 1 && options.record ? options.record : rt.records.get(actor, recordId);
    const existing = filesOf(record.fields[field]);
    const seen = new Set(multiple ? existing.map((f) => f.id) : []);
    const added: FileValue[] = [];
    const duplicates: FileValue[] = [];
    for (const f of files) {
      if (seen.has(f.id) || (!multiple && existing[0]?.id === f.id)) duplicates.push(f);
      else {
        seen.add(f.id);
        added.push(f);
      }
    }
    const changed = Object.keys(fields).filter((k) => record.fields[k] !== fields[k]);
    if (added.length === 0 && changed.length === 0) return { added, duplicates, changed, record };
    const update: Record<string, unknown> = {};
    if (added.length) update[field] = multiple ? [...existing, ...added] : added[0];
    for (const k of changed) update[k] = fields[k];
    try {
      const view = await rt.records.send(actor, recordId, { type: 'update', data: { fields: update }, expectedVersion: record.version, ...(idempotencyKey ? { idempotencyKey } : {}) }, { withEvents: true });
      // The key was used by an earlier try of the same request: that one made the change.
      if (view.version === record.version) return { added: [], duplicates: files, changed: [], record: view };
      return { added, duplicates, changed, record: view };
    } catch (e) {
      if (e instanceof ConflictError && e.code === 'stale-version' && attempt < MAX_ATTEMPTS) continue;
      throw e;
    }
  }
}

/** Appends stored files to the upload's target field by one `update` event. */
async function commit(runtime: FilesRuntime, actor: Actor, target: FileTarget, values: FileValue[], idempotencyKey?: string): Promise<AttachResult> {
  const key = idempotencyKey ? `record-files:${target.record.id}:${target.field}:${actor.id}:${idempotencyKey}` : undefined;
  const r = await addFilesAndFields(runtime, actor, target.record.id, target.field, values, {}, key, { multiple: target.multiple, record: target.record });
  return { field: target.field, files: r.added, duplicates: r.duplicates, record: r.record };
}

/**
 * Adds files to a `file` or list-of-`file` field of a record, for routes of any feature (PV
 * photos, returned forms…). Refuses (UploadRefusal, 4xx) without storing anything when a file
 * is refused; resolves once the record's change is durable.
 */
export async function attachFiles(runtime: FilesRuntime, actor: Actor, recordId: string, field: string, files: IncomingFile[], idempotencyKey?: string, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<AttachResult> {
  const target = fileTarget(runtime, actor, recordId, field);
  const named = files.map((f) => ({ ...f, name: cleanFileName(f.name), size: f.data.length, head: f.data.subarray(0, HEAD_BYTES), truncated: false }));
  checkFiles(named, limits);
  if (!target.multiple && named.length > 1) throw oneFileOnly(field);
  const values: FileValue[] = [];
  for (const f of named) {
    const { id, size } = await runtime.blobs.put(f.data);
    values.push({ id, name: f.name, size, contentType: acceptedType(f.name, f.contentType, f.head) ?? 'application/octet-stream' });
  }
  return commit(runtime, actor, target, values, idempotencyKey);
}

/** The same for files spooled to disk by the upload route: each is moved into the blob store. */
export async function attachSpooledFiles(runtime: FilesRuntime, actor: Actor, target: FileTarget, files: SpooledFile[], options: { idempotencyKey?: string; limits?: UploadLimits; tooMany?: boolean } = {}): Promise<AttachResult> {
  const limits = options.limits ?? DEFAULT_UPLOAD_LIMITS;
  const named = files.map((f) => ({ ...f, name: cleanFileName(f.name) }));
  checkFiles(named, limits, options.tooMany);
  if (!target.multiple && named.length > 1) throw oneFileOnly(target.field);
  const values: FileValue[] = [];
  for (const f of named) {
    const { id, size } = await runtime.blobs.putFile(f.path, f.sha256);
    values.push({ id, name: f.name, size, contentType: acceptedType(f.name, f.contentType, f.head) ?? 'application/octet-stream' });
  }
  return commit(runtime, actor, target, values, options.idempotencyKey);
}

function oneFileOnly(field: string): UploadRefusal {
  return new UploadRefusal(400, 'one-file-only', text(`Le champ « ${field} » reçoit un seul fichier.`, `Het veld "${field}" ontvangt één enkel bestand.`, `The field "${field}" takes one file.`), { field });
}
