/**
 * The personal .ics feed of planned inspections (TR-30), read as a calendar app reads it: a
 * secret URL per user, revoked when rotated; RFC 5545 line ends, folding and escaping; one
 * event per visit whose UID stays and SEQUENCE grows when the visit moves.
 */
import Database from 'better-sqlite3';
import { ApiClient, loggedIn, startTestServer, type ErrorBody, type RecordView, type TestServer } from '../api/api-harness';
import { dossierToInspect, events, parseIcs, prop, rawProblems, REQUIRED_EVENT_PROPS, unescapeText, utcMs, value, type Clients, type IcsComponent } from './inspection-helpers';

jest.setTimeout(60_000);

let server: TestServer;
let c: Clients;
let agentNl: ApiClient;
let tricky: RecordView;
let plain: RecordView;
// Commas, semicolons, a backslash, accents and a length that needs folding.
const trickyName = 'Boulangerie « Au Pain; Doré », Frères & Fils \\ Schaerbeek — dénomination commerciale très longue';

beforeAll(async () => {
  server = await startTestServer();
  const [agent, alderman, secretary, nl, mgr] = await Promise.all(['agent', 'alderman', 'secretary', 'agent-nl', 'manager'].map((u) => loggedIn(server.url, u)));
  c = { agent: agent as ApiClient, manager: mgr as ApiClient, alderman: alderman as ApiClient, secretary: secretary as ApiClient };
  agentNl = nl as ApiClient;
  tricky = await dossierToInspect(c, { company_name: trickyName, registered_office: { street: 'Chaussée d’Anvers', number: '5', box: 'b;2', postalCode: '1000', city: 'Bruxelles' } });
  plain = await dossierToInspect(c, { company_name: 'Garage Horta SA' });
  await c.agent.send(tricky.id, 'plan-visit', { inspection_at: '2030-05-14T07:45:00Z', district: 'nord-est' });
  await c.agent.send(plain.id, 'plan-visit', { inspection_at: '2030-05-15T12:00:00Z', district: 'laeken' });
});

afterAll(async () => {
  await server?.close();
});

interface TokenBody { token: string; url: string }

async function newFeed(client: ApiClient): Promise<TokenBody> {
  const res = await client.post<TokenBody>('/api/me/calendar-token');
  expect(res.status).toBe(201);
  expect(res.body.url).toBe(`${server.url}/calendar/inspections.ics?token=${res.body.token}`);
  return res.body;
}

async function readFeed(url: string): Promise<{ raw: string; cal: IcsComponent }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  const raw = await res.text();
  expect(rawProblems(raw)).toEqual([]);
  return { raw, cal: parseIcs(raw) };
}

const eventOf = (cal: IcsComponent, recordId: string): IcsComponent => {
  const e = events(cal).find((x) => value(x, 'UID') === `inspection-${recordId}@civic-flow`);
  if (!e) throw new Error(`no event for ${recordId}`);
  return e;
};

