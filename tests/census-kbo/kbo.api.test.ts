/**
 * The KBO/BCE lookup over HTTP: admin import, search, one enterprise, a business created from
 * the KBO (once), and a census dossier prefilled from it (fields, history, link to the business).
 */
import { resolve } from 'node:path';
import { loggedIn, startTestServer, type ApiClient, type RecordView, type TestServer } from '../api/api-harness';

const EXTRACT = resolve(__dirname, '..', '..', 'examples', 'kbo-extract');

interface Enterprise {
  number: string;
  name: { fr: string; nl: string };
  legalForm: { code: string; fr: string; nl: string } | null;
  address: { fr: { street: string; city: string }; nl: { street: string; city: string } } | null;
  nace: Array<{ code: string }>;
}
interface Messages { messages: { fr: string; nl: string } }

let server: TestServer;
let admin: ApiClient;
let agent: ApiClient;
let agentNl: ApiClient;
let author: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent, agentNl, author] = await Promise.all(['admin', 'agent', 'agent-nl', 'author'].map((u) => loggedIn(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

describe('the KBO lookup over HTTP', () => {
  it('lets an admin only import the extract, with counts, and clear FR/NL errors for a missing folder', async () => {
    expect((await agent.post('/api/admin/kbo/import', { dir: `${EXTRACT}/full`, mode: 'full' })).status).toBe(403);
    const missing = await admin.post<{ code: string; details: Messages & { problem: string } }>('/api/admin/kbo/import', { dir: `${EXTRACT}/nope`, mode: 'full' });
    expect(missing.status).toBe(422);
    expect(missing.body.details.problem).toBe('missing-file');
    expect(missing.body.details.messages.fr).toContain('n’existe pas');
    expect(missing.body.details.messages.nl).toContain('bestaat niet');
    const bad = await admin.post('/api/admin/kbo/import', { dir: `${EXTRACT}/full`, mode: 'sometimes' });
    expect(bad.status).toBe(400);

    const full = await admin.post<{ files: Record<string, number>; enterprises: number }>('/api/admin/kbo/import', { dir: `${EXTRACT}/full`, mode: 'full' });
    expect(full.status).toBe(200);
    expect(full.body.enterprises).toBe(30);
    expect(full.body.files['denomination.csv']).toBe(62);
  });

  it('searches by name (no case, no accents) and by number, up to 20', async () => {
    const byName = await agent.get<{ total: number; items: Enterprise[] }>(`/api/kbo/search?q=${encodeURIComponent('HOTEL galeries')}`);
    expect(byName.status).toBe(200);
    expect(byName.body.items).toEqual([
      expect.objectContaining({ name: { fr: 'Hôtel Galeries Royales', nl: 'Hotel Koninklijke Galerijen' }, legalForm: { code: '014', fr: 'Société anonyme', nl: 'Naamloze vennootschap' } }),
    ]);
    expect(byName.body.items[0]?.nace.map((n) => n.code)).toEqual(['55100', '70220']);
    const byNumber = await agent.get<{ items: Enterprise[] }>(`/api/kbo/search?q=${encodeURIComponent('BE 0712.345.036')}`);
    expect(byNumber.body.items.map((e) => e.number)).toEqual(['0712.345.036']);
    const many = await agent.get<{ items: Enterprise[] }>('/api/kbo/search?q=071');
    expect(many.body.items.length).toBe(20);
    expect((await agent.get('/api/kbo/search?q=a')).status).toBe(400);
    expect((await author.get('/api/kbo/search?q=cafe')).status).toBe(403);
  });

  it('gives one enterprise, 404 when unknown, 422 in French and Dutch when the number is invalid', async () => {
    const one = await agent.get<Enterprise>('/api/kbo/712345036');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ number: '0712.345.036', address: { fr: { street: 'Rue Neuve', city: 'Bruxelles' }, nl: { street: 'Nieuwstraat', city: 'Brussel' } } });
    const unknown = await agent.get<{ code: string }>('/api/kbo/0201.310.929');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('unknown-enterprise');
    const invalid = await agent.get<{ code: string; details: Messages & { problem: string } }>('/api/kbo/0712.345.037');
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ code: 'invalid-enterprise-number', details: { problem: 'check-digits' } });
    expect(invalid.body.details.messages.fr).toContain('chiffres de contrôle');
    expect(invalid.body.details.messages.nl).toContain('controlecijfers');
    expect((await agent.post<{ code: string }>('/api/kbo/12345/business')).status).toBe(422);
  });

  it('creates a business from the KBO once: a second call returns the same record', async () => {
    const first = await agent.post<{ existing: boolean; business: RecordView }>('/api/kbo/0712.345.036/business');
    expect(first.status).toBe(201);
    expect(first.body.existing).toBe(false);
    expect(first.body.business).toMatchObject({
      recordType: 'business',
      status: 'active',
      fields: {
        enterprise_number: '0712.345.036',
        vat_number: 'BE0712345036',
        name: 'Boulangerie Sainte-Catherine',
        legal_form: 'Société à responsabilité limitée',
        registered_office: { street: 'Rue Neuve', number: '10', box: 'b', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
      },
    });
    expect(first.body.business.fields['establishments']).toEqual([expect.stringContaining('2.123.456.001')]);
    const [again, concurrent] = await Promise.all([
      agent.post<{ existing: boolean; business: RecordView }>('/api/kbo/BE0712345036/business'),
      agentNl.post<{ existing: boolean; business: RecordView }>('/api/kbo/0712345036/business'),
    ]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ existing: true, business: { id: first.body.business.id } });
    expect(concurrent.body.business.id).toBe(first.body.business.id);
    const list = await agent.get<{ total: number }>('/api/records?recordType=business');
    if (list.status === 200) expect(list.body.total).toBe(1);
  });

  it('prefills a census dossier from the KBO with an update event, and links the business', async () => {
    const dossier = await agentNl.create({ company_name: 'Onbekend', tax_regulation: 'signage', language: 'nl' });
    const res = await agentNl.post<RecordView>(`/api/records/${dossier.id}/prefill-from-kbo`, { number: '0712.896.649' });
    expect(res.status).toBe(200);
    expect(res.body.fields).toMatchObject({
      company_name: 'Épicerie Fine Élodie',
      enterprise_number: '0712.896.649',
      vat_number: 'BE0712896649',
      legal_form: 'Besloten vennootschap',
      registered_office: { postalCode: '1080', city: 'Sint-Jans-Molenbeek', street: 'Gentsesteenweg' },
    });
    const businessId = res.body.fields['business'];
    expect(typeof businessId).toBe('string');
    const business = await agentNl.record(String(businessId));
    expect(business.fields['enterprise_number']).toBe('0712.896.649');
    const history = await agentNl.history(dossier.id);
    const last = history[history.length - 1];
    expect(last?.eventType).toBe('update');
    expect(last?.changes.map((c) => c.field).sort()).toEqual(['business', 'company_name', 'enterprise_number', 'legal_form', 'registered_office', 'vat_number']);
    expect(last?.changes.find((c) => c.field === 'company_name')).toMatchObject({ before: 'Onbekend', after: 'Épicerie Fine Élodie' });

    const invalid = await agentNl.post<{ details: Messages }>(`/api/records/${dossier.id}/prefill-from-kbo`, { number: '0712 896 640' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details.messages.nl).toContain('controlecijfers');
  });

  it('applies the update extract over HTTP', async () => {
    const up = await admin.post<{ deleted: Record<string, number> }>('/api/admin/kbo/import', { dir: `${EXTRACT}/update`, mode: 'update' });
    expect(up.status).toBe(200);
    expect(up.body.deleted['enterprise']).toBe(2);
    expect((await agent.get('/api/kbo/0716.344.109')).status).toBe(404);
    expect((await agent.get<Enterprise>('/api/kbo/0799.999.085')).body.name.fr).toBe('Librairie Nouvelle Flagey');
  });
});
