/**
 * Signing census letters (TR-23, TR-26): a signer signs the latest PDF letter of several dossiers
 * in one action (PAdES, their PKCS#12 under config.certificatesDir).
 *
 *   POST /api/signatures/batch {recordIds, fileField?}   200 the batch's results (one per dossier)
 *                                                        403 for a user without a signing certificate
 *   GET  /api/signatures/batch/:id                       the results again
 *   GET  /api/signatures/batches                         this signer's batches, newest first
 *   GET  /api/signatures/pending                         the letters awaiting this user's signature
 *                                                        (signing state, approval still theirs to give)
 *   GET  /api/records/:id/signed-letter                  the dossier's last signed PDF (application/pdf)
 *
 * The batch stops at the first failure: dossiers before it are signed, stored and approved;
 * that one and the ones after are untouched (status `failed`, then `not-processed`).
 */
import type { Request } from 'express';
import type { LocalizedText } from '../../engine/errors';
import { SignatureService } from '../services/signature.service';
import { actorOfRequest } from './app';
import { HttpError } from './http-errors';
import type { Mount } from './mounts';

const MAX_BATCH = 500;
const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const SIGNED_MARK = /\[signed-pdf:([0-9a-f]{64})\]/;
/** The state where letters wait for their signatures (the same name SignatureService relies on). */
const SIGNING_STATE = 'signing';
const LIST_PAGE = 500;

function batchInput(req: Request): { recordIds: string[]; fileField: string } {
  const body: unknown = req.body;
  const o = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const ids = o?.['recordIds'];
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_BATCH || !ids.every((i): i is string => typeof i === 'string' && i.trim() !== '')) {
    throw new HttpError(400, 'malformed-body', text(
      `Indiquez les dossiers à signer : « recordIds », une liste de 1 à ${MAX_BATCH} identifiants.`,
      `Geef de te ondertekenen dossiers op: "recordIds", een lijst van 1 tot ${MAX_BATCH} identificaties.`,
      `Give the dossiers to sign: "recordIds", a list of 1 to ${MAX_BATCH} ids.`,
    ));
  }
  if (new Set(ids).size !== ids.length) {
    throw new HttpError(400, 'malformed-body', text('Un dossier figure deux fois dans le lot.', 'Een dossier staat twee keer in de batch.', 'A dossier appears twice in the batch.'));
  }
  const fileField = o?.['fileField'] ?? 'letters';
  if (typeof fileField !== 'string' || !/^[a-z][a-z0-9_]*$/.test(fileField)) {
    throw new HttpError(400, 'malformed-body', text('« fileField » doit être le nom d’un champ.', '"fileField" moet de naam van een veld zijn.', '"fileField" must be a field name.'));
  }
  return { recordIds: ids, fileField };
}

export const signatureMount: Mount = {
  api: (api, ctx) => {
    const signatures = new SignatureService({ records: ctx.runtime.records, blobs: ctx.runtime.blobs, config: ctx.config, clock: ctx.clock });

    api.post('/signatures/batch', async (req, res) => {
      const actor = actorOfRequest(req);
      const input = batchInput(req);
      const batch = await signatures.signBatch(actor, input.recordIds, input.fileField);
      if (batch.summary.failed > 0) ctx.log(`signature batch ${batch.id} by ${actor.id}: ${batch.summary.signed} signed, stopped at a failure`);
      res.json(batch);
    });

    api.get('/signatures/batch/:id', (req, res) => {
      res.json(signatures.batch(actorOfRequest(req), String(req.params['id'])));
    });

    api.get('/signatures/batches', (req, res) => {
      res.json({ items: signatures.listBatches(actorOfRequest(req)) });
    });

    // The signing screen's to-do list: the list API cannot tell whose approval is still due,
    // the record view's allowed events can. Candidates are narrowed by the signing state's step.
    api.get('/signatures/pending', (req, res) => {
      const actor = actorOfRequest(req);
      const { pack } = ctx.runtime.packs.active();
      const items: Array<{ id: string; recordType: string; title: string | null; fields: Record<string, unknown>; updatedAt: string; version: number; letter: { id: string; name: string; url: string } | null }> = [];
      let truncated = false;
      for (const proc of Object.values(pack.processes)) {
        const step = proc.states[SIGNING_STATE]?.step;
        if (!step) continue;
        for (let offset = 0; !truncated; offset += LIST_PAGE) {
          const page = ctx.runtime.records.list(actor, { recordType: proc.record, filters: { step, process: proc.process }, sort: 'updatedAt', direction: 'asc', limit: LIST_PAGE, offset });
          for (const row of page.items) {
            if (!row.states.includes(SIGNING_STATE)) continue;
            const view = ctx.runtime.records.get(actor, row.id);
            if (!(view.events ?? []).some((e) => e.type === 'approve')) continue;
            if (items.length >= MAX_BATCH) {
              truncated = true;
              break;
            }
            let letter: { id: string; name: string; url: string } | null = null;
            try {
              const l = signatures.letterToSign(actor, view, 'letters');
              const inFields = JSON.stringify(view.fields).includes(l.id);
              // A letter the other signer already signed is only reachable as the signed letter.
              const url = inFields ? `/api/files/${l.id}?record=${encodeURIComponent(view.id)}` : `/api/records/${encodeURIComponent(view.id)}/signed-letter`;
              letter = { id: l.id, name: l.name, url };
            } catch {
              letter = null;
            }
            items.push({ id: view.id, recordType: view.recordType, title: view.title, fields: view.fields, updatedAt: view.updatedAt, version: view.version, letter });
          }
          if (page.items.length < LIST_PAGE) break;
        }
      }
      res.json({ items, truncated });
    });

    api.get('/records/:id/signed-letter', async (req, res) => {
      const actor = actorOfRequest(req);
      const id = String(req.params['id']);
      // Read access is checked by history(); the last approval carrying a signed PDF wins.
      const history = ctx.runtime.records.history(actor, id);
      let blobId: string | null = null;
      for (const h of history) {
        const comment = h.eventType === 'approve' ? h.data['comment'] : undefined;
        const m = typeof comment === 'string' ? SIGNED_MARK.exec(comment) : null;
        if (m?.[1]) blobId = m[1];
      }
      const pdf = blobId ? await ctx.runtime.blobs.get(blobId) : null;
      if (!pdf) throw new HttpError(404, 'no-signed-letter', text('Ce dossier n’a pas encore de courrier signé.', 'Dit dossier heeft nog geen ondertekende brief.', 'This dossier has no signed letter yet.'));
      res.type('application/pdf').setHeader('content-disposition', `attachment; filename="${id}.signed.pdf"`);
      res.send(pdf);
    });
  },
};
