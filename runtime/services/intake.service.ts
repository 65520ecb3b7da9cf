/**
 * Contact-centre intake, email (issue "Contact centre intake", part 2): an inbound mail
 * becomes a case, or a message on the case it answers.
 *
 *  1. Duplicates: a mail whose Message-ID is already stored changes nothing (a sender that
 *     retries after a lost 250, a replayed mail). Mails with the same Message-ID are handled
 *     one after another in this process.
 *  2. Threading, in this order: the case token `[CF-<record id>]` in the subject (see
 *     mail-out.ts), then In-Reply-To / References against stored Message-IDs.
 *     A threaded mail is stored on its case and, when the case's process accepts the event
 *     `citizen-replied` now, that event is sent as `system` with the idempotency key
 *     `mail:<Message-ID>` (a replay applies it once).
 *  2b. Mailboxes with an `attach:` block (the tax mailbox: returned census forms) first look
 *     for the record the mail is about — see `attachTarget` — and, when found, keep the mail
 *     as a message of that record, add its attachments to the block's `field` and send its
 *     `event` when the record's state accepts it (idempotency keys `mail-attach:` and `mail:`
 *     with the Message-ID: a mail delivered twice, or after a crash between the steps, is
 *     completed, never applied twice).
 *  3. Otherwise a NEW record of the mailbox's `record` type: the mailbox's `set` fields plus
 *     subject, description (the text), from_email, from_name, mailbox, channel and language
 *     (mailbox `set`, else Content-Language, else fr) — only the fields the type has.
 *
 * Attachments are moved into the blob store BEFORE the case's transaction; the case and its
 * message are committed together (RecordsService.create); the SMTP 250 is given only after.
 * A failed commit answers 451: nothing of the case exists, the sender retries (a blob kept
 * without a case is only unreferenced content, stored by its hash).
 *
 * AUTO-RESPONSES (new cases only): the pack's template for the case (autoResponseTemplate), in
 * the case's language, written with the case token and threading headers, stored as an
 * outgoing message and put in the outbox (kind `mail-out`) in one transaction; the outbox
 * worker composes it and keeps it in deliveries 'mail'. Never to robots or loops (see
 * `autoReplyBlocker`), and at most `autoReplyLimit` per sender per hour — counted IN MEMORY:
 * the count is lost on restart and not shared between processes (enough to stop a loop
 * storm, which needs the process running; a restart allows at most one more window).
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../engine/errors';
import { normaliseEmailAddress } from '../../engine/fields';
import type { FieldDefinition, Pack } from '../../engine/pack';
import { availableEvents } from '../../engine/instance';
import { autoResponseTemplate } from '../../engine/routing';
import type { MailboxAttachDefinition } from '../../engine/pack/pack-types';
import type { BlobStore } from '../ports/blob-store.port';
import { SmtpRejection, type InboundMail } from '../ports/mail-inbound.port';
import type { InstanceRow, MessageRow, RecordStore } from '../ports/record-store.port';
import type { GroupCommitter } from './group-committer';
import { caseTokensIn, mailLang, messageIdFor, renderEmailTemplate, withCaseToken, type MailLang, type OutgoingMail } from './mail-out';
import type { PacksService } from './packs.service';
import type { RecordsService } from './records.service';
import { enterpriseNumbersIn } from './dossier-matching';
import { acceptedType, addFilesAndFields, HEAD_BYTES, type FileValue } from './record-files.service';
import { sendIfOffered } from './registered-mail.service';
import sanitizeHtml from 'sanitize-html';

const SYSTEM = { id: 'system', roles: ['system'] };

export const CITIZEN_REPLIED = 'citizen-replied';

export type IntakeOutcome =
  | { kind: 'created'; recordId: string; autoReply: string | null; messageId: string }
  | { kind: 'threaded'; recordId: string; messageId: string; event: boolean }
  | { kind: 'duplicate'; recordId: string; messageId: string }
  | { kind: 'attached'; recordId: string; messageId: string; files: number; event: boolean };

/** HTML as stored and shown: no script/style, no on* attributes, no javascript: URLs. */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'u', 's', 'span', 'div'],
    allowedAttributes: {
      a: ['href', 'name', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing', 'width'],
      font: ['color', 'size'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'cid'],
    allowedSchemesByTag: { img: ['cid', 'data'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
  });
}

/** Local parts of senders that are robots (RFC 3834 §2 and common practice). */
const ROBOT_SENDER = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|noreply-.*|bounces?|bounce-.*|listserv|majordomo|owner-.*|.*-request)$/i;

