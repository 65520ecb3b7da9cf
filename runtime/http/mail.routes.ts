/**
 * The agent's side of email (issue "Contact centre intake", part 2), under /api:
 *
 *   POST /api/records/:id/reply {subject?, body?, template?, language?, idempotencyKey?}
 *        → 201 {message, delivered}: the template (or the body) in the citizen's language,
 *          sent from the case's mailbox to the citizen with the case token in the subject and
 *          In-Reply-To / References of the citizen's last mail; kept as an outgoing message
 *          (its Message-ID threads the citizen's answer back) and in deliveries 'mail'.
 *          The same idempotencyKey (or Idempotency-Key header) sends once.
 *          Needs the right to update the record.
 *   GET  /api/records/:id/attachments/:blobId → the file of an attachment of that record
 *   GET  /api/mail-templates → the pack's email templates (id, subject, body per language)
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { hasRecordPermission } from '../../engine/access';
import type { LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';
import type { MessageRow } from '../ports/record-store.port';
import { replyPreferences } from '../services/contact-preferences';
import { deliverMail, mailLang, messageIdFor, renderEmailTemplate, withCaseToken, type MailLang, type OutgoingMail } from '../services/mail-out';
import { isRecord } from './request-helpers';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });

/** The logged-in user (set by the app's session middleware before the mounts); 401 otherwise. */
function actorOfRequest(req: Request): Actor {
  const user = (req as Request & { user?: { id: string; roles: string[] } }).user;
  if (!user) throw new HttpError(401, 'unauthenticated', text('Connectez-vous d’abord.', 'Meld u eerst aan.', 'Log in first.'));
  return { id: user.id, roles: user.roles };
}


function optionalString(body: Record<string, unknown>, name: string, max: number): string | null {
  const v = body[name];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > max) {
    throw new HttpError(400, 'malformed-body', text(`« ${name} » doit être un texte (au plus ${max} caractères).`, `"${name}" moet een tekst zijn (hoogstens ${max} tekens).`, `"${name}" must be a text of at most ${max} characters.`), { field: name });
  }
  return v;
}

export interface ReplyResult {
  message: MessageRow;
  delivered: boolean;
}

