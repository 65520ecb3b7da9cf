/**
 * Outbox handlers of the embedded default: mail and notifications are kept in the store
 * (readable by admins), events to other records go through the normal apply path, and
 * adapters are looked up by name. Each handler is idempotent by the outbox row's key.
 */
import type { OutboxHandler } from '../scheduler/outbox-worker';
import type { RecordStore } from '../ports/record-store.port';
import type { PacksService } from './packs.service';
import type { RecordsService } from './records.service';
import { deliverMail, isOutgoingMail } from './mail-out';

/** `{{field}}` placeholders from the record's fields; unknown ones stay visible for the reader. */
export function renderTemplate(text: string, fields: Record<string, unknown>): string {
  return text.replace(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (m, k: string) => (fields[k] === null || fields[k] === undefined ? m : String(fields[k])));
}

export function effectHandlers(deps: {
  store: RecordStore;
  packs: PacksService;
  records: RecordsService;
  adapters: Record<string, (args: Record<string, unknown>) => Promise<void>>;
}): Record<string, OutboxHandler> {
  const render = (payload: Record<string, unknown>) => {
    const pack = deps.packs.pack(Number(payload['packVersion']));
    const template = pack.templates[String(payload['template'])];
    const record = deps.store.getInstance(String(payload['recordId']));
    const fields = record?.snapshot.context.fields ?? {};
    const lang = fields['language'] === 'nl' ? 'nl' : 'fr';
    if (!template) throw new Error(`template ${String(payload['template'])} missing in pack version ${String(payload['packVersion'])}`);
    return { lang, subject: renderTemplate(template.subject[lang], fields), body: renderTemplate(template.body[lang], fields) };
  };

  return {
    email: async (row) => {
      const to = row.payload['to'];
      if (typeof to !== 'string' || !to) throw new Error('email effect without a recipient');
      deps.store.recordDelivery('mail', row.idempotencyKey, { to, recordId: row.payload['recordId'], ...render(row.payload) });
    },
    /** A mail already written by the intake (auto-response): composed and kept once per key. */
    'mail-out': async (row) => {
      if (!isOutgoingMail(row.payload)) throw new Error('mail-out entry without a complete mail');
      await deliverMail(deps.store, row.payload);
    },
    notify: async (row) => {
      deps.store.recordDelivery('notification', row.idempotencyKey, { role: row.payload['role'], user: row.payload['user'], recordId: row.payload['recordId'], ...render(row.payload) });
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
