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
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { hasRecordPermission } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError } from './request-helpers';
import { idempotencyKeyProblem } from '../services/record-notes.service';
import { refuseOversizedBody, spoolMultipart, type SpooledUpload } from './multipart-spool';
import { parseManifest, type ManifestRow } from '../services/dossier-matching';
import { DEFAULT_BATCH_LIMITS, DOSSIER, processBatch, type BatchKind } from '../services/registered-mail.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MANIFEST_PART = 'manifest';

function kindOf(raw: string | undefined, allowed: readonly BatchKind[], fallback: BatchKind | null): BatchKind {
  const k = (raw ?? '').trim() || fallback;
  const found = allowed.find((a) => a === k);
  if (!found) {
    const list = allowed.join(' | ');
    throw bilingualError(400, 'bad-kind', text(`Indiquez le champ « kind » : ${list}.`, `Vul het veld "kind" in: ${list}.`, `Give the "kind" field: ${list}.`), { field: 'kind', allowed });
  }
  return found;
}

function manifestRows(parsed: SpooledUpload): ManifestRow[] {
  if (parsed.memoryTooLarge) {
    throw bilingualError(413, 'manifest-too-large', text('Le manifeste CSV dépasse 1 Mo. Rien n’a été ajouté.', 'Het CSV-manifest is groter dan 1 MB. Er werd niets toegevoegd.', 'The CSV manifest is larger than 1 MB. Nothing was added.'));
  }
  if (!parsed.memory) return [];
  const content = parsed.memory.toString('utf8');
  const result = parseManifest(content.includes('\uFFFD') ? parsed.memory.toString('latin1') : content);
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
  const limits = { ...DEFAULT_BATCH_LIMITS, maxFileBytes: ctx.config.uploadMaxFileBytes };
  return async (req: Request, res: Response): Promise<void> => {
    const actor = actorOfRequest(req);
    // Checked before a byte of the body is read: no right, no upload.
    if (!hasRecordPermission(ctx.runtime.packs.active().pack, actor.roles, DOSSIER, 'update')) {
      throw bilingualError(403, 'forbidden', text('Votre rôle ne permet pas de modifier les dossiers de recensement.', 'Uw rol staat niet toe tellingsdossiers te wijzigen.', 'Your role may not change census dossiers.'));
    }
    refuseOversizedBody(req, limits);
    const { upload: parsed, done } = spoolMultipart(req, tmpDir, limits, { memoryPart: { name: MANIFEST_PART, maxBytes: MAX_MANIFEST_BYTES } });
    try {
      await done;
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
      await parsed.discard();
    }
  };
}

export const registeredMailMount: Mount = {
  api: (api, ctx: MountContext) => {
    api.post('/registered-mail/proofs', batchRoute(ctx, ['sending', 'receipt'], null));
    api.post('/registered-mail/returns', batchRoute(ctx, ['return'], 'return'));
  },
};
