/**
 * Facebook (contact centre intake, part 4): comments on the commune's page become cases, and
 * agents answer them from the case.
 *
 *   GET  /webhooks/facebook   Meta's verification handshake (hub.verify_token = FACEBOOK_VERIFY_TOKEN)
 *   POST /webhooks/facebook   page `feed` changes, signed with X-Hub-Signature-256 over the raw
 *                             body (FACEBOOK_APP_SECRET); unsigned or forged → 401, nothing kept.
 *     - a comment on a post starts a case (one case per thread), kept as message `fb:<comment_id>`;
 *     - a reply (parent_id is a comment) joins the case of its thread as a message;
 *     - a delivery Meta repeats (same comment_id) changes nothing; the page's own comments
 *       (our replies coming back) are not cases.
 *   POST /api/records/:id/facebook-reply {message}
 *                             queues the reply in the outbox (`facebook-reply`, see
 *                             adapters/channel-facebook); an `Idempotency-Key` header makes a
 *                             repeated request queue it once.
 */
import express, { type Request } from 'express';
import { randomUUID } from 'node:crypto';
import { hasRecordPermission } from '../../engine/access';
import { ValidationError } from '../../engine/errors';
import { validateFieldValue } from '../../engine/fields';
import type { Pack } from '../../engine/pack';
import { SIGNATURE_HEADER, verifySignature } from '../../adapters/channel-facebook';
import { commentMessageId, FACEBOOK_REPLY, type FacebookReplyPayload } from '../services/facebook-reply.handler';
import type { MessageRow } from '../ports/record-store.port';
import { actorOfRequest } from './app';
import { HttpError } from './http-errors';
import type { Mount, MountContext } from './mounts';

const SYSTEM = { id: 'system', roles: ['system'] };
/** The record type comments become. */
export const FACEBOOK_RECORD_TYPE = 'case';
const MAX_WEBHOOK_BYTES = 1_000_000;
const MAX_REPLY_CHARS = 8000;
const text = (fr: string, nl: string, en: string) => ({ fr, nl, en });

