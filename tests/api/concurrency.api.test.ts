import { frenchGarage, loggedIn, startTestServer, type ApiClient, type TestServer } from './api-harness';

let server: TestServer;
let agent: ApiClient;
let manager: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [agent, manager] = await Promise.all(['agent', 'manager'].map((u) => loggedIn(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

describe('two users changing one dossier at the same moment', () => {
  it('applies exactly one of two events sent with the same expectedVersion and refuses the other as stale', async () => {
    const d = await agent.send((await agent.create(frenchGarage)).id, 'prepare');
    const [a, b] = await Promise.all([
      agent.event(d.id, 'update', { fields: { legal_form: 'SA' } }, d.version),
      manager.event(d.id, 'update', { fields: { legal_form: 'SRL' } }, d.version),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    expect(lost.body.code).toBe('stale-version');
    expect(lost.body.details).toEqual({ currentVersion: d.version + 1 });
    expect(won.body.version).toBe(d.version + 1);

    const now = await agent.record(d.id);
    expect(now.version).toBe(d.version + 1);
    expect(now.fields['legal_form']).toBe(won.body.fields['legal_form']);
    const history = await agent.history(d.id);
    expect(history.filter((h) => h.eventType === 'update')).toHaveLength(1);
    expect(history.at(-1)).toMatchObject({ version: d.version + 1, changes: [{ field: 'legal_form', before: null, after: won.body.fields['legal_form'] }] });
  });

  it('gives the same answer under a burst: of ten writers with one version, one wins', async () => {
    const d = await agent.create(frenchGarage);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? manager : agent).event(d.id, 'update', { fields: { vat_number: `BE0403170${String(i).padStart(3, '0')}` } }, d.version)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'stale-version')).toHaveLength(9);
    expect((await agent.record(d.id)).version).toBe(d.version + 1);
    expect(await agent.history(d.id)).toHaveLength(2);
  });

  it('applies both of two concurrent edits of different fields sent without expectedVersion', async () => {
    const d = await agent.send((await agent.create(frenchGarage)).id, 'prepare');
    const [a, b] = await Promise.all([
      agent.event(d.id, 'update', { fields: { legal_form: 'SA' } }),
      manager.event(d.id, 'update', { fields: { vat_number: 'BE0403170701' } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.version, b.body.version].sort()).toEqual([d.version + 1, d.version + 2]);

    const now = await agent.record(d.id);
    expect(now.version).toBe(d.version + 2);
    expect(now.fields).toMatchObject({ legal_form: 'SA', vat_number: 'BE0403170701', company_name: 'Garage du Midi SA' });
    const updates = (await agent.history(d.id)).filter((h) => h.eventType === 'update');
    expect(updates.map((h) => h.version)).toEqual([d.version + 1, d.version + 2]);
    expect(updates.map((h) => h.actor).sort()).toEqual(['u-agent', 'u-manager']);
    expect(updates.flatMap((h) => h.changes.map((c) => c.field)).sort()).toEqual(['legal_form', 'vat_number']);
  });

  it('applies a valid event and refuses one that is no longer allowed when both race without a version', async () => {
    const d = await agent.send((await agent.create(frenchGarage)).id, 'prepare');
    // Both try to move the dossier on; the second finds it already awaiting the manager's approval.
    const [a, b] = await Promise.all([agent.event(d.id, 'request-signature'), agent.event(d.id, 'request-signature')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.code).toBe('event-not-allowed');
    const history = await agent.history(d.id);
    expect(history.filter((h) => h.eventType === 'request-signature')).toHaveLength(1);
    expect((await agent.record(d.id)).version).toBe(d.version + 1);
  });
});
