import { ApiClient, frenchGarage, loggedIn, startTestServer, type RecordView, type TestServer } from './api-harness';

let server: TestServer;
let agent: ApiClient;
let alderman: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  agent = await loggedIn(server.url, 'agent');
  alderman = await loggedIn(server.url, 'alderman');
});
afterAll(async () => {
  await server.close();
});

describe('quick links and cloning a dossier (TR-14, TR-41..44)', () => {
  it('fills the pack’s URL templates with the dossier’s values, URL-encoded, and leaves out links with a missing value', async () => {
    const d: RecordView = await agent.create({ ...frenchGarage, enterprise_number: '0403.170.701' });
    const urls = Object.fromEntries((d.links ?? []).map((l) => [l.id, l.url]));
    expect(urls['onyx']).toBe('https://onyx.commune.example.brussels/contribuable?bce=0403.170.701');
    // No registered office yet: the map and parcel links wait for it.
    expect(urls['brugis']).toBeUndefined();
    const withAddress = await agent.send(d.id, 'update', { fields: { registered_office: { street: 'Rue Haute', number: '12', postalCode: '1000', city: 'Bruxelles' } } });
    const brugis = withAddress.links?.find((l) => l.id === 'brugis');
    expect(brugis?.url).toBe('https://gis.urban.brussels/brugis/#/search?q=Rue%20Haute%2012%201000%20Bruxelles%20BE');
    expect(brugis?.label).toMatchObject({ fr: 'Brugis (parcelles)', nl: 'Brugis (percelen)' });
  });

  it('clones a dossier into a new one at the start of its lifecycle, with the same values', async () => {
    const d = await agent.create({ ...frenchGarage, enterprise_number: '0403.170.701' });
    await agent.send(d.id, 'prepare');
    const res = await agent.post<RecordView>(`/api/records/${d.id}/clone`, {});
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(d.id);
    expect(res.body.status).toBe('new');
    expect(res.body.fields).toMatchObject({ company_name: frenchGarage.company_name, enterprise_number: '0403.170.701' });
    expect((await agent.history(res.body.id)).map((h) => h.eventType)).toEqual(['create']);
  });

  it('refuses a clone to someone who may not create dossiers', async () => {
    const d = await agent.create(frenchGarage);
    const res = await alderman.post<{ code: string }>(`/api/records/${d.id}/clone`, {});
    expect(res.status).toBe(403);
  });
});
