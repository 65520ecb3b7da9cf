/**
 * Outgoing mail (auto-responses, agents' replies, alerts to staff): each mail is composed by
 * nodemailer (a stream transport: the real RFC 5322 message, headers included) and kept in the
 * store's deliveries 'mail' — the local outbox an admin reads at GET /api/admin/mail — once per
 * key. With a relay (MAIL_RELAY_URL), the kept message is then sent over SMTP, byte for byte,
 * and marked relayed (deliveries 'relayed', key `relayed:<key>`): a relay that is down makes
 * `deliverMail` throw, so the outbox row that asked for it is retried later; a mail already
 * marked is never sent again. Only a crash between the relay's "250 OK" and the mark can send
 * it twice, with the same Message-ID (which receivers use to drop the copy).
 *
 * THE CASE TOKEN. Every outgoing subject carries `[CF-<record id>]` (e.g.
 * "Re: Poubelles [CF-0190c3a4-…]"); a mail whose subject holds a token of an existing record
 * is threaded to it (before In-Reply-To / References), so a citizen's reply finds its case
 * even from a client that drops the threading headers.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Pack } from '../../engine/pack';
import type { Config } from '../config/config';
import type { RecordStore } from '../ports/record-store.port';

export type MailLang = 'fr' | 'nl' | 'en';

const TOKEN_RE = /\[CF-([A-Za-z0-9][A-Za-z0-9_-]{0,80})\]/g;

export function caseToken(recordId: string): string {
  return `[CF-${recordId}]`;
}

/** The record ids of the tokens in a subject, first one first. */
export function caseTokensIn(subject: string): string[] {
  return [...subject.matchAll(TOKEN_RE)].map((m) => m[1] as string);
}

/** The subject with the case's token (added once, at the end). */
export function withCaseToken(subject: string, recordId: string): string {
  const token = caseToken(recordId);
  if (subject.includes(token)) return subject;
  return subject.trim() ? `${subject.trim()} ${token}` : token;
}

/** A Message-ID derived from the delivery key: a retried send keeps the same id. */
export function messageIdFor(key: string, fromAddress: string): string {
  const domain = /@([^@\s>]+)$/.exec(fromAddress)?.[1] ?? 'civic-flow.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

export function mailLang(v: unknown): MailLang | null {
  return v === 'fr' || v === 'nl' || v === 'en' ? v : null;
}

/**
 * `{{field}}` placeholders for a citizen: an empty field gives nothing (never "{{from_name}}"
 * in a mail), with the space before it ("Bonjour {{from_name}}," → "Bonjour,").
 */
export function renderForCitizen(text: string, fields: Record<string, unknown>): string {
  return text.replace(/( ?)\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (_m, space: string, k: string) => {
    const v = fields[k];
    return v === null || v === undefined || v === '' ? '' : `${space}${String(v)}`;
  });
}

/** An email template of the pack in a language (French when the template lacks that language). */
export function renderEmailTemplate(pack: Pack, templateId: string, fields: Record<string, unknown>, lang: MailLang): { subject: string; body: string } | null {
  const t = pack.templates[templateId];
  if (!t || t.kind !== 'email') return null;
  const pick = (x: { fr: string; nl: string; en?: string }) => (lang === 'en' ? x.en ?? x.fr : x[lang]);
  return { subject: renderForCitizen(pick(t.subject), fields), body: renderForCitizen(pick(t.body), fields) };
}

export interface OutgoingMail {
  /** Delivery key: the same key is delivered once. */
  key: string;
  recordId: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  lang: MailLang;
  inReplyTo: string | null;
  references: string[];
  /** RFC 3834: auto-responses and alerts say so, so that other robots do not answer them. */
  autoSubmitted: 'auto-replied' | 'auto-generated' | null;
  kind: 'auto-response' | 'agent-reply' | 'process' | 'alert';
  /** Files sent with the mail, e.g. an iCalendar invitation (`text/calendar; method=REQUEST`). */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  /** The content as text (kept in the outbox payload as JSON). */
  content: string;
  contentType: string;
}

const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

/** The SMTP relay the kept mails are sent through. */
export interface MailRelay {
  /** Resolves once the relay accepted the message (its reply text); rejects when it did not. */
  send(envelope: { from: string; to: string[] }, raw: string): Promise<string>;
}

const relays = new Map<string, MailRelay>();

/** The relay of a `smtp://` / `smtps://` URL (one per URL: transports keep no state between mails). */
export function smtpRelay(url: string): MailRelay {
  const known = relays.get(url);
  if (known) return known;
  // Short timeouts: a relay that hangs fails this attempt and the outbox tries again later,
  // rather than holding the worker's lease for minutes.
  const smtp = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  const relay: MailRelay = {
    send: async (envelope, raw) => {
      const info = (await smtp.sendMail({ envelope, raw })) as { response?: string; rejected?: unknown[] };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) throw new Error(`relay refused ${info.rejected.map(String).join(', ')}`);
      return info.response ?? '';
    },
  };
  relays.set(url, relay);
  return relay;
}

