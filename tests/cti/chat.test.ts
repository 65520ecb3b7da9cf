/**
 * The website chat over socket.io: outside opening hours the bot answers from published
 * articles; inside them the conversation becomes a case an agent answers, and the transcript
 * is kept on the case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';

const ROOT = resolve(__dirname, '..', '..');
let server: RunningServer;
let dir: string;
// Tuesday 1 December 2026: 10:00 in Brussels is open, 20:00 closed.
let now = Date.parse('2026-12-01T19:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chat-'));
  server = await startServer(loadConfig({ DATA_DIR: dir, PACK_DIR: 'tests/fixtures/cti-pack', DEMO_DIR: 'tests/fixtures/cti-demo', PORT: '0', SMTP_PORT: '-1', LOG_LEVEL: 'silent' }, ROOT), () => now);
  const author = { id: 'u-admin', roles: ['admin'] };
  await server.records.create(author, 'article', { title: 'Carte d’identité électronique', body: 'Pour une nouvelle carte d’identité, prenez rendez-vous au guichet population.', language: 'fr' });
  await server.records.create(author, 'article', { title: 'Elektronische identiteitskaart', body: 'Maak een afspraak aan het loket bevolking.', language: 'nl' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ChatMsg { from: string; text: string; articles?: Array<{ title: string }>; reference?: string }

async function visitor(lang: 'fr' | 'nl'): Promise<{ socket: Socket; next: () => Promise<ChatMsg>; welcome: { open: boolean; text: string } }> {
  const socket = io(`${server.url}/chat`, { path: '/socket.io', transports: ['websocket'] });
  const queue: ChatMsg[] = [];
  const waiters: Array<(m: ChatMsg) => void> = [];
  socket.on('chat:message', (m: ChatMsg) => (waiters.length ? waiters.shift()?.(m) : queue.push(m)));
  const welcome = await new Promise<{ open: boolean; text: string }>((r) => {
    socket.on('chat:welcome', r);
    socket.on('connect', () => socket.emit('chat:hello', { language: lang }));
  });
  const next = () => new Promise<ChatMsg>((r) => (queue.length ? r(queue.shift() as ChatMsg) : waiters.push(r)));
  return { socket, next, welcome };
}

it('answers from published articles in the visitor’s language outside opening hours, and opens no case', async () => {
  now = Date.parse('2026-12-01T19:00:00Z');
  const before = server.store.countInstances();
  const v = await visitor('fr');
  expect(v.welcome).toMatchObject({ open: false, text: 'Nos agents sont absents ; notre assistant vous répond.' });
  v.socket.emit('chat:message', { text: 'Comment obtenir une carte d’identité ?' });
  const answer = await v.next();
  expect(answer.articles?.map((a) => a.title)).toEqual(['Carte d’identité électronique']);
  expect(server.store.countInstances()).toBe(before);
  v.socket.close();
});

it('hands over to an agent in opening hours, keeping the whole conversation on the case', async () => {
  now = Date.parse('2026-12-01T09:00:00Z');
  const v = await visitor('nl');
  expect(v.welcome.open).toBe(true);
  v.socket.emit('chat:message', { text: 'Mijn identiteitskaart is verlopen' });
  const handed = await v.next();
  expect(handed.from).toBe('bot');
  const recordId = handed.reference ?? '';
  const row = server.store.getInstance(recordId);
  expect(row?.snapshot.context.fields).toMatchObject({ channel: 'chat', language: 'nl' });
  expect(row?.queue).toBe('supervisor');

  // The agent answers from the case; the visitor sees it.
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'line1', password: 'line1-test' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const reply = await fetch(`${server.url}/api/records/${recordId}/chat`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ text: 'Dag! Maak een afspraak aan het loket.' }) });
  expect(reply.status).toBe(201);
  expect(await v.next()).toMatchObject({ from: 'agent', text: 'Dag! Maak een afspraak aan het loket.' });
  v.socket.emit('chat:message', { text: 'Dank u!' });
  await new Promise((r) => setTimeout(r, 200));
  expect(server.store.listMessages(recordId).map((m) => [m.direction, m.text])).toEqual([
    ['in', 'Mijn identiteitskaart is verlopen'],
    ['out', 'Dag! Maak een afspraak aan het loket.'],
    ['in', 'Dank u!'],
  ]);
  v.socket.close();
});

it('serves the widget page in French and Dutch, embeddable', async () => {
  const res = await fetch(`${server.url}/chat?lang=nl`);
  expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
  expect(res.headers.get('x-frame-options')).toBeNull();
  expect(await res.text()).toContain('Chatten met de gemeente');
  expect((await fetch(`${server.url}/socket.io/socket.io.min.js`)).status).toBe(200);
});
