/** Shared by the registered-mail tests: walking dossiers to a state, and multipart batch uploads. */
import type { ApiClient, RecordView } from '../api/api-harness';
import type { BatchResult } from '../../runtime/services/registered-mail.service';

export type { BatchResult, FileResult } from '../../runtime/services/registered-mail.service';

/** Bytes that really start like the type they claim to be. */
export const pdf = (label: string): Buffer => Buffer.from(`%PDF-1.4\n% ${label}\n${'0'.repeat(2000)}\n%%EOF\n`);
export const jpeg = (label: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`JFIF ${label} ${'x'.repeat(1000)}`)]);

export { signedDossier, type Signers } from '../api/api-harness';

export interface UploadFile {
  name: string;
  data: Buffer;
  type?: string;
}

export interface Upload<T> {
  status: number;
  body: T;
}

/** A multipart POST as a browser sends it: the files, the kind, an optional CSV manifest. */
export async function upload<T = BatchResult>(
  client: ApiClient, path: string, parts: { kind?: string; files: UploadFile[]; manifest?: string; idempotencyKey?: string; language?: string },
): Promise<Upload<T>> {
  const form = new FormData();
  if (parts.kind !== undefined) form.append('kind', parts.kind);
  for (const f of parts.files) form.append('files', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/pdf' }), f.name);
  if (parts.manifest !== undefined) form.append('manifest', new Blob([parts.manifest], { type: 'text/csv' }), 'depot.csv');
  const headers: Record<string, string> = {};
  if (client.cookie) headers['cookie'] = client.cookie;
  if (parts.idempotencyKey) headers['idempotency-key'] = parts.idempotencyKey;
  if (parts.language) headers['accept-language'] = parts.language;
  const res = await fetch(`${client.baseUrl}${path}`, { method: 'POST', headers, body: form });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The stored files of a list-of-file field. */
export function filesIn(r: RecordView, field: string): Array<{ id: string; name: string; size: number; contentType: string }> {
  const v = r.fields[field];
  return Array.isArray(v) ? (v as Array<{ id: string; name: string; size: number; contentType: string }>) : [];
}
