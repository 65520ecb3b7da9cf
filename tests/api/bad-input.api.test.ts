import { ApiClient, frenchGarage, loggedIn, startTestServer, type ErrorBody, type RecordPage, type RecordView, type TestServer } from './api-harness';

let server: TestServer;
let agent: ApiClient;
let agentNl: ApiClient;
let alderman: ApiClient;
let record: RecordView;
let historyLength: number;

beforeAll(async () => {
  server = await startTestServer();
  [agent, agentNl, alderman] = await Promise.all(['agent', 'agent-nl', 'alderman'].map((u) => loggedIn(server.url, u)));
  const created = await agent.create(frenchGarage);
  record = await agent.send(created.id, 'prepare');
  historyLength = (await agent.history(record.id)).length;
});

afterAll(async () => {
  await server.close();
});

/** The dossier is exactly as it was: same version, same fields, no new history entry. */
async function expectUnchanged(): Promise<void> {
  const now = await agent.record(record.id);
  expect(now.version).toBe(record.version);
  expect(now.fields).toEqual(record.fields);
  expect(now.states).toEqual(record.states);
  expect(await agent.history(record.id)).toHaveLength(historyLength);
}

const eventsPath = () => `/api/records/${record.id}/events`;

describe('malformed requests', () => {
  it('refuses a body that is not valid JSON with 400 malformed-json and changes nothing', async () => {
    const res = await agent.post(eventsPath(), undefined, { raw: '{"type": "update", "data": {' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'malformed-json', message: 'Le corps de la requête n’est pas du JSON valide.', details: {} });
    await expectUnchanged();
  });

  it('explains malformed JSON in the language of the logged-in user', async () => {
    const res = await agentNl.post(eventsPath(), undefined, { raw: '{not json' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-json');
    expect(res.body.message).toBe('De inhoud van het verzoek is geen geldige JSON.');
    await expectUnchanged();
  });

  it('refuses a JSON array as the body with 400 malformed-body and changes nothing', async () => {
    const res = await agent.post(eventsPath(), [{ type: 'update' }]);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-body');
    expect(res.body.message).toBe('Le corps de la requête doit être un objet JSON.');
    await expectUnchanged();
  });

  it('refuses a bare JSON value as the body and changes nothing', async () => {
    const res = await agent.post(eventsPath(), undefined, { raw: '42' });
    expect(res.status).toBe(400);
    expect(['malformed-json', 'malformed-body']).toContain(res.body.code);
    await expectUnchanged();
  });

  it('refuses an event without a type, or with data that is not an object', async () => {
    const noType = await agent.post(eventsPath(), { data: {} });
    expect(noType.status).toBe(400);
    expect(noType.body.code).toBe('malformed-body');
    const listData = await agent.post(eventsPath(), { type: 'update', data: ['legal_form', 'SA'] });
    expect(listData.status).toBe(400);
    expect(listData.body.code).toBe('malformed-body');
    await expectUnchanged();
  });

  it('refuses fields that are not an object when creating', async () => {
    const before = (await agent.get<RecordPage>('/api/records')).body.total;
    const res = await agent.post('/api/records/dossier', { fields: 'Garage du Midi' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-body');
    expect((await agent.get<RecordPage>('/api/records')).body.total).toBe(before);
  });

  it('refuses an expectedVersion that is not a whole number', async () => {
    const res = await agent.post(eventsPath(), { type: 'update', data: { fields: { legal_form: 'SA' } }, expectedVersion: String(record.version) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad-parameter');
    await expectUnchanged();
  });
});

describe('invalid values', () => {
  it('refuses unknown fields on creation with 422, naming each field, and creates nothing', async () => {
    const before = (await agent.get<RecordPage>('/api/records')).body.total;
    const res = await agent.post('/api/records/dossier', { fields: { ...frenchGarage, colour: 'blue', companyName: 'typo' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation-failed');
    const fields = res.body.details['fields'] as Record<string, { code: string; message: string }>;
    expect(Object.keys(fields).sort()).toEqual(['colour', 'companyName']);
    expect(fields['colour']).toEqual({ code: 'unknown-field', message: expect.stringContaining('« colour » n\'existe pas') });
    expect((await agent.get<RecordPage>('/api/records')).body.total).toBe(before);
  });

  it('refuses an unknown field in an update and changes nothing', async () => {
    const res = await agent.event(record.id, 'update', { fields: { legal_form: 'SA', colour: 'blue' } });
    expect(res.status).toBe(422);
    expect(res.body.details['fields']).toEqual({ colour: expect.objectContaining({ code: 'unknown-field' }) });
    // Not even the valid part is applied.
    await expectUnchanged();
  });

  it('refuses an unknown field in an event payload', async () => {
    const res = await agent.event(record.id, 'request-signature', { urgent: true });
    expect(res.status).toBe(422);
    expect(res.body.details['fields']).toEqual({ urgent: expect.objectContaining({ code: 'unknown-field' }) });
    await expectUnchanged();
  });

  it('refuses an amount with three decimals and explains it', async () => {
    const res = await agent.event(record.id, 'update', { fields: { declared_amount: 12.345 } });
    expect(res.status).toBe(422);
    const fields = res.body.details['fields'] as Record<string, { code: string; message: string }>;
    expect(fields['declared_amount']).toEqual({ code: 'too-many-decimals', message: expect.stringContaining('trop de décimales') });
    await expectUnchanged();
  });

  it('refuses text where a number is expected', async () => {
    const res = await agent.event(record.id, 'update', { fields: { increase_factor: 'double' } });
    expect(res.status).toBe(422);
    expect((res.body.details['fields'] as Record<string, { code: string }>)['increase_factor']?.code).toBe('not-a-number');
    await expectUnchanged();
  });

  it('refuses a wrong enterprise number, saying so in French for a French-speaking agent', async () => {
    const res = await agent.event(record.id, 'update', { fields: { enterprise_number: '0403.170.702' } });
    expect(res.status).toBe(422);
    const error = (res.body.details['fields'] as Record<string, { code: string; message: string }>)['enterprise_number'];
    expect(error?.code).toBe('invalid-enterprise-number');
    expect(error?.message).toMatch(/^Le numéro d'entreprise 0403\.170\.702 n'est pas valide/);
    expect(error?.message).toContain('chiffres de contrôle');
    await expectUnchanged();
  });

  it('refuses a wrong enterprise number, saying so in Dutch for a Dutch-speaking agent', async () => {
    const res = await agentNl.event(record.id, 'update', { fields: { enterprise_number: '2403.170.701' } });
    expect(res.status).toBe(422);
    const error = (res.body.details['fields'] as Record<string, { code: string; message: string }>)['enterprise_number'];
    expect(error?.message).toMatch(/^Het ondernemingsnummer 2403\.170\.701 is ongeldig/);
    expect(res.body.message).toMatch(/ongeldig/);
    await expectUnchanged();
  });

  it('refuses a value outside the listed choices', async () => {
    const res = await agent.event(record.id, 'update', { fields: { tax_regulation: 'dog-tax' } });
    expect(res.status).toBe(422);
    expect(res.body.details['fields']).toHaveProperty('tax_regulation');
    await expectUnchanged();
  });
});

describe('events that cannot be applied', () => {
  it('refuses an event the dossier does not allow now with 409 event-not-allowed', async () => {
    const res = await agent.event(record.id, 'send-registered-mail');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('event-not-allowed');
    expect(res.body.message).toContain('« send-registered-mail » n’est pas permis maintenant');
    expect(res.body.details).toMatchObject({ event: 'send-registered-mail', states: ['preparing'] });
    await expectUnchanged();
  });

  it('refuses an event that does not exist at all with 409', async () => {
    const res = await agent.event(record.id, 'teleport');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('event-not-allowed');
    await expectUnchanged();
  });

  it('refuses a stale expectedVersion with 409 stale-version and tells the current version', async () => {
    const res = await agent.event(record.id, 'update', { fields: { legal_form: 'SA' } }, record.version - 1);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('stale-version');
    expect(res.body.message).toContain('Rechargez-le');
    expect(res.body.details).toEqual({ currentVersion: record.version });
    await expectUnchanged();
  });

  it('also refuses a stale If-Match header', async () => {
    const res = await agent.post(eventsPath(), { type: 'update', data: { fields: { legal_form: 'SA' } } }, { headers: { 'if-match': `"${record.version + 3}"` } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('stale-version');
    await expectUnchanged();
  });

  it('refuses an event to a role that may not send it with 403', async () => {
    const res = await alderman.event(record.id, 'request-signature');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    // The alderman's account is in Dutch.
    expect(res.body.message).toBe('Uw rol staat de actie "request-signature" niet toe.');
    const edit = await alderman.event(record.id, 'update', { fields: { legal_form: 'SA' } });
    expect(edit.status).toBe(403);
    await expectUnchanged();
  });

  it('refuses any event without a session with 401', async () => {
    const res = await new ApiClient(server.url).post(eventsPath(), { type: 'update', data: { fields: { legal_form: 'SA' } } });
    expect(res.status).toBe(401);
    await expectUnchanged();
  });
});

describe('unknown things', () => {
  it('answers 404 not-found for an unknown record id, when reading or sending an event', async () => {
    const read = await agent.get('/api/records/00000000-0000-0000-0000-000000000000');
    expect(read.status).toBe(404);
    expect(read.body).toEqual({ code: 'not-found', message: 'L’enregistrement 00000000-0000-0000-0000-000000000000 n’existe pas.', details: { id: '00000000-0000-0000-0000-000000000000' } });
    const send = await agent.event('00000000-0000-0000-0000-000000000000', 'prepare');
    expect(send.status).toBe(404);
    expect(send.body.code).toBe('not-found');
    const history = await agent.get('/api/records/00000000-0000-0000-0000-000000000000/history');
    expect(history.status).toBe(404);
  });

  it('answers 404 for an unknown record type', async () => {
    const res = await agent.post('/api/records/unicorn', { fields: { name: 'Sparkle' } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not-found');
    expect(res.body.message).toContain('« unicorn »');
  });

  it('answers 404 in JSON for an unknown API route', async () => {
    const res = await agent.get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body).toEqual({ code: 'not-found', message: 'Aucune route GET /nothing-here.', details: {} });
    const anonymous = await new ApiClient(server.url, 'nl').request('DELETE', '/api/records');
    expect(anonymous.status).toBe(404);
    expect(anonymous.body.message).toBe('Geen route DELETE /records.');
  });

  it('refuses a negative limit with 400 bad-parameter', async () => {
    const res = await agent.get('/api/records?limit=-1');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad-parameter', details: { parameter: 'limit' } });
    expect(res.body.message).toBe('Le paramètre « limit » doit être un entier positif.');
    const offset = await agent.get('/api/records?offset=abc');
    expect(offset.status).toBe(400);
    expect(offset.body.details).toEqual({ parameter: 'offset' });
  });
});

describe('a server with a small body limit', () => {
  let small: { server: TestServer; agent: ApiClient; record: RecordView };

  beforeAll(async () => {
    const s = await startTestServer({ MAX_BODY_BYTES: '5000' });
    const a = await loggedIn(s.url, 'agent');
    small = { server: s, agent: a, record: await a.create(frenchGarage) };
  });

  afterAll(async () => {
    await small.server.close();
  });

  it('refuses a body over MAX_BODY_BYTES with 413 body-too-large and changes nothing', async () => {
    const huge = { type: 'update', data: { fields: { pv_summary: 'x'.repeat(6000) } } };
    const res = await small.agent.post<ErrorBody>(`/api/records/${small.record.id}/events`, huge);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 'body-too-large', message: 'La requête est trop volumineuse.', details: {} });
    const asDutch = await new ApiClient(small.server.url, 'nl').post('/api/auth/login', { username: 'agent', password: 'x'.repeat(6000) });
    expect(asDutch.status).toBe(413);
    expect(asDutch.body.message).toBe('Het verzoek is te groot.');
    const now = await small.agent.record(small.record.id);
    expect(now.version).toBe(small.record.version);
    expect(now.fields).toEqual(small.record.fields);
    expect(await small.agent.history(small.record.id)).toHaveLength(1);
  });

  it('still accepts a body under the limit', async () => {
    const res = await small.agent.event(small.record.id, 'update', { fields: { pv_summary: 'x'.repeat(3000) } });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(small.record.version + 1);
  });
});