/** One `feed` change of item `comment`, as Meta sends it. */
export interface FacebookComment {
  pageId: string;
  commentId: string;
  postId: string;
  parentId: string | null;
  message: string;
  from: { id: string; name: string };
  createdTime: string | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** The new comments of a webhook payload; other changes (likes, edits, removals, posts) are ignored. */
export function commentsOf(payload: unknown): { comments: FacebookComment[]; ignored: number } {
  const comments: FacebookComment[] = [];
  let ignored = 0;
  if (!isObject(payload) || payload['object'] !== 'page' || !Array.isArray(payload['entry'])) return { comments, ignored };
  for (const entry of payload['entry']) {
    if (!isObject(entry) || !Array.isArray(entry['changes'])) continue;
    const pageId = str(entry['id']) ?? '';
    for (const change of entry['changes']) {
      const value = isObject(change) ? change['value'] : null;
      if (!isObject(change) || change['field'] !== 'feed' || !isObject(value) || value['item'] !== 'comment' || value['verb'] !== 'add') {
        ignored++;
        continue;
      }
      const commentId = str(value['comment_id']);
      const postId = str(value['post_id']);
      if (!commentId || !postId) {
        ignored++;
        continue;
      }
      const from = isObject(value['from']) ? value['from'] : {};
      const parentId = str(value['parent_id']);
      const created = value['created_time'];
      comments.push({
        pageId, commentId, postId,
        parentId: parentId && parentId !== postId ? parentId : null,
        message: typeof value['message'] === 'string' ? value['message'] : '',
        from: { id: str(from['id']) ?? '', name: str(from['name']) ?? '' },
        // Unix seconds in the webhooks, ISO 8601 in the Graph API.
        createdTime: typeof created === 'number' ? new Date(created * 1000).toISOString() : typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? new Date(created).toISOString() : null,
      });
    }
  }
  return { comments, ignored };
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** The case's fields from a comment: only fields the record type has, only values it accepts. */
function caseFields(pack: Pack, c: FacebookComment): Record<string, unknown> {
  const defs = pack.records[FACEBOOK_RECORD_TYPE]?.fields ?? {};
  const firstLine = c.message.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  const maxOf = (f: string, def: number) => Math.min(defs[f]?.maxLength ?? defs[f]?.max ?? def, def);
  const wanted: Record<string, unknown> = {
    subject: firstLine ? truncate(firstLine, maxOf('subject', 120)) : 'Facebook',
    // A comment of only a photo or a sticker has no text; the case still needs a description.
    description: c.message.trim() ? truncate(c.message, maxOf('description', 20_000)) : '(Facebook : commentaire sans texte / reactie zonder tekst)',
    channel: 'facebook',
    from_name: c.from.name ? truncate(c.from.name, maxOf('from_name', 200)) : undefined,
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(wanted)) {
    const def = defs[k];
    if (!def || v === undefined || def.computed !== undefined) continue;
    if (validateFieldValue(def, v).ok) out[k] = v;
  }
  return out;
}

function messageOf(c: FacebookComment, at: string): Omit<MessageRow, 'recordId'> {
  const post = `fb:post:${c.postId}`;
  return {
    id: randomUUID(), direction: 'in', channel: 'facebook', messageId: commentMessageId(c.commentId),
    inReplyTo: c.parentId ? commentMessageId(c.parentId) : null,
    references: c.parentId ? [post, commentMessageId(c.parentId)] : [post],
    from: c.from.name ? `${c.from.name} (facebook:${c.from.id})` : `facebook:${c.from.id}`,
    to: [`facebook:${c.pageId}`], subject: '', text: c.message, html: null, attachments: [], at: c.createdTime ?? at,
  };
}

export type CommentOutcome = 'created' | 'appended' | 'duplicate' | 'own' | 'failed';

export function facebookRouter(ctx: MountContext): express.Router {
  const router = express.Router();
  const { store, records, packs } = ctx.runtime;

  // Deliveries are applied one after the other: a repeated delivery racing the first finds its
  // comment stored, and a reply arriving with its thread's first comment finds that case.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const handle = async (c: FacebookComment): Promise<CommentOutcome> => {
    if (store.findRecordByMessageId([commentMessageId(c.commentId)])) return 'duplicate';
    // The page's own comments are the agents' replies coming back: already on their case.
    if (c.from.id && c.from.id === c.pageId) return 'own';
    const at = new Date(ctx.clock()).toISOString();
    const message = messageOf(c, at);
    if (c.parentId) {
      const caseId = store.findRecordByMessageId([commentMessageId(c.parentId)]);
      if (caseId) {
        await records.addMessage(caseId, message);
        return 'appended';
      }
      // A reply whose thread is unknown (its first comment predates the webhook): a case of its own.
    }
    const { pack } = packs.active();
    if (!pack.records[FACEBOOK_RECORD_TYPE]) {
      ctx.log(`facebook: the pack has no "${FACEBOOK_RECORD_TYPE}" record type; comment ${c.commentId} not kept`);
      return 'failed';
    }
    try {
      await records.create(SYSTEM, FACEBOOK_RECORD_TYPE, caseFields(pack, c), { messages: [message] });
      return 'created';
    } catch (e) {
      // The pack refuses the case (a required field a comment cannot give): Meta retrying the
      // delivery would not help, so it is logged and acknowledged. Other errors give a 500,
      // and Meta's retry is safe (nothing is kept twice).
      if (e instanceof ValidationError) {
        ctx.log(`facebook: comment ${c.commentId} refused by the pack`, e);
        return 'failed';
      }
      throw e;
    }
  };

  router.get('/', (req, res) => {
    const q = req.query;
    const token = typeof q['hub.verify_token'] === 'string' ? q['hub.verify_token'] : '';
    const challenge = typeof q['hub.challenge'] === 'string' ? q['hub.challenge'] : '';
    if (q['hub.mode'] === 'subscribe' && ctx.config.facebookVerifyToken && token === ctx.config.facebookVerifyToken) {
      // The challenge is echoed as plain text, never as HTML.
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    throw new HttpError(403, 'forbidden', text('Jeton de vérification incorrect.', 'Onjuist verificatietoken.', 'Wrong verify token.'));
  });

  router.post('/', express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES }), async (req: Request, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers[SIGNATURE_HEADER];
    if (!verifySignature(raw, typeof header === 'string' ? header : undefined, ctx.config.facebookAppSecret)) {
      throw new HttpError(401, 'bad-signature', text('Signature X-Hub-Signature-256 absente ou incorrecte.', 'Handtekening X-Hub-Signature-256 ontbreekt of is onjuist.', 'Missing or wrong X-Hub-Signature-256 signature.'));
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'malformed-json', text('Le corps n’est pas du JSON valide.', 'De inhoud is geen geldige JSON.', 'The body is not valid JSON.'));
    }
    const { comments, ignored } = commentsOf(payload);
    const counts: Record<CommentOutcome, number> = { created: 0, appended: 0, duplicate: 0, own: 0, failed: 0 };
    await serially(async () => {
      for (const c of comments) counts[await handle(c)]++;
    });
    res.status(200).json({ ...counts, ignored });
  });
  return router;
}

