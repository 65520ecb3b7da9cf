/**
 * Census letters by mail merge (TR-8..10, TR-20, TR-27), under /api:
 *
 *   POST /api/records/:id/merge {template, formats?: ['docx','pdf'], regulation?: true}
 *        → 201 {files: [{id, name, size, contentType}], regulation: file | null}: the `kind:
 *          document` template in the dossier's language, attached to its `letters` (history),
 *          with the regulation PDF of its tax family when asked. Unknown template → 404.
 *   POST /api/merge/bulk {template, recordIds: [...]} (at most 1000)
 *        → 201 {files: [{…, recordId}], combined: file}: a DOCX and a PDF per dossier plus one
 *          combined PDF (each letter from a new page) to print.
 *   GET  /api/merge/templates → {items: [{id, label}]}: the pack's `kind: document` templates, for
 *          the web app's choice (label: the subject without its placeholders).
 *   GET  /api/files/:id[?record=<id>] → a generated file (needs read access to its dossiers), as
 *          a download; with `record`, any file value of that record's fields (after a restart too).
 */
import type { Request } from 'express';
import type { LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';
import { MailMergeService, type MergeFormat } from '../services/mail-merge.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const MAX_BULK = 1000;

function actorOfRequest(req: Request): Actor {
  const user = (req as Request & { user?: { id: string; roles: string[] } }).user;
  if (!user) throw new HttpError(401, 'unauthenticated', text('Connectez-vous d’abord.', 'Meld u eerst aan.', 'Log in first.'));
  return { id: user.id, roles: user.roles };
}

function bodyOf(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new HttpError(400, 'malformed-body', text('Le corps de la requête doit être un objet JSON.', 'De inhoud van het verzoek moet een JSON-object zijn.', 'The request body must be a JSON object.'));
  }
  return b as Record<string, unknown>;
}

function templateOf(body: Record<string, unknown>): string {
  const t = body['template'];
  if (typeof t !== 'string' || !t.trim() || t.length > 100) {
    throw new HttpError(422, 'validation-failed', text('Indiquez le modèle de document (template).', 'Geef het documentsjabloon op (template).', 'Give the document template (template).'), { field: 'template' });
  }
  return t.trim();
}

function formatsOf(body: Record<string, unknown>): MergeFormat[] | undefined {
  const f = body['formats'];
  if (f === undefined || f === null) return undefined;
  if (!Array.isArray(f) || f.length === 0 || !f.every((x): x is MergeFormat => x === 'docx' || x === 'pdf')) {
    throw new HttpError(422, 'validation-failed', text('Formats : docx et/ou pdf.', 'Formaten: docx en/of pdf.', 'Formats: docx and/or pdf.'), { field: 'formats' });
  }
  return f;
}

const services = new WeakMap<MountContext['runtime'], MailMergeService>();

/** One merge service per runtime (it remembers the files it generated). */
export function mergeServiceOf(ctx: Pick<MountContext, 'runtime' | 'config' | 'clock'>): MailMergeService {
  let s = services.get(ctx.runtime);
  if (!s) {
    s = new MailMergeService(ctx.runtime, ctx.config.regulationsDir, ctx.clock);
    services.set(ctx.runtime, s);
  }
  return s;
}

export const mergeMount: Mount = {
  api: (api, ctx) => {
    api.post('/records/:id/merge', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const body = bodyOf(req);
      const template = templateOf(body);
      const formats = formatsOf(body);
      const result = await mergeServiceOf(ctx).mergeOne(actor, String(req.params['id']), template, { ...(formats ? { formats } : {}), regulation: body['regulation'] === true });
      res.status(201).json(result);
    });

    api.post('/merge/bulk', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const body = bodyOf(req);
      const template = templateOf(body);
      const ids = body['recordIds'];
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_BULK || !ids.every((x): x is string => typeof x === 'string' && x.length > 0 && x.length < 100)) {
        throw new HttpError(422, 'validation-failed', text(`Donnez de 1 à ${MAX_BULK} dossiers (recordIds).`, `Geef 1 tot ${MAX_BULK} dossiers op (recordIds).`, `Give 1 to ${MAX_BULK} records (recordIds).`), { field: 'recordIds' });
      }
      const result = await mergeServiceOf(ctx).mergeBulk(actor, template, ids);
      res.status(201).json(result);
    });

    api.get('/merge/templates', (req: Request, res) => {
      actorOfRequest(req);
      const { pack } = ctx.runtime.packs.active();
      // "Recensement … — {{company_name}}" names the letter well enough once the placeholder goes.
      const plain = (s: string): string => s.replace(/\{\{[^}]*\}\}/g, '').replace(/[\s—–:-]+$/u, '').trim();
      const items = Object.values(pack.templates)
        .filter((t) => t.kind === 'document')
        .map((t) => ({ id: t.template, label: { fr: plain(t.subject.fr), nl: plain(t.subject.nl), en: plain(t.subject.en ?? t.subject.fr) } }));
      res.json({ items });
    });

    api.get('/files/:id', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const id = String(req.params['id']);
      const record = typeof req.query['record'] === 'string' ? req.query['record'] : undefined;
      const info = mergeServiceOf(ctx).file(actor, id, record);
      const data = info ? await ctx.runtime.blobs.get(id) : null;
      if (!info || !data) throw new HttpError(404, 'not-found', text('Fichier introuvable.', 'Bestand niet gevonden.', 'File not found.'));
      // A download, never rendered in the app's origin.
      res.setHeader('Content-Type', info.contentType);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(info.name)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(data);
    });
  },
};
