/**
 * Work notes on a record (TR-6, TR-7), under /api (rules in runtime/services/record-notes.service.ts):
 *
 *   GET  /api/records/:id/notes → {items: [note], mayAdd}, oldest first
 *   POST /api/records/:id/notes {text, idempotencyKey?} → 201 {note}; the same key again → 200, same note
 *   PUT  /api/records/:id/notes/:noteId {text, version} → 200 {note}; a stale version → 409 with the
 *        current note in `details.note`, nothing changed
 *
 * A note: {id, recordId, author, text, createdAt, updatedAt, updatedBy, version, edited, mayEdit,
 * revisions: [{text, at, by, version}]}. Empty text or more than 20,000 characters → 400.
 */
import type { Request } from 'express';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError, bodyObject } from './request-helpers';
import { idempotencyKeyProblem, noteTextProblem, RecordNotesService } from '../services/record-notes.service';

const services = new WeakMap<MountContext['runtime'], RecordNotesService>();

/** One notes service per runtime, for routes of other features (the field app) too. */
export function notesServiceOf(ctx: Pick<MountContext, 'runtime' | 'clock'>): RecordNotesService {
  let s = services.get(ctx.runtime);
  if (!s) {
    s = new RecordNotesService({ store: ctx.runtime.store, packs: ctx.runtime.packs, records: ctx.runtime.records }, ctx.clock);
    services.set(ctx.runtime, s);
  }
  return s;
}

/** The note's text from the body, or a 400 in every language (before anything is read or written). */
function textOf(body: Record<string, unknown>): string {
  const problem = noteTextProblem(body['text']);
  if (problem) throw bilingualError(400, problem.code, problem, { field: 'text' });
  return body['text'] as string;
}

export const notesMount: Mount = {
  api: (api, ctx) => {
    api.get('/records/:id/notes', (req: Request, res) => {
      res.json(notesServiceOf(ctx).list(actorOfRequest(req), String(req.params['id'])));
    });

    api.post('/records/:id/notes', (req: Request, res) => {
      const actor = actorOfRequest(req);
      const body = bodyObject(req);
      const noteText = textOf(body);
      const key = body['idempotencyKey'] ?? req.headers['idempotency-key'];
      const keyProblem = idempotencyKeyProblem(key);
      if (keyProblem) throw bilingualError(400, 'bad-idempotency-key', keyProblem, { field: 'idempotencyKey' });
      const { note, created } = notesServiceOf(ctx).add(actor, String(req.params['id']), noteText, typeof key === 'string' ? key : undefined);
      // Colleagues with the dossier open see the note without reloading.
      if (created) ctx.runtime.signalRecord(String(req.params['id']), 'notes:changed');
      res.status(created ? 201 : 200).json({ note });
    });

    api.put('/records/:id/notes/:noteId', (req: Request, res) => {
      const actor = actorOfRequest(req);
      const body = bodyObject(req);
      const noteText = textOf(body);
      const version = body['version'];
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        throw bilingualError(
          400,
          'bad-version',
          { fr: 'Indiquez la version de la note que vous modifiez (« version », un entier).', nl: 'Geef de versie op van de notitie die u wijzigt ("version", een geheel getal).', en: 'Give the version of the note you edit ("version", an integer).' },
          { field: 'version' },
        );
      }
      const note = notesServiceOf(ctx).edit(actor, String(req.params['id']), String(req.params['noteId']), noteText, version);
      ctx.runtime.signalRecord(String(req.params['id']), 'notes:changed');
      res.json({ note });
    });
  },
};
