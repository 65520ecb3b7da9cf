/**
 * Spreadsheet exports declared in the pack (TR-29: Onyx), under /api:
 *
 *   GET  /api/exports                         → {items: [{id, label, record, sheet, states, headers, update}]}:
 *                                               the exports whose record type the user may read
 *   GET  /api/exports/:id.xlsx[?ids=a,b,…]    → the workbook (streamed), every record in the export's
 *                                               states, or that selection (at most 1000, all in those states)
 *   POST /api/exports/:id/update/preview?filename=…   (raw .xlsx body) a status per row, writes nothing
 *   POST /api/exports/:id/update/commit?filename=…    applies the valid rows: one `update` event per record
 *
 * 404 unknown export, 403 without read (export) or update (update file) permission on the record
 * type, 413 a file too large (as sent, unzipped or in rows), 422 unreadable or without its key
 * column: messages in French, Dutch and English.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { LocalizedText } from '../../engine/errors';
import { DEFAULT_IMPORT_LIMITS } from '../services/belfirst-import.service';
import { sharedUpdateFileService, type UpdateFileService } from '../services/onyx-update.service';
import { SpreadsheetExportService, SpreadsheetRefusal, type ExportPlan } from '../services/spreadsheet-export.service';
import { actorOfRequest } from './app';
import type { Mount, MountContext } from './mounts';
import { bilingualError } from './request-helpers';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A service refusal as the HTTP error the middleware answers with, in every language. */
export function refusalToHttp(err: unknown): unknown {
  return err instanceof SpreadsheetRefusal ? bilingualError(err.status, err.code, err.localized, err.details) : err;
}

function idsOf(req: Request): string[] | null {
  const q = req.query['ids'];
  if (q === undefined) return null;
  const parts = (Array.isArray(q) ? q : [q]).flatMap((x) => (typeof x === 'string' ? x.split(',') : []));
  const ids = [...new Set(parts.map((s) => s.trim()).filter((s) => s !== ''))];
  if (ids.some((id) => id.length > 100)) {
    throw bilingualError(422, 'validation-failed', text('Identifiant d’enregistrement invalide dans ids.', 'Ongeldige record-id in ids.', 'Invalid record id in ids.'), { field: 'ids' });
  }
  return ids;
}

export function updateFileServiceFor(ctx: MountContext): UpdateFileService {
  return sharedUpdateFileService({ store: ctx.runtime.store, packs: ctx.runtime.packs, records: ctx.runtime.records, clock: ctx.clock });
}

export const exportsMount: Mount = {
  api: (api: express.Router, ctx: MountContext) => {
    const exports = new SpreadsheetExportService({ store: ctx.runtime.store, packs: ctx.runtime.packs });
    const updates = (): UpdateFileService => updateFileServiceFor(ctx);
    const limit = DEFAULT_IMPORT_LIMITS.maxFileBytes;
    // The raw body with its own limit: a larger upload is refused while it arrives.
    const rawBody = (req: Request, res: Response, next: NextFunction): void => {
      express.raw({ type: () => true, limit })(req, res, (err?: unknown) => {
        if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
          const mb = Math.round(limit / (1024 * 1024));
          next(bilingualError(413, 'file-too-large', text(`Le fichier dépasse la limite de ${mb} Mo.`, `Het bestand overschrijdt de limiet van ${mb} MB.`, `The file exceeds the ${mb} MB limit.`), { limit }));
          return;
        }
        next(err);
      });
    };
    const upload = (req: Request): { file: Buffer; fileName: string } => {
      const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (file.length === 0) {
        throw bilingualError(422, 'empty-file', text('Envoyez le fichier .xlsx comme corps de la requête (application/octet-stream).', 'Stuur het .xlsx-bestand als inhoud van het verzoek (application/octet-stream).', 'Send the .xlsx file as the request body (application/octet-stream).'));
      }
      const q = req.query['filename'];
      return { file, fileName: (typeof q === 'string' && q.trim() !== '' ? q.trim() : 'update.xlsx').slice(0, 255) };
    };

    api.get('/exports', (req: Request, res) => {
      res.json({ items: exports.list(actorOfRequest(req)) });
    });

    api.get('/exports/:id.xlsx', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      let plan: ExportPlan;
      try {
        plan = exports.plan(actor, String(req.params['id']), idsOf(req));
      } catch (err) {
        throw refusalToHttp(err);
      }
      res.setHeader('Content-Type', XLSX_TYPE);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(plan.fileName)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      try {
        await exports.write(plan, res);
      } catch (err) {
        // The status line is gone: cut the download, so that no half file looks complete.
        ctx.log('export failed while streaming', err);
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      }
    });

    api.post('/exports/:id/update/preview', rawBody, async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const { file, fileName } = upload(req);
      try {
        res.json(await updates().preview(actor, String(req.params['id']), file, fileName));
      } catch (err) {
        throw refusalToHttp(err);
      }
    });

    api.post('/exports/:id/update/commit', rawBody, async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const { file, fileName } = upload(req);
      try {
        const r = await updates().commit(actor, String(req.params['id']), file, fileName);
        res.json({ ...r, rows: r.rows.filter((x) => x.status !== 'unchanged') });
      } catch (err) {
        throw refusalToHttp(err);
      }
    });
  },
};
