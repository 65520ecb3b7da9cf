/**
 * Facebook: the webhook handshake, signed page comments becoming cases (one per thread),
 * forged and replayed deliveries, and an agent's reply reaching a local stand-in of the Graph
 * API through the outbox (with a failure and its retry). Real HTTP on 127.0.0.1 throughout.
 *
 * The server's own outbox worker polls once a minute here, so the test drives the
 * `facebook-reply` handler with its own worker (runtime/server.ts does not register it yet).
 */
import { signPayload, verifySignature } from '../../adapters/channel-facebook';
import { facebookHandlers } from '../../runtime/services/facebook-reply.handler';
import { OutboxWorker } from '../../runtime/scheduler/outbox-worker';
import { startFormsServer, type ApiClient, type FormsServer } from '../webforms/webforms-harness';
import { GraphApiStandin } from './graph-api-standin';
import { APP_SECRET, commentDelivery, deliver, metaSignature, PAGE_ID, VERIFY_TOKEN } from './meta-webhook';

let server: FormsServer;
let graph: GraphApiStandin;
const PAGE_TOKEN = 'EAAB-test-page-token';

beforeAll(async () => {
  graph = await new GraphApiStandin().start();
  server = await startFormsServer({
    FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN, FACEBOOK_APP_SECRET: APP_SECRET, FACEBOOK_GRAPH_URL: graph.url, FACEBOOK_PAGE_TOKEN: PAGE_TOKEN,
    OUTBOX_POLL_MS: '60000',
  });
});
afterAll(async () => {
  await server?.close();
  await graph?.close();
});

const POST = `${PAGE_ID}_2200000000001`;
const casesFromFacebook = () => server.cases().filter((c) => c.fields['channel'] === 'facebook');

