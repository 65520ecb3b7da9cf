/**
 * Spreadsheet imports (TR-28, TR-40): the Belfirst export of the companies of the commune.
 * Multipart is not available: the file is the raw body (application/octet-stream), its name in
 * `?filename=`.
 *
 *   POST /api/imports/belfirst/preview?filename=…   a status per row, writes nothing
 *   POST /api/imports/belfirst/commit?filename=…    creates the new dossiers: counts per status
 *
 * Census agents and admins only. 413 for a file too large (as sent, or once unzipped, or in
 * rows), 422 for an unreadable file or missing required columns, in French and Dutch.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { isAdmin } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import { ImportRefusal, sharedBelfirstImport, type BelfirstImportService } from '../services/belfirst-import.service';
import { join } from 'node:path';
import { actorOfRequest } from './app';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const IMPORTER_ROLES = new Set(['census-agent']);

function bilingual(status: number, code: string, message: LocalizedText, details: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, code, message, { ...details, messages: message });
}

export function importServiceFor(ctx: MountContext): BelfirstImportService {
  return sharedBelfirstImport({
    store: ctx.runtime.store, packs: ctx.runtime.packs, records: ctx.runtime.records, clock: ctx.clock,
    logFile: join(ctx.config.dataDir, 'imports', 'imports.log.jsonl'),
  });
}

export const importsMount: Mount = {
  api: (api: express.Router, ctx: MountContext) => {
    const service = (): BelfirstImportService => importServiceFor(ctx);
    const limit = (): number => service().limits.maxFileBytes;
    // The raw body, with its own limit: a larger upload is refused while it arrives.
    const rawBody = (req: Request, res: Response, next: NextFunction): void => {
      express.raw({ type: () => true, limit: limit() })(req, res, (err?: unknown) => {
        const e = err as { type?: string } | undefined;
        if (e?.type === 'entity.too.large') {
          const mb = Math.round(limit() / (1024 * 1024));
          next(bilingual(413, 'file-too-large', text(`Le fichier dépasse la limite de ${mb} Mo.`, `Het bestand overschrijdt de limiet van ${mb} MB.`, `The file exceeds the ${mb} MB limit.`), { limit: limit() }));
          return;
        }
        next(err);
      });
    };
    const guard = (req: Request): { id: string; roles: string[]; file: Buffer; fileName: string } => {
      const actor = actorOfRequest(req);
      const { pack } = ctx.runtime.packs.active();
      if (!isAdmin(pack, actor.roles) && !actor.roles.some((r) => IMPORTER_ROLES.has(r))) {
        throw bilingual(403, 'forbidden', text('Seuls les agents recenseurs et les administrateurs importent des fichiers Belfirst.', 'Alleen tellingsagenten en beheerders importeren Belfirst-bestanden.', 'Only census agents and admins import Belfirst files.'));
      }
      const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (file.length === 0) throw bilingual(422, 'empty-file', text('Envoyez le fichier .xlsx comme corps de la requête (application/octet-stream).', 'Stuur het .xlsx-bestand als inhoud van het verzoek (application/octet-stream).', 'Send the .xlsx file as the request body (application/octet-stream).'));
      const q = req.query['filename'];
      const fileName = (typeof q === 'string' && q.trim() !== '' ? q.trim() : 'belfirst.xlsx').slice(0, 255);
      return { id: actor.id, roles: [...actor.roles], file, fileName };
    };
    const refusal = (err: unknown): unknown => (err instanceof ImportRefusal ? bilingual(err.status, err.code, err.localized, err.details) : err);

    api.post('/imports/belfirst/preview', rawBody, async (req, res) => {
      const g = guard(req);
      try {
        res.json(await service().preview('belfirst', g.file, g.fileName));
      } catch (err) {
        throw refusal(err);
      }
    });
    api.post('/imports/belfirst/commit', rawBody, async (req, res) => {
      const g = guard(req);
      try {
        const r = await service().commit({ id: g.id, roles: g.roles }, 'belfirst', g.file, g.fileName);
        res.json({ import: r.import, fileName: r.fileName, sha256: r.sha256, created: r.created, existing: r.totals.existing, duplicate: r.totals.duplicate, errors: r.errors, totals: r.totals, columns: r.columns, notified: r.notified, rows: r.rows.filter((x) => x.status === 'error') });
      } catch (err) {
        throw refusal(err);
      }
    });
  },
};
