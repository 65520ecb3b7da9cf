import { ApiClient, dutchBakery, frenchGarage, loggedIn, startTestServer, type RecordPage, type RecordView, type TestServer } from './api-harness';

let server: TestServer;
let agent: ApiClient;
let agentNl: ApiClient;
let alderman: ApiClient;
let manager: ApiClient;
let author: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [agent, agentNl, alderman, manager, author] = await Promise.all(['agent', 'agent-nl', 'alderman', 'manager', 'author'].map((u) => loggedIn(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

const eventTypes = (r: RecordView): string[] => (r.events ?? []).map((e) => e.type).sort();

describe('creating a dossier', () => {
  it('answers 201 with a new dossier in the census queue that the agent may prepare', async () => {
    const res = await agent.post<RecordView>('/api/records/dossier', { fields: { ...frenchGarage, enterprise_number: '0403 170 701' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/records/${res.body.id}`);
    expect(res.body).toMatchObject({
      recordType: 'dossier', process: 'census-dossier', packVersion: 1, title: 'Garage du Midi SA',
      status: 'new', step: 'preparation', queue: 'census', team: 'taxes', owner: null, done: false, version: 1,
    });
    // Values come back normalised, defaults filled in.
    expect(res.body.fields).toMatchObject({ enterprise_number: '0403.170.701', language: 'fr', late_return: false });
    expect(eventTypes(res.body)).toContain('prepare');
    expect(res.body.events?.find((e) => e.type === 'prepare')?.label.fr).toBe('Commencer la préparation');
  });

  it('refuses a dossier to a role that may not create one', async () => {
    const res = await author.post('/api/records/dossier', { fields: frenchGarage });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('refuses a dossier without its required company name, naming the field', async () => {
    const res = await agent.post('/api/records/dossier', { fields: { tax_regulation: 'parking' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.details['fields']).toMatchObject({ company_name: { code: 'required', message: expect.stringContaining('Dénomination') } });
  });
});

describe('listing dossiers', () => {
  // A list of its own: five dossiers with names that sort differently from their creation order.
  const names = ['Delta SPRL', 'Alpha SA', 'Echo BV', 'Charlie SRL', 'Bravo NV'];
  const ids: string[] = [];
  let prepared: RecordView;
  const q = '%20%C2%A7';

  beforeAll(async () => {
    for (const n of names) ids.push((await agent.create({ company_name: `${n} §`, tax_regulation: 'surface' })).id);
    prepared = await agent.send(ids[0]!, 'prepare');
    // One more prepared by someone else: owner=me must leave it out.
    await agentNl.send(ids[1]!, 'prepare');
  });

  it('filters by status', async () => {
    const res = await agent.get<RecordPage>(`/api/records?type=dossier&q=${q}&status=new`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((r) => r.title).sort()).toEqual(['Bravo NV §', 'Charlie SRL §', 'Echo BV §']);
    expect(res.body.items.every((r) => r.status === 'new')).toBe(true);
  });

  it('filters by queue', async () => {
    const census = await agent.get<RecordPage>(`/api/records?q=${q}&queue=census`);
    expect(census.body.total).toBe(5);
    const approvals = await agent.get<RecordPage>(`/api/records?q=${q}&queue=tax-approvals`);
    expect(approvals.body.total).toBe(0);
  });

  it('shows only my dossiers with owner=me once I prepared one', async () => {
    expect(prepared.owner).toBe('u-agent');
    const mine = await agent.get<RecordPage>(`/api/records?q=${q}&owner=me`);
    expect(mine.body.total).toBe(1);
    expect(mine.body.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(mine.body.items[0]).toMatchObject({ status: 'open', owner: 'u-agent' });
    const hers = await agentNl.get<RecordPage>(`/api/records?q=${q}&owner=me`);
    expect(hers.body.items.map((r) => r.id)).toEqual([ids[1]]);
  });

  it('sorts by title in both directions', async () => {
    const asc = await agent.get<RecordPage>(`/api/records?q=${q}&sort=title&direction=asc`);
    expect(asc.body.items.map((r) => r.title)).toEqual(['Alpha SA §', 'Bravo NV §', 'Charlie SRL §', 'Delta SPRL §', 'Echo BV §']);
    const desc = await agent.get<RecordPage>(`/api/records?q=${q}&sort=title&direction=desc`);
    expect(desc.body.items.map((r) => r.title)).toEqual(['Echo BV §', 'Delta SPRL §', 'Charlie SRL §', 'Bravo NV §', 'Alpha SA §']);
  });

  it('lists the newest first by default', async () => {
    const res = await agent.get<RecordPage>(`/api/records?q=${q}`);
    const created = res.body.items.map((r) => r.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('pages with limit and offset and always gives the full total', async () => {
    const seen: string[] = [];
    for (const offset of [0, 2, 4]) {
      const page = await agent.get<RecordPage>(`/api/records?q=${q}&sort=title&direction=asc&limit=2&offset=${offset}`);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(5);
      expect(page.body.items.length).toBe(offset === 4 ? 1 : 2);
      seen.push(...page.body.items.map((r) => r.title ?? ''));
    }
    expect(seen).toEqual(['Alpha SA §', 'Bravo NV §', 'Charlie SRL §', 'Delta SPRL §', 'Echo BV §']);
    const beyond = await agent.get<RecordPage>(`/api/records?q=${q}&limit=2&offset=10`);
    expect(beyond.body).toEqual({ total: 5, items: [] });
  });

  it('refuses an unknown sort column', async () => {
    const res = await agent.get(`/api/records?sort=password`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad-parameter', details: { parameter: 'sort' } });
  });

  it('shows no dossiers to a role that may not read them', async () => {
    const res = await author.get<RecordPage>(`/api/records?q=${q}`);
    expect(res.body.total).toBe(0);
  });
});

describe('reading one dossier', () => {
  it('offers the alderman approve and reject only while the dossier waits for signatures', async () => {
    const d = await agent.create(dutchBakery);
    expect(eventTypes(await alderman.record(d.id))).toEqual([]);
    await agent.send(d.id, 'prepare');
    expect(eventTypes(await alderman.record(d.id))).toEqual([]);

    await agent.send(d.id, 'request-signature');
    // The manager approves the letter first (TR-23): nothing for the alderman yet.
    expect(eventTypes(await alderman.record(d.id))).toEqual([]);
    expect(eventTypes(await manager.record(d.id))).toEqual(expect.arrayContaining(['approve', 'reject']));
    await manager.send(d.id, 'approve');
    const signing = await alderman.record(d.id);
    expect(signing.status).toBe('pending');
    expect(eventTypes(signing)).toEqual(expect.arrayContaining(['approve', 'reject']));
    expect(eventTypes(signing)).not.toContain('update');

    // The agent may edit but cannot sign.
    const forAgent = await agent.record(d.id);
    expect(eventTypes(forAgent)).not.toContain('approve');
    expect(eventTypes(forAgent)).not.toContain('reject');

    // Once the alderman signed, there is nothing more for the alderman to do.
    await alderman.send(d.id, 'approve');
    const afterSigning = await alderman.record(d.id);
    expect(eventTypes(afterSigning)).not.toContain('approve');
    expect(eventTypes(afterSigning)).not.toContain('reject');
  });

  it('offers the agent only the events the dossier allows in its current state', async () => {
    const d = await agent.create(frenchGarage);
    // A new dossier sits in the census queue with no owner: any queue member may take it (CC-5).
    expect(eventTypes(d)).toEqual(['prepare', 'take', 'update']);
    const preparing = await agent.send(d.id, 'prepare');
    expect(eventTypes(preparing)).toEqual(['request-signature', 'update']);
    // The manager may edit, and take it over as a census queue member (CC-5), but prepare and
    // request-signature are the agent's.
    expect(eventTypes(await manager.record(d.id))).toEqual(['take', 'update']);
  });

  it('hides request-signature while its condition is not met', async () => {
    const d = await agent.create({ company_name: 'Sans Règlement SRL' });
    const preparing = await agent.send(d.id, 'prepare');
    expect(eventTypes(preparing)).toEqual(['update']);
    const withRegulation = await agent.send(d.id, 'update', { fields: { tax_regulation: 'signage' } });
    expect(eventTypes(withRegulation)).toEqual(['request-signature', 'update']);
  });

  it('sends the version as an ETag', async () => {
    const d = await agent.create(frenchGarage);
    const res = await agent.get<RecordView>(`/api/records/${d.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
  });
});

describe('the history of a dossier', () => {
  it('lists who did what and when, with the changed fields, in order', async () => {
    const d = await agent.create(frenchGarage);
    await agent.send(d.id, 'prepare');
    await manager.send(d.id, 'update', { fields: { legal_form: 'SA', contact_email: 'Info@Garage.example' } });
    await agent.send(d.id, 'request-signature');
    await manager.send(d.id, 'approve');

    const history = await agent.history(d.id);
    expect(history.map((h) => [h.version, h.eventType, h.actor])).toEqual([
      [1, 'create', 'u-agent'],
      [2, 'prepare', 'u-agent'],
      [3, 'update', 'u-manager'],
      [4, 'request-signature', 'u-agent'],
      [5, 'approve', 'u-manager'],
    ]);
    const times = history.map((h) => h.at);
    expect(times.every((t) => !Number.isNaN(Date.parse(t)))).toBe(true);
    expect([...times].sort()).toEqual(times);

    expect(history[0]!.changes).toEqual(expect.arrayContaining([{ field: 'company_name', before: null, after: 'Garage du Midi SA' }]));
    expect(history[1]!.changes).toEqual([{ field: 'agent', before: null, after: 'u-agent' }]);
    expect(history[1]).toMatchObject({ fromStates: ['new'], toStates: ['preparing'] });
    expect(history[2]!.changes).toHaveLength(2);
    expect(history[2]!.changes).toEqual(expect.arrayContaining([
      { field: 'legal_form', before: null, after: 'SA' },
      { field: 'contact_email', before: null, after: 'Info@garage.example' },
    ]));
    expect(history[3]).toMatchObject({ changes: [], fromStates: ['preparing'], toStates: ['manager-approval'] });
    expect(history[4]).toMatchObject({ changes: [], fromStates: ['manager-approval'], toStates: ['signing'] });
  });

  it('is not shown to a role that may not read the dossier', async () => {
    const d = await agent.create(frenchGarage);
    const res = await author.get(`/api/records/${d.id}/history`);
    expect(res.status).toBe(404);
  });
});

describe('taking a record from its queue (CC-5)', () => {
  it('lets a queue member take it, and refuses someone outside the queue', async () => {
    const d = await agent.create(frenchGarage);
    expect(d.owner).toBeNull();
    const taken = await agentNl.send(d.id, 'take');
    expect(taken.owner).toBe('u-agent-nl');
    expect(eventTypes(taken)).not.toContain('take');
    // The alderman may read dossiers but works no census queue: the event is not allowed.
    const refused = await alderman.event(d.id, 'take');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('event-not-allowed');
    expect((await agent.record(d.id)).owner).toBe('u-agent-nl');
  });
});
