/** The one place that maps errors to HTTP: `{code, message, details}` in the caller's language. */
import type { NextFunction, Request, Response } from 'express';
import { ConflictError, DefinitionError, EngineError, ForbiddenError, NotFoundError, OperationalError, ValidationError, type LocalizedText } from '../../engine/errors';

export type Lang = 'fr' | 'nl' | 'en';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, readonly localized: LocalizedText, readonly details: Record<string, unknown> = {}) {
    super(localized.en ?? localized.fr);
  }
}

export function requestLanguage(req: Request): Lang {
  const user = (req as Request & { user?: { language: Lang } }).user;
  if (user) return user.language;
  const header = String(req.headers['accept-language'] ?? '').toLowerCase();
  for (const part of header.split(',')) {
    const tag = part.trim().slice(0, 2);
    if (tag === 'fr' || tag === 'nl' || tag === 'en') return tag;
  }
  return 'fr';
}

const pick = (t: LocalizedText, lang: Lang): string => (lang === 'en' ? t.en ?? t.fr : t[lang]);

function statusOf(e: EngineError): number {
  if (e instanceof ValidationError || e instanceof DefinitionError) return 422;
  if (e instanceof ConflictError) return 409;
  if (e instanceof NotFoundError) return 404;
  if (e instanceof ForbiddenError) return 403;
  if (e instanceof OperationalError) return 503;
  return 400;
}

export function errorMiddleware(log: (msg: string, err: unknown) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const lang = requestLanguage(req);
    if (err instanceof HttpError) {
      res.status(err.status).json({ code: err.code, message: pick(err.localized, lang), details: err.details });
      return;
    }
    if (err instanceof EngineError) {
      const details: Record<string, unknown> = { ...err.details };
      if (err instanceof ValidationError) {
        const fields: Record<string, { code: string; message: string }> = {};
        for (const [k, v] of Object.entries(err.fieldErrors)) fields[k] = { code: v.code, message: pick(v, lang) };
        details['fields'] = fields;
      }
      if (err instanceof DefinitionError) {
        // `text` in every language: the studio may show them in another language than the account's.
        details['problems'] = err.problems.map((p) => ({ file: p.file, line: p.line, col: p.col, path: p.path, code: p.code, message: pick(p.text, lang), text: p.text, severity: p.severity }));
      }
      res.status(statusOf(err)).json({ code: err.code, message: pick(err.localized, lang), details });
      return;
    }
    const e = err as { type?: string; status?: number; expose?: boolean };
    // body-parser's own errors: too large, malformed JSON.
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ code: 'body-too-large', message: pick({ fr: 'La requête est trop volumineuse.', nl: 'Het verzoek is te groot.', en: 'The request body is too large.' }, lang), details: {} });
      return;
    }
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ code: 'malformed-json', message: pick({ fr: 'Le corps de la requête n’est pas du JSON valide.', nl: 'De inhoud van het verzoek is geen geldige JSON.', en: 'The request body is not valid JSON.' }, lang), details: {} });
      return;
    }
    if (e?.expose && typeof e.status === 'number' && e.status < 500) {
      res.status(e.status).json({ code: 'bad-request', message: pick({ fr: 'Requête invalide.', nl: 'Ongeldig verzoek.', en: 'Bad request.' }, lang), details: {} });
      return;
    }
    log('unexpected error', err);
    res.status(500).json({ code: 'internal', message: pick({ fr: 'Erreur interne. Elle a été journalisée.', nl: 'Interne fout. Ze werd gelogd.', en: 'Internal error. It has been logged.' }, lang), details: {} });
  };
}
