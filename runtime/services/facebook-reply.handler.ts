/**
 * The outbox handler of agents' replies on Facebook (`facebook-reply`): posts the reply in the
 * comment's thread through the Graph API, then keeps it on the case as an outgoing message.
 * Retries with backoff and the dead letter come from the outbox worker.
 *
 * Wiring (runtime/server.ts), beside the embedded handlers:
 *   new OutboxWorker(store, { ...effectHandlers({ ... }), ...facebookHandlers({ store, records, config, clock }) }, …)
 */
import type { Config } from '../config/config';
import type { RecordStore } from '../ports/record-store.port';
import type { OutboxHandler } from '../scheduler/outbox-worker';
import type { RecordsService } from './records.service';
import { GraphApiClient } from '../../adapters/channel-facebook';

export const FACEBOOK_REPLY = 'facebook-reply';

/** Message-ID of a Facebook comment in the messages table: threads are found by it. */
export const commentMessageId = (commentId: string): string => `fb:${commentId}`;

export interface FacebookHandlerDeps {
  store: RecordStore;
  records: RecordsService;
  config: Pick<Config, 'facebookGraphUrl' | 'facebookPageToken'>;
  clock?: () => number;
  fetch?: typeof fetch;
}

/** The payload the API writes to the outbox for one reply. */
export interface FacebookReplyPayload {
  recordId: string;
  commentId: string;
  message: string;
  by: string;
}

function payloadOf(p: Record<string, unknown>): FacebookReplyPayload {
  const { recordId, commentId, message, by } = p;
  if (typeof recordId !== 'string' || typeof commentId !== 'string' || typeof message !== 'string' || !message) {
    throw new Error('facebook-reply effect without recordId, commentId and message');
  }
  return { recordId, commentId, message, by: typeof by === 'string' ? by : 'system' };
}

export function facebookHandlers(deps: FacebookHandlerDeps): Record<string, OutboxHandler> {
  const clock = deps.clock ?? Date.now;
  const graph = new GraphApiClient({ graphUrl: deps.config.facebookGraphUrl, pageToken: deps.config.facebookPageToken, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  return {
    [FACEBOOK_REPLY]: async (row) => {
      const p = payloadOf(row.payload);
      // Kept once per outbox row: a retry after the message was stored posts nothing again.
      const messageRowId = `fb-out:${row.idempotencyKey}`;
      if (deps.store.listMessages(p.recordId).some((m) => m.id === messageRowId)) return;
      const posted = await graph.replyToComment(p.commentId, p.message);
      await deps.records.addMessage(p.recordId, {
        id: messageRowId, direction: 'out', channel: 'facebook', messageId: commentMessageId(posted.id),
        inReplyTo: commentMessageId(p.commentId), references: [commentMessageId(p.commentId)],
        from: p.by, to: [], subject: '', text: p.message, html: null, attachments: [], at: new Date(clock()).toISOString(),
      });
    },
  };
}