describe('the inspections .ics feed', () => {
  it('gives one well-formed event per planned visit: CRLF, 75-octet lines, escaped text, UTC times of one hour', async () => {
    const { url } = await newFeed(c.agent);
    const { raw, cal } = await readFeed(url);
    expect(value(cal, 'VERSION')).toBe('2.0');
    expect(prop(cal, 'PRODID')).toBeDefined();
    expect(events(cal)).toHaveLength(2);
    for (const e of events(cal)) {
      for (const name of REQUIRED_EVENT_PROPS) expect(prop(e, name)).toBeDefined();
      expect(utcMs(value(e, 'DTEND')) - utcMs(value(e, 'DTSTART'))).toBe(3_600_000);
      expect(value(e, 'DTSTAMP')).toMatch(/^\d{8}T\d{6}Z$/);
    }
    // The long summary had to be folded, and came back whole once unfolded.
    expect(raw).toMatch(/\r\n /);
    const e = eventOf(cal, tricky.id);
    expect(value(e, 'SUMMARY')).toContain('Au Pain\\; Doré »\\, Frères & Fils \\\\ Schaerbeek');
    expect(unescapeText(value(e, 'SUMMARY'))).toBe(`Contrôle sur place : ${trickyName}`);
    expect(unescapeText(value(e, 'LOCATION'))).toBe('Chaussée d’Anvers 5 b;2, 1000 Bruxelles');
    expect(value(e, 'DTSTART')).toBe('20300514T074500Z');
    const description = unescapeText(value(e, 'DESCRIPTION'));
    expect(description.split('\n')).toEqual([
      'Quartier: Quartier Nord-Est (1000/1040)',
      'Contrôleur: Karim Recenseur',
      `Dossier: ${server.url}/#/record/${encodeURIComponent(tricky.id)}`,
    ]);
  });

  it('keeps the UID and raises the SEQUENCE when a visit moves', async () => {
    const { url } = await newFeed(c.agent);
    const before = eventOf((await readFeed(url)).cal, plain.id);
    await c.agent.send(plain.id, 'plan-visit', { inspection_at: '2030-05-16T08:00:00Z', district: 'laeken' });
    const after = eventOf((await readFeed(url)).cal, plain.id);
    expect(value(after, 'UID')).toBe(value(before, 'UID'));
    expect(Number(value(after, 'SEQUENCE'))).toBeGreaterThan(Number(value(before, 'SEQUENCE')));
    expect(value(after, 'DTSTART')).toBe('20300516T080000Z');
  });

  it('speaks the subscriber’s language and filters by district', async () => {
    const { url } = await newFeed(agentNl);
    const { cal } = await readFeed(url);
    expect(unescapeText(value(eventOf(cal, plain.id), 'SUMMARY'))).toBe('Controle ter plaatse: Garage Horta SA');
    expect(value(cal, 'X-WR-CALNAME')).toBe('Controleagenda'); // the agenda's label in the pack
    const laeken = (await readFeed(`${url}&district=laeken`)).cal;
    expect(events(laeken).map((e) => value(e, 'UID'))).toEqual([`inspection-${plain.id}@civic-flow`]);
    const bad = await fetch(`${url}&district=atlantis`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).details['messages']).toMatchObject({ fr: expect.stringContaining('Quartier inconnu'), nl: expect.stringContaining('Onbekende wijk') });
  });

  it('revokes the old URL when a new one is made, and answers unknown tokens with a bare 404', async () => {
    const first = await newFeed(c.agent);
    expect((await fetch(first.url)).status).toBe(200);
    const second = await newFeed(c.agent);
    expect(second.token).not.toBe(first.token);
    const old = await fetch(first.url);
    expect(old.status).toBe(404);
    expect(await old.text()).toBe('Not found');
    expect((await fetch(second.url)).status).toBe(200);
    for (const token of ['', 'x', 'A'.repeat(43)]) {
      const res = await fetch(`${server.url}/calendar/inspections.ics?token=${token}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('Not found');
    }
    expect((await fetch(`${server.url}/calendar/inspections.ics`)).status).toBe(404);
  });

  it('stores only a hash of the token', async () => {
    const { token } = await newFeed(c.agent);
    const db = new Database(`${server.dataDir}/civic-flow.sqlite`, { readonly: true });
    try {
      const rows = db.prepare('SELECT user_id, token_hash FROM calendar_tokens').all() as Array<{ user_id: string; token_hash: string }>;
      const mine = rows.filter((r) => r.user_id === 'u-agent');
      expect(mine).toHaveLength(1);
      expect(mine[0]!.token_hash).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      db.close();
    }
  });

  it('gives no feed to users who do not plan or review inspections', async () => {
    const res = await c.alderman.post<ErrorBody>('/api/me/calendar-token');
    expect(res.status).toBe(403);
    const anonymous = await new ApiClient(server.url).post<ErrorBody>('/api/me/calendar-token');
    expect(anonymous.status).toBe(401);
  });
});