/** Why no automatic answer may be sent to this mail, or null when one may. */
export function autoReplyBlocker(mail: InboundMail, ownAddresses: ReadonlySet<string>): string | null {
  const h = mail.headers;
  const auto = (h['auto-submitted'] ?? '').trim().toLowerCase();
  if (auto && !auto.startsWith('no')) return 'auto-submitted';
  if (/^(bulk|list|junk|auto_reply)$/i.test((h['precedence'] ?? '').trim())) return 'precedence';
  if (h['list-id'] !== undefined || h['list-unsubscribe'] !== undefined || h['list-post'] !== undefined) return 'list';
  if (h['x-autoreply'] !== undefined || h['x-autorespond'] !== undefined || /\b(all|oof|autoreply)\b/i.test(h['x-auto-response-suppress'] ?? '')) return 'auto-reply-header';
  if (!mail.envelope.from) return 'null-sender';
  const senders = [mail.envelope.from, mail.from.address].filter((x): x is string => !!x).map((x) => x.toLowerCase());
  if (!mail.from.address) return 'no-sender';
  for (const s of senders) {
    if (ownAddresses.has(s)) return 'own-address';
    if (ROBOT_SENDER.test(s.split('@')[0] ?? '')) return 'robot-sender';
  }
  return null;
}

/** At most `max` per sender in a sliding window, in memory (see the file's comment). */
export class SenderRateLimit {
  private readonly sent = new Map<string, number[]>();
  constructor(private readonly max: number, private readonly windowMs: number, private readonly clock: () => number) {}

  /** Counts one and says yes, or says no without counting. */
  take(sender: string): boolean {
    const now = this.clock();
    const key = sender.toLowerCase();
    const recent = (this.sent.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max) {
      this.sent.set(key, recent);
      return false;
    }
    recent.push(now);
    this.sent.set(key, recent);
    if (this.sent.size > 50_000) this.prune(now);
    return true;
  }

  private prune(now: number): void {
    for (const [k, times] of this.sent) if (times.every((t) => now - t >= this.windowMs)) this.sent.delete(k);
  }
}

export interface IntakeDeps {
  store: RecordStore;
  blobs: BlobStore;
  packs: PacksService;
  records: RecordsService;
  committer: GroupCommitter;
  clock: () => number;
  log: (msg: string, err?: unknown) => void;
}

export class IntakeService {
  private readonly inFlight = new Map<string, Promise<IntakeOutcome>>();
  readonly autoReplies: SenderRateLimit;

  constructor(private readonly deps: IntakeDeps, options: { autoReplyLimit?: number; autoReplyWindowMs?: number } = {}) {
    this.autoReplies = new SenderRateLimit(options.autoReplyLimit ?? 3, options.autoReplyWindowMs ?? 3_600_000, deps.clock);
  }

