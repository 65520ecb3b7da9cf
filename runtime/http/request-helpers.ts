/** Small helpers shared by the HTTP routes: body shapes and bilingual errors. */
import type { Request } from 'express';
import type { LocalizedText } from '../../engine/errors';
import { HttpError } from './http-errors';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON body as an object, or a 400 in the user's language. */
export function bodyObject(req: Request): Record<string, unknown> {
  if (!isRecord(req.body)) {
    throw new HttpError(400, 'malformed-body', { fr: 'Le corps de la requête doit être un objet JSON.', nl: 'De inhoud van het verzoek moet een JSON-object zijn.', en: 'The request body must be a JSON object.' });
  }
  return req.body;
}

/** An error whose details also carry the message in every language (forms show both). */
export function bilingualError(status: number, code: string, message: LocalizedText, details: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, code, message, { ...details, messages: message });
}
