/**
 * Registered mail of the census, in batches (TR-45, issue 5 parts 6 and 7), under /api:
 *
 *   POST /api/registered-mail/proofs    multipart/form-data:
 *        `kind` = `sending` (bpost deposit list / proofs of sending) | `receipt` (receipts);
 *        the scans, one part per file (any part name but `manifest`), PDF, JPEG, PNG, TIFF, HEIC;
 *        optional `manifest`: a CSV file (see dossier-matching.ts parseManifest);
 *        optional `Idempotency-Key` header (or `idempotencyKey` field).
 *   POST /api/registered-mail/returns   the same for returned forms (`kind` may be omitted or `return`).
 *
 *   → 200 {kind, results: [{index, file, outcome, code, dossier, registeredNumber, event, message}], counts}
 *     one result per file, in the order sent: `applied`, `attached-only` (a return the dossier's
 *     state does not take as "return received"), `already-done` (a retry), `refused` (why, in
 *     FR/NL/EN): a refused file does not stop the others.
 *   Refused as a whole, nothing changed: 400 not multipart / bad or missing kind / no file /
 *   bad manifest (its problems per line in details.problems), 413 too many files or too large,
 *   403 no right to change dossiers.
 *
 * Files are spooled to DATA_DIR/upload-tmp while they arrive (a batch of scans is never held in
 * memory) and moved into the blob store once matched.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import { hasRecordPermission } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError } from './request-helpers';
import { idempotencyKeyProblem } from '../services/record-notes.service';
import { HEAD_BYTES, type SpooledFile, type UploadLimits } from '../services/record-files.service';
import { parseManifest, type ManifestRow } from '../services/dossier-matching';
import { DEFAULT_BATCH_LIMITS, DOSSIER, processBatch, type BatchKind } from '../services/registered-mail.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const MULTIPART_OVERHEAD = 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MANIFEST_PART = 'manifest';

interface Parsed {
  files: SpooledFile[];
  fields: Record<string, string>;
  manifest: Buffer | null;
  manifestTooLarge: boolean;
  tooMany: boolean;
}

/** Streams each scan to its own temporary file (hashed on the way); the manifest to memory. */
function spool(req: Request, dir: string, limits: UploadLimits, parsed: Parsed): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // Browsers send UTF-8 file names (busboy's default is latin1).
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles + 1, fields: 10, fieldSize: 1000, parts: limits.maxFiles + 12 } });
    } catch {
      reject(bilingualError(400, 'not-multipart', text('Envoyez les fichiers en multipart/form-data.', 'Stuur de bestanden als multipart/form-data.', 'Send the files as multipart/form-data.')));
      return;
    }
    const writes: Array<Promise<void>> = [];
    bb.on('file', (partName, stream, info) => {
      if (partName === MANIFEST_PART) {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_MANIFEST_BYTES) chunks.push(c);
          else parsed.manifestTooLarge = true;
        });
        writes.push(new Promise<void>((done, fail) => {
          stream.on('end', () => {
            parsed.manifest = Buffer.concat(chunks);
            done();
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
      writes.push(
        pipeline(stream, tap, createWriteStream(path)).then(() => {
          file.size = size;
          file.sha256 = hash.digest('hex');
          file.head = Buffer.concat(head);
          // Cut at the size limit: that file is refused, the others go on.
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
      Promise.all(writes).then(() => resolve(), reject);
    });
    req.on('aborted', () => reject(new Error('upload aborted by the client')));
    req.pipe(bb);
  });
}

function kindOf(raw: string | undefined, allowed: readonly BatchKind[], fallback: BatchKind | null): BatchKind {
  const k = (raw ?? '').trim() || fallback;
  const found = allowed.find((a) => a === k);
  if (!found) {
    const list = allowed.join(' | ');
    throw bilingualError(400, 'bad-kind', text(`Indiquez le champ « kind » : ${list}.`, `Vul het veld "kind" in: ${list}.`, `Give the "kind" field: ${list}.`), { field: 'kind', allowed });
  }
  return found;
}

function manifestRows(parsed: Parsed): ManifestRow[] {
  if (parsed.manifestTooLarge) {
    throw bilingualError(413, 'manifest-too-large', text('Le manifeste CSV dépasse 1 Mo. Rien n’a été ajouté.', 'Het CSV-manifest is groter dan 1 MB. Er werd niets toegevoegd.', 'The CSV manifest is larger than 1 MB. Nothing was added.'));
  }
  if (!parsed.manifest) return [];
  const content = parsed.manifest.toString('utf8');
  const result = parseManifest(content.includes('\uFFFD') ? parsed.manifest.toString('latin1') : content);
  if (!result.ok) {
    const first = result.problems[0];
    const more = result.problems.length - 1;
    throw bilingualError(400, 'bad-manifest', text(
      `${first?.messages.fr ?? ''}${more > 0 ? ` (et ${more} autre(s) problème(s))` : ''} Corrigez le manifeste : rien n’a été ajouté.`,
      `${first?.messages.nl ?? ''}${more > 0 ? ` (en nog ${more} probleem/problemen)` : ''} Verbeter het manifest: er werd niets toegevoegd.`,
      `${first?.messages.en ?? ''}${more > 0 ? ` (and ${more} more problem(s))` : ''} Correct the manifest: nothing was added.`,
    ), { problems: result.problems });
  }
  return result.rows;
}

function batchRoute(ctx: MountContext, kinds: readonly BatchKind[], fallback: BatchKind | null) {
  const tmpDir = join(ctx.config.dataDir, 'upload-tmp');
  const limits = DEFAULT_BATCH_LIMITS;
  return async (req: Request, res: Response): Promise<void> => {
    const actor = actorOfRequest(req);
    // Checked before a byte of the body is read: no right, no upload.
    if (!hasRecordPermission(ctx.runtime.packs.active().pack, actor.roles, DOSSIER, 'update')) {
      throw bilingualError(403, 'forbidden', text('Votre rôle ne permet pas de modifier les dossiers de recensement.', 'Uw rol staat niet toe tellingsdossiers te wijzigen.', 'Your role may not change census dossiers.'));
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
    const parsed: Parsed = { files: [], fields: {}, manifest: null, manifestTooLarge: false, tooMany: false };
    try {
      await spool(req, tmpDir, limits, parsed);
      const kind = kindOf(parsed.fields['kind'], kinds, fallback);
      const key = req.headers['idempotency-key'] ?? parsed.fields['idempotencyKey'];
      const keyProblem = idempotencyKeyProblem(key);
      if (keyProblem) throw bilingualError(400, 'bad-idempotency-key', keyProblem, { field: 'idempotencyKey' });
      if (parsed.tooMany || parsed.files.length > limits.maxFiles) {
        throw bilingualError(413, 'too-many-files', text(`Envoyez au plus ${limits.maxFiles} fichiers à la fois. Rien n’a été ajouté.`, `Stuur hoogstens ${limits.maxFiles} bestanden tegelijk. Er werd niets toegevoegd.`, `Send at most ${limits.maxFiles} files at once. Nothing was added.`), { maxFiles: limits.maxFiles });
      }
      if (parsed.files.length === 0) {
        throw bilingualError(400, 'no-files', text('Choisissez au moins un fichier.', 'Kies minstens één bestand.', 'Choose at least one file.'));
      }
      const manifest = manifestRows(parsed);
      const result = await processBatch(ctx.runtime, actor, {
        kind, files: parsed.files, manifest, limits, clock: ctx.clock, ...(typeof key === 'string' ? { idempotencyKey: key.trim() } : {}),
      });
      res.status(200).json(result);
    } finally {
      // Matched files were moved into the blob store; what is left here was refused or cut.
      for (const f of parsed.files) await unlink(f.path).catch(() => undefined);
    }
  };
}

export const registeredMailMount: Mount = {
  api: (api, ctx: MountContext) => {
    api.post('/registered-mail/proofs', batchRoute(ctx, ['sending', 'receipt'], null));
    api.post('/registered-mail/returns', batchRoute(ctx, ['return'], 'return'));
  },
};