  isMailbox(address: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.deps.packs.active().pack.channels.mailboxes, address.toLowerCase());
  }

  /** Resolves once the mail is durable on its case; rejects with an SmtpRejection or a store error. */
  async receive(mail: InboundMail): Promise<IntakeOutcome> {
    const messageId = mail.messageId ?? `<${randomUUID()}@intake.civic-flow.local>`;
    // The same Message-ID twice at once (a retry racing the first try): one after the other.
    const previous = this.inFlight.get(messageId);
    const run = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(() => this.process(mail, messageId));
    this.inFlight.set(messageId, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(messageId) === run) this.inFlight.delete(messageId);
    }
  }

  private async process(mail: InboundMail, messageId: string): Promise<IntakeOutcome> {
    const { store } = this.deps;
    const duplicateOf = store.findRecordByMessageId([messageId]);
    if (duplicateOf) {
      // Stored before: only the reply's event may be missing (a crash between the two commits).
      const attach = this.attachMailbox(mail);
      if (attach && this.deps.store.getInstance(duplicateOf)?.recordType === attach.record) await this.attachToRecord(duplicateOf, messageId, attach);
      else if (this.threadTarget(mail)) await this.citizenReplied(duplicateOf, messageId);
      return { kind: 'duplicate', recordId: duplicateOf, messageId };
    }
    const threadTo = this.threadTarget(mail);
    const attach = this.attachMailbox(mail);
    const attachTo = attach ? this.attachTarget(mail, attach, threadTo) : null;
    const attachments = await this.storeAttachments(mail);
    const message: Omit<MessageRow, 'recordId'> = {
      id: randomUUID(), direction: 'in', channel: 'email', messageId, inReplyTo: mail.inReplyTo, references: mail.references,
      from: mail.from.address ?? mail.envelope.from ?? '', to: mail.to.length ? mail.to : mail.envelope.to, subject: mail.subject,
      text: mail.text, html: mail.html ? sanitizeMailHtml(mail.html) : null, attachments, at: new Date(this.deps.clock()).toISOString(),
    };
    if (attach && attachTo) {
      // The mail stays on the record first: whatever happens next, it is not lost.
      const stored = await this.storeMessageOn(attachTo, messageId, message);
      const done = await this.attachToRecord(attachTo, messageId, attach);
      return stored ? { kind: 'attached', recordId: attachTo, messageId, ...done } : { kind: 'duplicate', recordId: attachTo, messageId };
    }
    if (threadTo) {
      const stored = await this.storeMessageOn(threadTo, messageId, message);
      const event = await this.citizenReplied(threadTo, messageId);
      return stored ? { kind: 'threaded', recordId: threadTo, messageId, event } : { kind: 'duplicate', recordId: threadTo, messageId };
    }
    return this.createCase(mail, messageId, message);
  }

  private storeMessageOn(recordId: string, messageId: string, message: Omit<MessageRow, 'recordId'>): Promise<boolean> {
    return this.deps.committer.submit((tx) => {
      if (!tx.getInstance(recordId)) throw new NotFoundError({ fr: 'Dossier disparu.', nl: 'Dossier verdwenen.', en: 'Case gone.' });
      if (!tx.claimKey(`mail-in:${messageId}`)) return false;
      tx.insertMessage({ ...message, recordId });
      return true;
    });
  }

  // --- mailboxes with `attach:` (the tax mailbox: returned census forms) -----------------

  /** The `attach` block of the first recipient mailbox that has one. */
  private attachMailbox(mail: InboundMail): MailboxAttachDefinition | null {
    const { mailboxes } = this.deps.packs.active().pack.channels;
    for (const address of mail.envelope.to) {
      const attach = mailboxes[address]?.attach;
      if (attach) return attach;
    }
    return null;
  }

  /**
   * The record of the attach block's type this mail is about, or null (the mail then becomes
   * a case, or joins the case it answers). In order: the thread (the record token in the
   * subject, then In-Reply-To / References) when it leads to a record of that type; then the
   * values of the `match` fields found in the subject and the body — enterprise numbers in any
   * usual writing, mod-97 checked. Several open records for one company (one per tax
   * regulation) narrow to those whose state accepts the event; still several: no guess.
   */
  private attachTarget(mail: InboundMail, attach: MailboxAttachDefinition, threadTo: string | null): string | null {
    const { store, packs } = this.deps;
    if (threadTo) return store.getInstance(threadTo)?.recordType === attach.record ? threadTo : null;
    const defs = packs.active().pack.records[attach.record]?.fields ?? {};
    const haystack = `${mail.subject}\n${mail.text}`;
    const found = new Map<string, InstanceRow>();
    for (const field of attach.match) {
      // Only enterprise numbers can be picked out of free text reliably (they carry a check).
      if (defs[field]?.type !== 'enterprise-number') continue;
      for (const value of enterpriseNumbersIn(haystack)) {
        const { rows } = store.listInstances({ recordTypes: [attach.record], filters: {}, fieldFilters: { [field]: value }, sort: 'createdAt', direction: 'asc', limit: 20, offset: 0 });
        for (const r of rows) if (!r.done) found.set(r.id, r);
      }
    }
    const open = [...found.values()];
    if (open.length === 1) return open[0]?.id ?? null;
    if (!attach.event) return null;
    const event = attach.event;
    const ready = open.filter((r) => availableEvents(packs.process(r.packVersion, r.process), r.snapshot).includes(event));
    return ready.length === 1 ? ready[0]?.id ?? null : null;
  }

  /**
   * Adds the stored message's attachments to the attach field and sends the attach event when
   * the record's state accepts it; both keyed by the Message-ID, so a second delivery (or the
   * completion after a crash) changes nothing more. A closed record keeps the message only.
   */
  private async attachToRecord(recordId: string, messageId: string, attach: MailboxAttachDefinition): Promise<{ files: number; event: boolean }> {
    const { store, blobs, records, packs } = this.deps;
    const rt = { records, packs, blobs };
    const stored = store.listMessages(recordId).find((m) => m.messageId === messageId);
    let files = 0;
    let event = false;
    try {
      if (attach.field && stored) {
        const values: FileValue[] = [];
        for (const a of stored.attachments) {
          const data = await blobs.get(a.id);
          // Only documents the field would take from an upload (no stray .exe or .ics).
          const type = data ? acceptedType(a.name, a.contentType, data.subarray(0, HEAD_BYTES)) : null;
          if (type) values.push({ id: a.id, name: a.name, size: a.size, contentType: type });
        }
        if (values.length) files = (await addFilesAndFields(rt, SYSTEM, recordId, attach.field, values, {}, `mail-attach:${messageId}`)).added.length;
      }
      if (attach.event) {
        const record = records.get(SYSTEM, recordId);
        event = (await sendIfOffered(rt, SYSTEM, record, attach.event, {}, `mail:${messageId}`)).sent;
      }
    } catch (e) {
      // Closed meanwhile, or the field refuses: the mail is kept on the record all the same.
      if (e instanceof ConflictError || e instanceof ValidationError || e instanceof ForbiddenError) this.deps.log(`mail ${messageId} kept on ${recordId} without its attach steps`, e);
      else throw e;
    }
    return { files, event };
  }

  /** The existing record this mail answers: case token first, then In-Reply-To / References. */
  private threadTarget(mail: InboundMail): string | null {
    for (const id of caseTokensIn(mail.subject)) if (this.deps.store.getInstance(id)) return id;
    const ids = [mail.inReplyTo, ...mail.references].filter((x): x is string => !!x);
    return ids.length ? this.deps.store.findRecordByMessageId(ids) : null;
  }

  private async storeAttachments(mail: InboundMail): Promise<MessageRow['attachments']> {
    const out: MessageRow['attachments'] = [];
    for (const a of mail.attachments) {
      const { id, size } = await this.deps.blobs.putFile(a.path, a.sha256);
      out.push({ id, name: a.name, size, contentType: a.contentType });
    }
    return out;
  }

  private async citizenReplied(recordId: string, messageId: string): Promise<boolean> {
    const row = this.deps.store.getInstance(recordId);
    if (!row) return false;
    const process = this.deps.packs.process(row.packVersion, row.process);
    if (!availableEvents(process, row.snapshot).includes(CITIZEN_REPLIED)) return false;
    try {
      await this.deps.records.send(SYSTEM, recordId, { type: CITIZEN_REPLIED, data: {}, idempotencyKey: `mail:${messageId}` });
      return true;
    } catch (e) {
      // The process refuses it now (a guard, a state left meanwhile): the message is kept all the same.
      if (e instanceof ConflictError || e instanceof ValidationError || e instanceof ForbiddenError) {
        this.deps.log(`citizen-replied not applied to ${recordId}`, e);
        return false;
      }
      throw e;
    }
  }

  private async createCase(mail: InboundMail, messageId: string, message: Omit<MessageRow, 'recordId'>): Promise<IntakeOutcome> {
    const { pack } = this.deps.packs.active();
    const mailboxAddress = mail.envelope.to.find((a) => pack.channels.mailboxes[a]);
    const mailbox = mailboxAddress ? pack.channels.mailboxes[mailboxAddress] : undefined;
    if (!mailboxAddress || !mailbox) throw new SmtpRejection(550, `5.1.1 no known mailbox among the recipients (adresse inconnue / onbekend adres)`);
    const recordType = mailbox.record;
    const fields = caseFields(pack, recordType, mail, mailboxAddress, mailbox.set ?? {});
    let view;
    try {
      view = await this.deps.records.create(SYSTEM, recordType, fields, { messages: [message] });
    } catch (e) {
      if (e instanceof ValidationError) {
        this.deps.log(`mail to ${mailboxAddress} refused: it does not make a valid ${recordType}`, e);
        throw new SmtpRejection(554, `5.6.0 This mail cannot become a case (${e.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}) (message refuse / bericht geweigerd)`);
      }
      throw e;
    }
    let autoReply: string | null = null;
    try {
      autoReply = await this.autoRespond(pack, mail, messageId, view.id, recordType, view.fields, mailboxAddress);
    } catch (e) {
      // The case is durable: the citizen's mail is accepted even if the courtesy answer is not.
      this.deps.log(`auto-response for ${view.id} not queued`, e);
    }
    return { kind: 'created', recordId: view.id, autoReply, messageId };
  }

  private ownAddresses(pack: Pack): Set<string> {
    return new Set(Object.keys(pack.channels.mailboxes));
  }

  private async autoRespond(pack: Pack, mail: InboundMail, inboundId: string, recordId: string, recordType: string, fields: Record<string, unknown>, mailbox: string): Promise<string | null> {
    const blocker = autoReplyBlocker(mail, this.ownAddresses(pack));
    if (blocker) return null;
    const templateId = autoResponseTemplate(pack, recordType, fields, new Date(this.deps.clock()).toISOString());
    if (!templateId) return null;
    const lang: MailLang = mailLang(fields['language']) ?? 'fr';
    const rendered = renderEmailTemplate(pack, templateId, { ...fields, case_id: recordId }, lang);
    if (!rendered) return null;
    // RFC 3834 §3.1.4: to the envelope sender (the Return-Path); it is non-null here.
    const to = (mail.envelope.from ?? mail.from.address) as string;
    if (!this.autoReplies.take(to)) {
      this.deps.log(`auto-response to ${to} skipped: rate limit`);
      return null;
    }
    const key = `auto-reply:${recordId}`;
    const out: OutgoingMail = {
      key, recordId, messageId: messageIdFor(key, mailbox), from: mailbox, to,
      subject: withCaseToken(rendered.subject, recordId), text: rendered.body, lang,
      inReplyTo: inboundId, references: [...mail.references, inboundId], autoSubmitted: 'auto-replied', kind: 'auto-response',
    };
    const at = new Date(this.deps.clock()).toISOString();
    await this.deps.committer.submit((tx) => {
      if (!tx.claimKey(`mail-out:${key}`)) return;
      tx.insertMessage({
        id: randomUUID(), recordId, direction: 'out', channel: 'email', messageId: out.messageId, inReplyTo: out.inReplyTo, references: out.references,
        from: out.from, to: [out.to], subject: out.subject, text: out.text, html: null, attachments: [], at,
      });
      tx.enqueueOutbox([{ instanceId: recordId, kind: 'mail-out', payload: { ...out }, idempotencyKey: key, nextAttemptAt: this.deps.clock() }]);
    });
    return out.messageId;
  }
}