/** Sends an agent's reply on a case; exported for tests and other channels. */
export async function replyToCase(ctx: MountContext, actor: { id: string; roles: string[] }, recordId: string, input: { subject: string | null; body: string | null; template: string | null; language: MailLang | null; idempotencyKey: string | null }): Promise<ReplyResult> {
  const { records, packs, store, committer } = ctx.runtime;
  const view = records.get(actor, recordId);
  const pack = packs.pack(view.packVersion);
  if (!hasRecordPermission(pack, actor.roles, view.recordType, 'update')) {
    throw new HttpError(403, 'forbidden', text('Vous ne pouvez pas répondre sur ce dossier.', 'U mag op dit dossier niet antwoorden.', 'You may not reply on this record.'));
  }
  const row = store.getInstance(recordId);
  if (!row) throw new HttpError(404, 'not-found', text('Dossier introuvable.', 'Dossier niet gevonden.', 'Record not found.'));
  const prefs = replyPreferences(store, row);
  const lang: MailLang = input.language ?? mailLang(prefs.language) ?? mailLang(view.fields['language']) ?? 'fr';
  const messages = store.listMessages(recordId);
  const lastIn = [...messages].reverse().find((m) => m.direction === 'in' && m.channel === 'email');
  const to = (prefs.channel === 'email' && prefs.address) || (typeof view.fields['from_email'] === 'string' && view.fields['from_email']) || lastIn?.from || null;
  if (!to) {
    throw new HttpError(422, 'no-recipient', text('Ce dossier n’a pas d’adresse e-mail où répondre.', 'Dit dossier heeft geen e-mailadres om op te antwoorden.', 'This record has no email address to reply to.'));
  }
  let subject: string;
  let body: string;
  if (input.template) {
    const rendered = renderEmailTemplate(pack, input.template, { ...view.fields, case_id: recordId }, lang);
    if (!rendered) throw new HttpError(422, 'unknown-template', text(`Modèle d’e-mail inconnu « ${input.template} ».`, `Onbekend e-mailsjabloon "${input.template}".`, `Unknown email template "${input.template}".`), { field: 'template' });
    subject = input.subject ?? rendered.subject;
    body = input.body ?? rendered.body;
  } else {
    if (!input.body || !input.body.trim()) throw new HttpError(422, 'validation-failed', text('Écrivez la réponse ou choisissez un modèle.', 'Schrijf het antwoord of kies een sjabloon.', 'Write the reply or choose a template.'), { field: 'body' });
    body = input.body;
    const base = lastIn?.subject ?? (typeof view.fields['subject'] === 'string' ? view.fields['subject'] : view.title ?? '');
    subject = input.subject ?? (/^re:/i.test(base) ? base : `Re: ${base}`);
  }
  const mailbox = (typeof view.fields['mailbox'] === 'string' && pack.channels.mailboxes[view.fields['mailbox'].toLowerCase()] ? view.fields['mailbox'].toLowerCase() : null)
    ?? lastIn?.to.map((a) => a.toLowerCase()).find((a) => pack.channels.mailboxes[a])
    ?? Object.keys(pack.channels.mailboxes)[0]
    ?? 'contact@civic-flow.local';
  const key = `reply:${recordId}:${input.idempotencyKey ?? randomUUID()}`;
  const references = lastIn ? [...lastIn.references, ...(lastIn.messageId ? [lastIn.messageId] : [])] : [];
  const out: OutgoingMail = {
    key, recordId, messageId: messageIdFor(key, mailbox), from: mailbox, to, subject: withCaseToken(subject, recordId), text: body, lang,
    inReplyTo: lastIn?.messageId ?? null, references, autoSubmitted: null, kind: 'agent-reply',
  };
  const message: MessageRow = {
    id: randomUUID(), recordId, direction: 'out', channel: 'email', messageId: out.messageId, inReplyTo: out.inReplyTo, references: out.references,
    from: out.from, to: [out.to], subject: out.subject, text: out.text, html: null, attachments: [], at: new Date(ctx.clock()).toISOString(),
  };
  // The message first (durable, once per key), then the delivery (once per key): a retry after
  // a crash between the two delivers without storing the message twice.
  await committer.submit((tx) => {
    if (tx.claimKey(`mail-out:${key}`)) tx.insertMessage(message);
  });
  const delivered = await deliverMail(store, out);
  const stored = store.listMessages(recordId).find((m) => m.messageId === out.messageId) ?? message;
  return { message: stored, delivered };
}

export const mailMount: Mount = {
  api: (api, ctx) => {
    api.post('/records/:id/reply', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      if (!isRecord(req.body)) throw new HttpError(400, 'malformed-body', text('Le corps de la requête doit être un objet JSON.', 'De inhoud van het verzoek moet een JSON-object zijn.', 'The request body must be a JSON object.'));
      const body = req.body;
      const language = optionalString(body, 'language', 5);
      if (language !== null && !mailLang(language)) throw new HttpError(422, 'validation-failed', text('Langue : fr, nl ou en.', 'Taal: fr, nl of en.', 'Language: fr, nl or en.'), { field: 'language' });
      const header = req.headers['idempotency-key'];
      const result = await replyToCase(ctx, actor, String(req.params['id']), {
        subject: optionalString(body, 'subject', 300),
        body: optionalString(body, 'body', 100_000),
        template: optionalString(body, 'template', 100),
        language: mailLang(language),
        idempotencyKey: optionalString(body, 'idempotencyKey', 200) ?? (typeof header === 'string' && header ? header.slice(0, 200) : null),
      });
      res.status(201).json(result);
    });

    api.get('/records/:id/attachments/:blobId', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      const blobId = String(req.params['blobId']);
      const attachment = ctx.runtime.records.messages(actor, String(req.params['id'])).flatMap((m) => m.attachments).find((a) => a.id === blobId);
      const data = attachment ? await ctx.runtime.blobs.get(blobId) : null;
      if (!attachment || !data) throw new HttpError(404, 'not-found', text('Pièce jointe introuvable.', 'Bijlage niet gevonden.', 'Attachment not found.'));
      // Always a download, never rendered in the app's origin.
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(data);
    });

    api.get('/mail-templates', (req: Request, res) => {
      actorOfRequest(req);
      const { pack } = ctx.runtime.packs.active();
      const items = Object.values(pack.templates)
        .filter((t) => t.kind === 'email')
        .map((t) => ({ id: t.template, subject: t.subject, body: t.body }));
      res.json({ items });
    });
  },
};
