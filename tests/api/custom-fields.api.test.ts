/**
 * Custom dossier fields (TR-18): a delegated admin adds a field to the dossier in the pack and
 * publishes; new dossiers have it on their screen and in their history, and records keep
 * their own version of the pack.
 */
import { readPackDir } from '../../runtime/packs/pack-files';
import { ApiClient, PACK_DIR, frenchGarage, loggedIn, startTestServer, type RecordView, type TestServer } from './api-harness';

let server: TestServer;
let admin: ApiClient;
let agent: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent] = await Promise.all(['admin', 'agent'].map((u) => loggedIn(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

const DOSSIER = 'records/dossier.yaml';

/** The shipped pack with a custom field "number of shop windows" in the company section. */
function packWithCustomField(): Record<string, string> {
  const files = readPackDir(PACK_DIR);
  let text = files[DOSSIER] ?? '';
  expect(text).toContain('\nfields:\n');
  text = text.replace('\nfields:\n', `\nfields:
  shop_windows:
    type: number
    label: { fr: Nombre de vitrines, nl: Aantal etalages, en: Number of shop windows }
    min: 0
`);
  const section = 'fields: [company_name, enterprise_number, business, vat_number, legal_form, registered_office, contact_email, language]';
  expect(text).toContain(section);
  files[DOSSIER] = text.replace(section, section.replace('language]', 'language, shop_windows]'));
  return files;
}

interface RecordTypeInfo { record: string; fields: Record<string, { type: string; label: { fr: string; nl: string } }>; layout?: { sections: Array<{ id: string; fields: string[] }> } }

describe('custom dossier fields', () => {
  it('appear on new dossiers once the admin publishes them, validated like any field', async () => {
    const before = await agent.create(frenchGarage);
    const draft = await admin.post<{ version: number; valid: boolean }>('/api/packs/drafts', { files: packWithCustomField() });
    expect(draft.body).toMatchObject({ valid: true });
    expect((await admin.post(`/api/packs/${draft.body.version}/publish`)).status).toBe(200);

    // The generated screens read the field and its section from the record type.
    const types = await agent.get<{ recordTypes: RecordTypeInfo[] }>('/api/record-types');
    const dossier = types.body.recordTypes.find((t) => t.record === 'dossier');
    expect(dossier?.fields['shop_windows']).toMatchObject({ type: 'number', label: { fr: 'Nombre de vitrines', nl: 'Aantal etalages' } });
    expect(dossier?.layout?.sections.find((s) => s.id === 'company')?.fields).toContain('shop_windows');

    const fresh = await agent.create({ ...frenchGarage, shop_windows: 3 });
    expect(fresh.fields['shop_windows']).toBe(3);
    const bad = await agent.event(fresh.id, 'update', { fields: { shop_windows: -1 } });
    expect(bad.status).toBe(422);
    const updated = await agent.send(fresh.id, 'update', { fields: { shop_windows: 4 } });
    expect(updated.fields['shop_windows']).toBe(4);
    const history = await agent.history(fresh.id);
    expect(history.at(-1)?.changes).toEqual([{ field: 'shop_windows', before: 3, after: 4 }]);

    // A dossier made before stays on its version of the pack, where the field does not exist.
    const old = await agent.event(before.id, 'update', { fields: { shop_windows: 1 } });
    expect(old.status).toBe(422);
    expect(old.body.details['fields']).toHaveProperty('shop_windows');
    expect((await agent.record(before.id) as RecordView).packVersion).toBe(1);
  });
});