function fitText(def: FieldDefinition, value: string): string {
  const max = def.maxLength ?? def.max;
  return max !== undefined && value.length > max ? `${value.slice(0, Math.max(0, max - 1))}…` : value;
}

/** The case's fields from the mail, limited to the fields the record type has, each made valid. */
export function caseFields(pack: Pack, recordType: string, mail: InboundMail, mailbox: string, set: Record<string, string | number | boolean>): Record<string, unknown> {
  const defs = pack.records[recordType]?.fields ?? {};
  const contentLanguage = mailLang((mail.headers['content-language'] ?? '').trim().slice(0, 2).toLowerCase());
  const language = mailLang(set['language']) ?? contentLanguage ?? 'fr';
  const candidate: Record<string, unknown> = {
    subject: mail.subject || '(sans objet / zonder onderwerp)',
    description: mail.text.trim() || (mail.parseError ? '' : mail.subject),
    from_email: mail.from.address ?? mail.envelope.from ?? null,
    from_name: mail.from.name,
    mailbox,
    channel: 'email',
    language,
  };
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(candidate)) {
    const def = defs[name];
    if (!def || def.computed || raw === null || raw === undefined || raw === '') continue;
    const value = String(raw);
    if (def.type === 'email') {
      const email = normaliseEmailAddress(value);
      if (email) out[name] = email;
    } else if (def.type === 'enum') {
      if (def.values && value in def.values) out[name] = value;
    } else if (def.type === 'text' || def.type === 'long-text') {
      out[name] = fitText(def, def.type === 'text' ? value.replace(/\s+/g, ' ') : value);
    }
  }
  // The mailbox's own fields win (its queue's topic, its language).
  for (const [name, v] of Object.entries(set)) if (defs[name] && !defs[name]?.computed) out[name] = v;
  return out;
}
