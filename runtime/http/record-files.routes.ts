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
import { join } from 'node:path';
import type { Request } from 'express';
import type { LocalizedText } from '../../engine/errors';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError } from './request-helpers';
import { idempotencyKeyProblem } from '../services/record-notes.service';
import { attachSpooledFiles, DEFAULT_UPLOAD_LIMITS, fileTarget, UploadRefusal, type FileTarget } from '../services/record-files.service';
import { refuseOversizedBody, spoolMultipart } from './multipart-spool';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

export const recordFilesMount: Mount = {
  api: (api, ctx: MountContext) => {
    const tmpDir = join(ctx.config.dataDir, 'upload-tmp');
    const limits = { ...DEFAULT_UPLOAD_LIMITS, maxFileBytes: ctx.config.uploadMaxFileBytes };

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
      refuseOversizedBody(req, limits);
      const { upload: parsed, done } = spoolMultipart(req, tmpDir, limits);
      try {
        await done;
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
        await parsed.discard();
      }
    });
  },
};
