import { startTestServer, type ApiClient, type ErrorBody, type RecordView, type TestServer } from '../api/api-harness';
import { replyPreferences } from '../../runtime/services/contact-preferences';
import { contactCentreUser, nissFor } from './contact-centre-harness';

let server: TestServer;
let line1: ApiClient;
let line2: ApiClient;
let supervisor: ApiClient;
let expert: ApiClient;

interface FromNiss { existing: boolean; contact: RecordView }
interface Duplicates { total: number; items: Array<RecordView & { matchedOn: string[] }> }
type Err = ErrorBody & { details: { messages?: { fr: string; nl: string }; problem?: string } };

// People of examples/national-register/people.csv (all fictitious).
const CAMILLE = '85.07.30-033.28';
const EMMA_BORN_2000 = '00010101291';
const OLENA_BIS = '87431206158';

beforeAll(async () => {
  server = await startTestServer();
  [line1, line2, supervisor, expert] = await Promise.all((['line1', 'line2', 'supervisor', 'expert'] as const).map((u) => contactCentreUser(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

describe('a contact from a national number', () => {
  it('is created with the National Register’s identity, birth date, address and language', async () => {
    const res = await line1.post<FromNiss>('/api/contacts/from-niss', { niss: CAMILLE });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/records/${res.body.contact.id}`);
    expect(res.body.existing).toBe(false);
    expect(res.body.contact.recordType).toBe('contact');
    expect(res.body.contact.title).toBe('Camille Fictif');
    expect(res.body.contact.fields).toMatchObject({
      niss: '85073003328', first_name: 'Camille', last_name: 'Fictif', birth_date: '1985-07-30', preferred_language: 'fr',
      address: { street: 'Rue des Exemples / Voorbeeldstraat', number: '12', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
    });
    expect(res.body.contact.status).toBe('active');
  });

  it('is found again, not created twice, when the same number is given in another notation', async () => {
    const first = await line1.post<FromNiss>('/api/contacts/from-niss', { niss: '85073003328' });
    expect(first.status).toBe(200);
    expect(first.body.existing).toBe(true);
    const again = await line2.post<FromNiss>('/api/contacts/from-niss', { niss: '850730 033 28' });
    expect(again.status).toBe(200);
    expect(again.body.contact.id).toBe(first.body.contact.id);
    const all = await supervisor.get<{ total: number }>('/api/records?type=contact&niss=85073003328');
    expect(all.body.total).toBe(1);
  });

  it('makes one contact when the same number is sent twice at once', async () => {
    const niss = '72021412610';
    const [a, b] = await Promise.all([line1.post<FromNiss>('/api/contacts/from-niss', { niss }), line2.post<FromNiss>('/api/contacts/from-niss', { niss })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.contact.id).toBe(b.body.contact.id);
  });

  it('works for people born in 2000 or later', async () => {
    const res = await line2.post<FromNiss>('/api/contacts/from-niss', { niss: EMMA_BORN_2000 });
    expect(res.status).toBe(201);
    expect(res.body.contact.fields).toMatchObject({ first_name: 'Emma', birth_date: '2000-01-01', preferred_language: 'nl' });
  });

  it('works for bis numbers', async () => {
    const res = await line2.post<FromNiss>('/api/contacts/from-niss', { niss: OLENA_BIS });
    expect(res.status).toBe(201);
    expect(res.body.contact.fields).toMatchObject({ niss: OLENA_BIS, last_name: 'Bisnumero', birth_date: '1987-03-12' });
  });

  it('keeps what the agent adds, such as an e-mail address and a preferred channel', async () => {
    const res = await line1.post<FromNiss>('/api/contacts/from-niss', { niss: '68052108767', fields: { email: 'jm.fictionnel@example.org', preferred_channel: 'email', last_name: 'Autre' } });
    expect(res.status).toBe(201);
    expect(res.body.contact.fields).toMatchObject({ email: 'jm.fictionnel@example.org', preferred_channel: 'email', last_name: 'Fictionnel' });
  });

  it('refuses a number whose check digits are wrong, in French for a French-speaking agent', async () => {
    const res = await line1.post<Err>('/api/contacts/from-niss', { niss: '85.07.30-033.29' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid-niss');
    expect(res.body.details.problem).toBe('check-digits');
    expect(res.body.message).toMatch(/chiffres de contrôle/);
    expect(res.body.details.messages?.nl).toMatch(/controlecijfers/);
  });

  it('refuses a number whose check digits are wrong, in Dutch for a Dutch-speaking agent', async () => {
    const res = await line2.post<Err>('/api/contacts/from-niss', { niss: '85073003329' });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/controlecijfers/);
    expect(res.body.details.messages?.fr).toMatch(/chiffres de contrôle/);
  });

  it('refuses a number that is not eleven digits, and a missing number', async () => {
    const short = await line1.post<Err>('/api/contacts/from-niss', { niss: '12345' });
    expect(short.status).toBe(422);
    expect(short.body.details.problem).toBe('format');
    expect((await line1.post<Err>('/api/contacts/from-niss', {})).status).toBe(422);
  });

  it('answers 404 with a clear message for a valid number the register does not know', async () => {
    const unknown = nissFor(1970, 1, 1, 1);
    const res = await line1.post<Err>('/api/contacts/from-niss', { niss: unknown });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('unknown-niss');
    expect(res.body.message).toMatch(/inconnu du Registre national/);
    expect(res.body.details.messages?.nl).toMatch(/onbekend in het Rijksregister/);
    expect((await supervisor.get<{ total: number }>(`/api/records?type=contact&niss=${unknown}`)).body.total).toBe(0);
  });

  it('is refused to a role that may not create contacts', async () => {
    const res = await expert.post<Err>('/api/contacts/from-niss', { niss: '90110321117' });
    expect(res.status).toBe(403);
  });
});

describe('duplicate contacts', () => {
  let jan: RecordView;
  let camilleId: string;

  beforeAll(async () => {
    jan = await line1.create({ first_name: 'Jan', last_name: 'Peeters', email: 'Jan.Peeters@Example.org', phone: '0470 12 34 56', preferred_language: 'nl' }, 'contact');
    camilleId = (await line1.post<FromNiss>('/api/contacts/from-niss', { niss: CAMILLE })).body.contact.id;
  });

  it('are found by national number, whatever its notation', async () => {
    const res = await line1.get<Duplicates>(`/api/contacts/duplicates?niss=${encodeURIComponent(CAMILLE)}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((c) => c.id)).toEqual([camilleId]);
    expect(res.body.items[0]?.matchedOn).toEqual(['niss']);
  });

  it('are found by e-mail address without regard to case', async () => {
    const res = await line1.get<Duplicates>('/api/contacts/duplicates?email=jan.peeters@example.ORG');
    expect(res.body.items.map((c) => c.id)).toEqual([jan.id]);
    expect(res.body.items[0]?.matchedOn).toEqual(['email']);
  });

  it('are found by phone number, national or international notation', async () => {
    for (const phone of ['+32470123456', '0470/12.34.56', '0032 470 12 34 56']) {
      const res = await line1.get<Duplicates>(`/api/contacts/duplicates?phone=${encodeURIComponent(phone)}`);
      expect(res.body.items.map((c) => c.id)).toEqual([jan.id]);
    }
  });

  it('list each contact once with every criterion it matched', async () => {
    const res = await line1.get<Duplicates>(`/api/contacts/duplicates?email=JAN.PEETERS@example.org&phone=0470123456&niss=${CAMILLE}`);
    expect(res.body.total).toBe(2);
    expect(res.body.items.find((c) => c.id === jan.id)?.matchedOn.sort()).toEqual(['email', 'phone']);
    expect(res.body.items.find((c) => c.id === camilleId)?.matchedOn).toEqual(['niss']);
  });

  it('are none when nothing matches', async () => {
    const res = await line1.get<Duplicates>('/api/contacts/duplicates?email=nobody@example.org&phone=%2B3225551234');
    expect(res.body).toEqual({ total: 0, items: [] });
  });

  it('need at least one criterion, and valid ones', async () => {
    expect((await line1.get('/api/contacts/duplicates')).status).toBe(400);
    expect((await line1.get('/api/contacts/duplicates?niss=85073003329')).status).toBe(422);
    expect((await line1.get('/api/contacts/duplicates?phone=abc')).status).toBe(422);
  });
});

describe('linking a contact to a case', () => {
  let emma: RecordView;

  beforeAll(async () => {
    const res = await line2.post<FromNiss>('/api/contacts/from-niss', { niss: EMMA_BORN_2000 });
    emma = res.body.contact;
  });

  it('sets the case’s contact through an update that the history shows, and copies the contact’s language when the case has none', async () => {
    const c = await supervisor.create({ subject: 'Bericht via Facebook', channel: 'facebook', topic: 'population' }, 'case');
    expect(c.fields['language']).toBeUndefined();
    const res = await supervisor.post<RecordView>(`/api/records/${c.id}/link-contact`, { contactId: emma.id });
    expect(res.status).toBe(200);
    expect(res.body.fields['contact']).toBe(emma.id);
    expect(res.body.fields['language']).toBe('nl');
    const last = (await supervisor.history(c.id)).at(-1);
    expect(last?.eventType).toBe('update');
    expect(last?.actor).toBe('u-supervisor');
    expect(last?.changes).toEqual(expect.arrayContaining([
      { field: 'contact', before: null, after: emma.id },
      { field: 'language', before: null, after: 'nl' },
    ]));
  });

  it('keeps the case’s own language when it has one', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'phone', topic: 'population', language: 'fr' }, 'case');
    const res = await line1.post<RecordView>(`/api/records/${c.id}/link-contact`, { contactId: emma.id });
    expect(res.body.fields['contact']).toBe(emma.id);
    expect(res.body.fields['language']).toBe('fr');
    expect((await line1.history(c.id)).at(-1)?.changes).toEqual([{ field: 'contact', before: null, after: emma.id }]);
  });

  it('gives the reply helper the contact’s preferred language, channel and address', async () => {
    const contact = await line1.create({ first_name: 'Hanne', last_name: 'Schets', email: 'hanne@example.org', phone: '0471 11 22 33', preferred_channel: 'phone', preferred_language: 'nl' }, 'contact');
    const c = await line1.create({ subject: 'Question', channel: 'email', topic: 'population', language: 'fr', from_email: 'other@example.org' }, 'case');
    const row = () => server.runtime.store.getInstance(c.id);
    expect(replyPreferences(server.runtime.store, row()!)).toEqual({ language: 'fr', channel: 'email', address: 'other@example.org' });
    await line1.post(`/api/records/${c.id}/link-contact`, { contactId: contact.id });
    expect(replyPreferences(server.runtime.store, row()!)).toEqual({ language: 'nl', channel: 'phone', address: '+32471112233' });
  });

  it('answers 404 for an unknown contact and 422 for a record that is not a contact', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'phone', topic: 'population', language: 'fr' }, 'case');
    const other = await line1.create({ subject: 'Autre', channel: 'phone', topic: 'population', language: 'fr' }, 'case');
    expect((await line1.post(`/api/records/${c.id}/link-contact`, { contactId: 'nope' })).status).toBe(404);
    expect((await line1.post(`/api/records/${c.id}/link-contact`, { contactId: other.id })).status).toBe(422);
    expect((await line1.post(`/api/records/${c.id}/link-contact`, {})).status).toBe(400);
    expect((await line1.history(c.id))).toHaveLength(1);
  });

  it('is refused on a closed case', async () => {
    const c = await line1.create({ subject: 'Question', channel: 'phone', topic: 'population', language: 'fr' }, 'case');
    await line1.send(c.id, 'close', { closing_reason: 'duplicate' });
    const res = await line1.post(`/api/records/${c.id}/link-contact`, { contactId: emma.id });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
