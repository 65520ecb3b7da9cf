/**
 * The census batch APIs as the browser sees them (runtime/http/imports.routes.ts,
 * merge.routes.ts, signature.routes.ts), and the one upload that needs XMLHttpRequest: fetch
 * reports no upload progress, and a 20 MB spreadsheet on a slow line needs some.
 */
import './census.css';
import { ApiError } from '../api/client';
import type { Lang, LocalizedText, Me } from '../api/types';

export interface RowMessage extends LocalizedText {
  code: string;
  field?: string;
  column?: string;
}

export interface RowPreview {
  row: number;
  status: 'new' | 'existing' | 'duplicate' | 'error';
  key: string | null;
  name: string | null;
  recordId?: string;
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
  bytes: number;
  columns: { recognised: string[]; unknown: string[]; missing: string[] };
  totals: ImportTotals;
  rows: RowPreview[];
}

export interface ImportCommit {
  import: string;
  fileName: string;
  created: number;
  existing: number;
  duplicate: number;
  errors: number;
  totals: ImportTotals;
  columns: ImportPreview['columns'];
  rows: RowPreview[];
}

export interface MergedFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

export interface BulkMergeResult {
  files: Array<MergedFile & { recordId: string }>;
  combined: MergedFile;
}

export interface DocumentTemplate {
  id: string;
  label: LocalizedText;
}

export interface PendingLetter {
  id: string;
  recordType: string;
  title: string | null;
  fields: Record<string, unknown>;
  updatedAt: string;
  version: number;
  letter: { id: string; name: string; url: string } | null;
}

export type SignatureStatus = 'signed' | 'failed' | 'not-processed';

export interface SignatureResult {
  recordId: string;
  status: SignatureStatus;
  signedFile?: MergedFile;
  completed?: boolean;
  error?: { code: string; message: LocalizedText };
}

export interface SignatureBatch {
  id: string;
  signer: { id: string; commonName: string };
  at: string;
  summary: Record<SignatureStatus, number>;
  results: SignatureResult[];
}

/** Roles mirrored from the pack and the routes: the server decides, these only hide what would be refused. */
const IMPORTER_ROLES = ['census-agent'];
const SIGNER_ROLES = ['alderman-finance', 'municipal-secretary'];
/** Roles that may update dossiers (the merge attaches its letters to them). */
const MERGE_ROLES = ['census-agent', 'tax-manager'];

export const canImport = (me: Me): boolean => me.admin || me.user.roles.some((r) => IMPORTER_ROLES.includes(r));
export const canSign = (me: Me): boolean => me.user.roles.some((r) => SIGNER_ROLES.includes(r));
export const canMerge = (me: Me): boolean => me.admin || me.user.roles.some((r) => MERGE_ROLES.includes(r));

/** A download link of a generated file (the server answers it as an attachment). */
export const fileUrl = (id: string): string => `/api/files/${encodeURIComponent(id)}`;
export const signedLetterUrl = (recordId: string): string => `/api/records/${encodeURIComponent(recordId)}/signed-letter`;

/** The message of a refusal in the user's language: the routes send all three in `details.messages`. */
export function errorText(e: unknown, lang: Lang, fallback: string): string {
  if (!(e instanceof ApiError)) return fallback;
  const m = e.details['messages'];
  if (m && typeof m === 'object') {
    const text = (m as Record<string, unknown>)[lang];
    if (typeof text === 'string' && text) return text;
  }
  return e.message || fallback;
}

/**
 * POSTs a file as the raw body. `onProgress` gets the share sent (0..1) while uploading, then
 * null while the server works on it.
 */
export function uploadFile<T>(path: string, file: Blob, onProgress: (sent: number | null) => void): Promise<T> {
  return postWithProgress<T>(path, file, onProgress);
}

/**
 * POSTs a multipart form (several scans and a manifest) with upload progress, as uploadFile does
 * for one raw file.
 */
export function uploadForm<T>(path: string, form: FormData, onProgress: (sent: number | null) => void): Promise<T> {
  return postWithProgress<T>(path, form, onProgress);
}

