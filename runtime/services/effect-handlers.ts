/**
 * Outbox handlers of the embedded default: mail and notifications are kept in the store
 * (readable by admins; mail also goes through the relay when one is set, and notifications
 * are mailed to the users reached who have an email address), events to other records go through the normal apply path, and
 * adapters are looked up by name. Each handler is idempotent by the outbox row's key.
 */
import type { OutboxHandler } from '../scheduler/outbox-worker';
import type { RecordStore } from '../ports/record-store.port';
import type { PacksService } from './packs.service';
import type { RecordsService } from './records.service';
import { deliverMail, isOutgoingMail, mailSettings, messageIdFor, senderFor, withCaseToken, type MailLang, type MailSettings } from './mail-out';

/** `{{field}}` placeholders from the record's fields; unknown ones stay visible for the reader. */
export function renderTemplate(text: string, fields: Record<string, unknown>): string {
  return text.replace(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (m, k: string) => (fields[k] === null || fields[k] === undefined ? m : String(fields[k])));
}

export function effectHandlers(deps: {
  store: RecordStore;
  packs: PacksService;
  records: RecordsService;
  adapters: Record<string, (args: Record<string, unknown>) => Promise<void>>;
  mail?: MailSettings;
}): Record<string, OutboxHandler> {
  const mail = deps.mail ?? mailSettings(null);
  /** The template over the record's fields, in `forLang` (a user's) or else the record's language. */
  const render = (payload: Record<string, unknown>, forLang?: MailLang) => {
    const pack = deps.packs.pack(Number(payload['packVersion']));
    const template = pack.templates[String(payload['template'])];
    const record = deps.store.getInstance(String(payload['recordId']));
    const fields = record?.snapshot.context.fields ?? {};
    const lang: MailLang = forLang ?? (fields['language'] === 'nl' ? 'nl' : 'fr');
    if (!template) throw new Error(`template ${String(payload['template'])} missing in pack version ${String(payload['packVersion'])}`);
    const pick = (t: { fr: string; nl: string; en?: string }) => (lang === 'en' ? t.en ?? t.fr : t[lang]);
    return { lang, subject: renderTemplate(pick(template.subject), fields), body: renderTemplate(pick(template.body), fields), pack, record };
  };

  return {
    email: async (row) => {
      const to = row.payload['to'];
      if (typeof to !== 'string' || !to) throw new Error('email effect without a recipient');
      const { lang, subject, body, pack, record } = render(row.payload);
      const from = senderFor(pack, record?.recordType ?? '', mail.from);
      // Composed, kept once per key and relayed like every other mail.
      await deliverMail(deps.store, {
        key: row.idempotencyKey, recordId: String(row.payload['recordId']), messageId: messageIdFor(row.idempotencyKey, from), from, to, subject, text: body, lang,
        inReplyTo: null, references: [], autoSubmitted: null, kind: 'process',
      }, mail.relay);
    },
    /** A mail already written (an auto-response, an agent's reply): composed, kept and relayed once per key. */
    'mail-out': async (row) => {
      if (!isOutgoingMail(row.payload)) throw new Error('mail-out entry without a complete mail');
      await deliverMail(deps.store, row.payload, mail.relay);
    },
    notify: async (row) => {
      const role = row.payload['role'];
      const user = row.payload['user'];
      const recordId = String(row.payload['recordId']);
      const inApp = render(row.payload);
      deps.store.recordDelivery('notification', row.idempotencyKey, { role, user, recordId, lang: inApp.lang, subject: inApp.subject, body: inApp.body });
      // TR-17: the users reached who have an email address also get it by mail, in their own
      // language, one mail per user and row (a retry after a relay failure sends only the missing ones).
      const recipients = deps.store.listUsers()
        .filter((u) => (typeof user === 'string' && u.id === user) || (typeof role === 'string' && u.roles.includes(role)))
        .flatMap((u) => (u.email ? [{ ...u, email: u.email }] : []));
      let failure: unknown = null;
      for (const u of recipients) {
        const { lang, subject, body, record } = render(row.payload, u.language);
        const key = `${row.idempotencyKey}:mail:${u.id}`;
        const link = mail.publicUrl ? `\n\n${mail.publicUrl}/#/records/${encodeURIComponent(recordId)}` : '';
        const title = record?.title ? `\n\n${record.title}` : '';
        try {
          await deliverMail(deps.store, {
            key, recordId, messageId: messageIdFor(key, mail.alertFrom), from: mail.alertFrom, to: u.email,
            // The record's token: an answer to the alert lands on the record, not in a new case.
            subject: withCaseToken(subject, recordId), text: `${body}${title}${link}`, lang,
            inReplyTo: null, references: [], autoSubmitted: 'auto-generated', kind: 'alert',
          }, mail.relay);
        } catch (e) {
          failure = failure ?? e;
        }
      }
      // One user's bad mailbox must not hold back the others; the row is retried for the rest.
      if (failure) throw failure;
    },
    send: async (row) => {
      const to = row.payload['to'];
      if (typeof to !== 'string') throw new Error('send effect without a target record id');
      // The outbox key goes into the target's transaction: a retry after a crash applies nothing twice.
      await deps.records.send({ id: 'system', roles: ['system'] }, to, { type: String(row.payload['event']), data: (row.payload['data'] ?? {}) as Record<string, unknown>, idempotencyKey: `outbox:${row.idempotencyKey}` });
    },
    call: async (row) => {
      const name = String(row.payload['adapter']);
      const adapter = deps.adapters[name];
      if (!adapter) throw new Error(`no adapter named "${name}" is configured`);
      await adapter((row.payload['with'] ?? {}) as Record<string, unknown>);
    },
  };
}
