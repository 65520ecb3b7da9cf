import { eventually, startTestServer, type ApiClient, type TestServer, loggedIn } from '../api/api-harness';
import { contactCentreUser } from './contact-centre-harness';

let server: TestServer;
let line1: ApiClient;
let line2: ApiClient;
let supervisor: ApiClient;
let expert: ApiClient;

const SYSTEM = { id: 'system', roles: ['system'] };

beforeAll(async () => {
  server = await startTestServer();
  [line1, line2, supervisor, expert] = await Promise.all((['line1', 'line2', 'supervisor', 'expert'] as const).map((u) => contactCentreUser(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

describe('the support case lifecycle', () => {
  it('goes from new to in progress when an agent starts it, and the agent owns it', async () => {
    const c = await line1.create({ subject: 'Changement d’adresse', channel: 'phone', topic: 'population', language: 'fr' }, 'case');
    expect(c.states).toEqual(['new']);
    expect(c.events?.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'close', 'take', 'update']));
    const started = await line1.send(c.id, 'start');
    expect(started.states).toEqual(['in-progress']);
    expect(started.status).toBe('in-progress');
    expect(started.owner).toBe('u-line1');
  });

  it('waits for the citizen and comes back in progress when the intake reports the reply as system', async () => {
    const c = await line1.create({ subject: 'Document manquant', channel: 'email', topic: 'population', language: 'fr' }, 'case');
    await line1.send(c.id, 'start');
    const waiting = await line1.send(c.id, 'ask-citizen');
    expect(waiting.states).toEqual(['waiting-citizen']);
    expect(waiting.status).toBe('waiting');
    expect(waiting.reason).toMatchObject({ fr: 'En attente du citoyen', nl: 'Wacht op de burger' });
    const replied = await server.runtime.records.send(SYSTEM, c.id, { type: 'citizen-replied' });
    expect(replied.states).toEqual(['in-progress']);
    const history = await line1.history(c.id);
    expect(history.map((h) => [h.eventType, h.actor])).toEqual([['create', 'u-line1'], ['start', 'u-line1'], ['ask-citizen', 'u-line1'], ['citizen-replied', 'system']]);
  });

  it('lets a second-line agent ask the supervisor for help, notifies the supervisors, and the supervisor resumes it', async () => {
    const c = await line2.create({ subject: 'Allocation de chauffage', channel: 'phone', topic: 'social-affairs', language: 'fr' }, 'case');
    await line2.send(c.id, 'start');
    const escalated = await line2.send(c.id, 'ask-supervisor');
    expect(escalated.states).toEqual(['escalated-supervisor']);
    expect(escalated.reason?.fr).toBe('Aide du superviseur demandée');
    const admin = await loggedIn(server.url, 'admin');
    const note = await eventually(async () => {
      const res = await admin.get<{ items: Array<{ role?: string; recordId: string; subject: string }> }>('/api/admin/notifications');
      return res.body.items.find((n) => n.recordId === c.id && n.role === 'supervisor');
    });
    expect(note.subject).toBe('Aide demandée : Allocation de chauffage');
    expect((await line2.event(c.id, 'resume')).status).toBe(403);
    const resumed = await supervisor.send(c.id, 'resume');
    expect(resumed.states).toEqual(['in-progress']);
  });

  it('refuses the supervisor escalation to a first-line agent', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'visit', topic: 'population', language: 'fr' }, 'case');
    await line1.send(c.id, 'start');
    const res = await line1.event(c.id, 'ask-supervisor');
    expect(res.status).toBe(403);
  });

  it('refuses to close a case without a closing reason', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'visit', topic: 'population', language: 'fr' }, 'case');
    await line1.send(c.id, 'start');
    const res = await line1.event(c.id, 'close');
    expect(res.status).toBe(422);
    expect(res.body.details['fields']).toHaveProperty('closing_reason');
    expect((await line1.record(c.id)).states).toEqual(['in-progress']);
  });

  it('closes a case with the reason given, which stays on the case', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'visit', topic: 'population', language: 'fr' }, 'case');
    await line1.send(c.id, 'start');
    const closed = await line1.send(c.id, 'close', { closing_reason: 'answered' });
    expect(closed.status).toBe('closed');
    expect(closed.done).toBe(true);
    expect(closed.fields['closing_reason']).toBe('answered');
    expect(closed.reason).toMatchObject({ fr: 'Réponse donnée', nl: 'Beantwoord' });
    expect(closed.events).toEqual([]);
  });

  it('closes a case as a duplicate straight from new', async () => {
    const c = await supervisor.create({ subject: 'Même question', channel: 'facebook', topic: 'other', language: 'fr' }, 'case');
    const closed = await supervisor.send(c.id, 'close', { closing_reason: 'duplicate' });
    expect(closed.status).toBe('closed');
    expect(closed.fields['closing_reason']).toBe('duplicate');
  });

  it('refuses a closing reason outside the list', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'visit', topic: 'population', language: 'fr' }, 'case');
    await line1.send(c.id, 'start');
    expect((await line1.event(c.id, 'close', { closing_reason: 'bored' })).status).toBe(422);
  });

  it('hands a case to an expert: closed with reason expert-needed, readable by the expert', async () => {
    const c = await line2.create({ subject: 'Pension de survie', channel: 'email', topic: 'social-affairs', language: 'nl' }, 'case');
    await line2.send(c.id, 'start');
    expect((await line1.event(c.id, 'hand-to-expert')).status).toBe(403);
    const handed = await line2.send(c.id, 'hand-to-expert');
    expect(handed.status).toBe('closed');
    expect(handed.fields['closing_reason']).toBe('expert-needed');
    expect(handed.reason).toMatchObject({ fr: 'Transmis à un expert', nl: 'Doorgegeven aan een expert' });
    const seen = await expert.record(c.id);
    expect(seen.states).toEqual(['closed-expert']);
  });

  it('lets the supervisor hand an escalated case to an expert', async () => {
    const c = await line2.create({ subject: 'Handicap', channel: 'phone', topic: 'social-affairs', language: 'fr' }, 'case');
    await line2.send(c.id, 'start');
    await line2.send(c.id, 'ask-supervisor');
    const handed = await supervisor.send(c.id, 'hand-to-expert');
    expect(handed.fields['closing_reason']).toBe('expert-needed');
  });

  it('does not let the expert create cases nor a census agent see them', async () => {
    const res = await expert.post('/api/records/case', { fields: { subject: 'x' } });
    expect(res.status).toBe(403);
    const census = await loggedIn(server.url, 'agent');
    const c = await line1.create({ subject: 'Privé', channel: 'phone', topic: 'population', language: 'fr' }, 'case');
    expect((await census.get(`/api/records/${c.id}`)).status).toBe(404);
  });
});
