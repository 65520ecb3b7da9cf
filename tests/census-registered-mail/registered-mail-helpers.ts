/** Shared by the registered-mail tests: walking dossiers to a state, and multipart batch uploads. */
import type { ApiClient, RecordView } from '../api/api-harness';
import type { BatchResult } from '../../runtime/services/registered-mail.service';

export type { BatchResult, FileResult } from '../../runtime/services/registered-mail.service';

/** Bytes that really start like the type they claim to be. */
export const pdf = (label: string): Buffer => Buffer.from(`%PDF-1.4\n% ${label}\n${'0'.repeat(2000)}\n%%EOF\n`);
export const jpeg = (label: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`JFIF ${label} ${'x'.repeat(1000)}`)]);

export interface Signers {
  agent: ApiClient;
  /** Approves the letter before the signatories see it (TR-23). */
  manager: ApiClient;
  alderman: ApiClient;
  secretary: ApiClient;
}

/** Creates a dossier and takes it through preparation, the manager's approval and both signatures: state `signed`. */
export async function signedDossier(who: Signers, fields: Record<string, unknown>): Promise<RecordView> {
  const d = await who.agent.create({ tax_regulation: 'signage', language: 'fr', ...fields });
  await who.agent.send(d.id, 'prepare');
  await who.agent.send(d.id, 'request-signature');
  await who.manager.send(d.id, 'approve');
  await who.alderman.send(d.id, 'approve');
  const signed = await who.secretary.send(d.id, 'approve');
  if (!signed.states.includes('signed')) throw new Error(`dossier ${d.id} is not signed: ${signed.states.join('/')}`);
  return signed;
}

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
