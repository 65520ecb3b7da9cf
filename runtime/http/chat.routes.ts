/**
 * The website chat: the widget page /chat (embeddable in the commune's site) and the agents'
 * answer, POST /api/records/:id/chat {text}. The conversation itself runs over socket.io
 * (runtime/realtime/chat.ts).
 */
import express, { type Request, type Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasRecordPermission } from '../../engine/access';
import { actorOfRequest } from './app';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';

const WIDGET = readFileSync(join(__dirname, 'public', 'chat-widget.js'), 'utf8');
const text = (fr: string, nl: string, en: string) => ({ fr, nl, en });

const PAGE = {
  fr: { title: 'Discuter avec la commune', label: 'Votre message', send: 'Envoyer', other: 'Nederlands', otherLang: 'nl' },
  nl: { title: 'Chatten met de gemeente', label: 'Uw bericht', send: 'Versturen', other: 'Français', otherLang: 'fr' },
};

function page(lang: 'fr' | 'nl'): string {
  const p = PAGE[lang];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title}</title>
<style>body{font-family:system-ui,Arial,sans-serif;margin:0;padding:1rem;color:#1a1a1a}#chat-log{list-style:none;padding:0;max-height:60vh;overflow:auto}
.msg{margin:.4rem 0}.msg-you{text-align:right}label{display:block;font-weight:600}input{font:inherit;width:100%;padding:.4rem;border:1px solid #6b6b6b}
button{font:inherit;margin-top:.5rem;padding:.4rem .9rem;background:#0b4f8a;color:#fff;border:0;border-radius:4px}:focus-visible{outline:3px solid #c2410c}a{color:#0b4f8a}</style>
</head><body>
<main id="chat" data-lang="${lang}">
<h1>${p.title}</h1>
<p><a href="/chat?lang=${p.otherLang}" lang="${p.otherLang}">${p.other}</a></p>
<ul id="chat-log" aria-live="polite"></ul>
<form id="chat-form"><label for="chat-input">${p.label}</label><input id="chat-input" autocomplete="off" maxlength="2000" required><button type="submit">${p.send}</button></form>
</main>
<script src="/socket.io/socket.io.min.js"></script>
<script src="/chat/widget.js"></script>
</body></html>`;
}

export const chatMount: Mount = {
  root: (app) => {
    app.get('/chat/widget.js', (_req: Request, res: Response) => {
      res.type('application/javascript').setHeader('Cache-Control', 'no-cache');
      res.send(WIDGET);
    });
    app.get('/chat', (req: Request, res: Response) => {
      const q = String(req.query['lang'] ?? '');
      const lang = q === 'nl' || (q !== 'fr' && /^nl/i.test(String(req.headers['accept-language'] ?? ''))) ? 'nl' : 'fr';
      // Embeddable in the commune's site (an iframe), unlike the agents' app.
      res.removeHeader('X-Frame-Options');
      res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors *");
      res.type('html').send(page(lang));
    });
  },
  api: (api: express.Router, ctx: MountContext) => {
    api.post('/records/:id/chat', async (req: Request, res: Response) => {
      const actor = actorOfRequest(req);
      const id = String(req.params['id']);
      const reply = typeof (req.body as { text?: unknown } | undefined)?.text === 'string' ? String((req.body as { text: string }).text).trim() : '';
      if (!reply || reply.length > 2000) throw new HttpError(422, 'validation-failed', text('Le message doit faire entre 1 et 2000 caractères.', 'Het bericht moet tussen 1 en 2000 tekens tellen.', 'The message must be 1 to 2000 characters.'));
      const record = ctx.runtime.records.get(actor, id);
      if (!hasRecordPermission(ctx.runtime.packs.pack(record.packVersion), actor.roles, record.recordType, 'update')) {
        throw new HttpError(403, 'forbidden', text('Vous ne pouvez pas répondre sur ce dossier.', 'U mag op dit dossier niet antwoorden.', 'You may not answer on this record.'));
      }
      if (!ctx.chatReply) throw new HttpError(503, 'unavailable', text('Le chat n’est pas démarré.', 'De chat is niet gestart.', 'The chat is not running.'));
      const name = ctx.runtime.store.getUser(actor.id)?.displayName ?? actor.id;
      res.status(201).json(await ctx.chatReply(id, name, reply));
    });
  },
};