export function facebookApi(api: express.Router, ctx: MountContext): void {
  const { records, packs, store, committer } = ctx.runtime;
  api.post('/records/:id/facebook-reply', async (req, res) => {
    const actor = actorOfRequest(req);
    const id = String(req.params['id']);
    const view = records.get(actor, id);
    if (!hasRecordPermission(packs.pack(view.packVersion), actor.roles, view.recordType, 'update')) {
      throw new HttpError(403, 'forbidden', text('Vous ne pouvez pas modifier ce dossier.', 'U mag dit dossier niet wijzigen.', 'You may not update this record.'));
    }
    const body: unknown = req.body;
    const message = isObject(body) && typeof body['message'] === 'string' ? body['message'].trim() : '';
    if (!message || [...message].length > MAX_REPLY_CHARS) {
      throw new HttpError(422, 'validation-failed', text(`Écrivez une réponse (au plus ${MAX_REPLY_CHARS} caractères).`, `Schrijf een antwoord (hoogstens ${MAX_REPLY_CHARS} tekens).`, `Write a reply (at most ${MAX_REPLY_CHARS} characters).`), { field: 'message' });
    }
    // The thread's first comment: replies go under it (Facebook threads are one level deep).
    const first = store.listMessages(id).find((m) => m.channel === 'facebook' && m.direction === 'in' && m.messageId?.startsWith('fb:'));
    const thread = first ? (first.inReplyTo ?? first.messageId ?? '').replace(/^fb:/, '') : '';
    if (!thread) {
      throw new HttpError(409, 'not-a-facebook-case', text('Ce dossier ne vient pas d’un commentaire Facebook.', 'Dit dossier komt niet van een Facebook-reactie.', 'This record did not come from a Facebook comment.'));
    }
    const clientKey = req.headers['idempotency-key'];
    const key = typeof clientKey === 'string' && clientKey ? `${FACEBOOK_REPLY}:${id}:${clientKey.slice(0, 200)}` : `${FACEBOOK_REPLY}:${id}:${randomUUID()}`;
    const payload: FacebookReplyPayload = { recordId: id, commentId: thread, message, by: actor.id };
    await committer.submit((tx) => tx.enqueueOutbox([{ instanceId: id, kind: FACEBOOK_REPLY, payload: { ...payload }, idempotencyKey: key, nextAttemptAt: ctx.clock() }]));
    res.status(202).json({ queued: true, commentId: thread, idempotencyKey: key });
  });
}

export const facebookMount: Mount = {
  root: (app, ctx) => void app.use('/webhooks/facebook', facebookRouter(ctx)),
  api: facebookApi,
};
