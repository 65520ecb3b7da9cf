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
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
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
    xhr.send(file);
  });
}

/** A pack text in the user's language (English falls back to French). */
export function pick(text: LocalizedText, lang: Lang): string {
  return lang === 'en' ? text.en ?? text.fr : text[lang];
}
