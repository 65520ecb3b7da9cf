/**
 * Outgoing mail of the contact centre (auto-responses, agents' replies), embedded default:
 * each mail is composed by nodemailer (a stream transport: the real RFC 5322 message, headers
 * included) and kept in the store's deliveries 'mail' — the local outbox an admin reads at
 * GET /api/admin/mail — once per key. A real relay replaces `deliverMail` later.
 *
 * THE CASE TOKEN. Every outgoing subject carries `[CF-<record id>]` (e.g.
 * "Re: Poubelles [CF-0190c3a4-…]"); a mail whose subject holds a token of an existing record
 * is threaded to it (before In-Reply-To / References), so a citizen's reply finds its case
 * even from a client that drops the threading headers.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Pack } from '../../engine/pack';
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
  /** RFC 3834: auto-responses say so, so that other robots do not answer them. */
  autoSubmitted: 'auto-replied' | null;
  kind: 'auto-response' | 'agent-reply';
}

const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

/** Composes the mail and keeps it in deliveries 'mail'; false when this key was already delivered. */
export async function deliverMail(store: RecordStore, m: OutgoingMail): Promise<boolean> {
  const headers: Record<string, string> = {};
  if (m.autoSubmitted) {
    headers['Auto-Submitted'] = m.autoSubmitted;
    headers['X-Auto-Response-Suppress'] = 'All';
    headers['Precedence'] = 'auto_reply';
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