function postWithProgress<T>(path: string, body: Blob | FormData, onProgress: (sent: number | null) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api${path}`);
    xhr.withCredentials = true;
    // A form's Content-Type carries the multipart boundary, which only the browser knows.
    if (!(body instanceof FormData)) xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(null);
    xhr.onerror = () => reject(new ApiError(0, 'network', '', {}));
    xhr.onload = () => {
      let json: unknown = {};
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      } catch {
        json = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(json as T);
        return;
      }
      const e = json as { code?: string; message?: string; details?: Record<string, unknown> };
      reject(new ApiError(xhr.status, e.code ?? 'error', e.message ?? xhr.statusText, e.details ?? {}));
    };
    xhr.send(body);
  });
}

/** A pack text in the user's language (English falls back to French). */
export function pick(text: LocalizedText, lang: Lang): string {
  return lang === 'en' ? text.en ?? text.fr : text[lang];
}

// --- Letters, Onyx, figures and registered mail (LettersPanel, OnyxPage, FiguresPage, RegisteredMailPage) ---

/** POST /api/records/:id/merge: the letter in each format, and the regulation when asked. */
export interface MergeOneResult {
  files: MergedFile[];
  regulation: MergedFile | null;
}

/** A file of a record's field, downloadable while the server remembers it and after a restart too. */
export const recordFileUrl = (id: string, recordId: string): string => `/api/files/${encodeURIComponent(id)}?record=${encodeURIComponent(recordId)}`;

/** GET /api/exports (runtime/services/spreadsheet-export.service.ts ExportSummary). */
export interface ExportSummary {
  id: string;
  label: LocalizedText;
  record: string;
  sheet: string;
  states: string[] | null;
  headers: string[];
  /** Set when the export reads an update file back and this user may send it. */
  update: { key: string; columns: string[] } | null;
}

export const exportUrl = (id: string): string => `/api/exports/${encodeURIComponent(id)}.xlsx`;

/** The update file read back (runtime/services/onyx-update.service.ts). */
export type UpdateRowStatus = 'update' | 'unchanged' | 'error';

export interface UpdateRowPreview {
  row: number;
  status: UpdateRowStatus;
  key: string | null;
  recordId?: string;
  title?: string | null;
  states?: string[];
  changes: Array<{ field: string; column: string; before: unknown; after: unknown }>;
  duplicateOf?: number[];
  errors: RowMessage[];
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
  updated: number;
  unchanged: number;
  errors: number;
}

/** GET /api/reports/census (runtime/services/census-figures.ts). */
export type FiguresBucket = 'month' | 'quarter' | 'year';

export interface Amount {
  count: number;
  amount: number;
}

export interface PeriodCounts {
  created: number;
  byStatus: { open: number; pending: number; closed: number };
  fieldVisits: number;
  lettersSent: number;
  lateReturns: number;
  falseDeclarations: Amount;
  taxesSet: Amount;
  taxesReceived: Amount;
}

export interface PeriodFigures extends PeriodCounts {
  period: string;
  from: string;
  to: string;
}

export interface CensusFigures {
  from: string;
  to: string;
  by: FiguresBucket;
  timeZone: string;
  periods: PeriodFigures[];
  totals: PeriodCounts;
  arrears: { count: number; amount: number; companies: Array<{ recordId: string; name: string | null; enterpriseNumber: string | null; amount: number }> };
}

/** POST /api/registered-mail/… (runtime/services/registered-mail.service.ts). */
export type MailKind = 'sending' | 'receipt' | 'return';
export type FileOutcome = 'applied' | 'attached-only' | 'already-done' | 'refused';

export interface MailFileResult {
  index: number;
  file: string;
  outcome: FileOutcome;
  code: string;
  dossier: { id: string; title: string | null; enterpriseNumber: string | null } | null;
  registeredNumber: string | null;
  event: string | null;
  message: LocalizedText;
}

export interface MailBatchResult {
  kind: MailKind;
  results: MailFileResult[];
  counts: Record<FileOutcome, number>;
}

/** Roles mirrored from the routes (exports: read the dossiers; figures: tax-manager; registered mail: update). */
const ONYX_ROLES = ['census-agent', 'tax-manager'];
const FIGURES_ROLES = ['tax-manager'];
const MAIL_ROLES = ['census-agent'];

export const canUseOnyx = (me: Me): boolean => me.admin || me.user.roles.some((r) => ONYX_ROLES.includes(r));
export const canSeeFigures = (me: Me): boolean => me.admin || me.user.roles.some((r) => FIGURES_ROLES.includes(r));
export const canUploadMail = (me: Me): boolean => me.admin || me.user.roles.some((r) => MAIL_ROLES.includes(r));
