/**
 * The provider-neutral CTI webhook over real HTTP: a call becomes a case before an agent picks
 * up, the caller is identified by the national number typed in the IVR, the case pops on the
 * answering agent's screen over socket.io, and the call log is kept on the case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';

const ROOT = resolve(__dirname, '..', '..');
const TOKEN = 'test-cti-token';
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cti-'));
  server = await startServer(loadConfig({ DATA_DIR: dir, PACK_DIR: 'tests/fixtures/cti-pack', DEMO_DIR: 'tests/fixtures/cti-demo', PORT: '0', SMTP_PORT: '-1', LOG_LEVEL: 'silent', CTI_TOKEN: TOKEN }, ROOT));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (body: Record<string, unknown>, token = TOKEN) =>
  fetch(`${server.url}/webhooks/cti`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

async function login(username: string, password: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('the CTI webhook', () => {
  it('refuses a call event without the shared token, and creates nothing', async () => {
    const res = await call({ event: 'newCall', callId: 'x1', from: '+3224861111' }, 'wrong');
    expect(res.status).toBe(401);
    expect(server.store.countInstances()).toBe(0);
  });

  it('creates the case before anyone picks up, in the queue the IVR choice leads to, in the caller’s language', async () => {
    const res = await call({ event: 'newCall', callId: 'c1', from: '02 486 11 11', to: '+3222790000', ivr: { language: 'nl', choice: '1' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { recordId: string; queue: string };
    const row = server.store.getInstance(body.recordId);
    expect(row?.queue).toBe('line-1');
    expect(row?.snapshot.context.fields).toMatchObject({ channel: 'phone', topic: 'population', language: 'nl', from_phone: '+3224861111' });
    // A retried webhook creates nothing twice.
    const again = await call({ event: 'newCall', callId: 'c1', from: '02 486 11 11' });
    expect(((await again.json()) as { recordId: string; created: boolean })).toEqual({ recordId: body.recordId, created: false });
  });

  it('identifies the caller by the national number typed on the keypad', async () => {
    const agent = { id: 'u-line1', roles: ['line-1'] };
    const contact = await server.records.create(agent, 'contact', { last_name: 'Peeters', niss: '85073003328' });
    const res = await call({ event: 'newCall', callId: 'c2', from: '+32470123456', ivr: { language: 'fr', choice: '2', niss: '85.07.30-033.28' } });
    const { recordId } = (await res.json()) as { recordId: string };
    expect(server.store.getInstance(recordId)?.snapshot.context.fields['contact']).toBe(contact.id);
    // No rule for "other": the supervisor's queue.
    expect(server.store.getInstance(recordId)?.queue).toBe('supervisor');
  });

  it('answers a deflecting IVR choice with the message to play, and makes no case', async () => {
    const before = server.store.countInstances();
    const res = await call({ event: 'newCall', callId: 'c3', from: '+3224861111', ivr: { language: 'nl', choice: '9' } });
    expect(await res.json()).toEqual({ recordId: null, deflect: 'Raadpleeg de FAQ op de website van de gemeente.' });
    expect(server.store.countInstances()).toBe(before);
  });

  it('pops the case on the answering agent’s screen, makes it theirs, and keeps the call log', async () => {
    const res = await call({ event: 'newCall', callId: 'c4', from: '+3224862222', ivr: { language: 'nl', choice: '1' } });
    const { recordId } = (await res.json()) as { recordId: string };
    const cookie = await login('line1', 'line1-test');
    const socket: Socket = io(server.url, { path: '/socket.io', extraHeaders: { cookie }, transports: ['websocket'] });
    await new Promise<void>((r, j) => {
      socket.on('connect', () => r());
      socket.on('connect_error', j);
    });
    const popped = new Promise<{ recordId: string; callId: string }>((r) => socket.on('case:pop', r));
    const answer = await call({ event: 'answer', callId: 'c4', agent: 'line1' });
    expect(answer.status).toBe(200);
    expect(await popped).toMatchObject({ recordId, callId: 'c4' });
    expect(server.store.getInstance(recordId)?.owner).toBe('u-line1');
    socket.close();

    await call({ event: 'hangup', callId: 'c4', durationSeconds: 192 });
    await call({ event: 'hangup', callId: 'c4', durationSeconds: 192 });
    const log = server.store.listMessages(recordId);
    expect(log.map((m) => m.text)).toEqual([expect.stringContaining('+3224862222'), expect.stringContaining('3 min 12 s')]);
  });

  it('answers an event for an unknown call or a malformed body clearly', async () => {
    expect((await call({ event: 'answer', callId: 'nope', agent: 'line1' })).status).toBe(404);
    const bad = await call({ event: 'ring' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('malformed-body');
  });
});
