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
 *   POST /api/records/:id/reply/preview {subject?, body?, template?, language?} → 200 {from, to,
 *        subject, body, language}: the same mail, composed and not sent (the agent's preview).
 *   GET  /api/mail-templates[?recordType=] → the pack's email templates (id, subject, body per
 *        language, recordTypes: the types whose fields cover its placeholders)
 *
 * A dossier (TR-16, TR-19) is written to at its `contact_email`, from the pack's mailbox for
 * dossiers (else MAIL_FROM), in its `language`; the token in the subject threads the business's
 * answer back to it. The relay (MAIL_RELAY_URL) sends through the outbox, retried while down.
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
import type { Pack } from '../../engine/pack';
import { deliverMail, mailLang, messageIdFor, renderEmailTemplate, senderFor, withCaseToken, type MailLang, type OutgoingMail } from '../services/mail-out';
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

/** The fields of a reply (or its preview) from a request body; 400/422 in FR/NL/EN on bad input. */
function replyInput(body: Record<string, unknown>): Omit<ReplyInput, 'idempotencyKey'> {
  const language = optionalString(body, 'language', 5);
  if (language !== null && !mailLang(language)) throw new HttpError(422, 'validation-failed', text('Langue : fr, nl ou en.', 'Taal: fr, nl of en.', 'Language: fr, nl or en.'), { field: 'language' });
  return {
    subject: optionalString(body, 'subject', 300),
    body: optionalString(body, 'body', 100_000),
    template: optionalString(body, 'template', 100),
    language: mailLang(language),
  };
}

export interface ReplyResult {
  message: MessageRow;
  delivered: boolean;
}

export interface ReplyInput {
  subject: string | null;
  body: string | null;
  template: string | null;
  language: MailLang | null;
  idempotencyKey: string | null;
}

/** Address fields read as one line in a mail ("Rue Haute 12, 1000 Bruxelles"), not "[object Object]". */
function fieldText(v: unknown): unknown {
  if (!isRecord(v)) return v;
  const street = [v['street'], v['number']].filter((x) => typeof x === 'string' && x).join(' ');
  const box = typeof v['box'] === 'string' && v['box'] ? ` bte/bus ${v['box']}` : '';
  const city = [v['postalCode'], v['city']].filter((x) => typeof x === 'string' && x).join(' ');
  return [street + box, city].filter(Boolean).join(', ');
}

/** The placeholders a template may use: the record's fields, and its id. */
function mailFields(recordId: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = fieldText(v);
  return { ...out, case_id: recordId, record_id: recordId };
}

const EXTRA_PLACEHOLDERS = new Set(['case_id', 'record_id']);

/** The record types whose fields cover every placeholder of the template (e.g. dossier templates name {{company_name}}). */
function templateRecordTypes(pack: Pack, t: { subject: LocalizedText; body: LocalizedText }): string[] {
  const texts = [t.subject.fr, t.subject.nl, t.subject.en, t.body.fr, t.body.nl, t.body.en].filter((x): x is string => typeof x === 'string');
  const names = new Set(texts.flatMap((x) => [...x.matchAll(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g)].map((m) => m[1] as string)));
  return Object.entries(pack.records)
    .filter(([, r]) => [...names].every((n) => EXTRA_PLACEHOLDERS.has(n) || Object.prototype.hasOwnProperty.call(r.fields, n)))
    .map(([id]) => id);
}

/**
 * The mail an agent's reply would be, without sending it (also the preview): the recipient is
 * the citizen's (contact preference, `from_email`) or the business's (`contact_email`) address,
 * the sender the case's mailbox or the pack's mailbox for the record type (the tax service's for
 * a dossier), the language the one asked, else the record's.
 */
export function composeReply(ctx: MountContext, actor: { id: string; roles: string[] }, recordId: string, input: ReplyInput): OutgoingMail {
  const { records, packs, store } = ctx.runtime;
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
  const fieldAddress = (name: string) => (typeof view.fields[name] === 'string' && view.fields[name] ? view.fields[name] : null);
  const to = (prefs.channel === 'email' && prefs.address) || fieldAddress('from_email') || fieldAddress('contact_email') || lastIn?.from || null;
  if (!to) {
    throw new HttpError(422, 'no-recipient', text(
      'Ce dossier n’a pas d’adresse e-mail où écrire : complétez l’e-mail de contact.',
      'Dit dossier heeft geen e-mailadres om naar te schrijven: vul het contact-e-mailadres in.',
      'This record has no email address to write to: fill in the contact email.',
    ), { field: Object.prototype.hasOwnProperty.call(pack.records[view.recordType]?.fields ?? {}, 'contact_email') ? 'contact_email' : 'from_email' });
  }
  let subject: string;
  let body: string;
  if (input.template) {
    const rendered = renderEmailTemplate(pack, input.template, mailFields(recordId, view.fields), lang);
    if (!rendered) throw new HttpError(422, 'unknown-template', text(`Modèle d’e-mail inconnu « ${input.template} ».`, `Onbekend e-mailsjabloon "${input.template}".`, `Unknown email template "${input.template}".`), { field: 'template' });
    subject = input.subject ?? rendered.subject;
    body = input.body ?? rendered.body;
  } else {
    if (!input.body || !input.body.trim()) throw new HttpError(422, 'validation-failed', text('Écrivez la réponse ou choisissez un modèle.', 'Schrijf het antwoord of kies een sjabloon.', 'Write the reply or choose a template.'), { field: 'body' });
    body = input.body;
    const asked = lastIn?.subject ?? (typeof view.fields['subject'] === 'string' ? view.fields['subject'] : null);
    // "Re:" answers something the citizen wrote; a first mail on a dossier carries its title.
    subject = input.subject ?? (asked === null ? view.title ?? '' : /^re:/i.test(asked) ? asked : `Re: ${asked}`);
  }
  const mailbox = (typeof view.fields['mailbox'] === 'string' && pack.channels.mailboxes[view.fields['mailbox'].toLowerCase()] ? view.fields['mailbox'].toLowerCase() : null)
    ?? lastIn?.to.map((a) => a.toLowerCase()).find((a) => pack.channels.mailboxes[a])
    ?? senderFor(pack, view.recordType, ctx.config.mailFrom);
  const key = `reply:${recordId}:${input.idempotencyKey ?? randomUUID()}`;
  const references = lastIn ? [...lastIn.references, ...(lastIn.messageId ? [lastIn.messageId] : [])] : [];
  return {
    key, recordId, messageId: messageIdFor(key, mailbox), from: mailbox, to, subject: withCaseToken(subject, recordId), text: body, lang,
    inReplyTo: lastIn?.messageId ?? null, references, autoSubmitted: null, kind: 'agent-reply',
  };
}

