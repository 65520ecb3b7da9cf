/**
 * Receiving several files in one multipart/form-data request (documents and scans, registered
 * mail proofs): each file part streams to its own temporary file, hashed on the way, so a 25 MB
 * scan is never held in memory. One named part (e.g. a CSV manifest) may be kept in memory.
 *
 * A body that is not multipart, is malformed, or that the client abandons is a 400 in the
 * user's language, never a 500. The caller removes the temporary files in `finally` with
 * `discard()`, which first stops the writes still running.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, openSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import type { LocalizedText } from '../../engine/errors';
import { bilingualError } from './request-helpers';
import { HEAD_BYTES, type SpooledFile, type UploadLimits } from '../services/record-files.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
// Room for the multipart boundaries and part headers around the files themselves.
const MULTIPART_OVERHEAD = 1024 * 1024;

export interface SpooledUpload {
  files: SpooledFile[];
  fields: Record<string, string>;
  /** The in-memory part, when asked for and sent. */
  memory: Buffer | null;
  memoryTooLarge: boolean;
  /** More file parts than the limit were sent (busboy stopped reading them). */
  tooMany: boolean;
  /** Stops the writes still running and removes every temporary file left. */
  discard: () => Promise<void>;
}

/** 413 before a byte is read when the declared body cannot fit the limits. */
export function refuseOversizedBody(req: Request, limits: UploadLimits): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxFiles * limits.maxFileBytes + MULTIPART_OVERHEAD) {
    const mb = Math.round(limits.maxFileBytes / (1024 * 1024));
    throw bilingualError(413, 'body-too-large', text(
      `L’envoi dépasse ${limits.maxFiles} fichiers de ${mb} Mo. Rien n’a été ajouté.`,
      `De verzending overschrijdt ${limits.maxFiles} bestanden van ${mb} MB. Er werd niets toegevoegd.`,
      `The upload exceeds ${limits.maxFiles} files of ${mb} MB. Nothing was added.`,
    ));
  }
}

const malformed = () => bilingualError(400, 'malformed-multipart', text(
  'Le contenu envoyé n’est pas un formulaire multipart/form-data valide. Rien n’a été ajouté.',
  'De verzonden inhoud is geen geldig multipart/form-data-formulier. Er werd niets toegevoegd.',
  'The body is not valid multipart/form-data. Nothing was added.',
));
const aborted = () => bilingualError(400, 'upload-aborted', text('L’envoi a été interrompu. Rien n’a été ajouté.', 'Het verzenden werd onderbroken. Er werd niets toegevoegd.', 'The upload was interrupted. Nothing was added.'));

/**
 * Reads the request. `upload` is returned at once and filled as parts arrive, so the caller's
 * `finally { await upload.discard() }` also cleans up after a failure half-way.
 */
export function spoolMultipart(
  req: Request,
  dir: string,
  limits: UploadLimits,
  options: { memoryPart?: { name: string; maxBytes: number } } = {},
): { upload: SpooledUpload; done: Promise<SpooledUpload> } {
  const sources: Array<{ destroy: (e?: Error) => void }> = [];
  const writes: Array<Promise<void>> = [];
  const upload: SpooledUpload = {
    files: [], fields: {}, memory: null, memoryTooLarge: false, tooMany: false,
    discard: async () => {
      for (const src of sources) src.destroy(new Error('upload stopped'));
      await Promise.allSettled(writes);
      for (const f of upload.files) await unlink(f.path).catch(() => undefined);
    },
  };
  const done = new Promise<SpooledUpload>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // Browsers send UTF-8 file names (busboy's default is latin1: "Hôtel" would arrive garbled).
      const memoryParts = options.memoryPart ? 1 : 0;
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles + memoryParts, fields: 10, fieldSize: 1000, parts: limits.maxFiles + memoryParts + 10 } });
    } catch {
      reject(bilingualError(400, 'not-multipart', text('Envoyez les fichiers en multipart/form-data.', 'Stuur de bestanden als multipart/form-data.', 'Send the files as multipart/form-data.')));
      return;
    }
    mkdirSync(dir, { recursive: true });
    bb.on('file', (partName, stream, info) => {
      sources.push(stream);
      const memoryPart = options.memoryPart;
      if (memoryPart && partName === memoryPart.name) {
        const chunks: Buffer[] = [];
        let size = 0;
        writes.push(new Promise<void>((ok, fail) => {
          stream.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= memoryPart.maxBytes) chunks.push(c);
            else upload.memoryTooLarge = true;
          });
          stream.on('end', () => {
            upload.memory = Buffer.concat(chunks);
            ok();
          });
          stream.on('error', fail);
        }));
        return;
      }
      const path = join(dir, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let headLength = 0;
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, next) {
          hash.update(chunk);
          size += chunk.length;
          if (headLength < HEAD_BYTES) {
            head.push(chunk.subarray(0, HEAD_BYTES - headLength));
            headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
          }
          next(null, chunk);
        },
      });
      const file: SpooledFile = { name: info.filename ?? '', contentType: info.mimeType, path, size: 0, sha256: '', head: Buffer.alloc(0), truncated: false };
      upload.files.push(file);
      writes.push(
        // Opened here, synchronously: the file exists before anything can fail, so `discard`
        // always finds and removes it (an asynchronous open could land after the unlink).
        pipeline(stream, tap, createWriteStream(path, { fd: openSync(path, 'w') })).then(() => {
          file.size = size;
          file.sha256 = hash.digest('hex');
          file.head = Buffer.concat(head);
          // busboy cut the file at the size limit: it is refused, whatever its type.
          file.truncated = stream.truncated === true;
        }),
      );
    });
    bb.on('field', (name, value) => {
      upload.fields[name] = value;
    });
    bb.on('filesLimit', () => {
      upload.tooMany = true;
    });
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    bb.on('error', () => fail(malformed()));
    bb.on('close', () => {
      Promise.all(writes).then(() => {
        settled = true;
        resolve(upload);
      }, () => fail(aborted()));
    });
    req.on('aborted', () => fail(aborted()));
    req.pipe(bb);
  });
  return { upload, done };
}