/** How mails leave: the relay (none: kept in the local outbox only) and the senders. */
export interface MailSettings {
  relay: MailRelay | null;
  /** Sender of mails from records whose type has no mailbox in channels.yaml (census dossiers). */
  from: string;
  /** Sender of alerts to staff. */
  alertFrom: string;
  /** Base URL of the app for the link in alerts; '' = no link. */
  publicUrl: string;
}

/**
 * The pack's mailbox for a record type (channels.yaml): one that attaches incoming mail to that
 * type (the tax service's mailbox for dossiers), else one that creates it; else `fallback`.
 */
export function senderFor(pack: Pack, recordType: string, fallback: string): string {
  const boxes = Object.entries(pack.channels.mailboxes);
  return boxes.find(([, m]) => m.attach?.record === recordType)?.[0] ?? boxes.find(([, m]) => m.record === recordType)?.[0] ?? fallback;
}

/** The settings of a configuration; null: the defaults, without relay (tests of one handler). */
export function mailSettings(config: Pick<Config, 'mailRelayUrl' | 'mailFrom' | 'mailAlertFrom' | 'publicUrl'> | null): MailSettings {
  return {
    relay: config?.mailRelayUrl ? smtpRelay(config.mailRelayUrl) : null,
    from: config?.mailFrom ?? 'taxes@commune.example.brussels',
    alertFrom: config?.mailAlertFrom ?? 'no-reply@commune.example.brussels',
    publicUrl: config?.publicUrl ?? '',
  };
}

/**
 * Composes the mail and keeps it in deliveries 'mail', then sends the kept message through the
 * relay if there is one and it was not sent yet. Returns false when this key was already kept.
 * Throws when the relay fails (the caller's outbox row is then retried; the mail stays kept).
 */
export async function deliverMail(store: RecordStore, m: OutgoingMail, relay: MailRelay | null = null): Promise<boolean> {
  const kept = await keepMail(store, m);
  if (relay) await relayMail(store, m, relay);
  return kept;
}

/** Sends the kept message of `m.key` through the relay, once. */
async function relayMail(store: RecordStore, m: OutgoingMail, relay: MailRelay): Promise<void> {
  const markKey = `relayed:${m.key}`;
  if (store.getDelivery(markKey)) return;
  const keptRow = store.getDelivery(m.key);
  const raw = typeof keptRow?.['raw'] === 'string' ? keptRow['raw'] : null;
  if (!raw) throw new Error(`mail ${m.key} is not in the local outbox`);
  const response = await relay.send({ from: m.from, to: [m.to] }, raw);
  store.recordDelivery('relayed', markKey, { to: m.to, messageId: m.messageId, recordId: m.recordId, response });
}

async function keepMail(store: RecordStore, m: OutgoingMail): Promise<boolean> {
  // Composed once: the kept message (its Date header included) is the one relayed, even on a retry.
  if (store.getDelivery(m.key)) return false;
  const headers: Record<string, string> = {};
  if (m.autoSubmitted) {
    headers['Auto-Submitted'] = m.autoSubmitted;
    headers['X-Auto-Response-Suppress'] = 'All';
    headers['Precedence'] = m.autoSubmitted === 'auto-replied' ? 'auto_reply' : 'bulk';
  }
  const info = (await transport.sendMail({
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    messageId: m.messageId,
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.references.length ? { references: m.references } : {}),
    headers: { ...headers, 'Content-Language': m.lang },
    ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })) } : {}),
  })) as { message: Buffer | string };
  const raw = Buffer.isBuffer(info.message) ? info.message.toString('utf8') : String(info.message);
  return store.recordDelivery('mail', m.key, {
    to: m.to, from: m.from, recordId: m.recordId, lang: m.lang, subject: m.subject, body: m.text,
    messageId: m.messageId, inReplyTo: m.inReplyTo, references: m.references, kind: m.kind, raw,
  });
}

/** The outbox payload of a mail (kind `mail-out`), read back by the outbox handler. */
export function isOutgoingMail(v: Record<string, unknown>): v is Record<string, unknown> & OutgoingMail {
  return typeof v['key'] === 'string' && typeof v['to'] === 'string' && typeof v['from'] === 'string' && typeof v['messageId'] === 'string' && typeof v['subject'] === 'string' && typeof v['text'] === 'string';
}
