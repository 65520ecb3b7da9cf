/**
 * Documents and scans added to a record, several at once (TR-11, TR-12), under /api:
 *
 *   POST /api/records/:id/files/:field   multipart/form-data, one part per file (any part name);
 *        optional `Idempotency-Key` header (or an `idempotencyKey` form field)
 *        → 201 {field, files: [{id, name, size, contentType}], duplicates, record}
 *        → 200 with `files: []` when every file was already in the field (a retried upload)
 *        Refused as a whole (nothing stored, the reason per file in `details.files[].messages`):
 *        413 a file over the size limit or too many files, 415 a type not accepted, 400 an empty
 *        file / no file / not multipart / not a file field, 403 no update right, 409 record closed.
 *   Download: GET /api/files/:fileId?record=:id (runtime/http/merge.routes.ts) serves any file
 *        value of a record the user reads, as an attachment.
 *
 * Files are written to DATA_DIR/upload-tmp while they arrive (hashed on the way), so a 25 MB
 * scan is never held in memory; they move into the blob store only once all are accepted.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import type { LocalizedText } from '../../engine/errors';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError } from './request-helpers';
import { idempotencyKeyProblem } from '../services/record-notes.service';
import { attachSpooledFiles, DEFAULT_UPLOAD_LIMITS, fileTarget, HEAD_BYTES, UploadRefusal, type FileTarget, type SpooledFile, type UploadLimits } from '../services/record-files.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
// Room for the multipart boundaries and part headers around the files themselves.
const MULTIPART_OVERHEAD = 1024 * 1024;

interface Parsed {
  files: SpooledFile[];
  fields: Record<string, string>;
  tooMany: boolean;
  /** Each file's write to disk, settled once it is complete or has failed. */
  writes: Array<Promise<void>>;
  /** Stops the writes still running (the client went away, the body is malformed). */
  abort: () => void;
}

/**
 * Streams every file part of the request to its own temporary file, hashing it on the way.
 * Fills `parsed` as parts arrive, so the caller can remove the files even after a failure.
 */
function spoolMultipart(req: Request, dir: string, limits: UploadLimits, parsed: Parsed): Promise<Parsed> {
  return new Promise<Parsed>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // Browsers send UTF-8 file names (busboy's default is latin1: "Hôtel" would arrive garbled).
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 10, fieldSize: 1000, parts: limits.maxFiles + 10 } });
    } catch {
      reject(bilingualError(400, 'not-multipart', text('Envoyez les fichiers en multipart/form-data.', 'Stuur de bestanden als multipart/form-data.', 'Send the files as multipart/form-data.')));
      return;
    }
    const sources: Array<{ destroy: (e?: Error) => void }> = [];
    parsed.abort = () => {
      for (const src of sources) src.destroy(new Error('upload stopped'));
    };
    bb.on('file', (_name, stream, info) => {
      const path = join(dir, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let headLength = 0;
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          if (headLength < HEAD_BYTES) {
            head.push(chunk.subarray(0, HEAD_BYTES - headLength));
            headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
          }
          done(null, chunk);
        },
      });
      const file: SpooledFile = { name: info.filename ?? '', contentType: info.mimeType, path, size: 0, sha256: '', head: Buffer.alloc(0), truncated: false };
      parsed.files.push(file);
      sources.push(stream);
      parsed.writes.push(
        pipeline(stream, tap, createWriteStream(path)).then(() => {
          file.size = size;
          file.sha256 = hash.digest('hex');
          file.head = Buffer.concat(head);
          // busboy cut the file at the limit: it is refused, whatever its type.
          file.truncated = stream.truncated === true;
        }),
      );
    });
    bb.on('field', (name, value) => {
      parsed.fields[name] = value;
    });
    bb.on('filesLimit', () => {
      parsed.tooMany = true;
    });
    bb.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
    bb.on('close', () => {
      Promise.all(parsed.writes).then(() => resolve(parsed), reject);
    });
    req.on('aborted', () => reject(bilingualError(400, 'upload-aborted', text('L’envoi a été interrompu. Rien n’a été ajouté.', 'Het verzenden werd onderbroken. Er werd niets toegevoegd.', 'The upload was interrupted. Nothing was added.'))));
    req.pipe(bb);
  });
}

export const recordFilesMount: Mount = {
  api: (api, ctx: MountContext) => {
    const tmpDir = join(ctx.config.dataDir, 'upload-tmp');
    const limits = DEFAULT_UPLOAD_LIMITS;

    api.post('/records/:id/files/:field', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const refusal = (e: unknown): unknown => (e instanceof UploadRefusal ? bilingualError(e.status, e.code, e.localized, e.details) : e);
      let target: FileTarget;
      try {
        // Checked before a byte of the body is read: a wrong field or a closed record costs no upload.
        target = fileTarget(ctx.runtime, actor, String(req.params['id']), String(req.params['field']));
      } catch (e) {
        throw refusal(e);
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limits.maxFiles * limits.maxFileBytes + MULTIPART_OVERHEAD) {
        throw bilingualError(413, 'body-too-large', text(
          `L’envoi dépasse ${limits.maxFiles} fichiers de ${Math.round(limits.maxFileBytes / (1024 * 1024))} Mo. Rien n’a été ajouté.`,
          `De verzending overschrijdt ${limits.maxFiles} bestanden van ${Math.round(limits.maxFileBytes / (1024 * 1024))} MB. Er werd niets toegevoegd.`,
          `The upload exceeds ${limits.maxFiles} files of ${Math.round(limits.maxFileBytes / (1024 * 1024))} MB. Nothing was added.`,
        ));
      }
      mkdirSync(tmpDir, { recursive: true });
      const parsed: Parsed = { files: [], fields: {}, tooMany: false, writes: [], abort: () => undefined };
      try {
        await spoolMultipart(req, tmpDir, limits, parsed);
        const key = req.headers['idempotency-key'] ?? parsed.fields['idempotencyKey'];
        const keyProblem = idempotencyKeyProblem(key);
        if (keyProblem) throw bilingualError(400, 'bad-idempotency-key', keyProblem, { field: 'idempotencyKey' });
        const result = await attachSpooledFiles(ctx.runtime, actor, target, parsed.files, {
          limits, tooMany: parsed.tooMany, ...(typeof key === 'string' ? { idempotencyKey: key.trim() } : {}),
        });
        res.status(result.files.length > 0 ? 201 : 200).json(result);
      } catch (e) {
        throw refusal(e);
      } finally {
        // Accepted files were moved into the blob store; whatever is left here is refused, cut or
        // half-written. Writes still running are stopped first, so none recreates its file after.
        parsed.abort();
        await Promise.allSettled(parsed.writes);
        for (const f of parsed.files) await unlink(f.path).catch(() => undefined);
      }
    });
  },
};
