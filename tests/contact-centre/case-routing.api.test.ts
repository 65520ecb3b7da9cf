import { startTestServer, type ApiClient, type TestServer } from '../api/api-harness';
import { contactCentreUser, DOMAIN } from './contact-centre-harness';

let server: TestServer;
let supervisor: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  supervisor = await contactCentreUser(server.url, 'supervisor');
});

afterAll(async () => {
  await server.close();
});

describe('a new case lands in the queue of the first assignment rule that matches', () => {
  it.each([
    ['a social-affairs mail in French goes to the second line', { channel: 'email', topic: 'social-affairs', language: 'fr' }, 'line-2'],
    ['a civil-status web form in Dutch goes to the second line', { channel: 'web', topic: 'civil-status', language: 'nl' }, 'line-2'],
    ['a population phone call goes to the first line', { channel: 'phone', topic: 'population', language: 'nl' }, 'line-1'],
    ['a population visit at the desk goes to the first line', { channel: 'visit', topic: 'population', language: 'fr' }, 'line-1'],
    ['a population web form goes to the first line', { channel: 'web', topic: 'population', language: 'fr' }, 'line-1'],
    ['a civil-status mail in French goes to the first line', { channel: 'email', topic: 'civil-status', language: 'fr' }, 'line-1'],
    ['a general question to info@ goes to the first line', { channel: 'email', topic: 'other', language: 'fr', mailbox: `info@${DOMAIN}` }, 'line-1'],
    // Two rules match (social affairs → line 2, general mailbox → line 1): the first one wins.
    ['a social-affairs mail to info@ goes to the second line, the earlier rule', { channel: 'email', topic: 'social-affairs', language: 'fr', mailbox: `info@${DOMAIN}` }, 'line-2'],
  ])('%s', async (_name, fields, queue) => {
    const c = await supervisor.create({ subject: 'Question', ...fields }, 'case');
    expect(c.queue).toBe(queue);
    expect(c.team).toBe('contact-centre');
    expect(c.status).toBe('new');
  });
});

describe('a case that no rule matches goes to the supervisor queue', () => {
  it.each([
    ['a Facebook message about population', { channel: 'facebook', topic: 'population', language: 'fr' }],
    ['a chat about something else', { channel: 'chat', topic: 'other', language: 'nl' }],
    ['a case with neither channel nor topic', {}],
  ])('%s', async (_name, fields) => {
    const c = await supervisor.create({ subject: 'Question', ...fields }, 'case');
    expect(c.queue).toBe('supervisor');
  });
});

describe('mail to the support addresses is routed by what each mailbox sets', () => {
  it.each([
    ['population', 'line-1'],
    ['bevolking', 'line-1'],
    ['etat-civil', 'line-1'],
    ['burgerlijke-stand', 'line-2'],
    ['social', 'line-2'],
    ['sociaal', 'line-2'],
    ['info', 'line-1'],
    ['contact', 'line-1'],
  ])('mail to %s@ lands in %s', async (box, queue) => {
    const { pack } = server.runtime.packs.active();
    const set = pack.channels.mailboxes[`${box}@${DOMAIN}`]?.set ?? {};
    const c = await supervisor.create({ subject: 'Courriel', ...set }, 'case');
    expect(c.fields['mailbox']).toBe(`${box}@${DOMAIN}`);
    expect(c.queue).toBe(queue);
  });
});

describe('who works the contact-centre queues', () => {
  it('shows a first-line agent the first-line queue only, and the supervisor all three', async () => {
    const line1 = await contactCentreUser(server.url, 'line1');
    const mine = await line1.get<{ items: Array<{ id: string }> }>('/api/queues');
    expect(mine.body.items.map((q) => q.id)).toEqual(['line-1']);
    const all = await supervisor.get<{ items: Array<{ id: string }> }>('/api/queues');
    expect(all.body.items.map((q) => q.id).sort()).toEqual(['line-1', 'line-2', 'supervisor']);
  });

  it('lists the cases of a queue for its agents', async () => {
    const line2 = await contactCentreUser(server.url, 'line2');
    const c = await supervisor.create({ subject: 'Aide sociale', channel: 'phone', topic: 'social-affairs', language: 'fr' }, 'case');
    const list = await line2.get<{ items: Array<{ id: string; queue: string }> }>('/api/records?type=case&queue=line-2&limit=500');
    expect(list.status).toBe(200);
    expect(list.body.items.map((r) => r.id)).toContain(c.id);
    expect(list.body.items.every((r) => r.queue === 'line-2')).toBe(true);
  });
});