/** Sends an agent's reply on a case or a dossier; exported for tests and other channels. */
export async function replyToCase(ctx: MountContext, actor: { id: string; roles: string[] }, recordId: string, input: ReplyInput): Promise<ReplyResult> {
  const { store, committer } = ctx.runtime;
  const out = composeReply(ctx, actor, recordId, input);
  const message: MessageRow = {
    id: randomUUID(), recordId, direction: 'out', channel: 'email', messageId: out.messageId, inReplyTo: out.inReplyTo, references: out.references,
    from: out.from, to: [out.to], subject: out.subject, text: out.text, html: null, attachments: [], at: new Date(ctx.clock()).toISOString(),
  };
  // The message and its outbox row in one commit, once per key: the outbox relays it (and
  // retries while the relay is down), even if this process stops right after answering.
  await committer.submit((tx) => {
    if (!tx.claimKey(`mail-out:${out.key}`)) return;
    tx.insertMessage(message);
    tx.enqueueOutbox([{ instanceId: recordId, kind: 'mail-out', payload: { ...out }, idempotencyKey: out.key, nextAttemptAt: ctx.clock() }]);
  });
  // Kept in the local outbox now (the agent sees it at once); the relay is the outbox's job.
  const delivered = await deliverMail(store, out);
  const stored = store.listMessages(recordId).find((m) => m.messageId === out.messageId) ?? message;
  return { message: stored, delivered };
}

export const mailMount: Mount = {
  api: (api, ctx) => {
    api.post('/records/:id/reply', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      if (!isRecord(req.body)) throw new HttpError(400, 'malformed-body', text('Le corps de la requête doit être un objet JSON.', 'De inhoud van het verzoek moet een JSON-object zijn.', 'The request body must be a JSON object.'));
      const header = req.headers['idempotency-key'];
      const input = replyInput(req.body);
      const result = await replyToCase(ctx, actor, String(req.params['id']), {
        ...input,
        idempotencyKey: optionalString(req.body, 'idempotencyKey', 200) ?? (typeof header === 'string' && header ? header.slice(0, 200) : null),
      });
      res.status(201).json(result);
    });

    // What the reply would be (recipient, sender, subject and text in the chosen language), sent by nobody.
    api.post('/records/:id/reply/preview', async (req: Request, res) => {
      const actor = actorOfRequest(req);
      if (!isRecord(req.body)) throw new HttpError(400, 'malformed-body', text('Le corps de la requête doit être un objet JSON.', 'De inhoud van het verzoek moet een JSON-object zijn.', 'The request body must be a JSON object.'));
      const out = composeReply(ctx, actor, String(req.params['id']), { ...replyInput(req.body), idempotencyKey: 'preview' });
      res.json({ from: out.from, to: out.to, subject: out.subject, body: out.text, language: out.lang });
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

    // `?recordType=dossier`: only the templates whose placeholders are all fields of that type.
    api.get('/mail-templates', (req: Request, res) => {
      actorOfRequest(req);
      const { pack } = ctx.runtime.packs.active();
      const wanted = typeof req.query['recordType'] === 'string' && req.query['recordType'] ? req.query['recordType'] : null;
      if (wanted !== null && !pack.records[wanted]) {
        throw new HttpError(422, 'unknown-record-type', text(`Type de dossier inconnu « ${wanted} ».`, `Onbekend dossiertype "${wanted}".`, `Unknown record type "${wanted}".`), { field: 'recordType' });
      }
      const items = Object.values(pack.templates)
        .filter((t) => t.kind === 'email')
        .map((t) => ({ id: t.template, subject: t.subject, body: t.body, recordTypes: templateRecordTypes(pack, t) }))
        .filter((t) => wanted === null || t.recordTypes.includes(wanted));
      res.json({ items });
    });
  },
};