describe('webhook verification handshake', () => {
  const verify = (query: string) => fetch(`${server.url}/webhooks/facebook?${query}`);

  it('echoes hub.challenge as text when the verify token is right', async () => {
    const res = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it('refuses a wrong or missing token, or another mode, with 403', async () => {
    expect((await verify('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1')).status).toBe(403);
    expect((await verify('hub.mode=subscribe&hub.challenge=1')).status).toBe(403);
    expect((await verify(`hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
  });
});

describe('signatures', () => {
  it('signs like Meta: the adapter agrees with an independent HMAC and refuses any change', () => {
    const body = Buffer.from(commentDelivery([{ commentId: 'x_1', postId: POST, message: 'Bonjour 👋' }]));
    expect(signPayload(body, APP_SECRET)).toBe(metaSignature(body));
    expect(verifySignature(body, metaSignature(body), APP_SECRET)).toBe(true);
    expect(verifySignature(body, metaSignature(body).toUpperCase().replace('SHA256', 'sha256'), APP_SECRET)).toBe(true);
    expect(verifySignature(Buffer.concat([body, Buffer.from(' ')]), metaSignature(body), APP_SECRET)).toBe(false);
    expect(verifySignature(body, metaSignature(body, 'other-secret'), APP_SECRET)).toBe(false);
    expect(verifySignature(body, 'sha1=abc', APP_SECRET)).toBe(false);
    expect(verifySignature(body, undefined, APP_SECRET)).toBe(false);
  });
});

describe('page comments', () => {
  const TOP = `${POST.split('_')[1]}_3300000000001`;
  let caseId = '';

  it('creates a case from a signed comment on a post', async () => {
    const body = commentDelivery([{ commentId: TOP, postId: POST, message: 'Quand passe le camion poubelle rue Haute ?\nMerci', from: { id: '6100000000042', name: 'Sophie Janssens' } }]);
    const res = await deliver(server.url, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, appended: 0 });
    const cases = casesFromFacebook();
    expect(cases).toHaveLength(1);
    caseId = cases[0]?.id ?? '';
    expect(cases[0]?.fields).toMatchObject({ channel: 'facebook', from_name: 'Sophie Janssens', subject: 'Quand passe le camion poubelle rue Haute ?', description: 'Quand passe le camion poubelle rue Haute ?\nMerci' });
    const messages = server.runtime.store.listMessages(caseId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ direction: 'in', channel: 'facebook', messageId: `fb:${TOP}`, inReplyTo: null, text: 'Quand passe le camion poubelle rue Haute ?\nMerci' });
  });

  it('adds a reply comment to the case of its thread, as a message', async () => {
    const REPLY = `${POST.split('_')[1]}_3300000000002`;
    const res = await deliver(server.url, commentDelivery([{ commentId: REPLY, postId: POST, parentId: TOP, message: 'C’est urgent, ça déborde.', from: { id: '6100000000099', name: 'Luc Peeters' } }]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 0, appended: 1 });
    expect(casesFromFacebook()).toHaveLength(1);
    const messages = server.runtime.store.listMessages(caseId);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({ direction: 'in', channel: 'facebook', messageId: `fb:${REPLY}`, inReplyTo: `fb:${TOP}`, text: 'C’est urgent, ça déborde.' });
    expect(messages[1]?.from).toContain('Luc Peeters');
  });

  it('refuses a forged, missing or stale signature with 401 and keeps nothing', async () => {
    const before = server.cases().length;
    const body = commentDelivery([{ commentId: 'forged_1', postId: POST, message: 'Faux' }]);
    expect((await deliver(server.url, body, metaSignature(body, 'not-the-app-secret'))).status).toBe(401);
    expect((await deliver(server.url, body, null)).status).toBe(401);
    expect((await deliver(server.url, body, 'sha256=' + '0'.repeat(64))).status).toBe(401);
    // Signed, then altered on the way (the comment text changed): the signature no longer holds.
    const tampered = body.replace('Faux', 'Vrai');
    expect((await deliver(server.url, tampered, metaSignature(body))).status).toBe(401);
    // Re-serialised JSON (other spacing) is not what was signed either.
    const reserialised = JSON.stringify(JSON.parse(body) as unknown, null, 1);
    expect((await deliver(server.url, reserialised, metaSignature(body))).status).toBe(401);
    expect(server.cases()).toHaveLength(before);
    expect(server.runtime.store.findRecordByMessageId(['fb:forged_1'])).toBeNull();
  });

  it('keeps a replayed delivery once, even when the copies arrive together', async () => {
    const NEW = `${POST.split('_')[1]}_3300000000010`;
    const body = commentDelivery([{ commentId: NEW, postId: POST, message: 'Le parc est fermé ?' }]);
    const first = await Promise.all([deliver(server.url, body), deliver(server.url, body), deliver(server.url, body)]);
    expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
    const again = await deliver(server.url, body);
    expect(again).toMatchObject({ status: 200, body: { created: 0, duplicate: 1 } });
    const withNew = casesFromFacebook().filter((c) => c.fields['subject'] === 'Le parc est fermé ?');
    expect(withNew).toHaveLength(1);
    expect(server.runtime.store.listMessages(withNew[0]?.id ?? '')).toHaveLength(1);
    // The replayed reply of the first thread is not added twice either.
    const REPLY = `${POST.split('_')[1]}_3300000000002`;
    const replay = await deliver(server.url, commentDelivery([{ commentId: REPLY, postId: POST, parentId: TOP, message: 'C’est urgent, ça déborde.' }]));
    expect(replay.body).toMatchObject({ appended: 0, duplicate: 1 });
    expect(server.runtime.store.listMessages(caseId)).toHaveLength(2);
  });

  it('ignores the page’s own comments, edits and non-comment changes', async () => {
    const before = server.cases().length;
    const own = await deliver(server.url, commentDelivery([{ commentId: `${POST.split('_')[1]}_3300000000020`, postId: POST, parentId: TOP, message: 'Réponse de la commune', from: { id: PAGE_ID, name: 'Commune' } }]));
    expect(own.body).toMatchObject({ own: 1, created: 0, appended: 0 });
    const edited = await deliver(server.url, commentDelivery([{ commentId: TOP, postId: POST, message: 'modifié', verb: 'edited' }]));
    expect(edited.body).toMatchObject({ ignored: 1, created: 0 });
    const like = JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: 1, changes: [{ field: 'feed', value: { item: 'reaction', verb: 'add', post_id: POST, reaction_type: 'like' } }] }] });
    expect((await deliver(server.url, like)).body).toMatchObject({ ignored: 1 });
    expect(server.cases()).toHaveLength(before);
    expect(server.runtime.store.listMessages(caseId)).toHaveLength(2);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    expect((await deliver(server.url, 'not json')).status).toBe(400);
  });

  describe('agent replies', () => {
    let agent: ApiClient;
    beforeAll(async () => {
      agent = await server.login('agent');
    });

    const worker = () =>
      new OutboxWorker(server.runtime.store, facebookHandlers({ store: server.runtime.store, records: server.runtime.records, config: { facebookGraphUrl: graph.url, facebookPageToken: PAGE_TOKEN } }), Date.now, 'test-worker', {
        pollMs: 60_000, leaseMs: 60_000, batch: 10, maxAttempts: 5, baseDelayMs: 1, log: () => undefined,
      });

    it('queues the reply, which reaches the Graph API (after a failure and a retry) and is kept on the case', async () => {
      graph.requests.length = 0;
      const res = await agent.post<{ queued: boolean; commentId: string }>(`/api/records/${caseId}/facebook-reply`, { message: 'Bonjour, le camion passe mardi. La commune' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ queued: true, commentId: TOP });
      const row = server.runtime.store.listOutbox('pending', 100).find((r) => r.kind === 'facebook-reply' && r.instanceId === caseId);
      expect(row?.payload).toMatchObject({ recordId: caseId, commentId: TOP, message: 'Bonjour, le camion passe mardi. La commune', by: 'u-agent' });

      const w = worker();
      graph.failNext(1);
      await w.tick();
      expect(w.stats).toMatchObject({ done: 0, retried: 1 });
      expect(server.runtime.store.listOutbox('pending', 100).find((r) => r.id === row?.id)?.lastError).toMatch(/Graph API 500/);
      expect(server.runtime.store.listMessages(caseId).filter((m) => m.direction === 'out')).toHaveLength(0);

      await new Promise((r) => setTimeout(r, 20)); // the backoff (1 ms × 2) is over
      await w.tick();
      expect(w.stats).toMatchObject({ done: 1, retried: 1 });
      expect(graph.requests).toHaveLength(2);
      for (const r of graph.requests) {
        expect(r).toMatchObject({ method: 'POST', path: `/v21.0/${TOP}/comments`, params: { access_token: PAGE_TOKEN, message: 'Bonjour, le camion passe mardi. La commune' } });
      }
      const out = server.runtime.store.listMessages(caseId).filter((m) => m.direction === 'out');
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ channel: 'facebook', inReplyTo: `fb:${TOP}`, text: 'Bonjour, le camion passe mardi. La commune', from: 'u-agent' });
      expect(out[0]?.messageId).toMatch(/^fb:\d+_\d+$/);

      // Done: another tick sends nothing; the reply coming back through the webhook is not a new message.
      await w.tick();
      expect(graph.requests).toHaveLength(2);
      const echoId = (out[0]?.messageId ?? '').replace(/^fb:/, '');
      const echo = await deliver(server.url, commentDelivery([{ commentId: echoId, postId: POST, parentId: TOP, message: 'Bonjour, le camion passe mardi. La commune', from: { id: PAGE_ID, name: 'Commune' } }]));
      expect(echo.body).toMatchObject({ created: 0, appended: 0 });
      expect(server.runtime.store.listMessages(caseId)).toHaveLength(3);
    });

    it('runs a redelivered outbox row once (the handler is idempotent by its key)', async () => {
      graph.requests.length = 0;
      const res = await agent.post(`/api/records/${caseId}/facebook-reply`, { message: 'Second message' }, { headers: { 'idempotency-key': 'click-1' } });
      expect(res.status).toBe(202);
      // The same click sent twice queues one reply.
      expect((await agent.post(`/api/records/${caseId}/facebook-reply`, { message: 'Second message' }, { headers: { 'idempotency-key': 'click-1' } })).status).toBe(202);
      const rows = server.runtime.store.listOutbox('pending', 100).filter((r) => r.kind === 'facebook-reply');
      expect(rows).toHaveLength(1);
      const handler = facebookHandlers({ store: server.runtime.store, records: server.runtime.records, config: { facebookGraphUrl: graph.url, facebookPageToken: PAGE_TOKEN } })['facebook-reply'];
      if (!handler || !rows[0]) throw new Error('no handler or row');
      await handler(rows[0]);
      await handler(rows[0]); // a lease that ran out, the row delivered again
      expect(graph.requests).toHaveLength(1);
      expect(server.runtime.store.listMessages(caseId).filter((m) => m.direction === 'out')).toHaveLength(2);
      server.runtime.store.completeOutbox(rows[0].id);
    });

    it('refuses replies from readers, strangers, empty ones, and on cases that did not come from Facebook', async () => {
      const reader = await server.login('reader');
      const byReader = await reader.post(`/api/records/${caseId}/facebook-reply`, { message: 'x' });
      expect(byReader.status).toBe(403);
      expect(byReader.body).toMatchObject({ code: 'forbidden', message: 'U mag dit dossier niet wijzigen.' });
      const anonymous = await fetch(`${server.url}/api/records/${caseId}/facebook-reply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'x' }) });
      expect(anonymous.status).toBe(401);
      expect((await agent.post(`/api/records/${caseId}/facebook-reply`, { message: '   ' })).status).toBe(422);
      expect((await agent.post(`/api/records/00000000-0000-7000-8000-000000000000/facebook-reply`, { message: 'x' })).status).toBe(404);
      const webCase = await agent.create({ subject: 'Au guichet', description: 'Question posée au guichet', topic: 'other', from_name: 'Ana', from_email: 'ana@example.be', channel: 'phone' }, 'case');
      const notFacebook = await agent.post(`/api/records/${webCase.id}/facebook-reply`, { message: 'x' });
      expect(notFacebook.status).toBe(409);
      expect(notFacebook.body).toMatchObject({ code: 'not-a-facebook-case' });
      expect(server.runtime.store.listOutbox('pending', 100).filter((r) => r.kind === 'facebook-reply')).toHaveLength(0);
    });
  });
});
