/**
 * Routers of the channels and other features, mounted on the app: public ones (web forms,
 * webhooks) at the root, authenticated ones under /api (after the session is read). Each
 * feature adds one line here.
 */
import type express from 'express';
import type { Config } from '../config/config';
import type { Runtime } from '../server';
import type { MessageRow } from '../ports/record-store.port';

export interface MountContext {
  runtime: Runtime;
  config: Config;
  clock: () => number;
  log: (msg: string, err?: unknown) => void;
  /** Set once socket.io runs: an agent's answer in the website chat. */
  chatReply?: (recordId: string, agentName: string, text: string) => Promise<MessageRow>;
  /** Registers what to release when the server stops (a mount's own files, e.g. a cache). */
  onClose?: (fn: () => void | Promise<void>) => void;
}

export interface Mount {
  /** Public routes (no session), e.g. /forms, /webhooks. */
  root?: (app: express.Express, ctx: MountContext) => void;
  /** Routes under /api; `req.user` is set when logged in. */
  api?: (api: express.Router, ctx: MountContext) => void;
}

// Imported late (functions, not values at load time) so the routers may import this file's types.
import { ctiMount } from './cti.routes';
import { mailMount } from './mail.routes';
import { webFormsMount } from './web-forms.routes';
import { facebookMount } from './facebook.routes';
import { contactsMount } from './contacts.routes';
import { chatMount } from './chat.routes';
import { kboMount } from './kbo.routes';
import { signatureMount } from './signature.routes';
import { mergeMount } from './merge.routes';
import { importsMount } from './imports.routes';
import { locationMount } from './location.routes';
import { notesMount } from './notes.routes';
import { recordFilesMount } from './record-files.routes';
import { inspectionsMount } from './inspections.routes';
import { exportsMount } from './exports.routes';
import { reportsMount } from './reports.routes';
import { registeredMailMount } from './registered-mail.routes';

export const MOUNTS: Mount[] = [ctiMount, mailMount, webFormsMount, facebookMount, contactsMount, chatMount, mergeMount, signatureMount, kboMount, importsMount, notesMount, recordFilesMount, locationMount, inspectionsMount, exportsMount, reportsMount, registeredMailMount];
