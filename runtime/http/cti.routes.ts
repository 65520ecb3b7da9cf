/**
 * Telephony, provider-neutral (CC-61, CC-62, CC-74): the provider's CTI posts call events as
 * JSON to /webhooks/cti with `Authorization: Bearer <CTI_TOKEN>`.
 *
 *   {"event":"newCall","callId":"c1","from":"+3224861111","to":"+3222790000","ivr":{"language":"nl","choice":"1","niss":"85073003328"}}
 *     → the case is created before anyone picks up (or, for a deflecting IVR choice, the
 *       message to play is returned and no case is made); the caller is identified by the
 *       national number typed on the keypad, else by their phone number.
 *   {"event":"answer","callId":"c1","agent":"line1"}   → the case pops on that agent's screen
 *   {"event":"hangup","callId":"c1","durationSeconds":192} → the call log is kept on the case
 *
 * Every event is idempotent per call: a provider retrying a webhook changes nothing twice.
 */
import express, { type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { isValidNiss, normalisePhoneNumber } from '../../engine/fields';
import type { Pack } from '../../engine/pack';
import type { Mount, MountContext } from './mounts';
import { HttpError } from './http-errors';
import { newRecordId } from '../services/record-id';

const SYSTEM = { id: 'system', roles: ['system'] };
const text = (fr: string, nl: string, en: string) => ({ fr, nl, en });

interface CallEvent {
  event: 'newCall' | 'answer' | 'hangup';
  callId: string;
  from?: string;
  to?: string;
  agent?: string;
  durationSeconds?: number;
  ivr?: { language?: string; choice?: string; niss?: string };
}

function parseEvent(body: unknown): CallEvent {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const event = b['event'];
  const callId = b['callId'];
  if ((event !== 'newCall' && event !== 'answer' && event !== 'hangup') || typeof callId !== 'string' || !callId) {
    throw new HttpError(400, 'malformed-body', text('Attendu : {"event": "newCall" | "answer" | "hangup", "callId": "…"}.', 'Verwacht: {"event": "newCall" | "answer" | "hangup", "callId": "…"}.', 'Expected {"event": "newCall" | "answer" | "hangup", "callId": "…"}.'));
  }
  const ivr = typeof b['ivr'] === 'object' && b['ivr'] !== null ? (b['ivr'] as CallEvent['ivr']) : undefined;
  return {
    event, callId,
    ...(typeof b['from'] === 'string' ? { from: b['from'] } : {}),
    ...(typeof b['to'] === 'string' ? { to: b['to'] } : {}),
    ...(typeof b['agent'] === 'string' ? { agent: b['agent'] } : {}),
    ...(typeof b['durationSeconds'] === 'number' ? { durationSeconds: b['durationSeconds'] } : {}),
    ...(ivr ? { ivr } : {}),
  };
}

function authorised(req: Request, token: string): boolean {
  const given = Buffer.from(String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function only(pack: Pack, recordType: string, fields: Record<string, unknown>): Record<string, unknown> {
  const defs = pack.records[recordType]?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).filter(([k, v]) => defs[k] && v !== undefined && v !== null && v !== ''));
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

export function ctiRouter(ctx: MountContext): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '20kb' }));
  const { records, store, packs } = ctx.runtime;
  const callMessageId = (callId: string) => `cti:${callId}`;

  /** A contact of the pack's `contact` type with this national number or phone, if any. */
  const identify = (pack: Pack, niss: string | undefined, phone: string | null): string | null => {
    if (!pack.records['contact']) return null;
    const find = (field: string, value: string): string | null => {
      if (!pack.records['contact']?.fields[field]) return null;
      const r = store.listInstances({ recordTypes: ['contact'], filters: {}, fieldFilters: { [field]: value }, sort: 'createdAt', direction: 'desc', limit: 1, offset: 0 });
      return r.rows[0]?.id ?? null;
    };
    const digits = niss?.replace(/\D/g, '') ?? '';
    if (digits && isValidNiss(digits)) {
      const byNiss = find('niss', digits);
      if (byNiss) return byNiss;
    }
    return phone ? find('phone', phone) : null;
  };

  router.post('/', async (req: Request, res: Response) => {
    if (!authorised(req, ctx.config.ctiToken)) {
      throw new HttpError(401, 'unauthenticated', text('Jeton CTI manquant ou invalide.', 'CTI-token ontbreekt of is ongeldig.', 'Missing or wrong CTI token.'));
    }
    const call = parseEvent(req.body);
    const { pack } = packs.active();
    const phone = pack.channels.phone;
    if (!phone) throw new HttpError(404, 'not-found', text('Aucun canal téléphonique dans le pack.', 'Geen telefoonkanaal in het pakket.', 'The pack has no phone channel.'));
    const existing = store.findRecordByMessageId([callMessageId(call.callId)]);

    if (call.event === 'newCall') {
      if (existing) return void res.json({ recordId: existing, created: false });
      const lang = call.ivr?.language === 'nl' ? 'nl' : 'fr';
      const choice = phone.menu.find((c) => c.key === call.ivr?.choice);
      if (choice?.deflect) {
        // Call deflection (CC-62): the provider plays this instead of queueing the call.
        return void res.json({ recordId: null, deflect: choice.deflect[lang] });
      }
      const checked = call.from ? normalisePhoneNumber(call.from) : null;
      const from = checked?.ok ? checked.e164 : null;
      const contact = identify(pack, call.ivr?.niss, from);
      const at = new Date(ctx.clock()).toISOString();
      const fields = only(pack, phone.record, {
        ...(phone.set ?? {}), ...(choice?.set ?? {}),
        channel: phone.set?.['channel'] ?? 'phone', language: lang, from_phone: from ?? undefined,
        subject: `${lang === 'nl' ? 'Oproep van' : 'Appel de'} ${call.from ?? '?'}${choice ? ` — ${choice.label[lang]}` : ''}`,
        contact: contact ?? undefined,
      });
      const view = await records.create(SYSTEM, phone.record, fields, {
        messages: [{
          id: newRecordId(), direction: 'in', channel: 'phone', messageId: callMessageId(call.callId), inReplyTo: null, references: [],
          from: call.from ?? '', to: call.to ? [call.to] : [], subject: fields['subject'] ? String(fields['subject']) : '',
          text: `${lang === 'nl' ? 'Inkomende oproep' : 'Appel entrant'}: ${call.from ?? '?'} → ${call.to ?? '?'}; IVR: ${[call.ivr?.language, choice ? choice.label[lang] : call.ivr?.choice, call.ivr?.niss ? 'NISS' : null].filter(Boolean).join(', ')}`,
          html: null, attachments: [], at,
        }],
      });
      return void res.status(201).json({ recordId: view.id, created: true, queue: view.queue, contact });
    }

    if (!existing) throw new HttpError(404, 'not-found', text(`Appel ${call.callId} inconnu.`, `Oproep ${call.callId} is onbekend.`, `Unknown call ${call.callId}.`));
    const at = new Date(ctx.clock()).toISOString();
    if (call.event === 'answer') {
      const agent = call.agent ? store.getUserByName(call.agent) ?? store.getUser(call.agent) : null;
      if (!agent) throw new HttpError(422, 'validation-failed', text(`Agent « ${call.agent ?? ''} » inconnu.`, `Agent "${call.agent ?? ''}" is onbekend.`, `Unknown agent "${call.agent ?? ''}".`));
      // The answering agent takes the case when the pack lets them; the pop happens anyway.
      try {
        await records.send({ id: agent.id, roles: agent.roles }, existing, { type: 'take', idempotencyKey: `cti-answer:${call.callId}` });
      } catch {
        // Not a member of the case's queue: they still see the case they are talking about.
      }
      ctx.runtime.notifyUser({ userId: agent.id, event: 'case:pop', payload: { recordId: existing, callId: call.callId, from: call.from ?? null } });
      return void res.json({ recordId: existing, popped: agent.id });
    }
    // hangup: the call log, once per call.
    const logId = `cti-hangup:${call.callId}`;
    if (!store.findRecordByMessageId([logId])) {
      await records.addMessage(existing, {
        id: newRecordId(), direction: 'in', channel: 'phone', messageId: logId, inReplyTo: callMessageId(call.callId), references: [],
        from: call.from ?? '', to: [], subject: '', text: `Fin d’appel / Einde oproep — ${formatDuration(call.durationSeconds ?? 0)}`, html: null, attachments: [], at,
      });
    }
    return void res.json({ recordId: existing, logged: true });
  });
  return router;
}

export const ctiMount: Mount = {
  root: (app, ctx) => app.use('/webhooks/cti', ctiRouter(ctx)),
};
