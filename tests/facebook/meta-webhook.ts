/**
 * Builds and signs page webhook deliveries the way Meta does: the JSON body as sent, with
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256(body, app secret)>`.
 */
import { createHmac } from 'node:crypto';

export const PAGE_ID = '104857600000001';
export const APP_SECRET = 'test-app-secret-7f3a';
export const VERIFY_TOKEN = 'test-verify-token-91c2';

/** Meta's signature header for a body (computed here independently of the server's code). */
export function metaSignature(body: string | Buffer, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface CommentInput {
  commentId: string;
  postId: string;
  /** The post for a top-level comment, another comment for a reply; the post when absent. */
  parentId?: string;
  message: string;
  from?: { id: string; name: string };
  verb?: 'add' | 'edited' | 'remove';
}

/** A page `feed` delivery with one or more comment changes. */
export function commentDelivery(comments: CommentInput[], pageId = PAGE_ID): string {
  const time = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    object: 'page',
    entry: [{
      id: pageId,
      time,
      changes: comments.map((c) => ({
        field: 'feed',
        value: {
          from: c.from ?? { id: '6100000000042', name: 'Sophie Janssens' },
          post: { status_type: 'added_photos', is_published: true, updated_time: new Date().toISOString(), permalink_url: `https://www.facebook.com/${c.postId}`, promotion_status: 'inactive', id: c.postId },
          message: c.message,
          post_id: c.postId,
          comment_id: c.commentId,
          created_time: time,
          item: 'comment',
          parent_id: c.parentId ?? c.postId,
          verb: c.verb ?? 'add',
        },
      })),
    }],
  });
}

/** POSTs a delivery to the server's webhook, signed unless told otherwise. */
export async function deliver(baseUrl: string, body: string, signature: string | null = metaSignature(body)): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await fetch(`${baseUrl}/webhooks/facebook`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
