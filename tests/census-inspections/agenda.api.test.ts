/**
 * The inspection agenda (TR-30) over HTTP: planned visits by Brussels day and district, a moved
 * visit following, filters, done visits on request, who may read it, and bad input refused.
 */
import { ApiClient, loggedIn, startTestServer, type ErrorBody, type RecordView, type TestServer } from '../api/api-harness';
import type { Agenda, AgendaItem } from '../../runtime/services/inspections.service';
import { dossierToInspect, type Clients } from './inspection-helpers';

jest.setTimeout(60_000);

let server: TestServer;
let c: Clients;
let agentNl: ApiClient;
let manager: ApiClient;
const office = { street: 'Rue Haute', number: '12', postalCode: '1000', city: 'Bruxelles' };
let moliere: RecordView;
let peeters: RecordView;
let horta: RecordView;
let midnight: RecordView;
let nextWeek: RecordView;

beforeAll(async () => {
  server = await startTestServer();
  const [agent, alderman, secretary, nl, mgr] = await Promise.all(['agent', 'alderman', 'secretary', 'agent-nl', 'manager'].map((u) => loggedIn(server.url, u)));
  c = { agent: agent as ApiClient, manager: mgr as ApiClient, alderman: alderman as ApiClient, secretary: secretary as ApiClient };
  agentNl = nl as ApiClient;
  manager = mgr as ApiClient;
  moliere = await dossierToInspect(c, { company_name: 'Librairie Molière SRL', registered_office: office });
  peeters = await dossierToInspect(c, { company_name: 'Bakkerij Peeters BV', language: 'nl' }, agentNl);
  horta = await dossierToInspect(c, { company_name: 'Garage Horta SA' });
  midnight = await dossierToInspect(c, { company_name: 'Friterie de Minuit' });
  nextWeek = await dossierToInspect(c, { company_name: 'Cycles Laeken SPRL' });
  // The week of Monday 1 March 2027 (winter time, UTC+1).
  await c.agent.send(moliere.id, 'plan-visit', { inspection_at: '2027-03-02T08:30:00Z', district: 'pentagone' });
  await agentNl.send(peeters.id, 'plan-visit', { inspection_at: '2027-03-02T13:00:00Z', district: 'laeken', manager_joins: true });
  await c.agent.send(horta.id, 'plan-visit', { inspection_at: '2027-03-04T09:00:00Z', district: 'pentagone' });
  // 23:30 UTC on the 3rd is 00:30 on the 4th in Brussels: it belongs to the 4th.
  await c.agent.send(midnight.id, 'plan-visit', { inspection_at: '2027-03-03T23:30:00Z', district: 'louise' });
  await c.agent.send(nextWeek.id, 'plan-visit', { inspection_at: '2027-03-09T09:00:00Z', district: 'laeken' });
});

afterAll(async () => {
  await server?.close();
});

const week = '/api/inspections?from=2027-03-01&to=2027-03-07';
const shape = (a: Agenda) => a.days.map((d) => `${d.date} ${d.districts.map((x) => `${x.district}[${x.items.map((i) => `${i.companyName}@${i.time}`).join(',')}]`).join(' ')}`);
const all = (a: Agenda): AgendaItem[] => a.days.flatMap((d) => d.districts.flatMap((x) => x.items));

describe('the inspection agenda', () => {
  it('lists the week’s planned visits by Brussels day and district, with company, address, time, inspector and manager', async () => {
    const res = await c.agent.get<Agenda>(week);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2027-03-01', to: '2027-03-07', timeZone: 'Europe/Brussels', total: 4, truncated: false });
    expect(shape(res.body)).toEqual([
      '2027-03-02 pentagone[Librairie Molière SRL@09:30] laeken[Bakkerij Peeters BV@14:00]',
      '2027-03-04 pentagone[Garage Horta SA@10:00] louise[Friterie de Minuit@00:30]',
    ]);
    const day = res.body.days[0]!;
    expect(day.districts[0]!.label).toEqual({ fr: 'Pentagone (1000)', nl: 'Vijfhoek (1000)', en: 'Pentagon (1000)' });
    expect(day.districts[0]!.items[0]).toMatchObject({
      id: moliere.id, address: 'Rue Haute 12, 1000 Bruxelles', inspectionAt: '2027-03-02T08:30:00.000Z',
      inspector: { id: 'u-agent', displayName: 'Karim Recenseur' }, managerJoins: false, done: false,
    });
    expect(day.districts[1]!.items[0]).toMatchObject({ id: peeters.id, inspector: { id: 'u-agent-nl', displayName: 'Lotte Teller' }, managerJoins: true });
    // The manager reads the same agenda.
    const forManager = await manager.get<Agenda>(week);
    expect(forManager.status).toBe(200);
    expect(shape(forManager.body)).toEqual(shape(res.body));
  });

  it('follows a visit moved to another day', async () => {
    await c.agent.send(moliere.id, 'plan-visit', { inspection_at: '2027-03-05T12:15:00Z', district: 'pentagone' });
    const res = await c.agent.get<Agenda>(week);
    expect(shape(res.body)).toEqual([
      '2027-03-02 laeken[Bakkerij Peeters BV@14:00]',
      '2027-03-04 pentagone[Garage Horta SA@10:00] louise[Friterie de Minuit@00:30]',
      '2027-03-05 pentagone[Librairie Molière SRL@13:15]',
    ]);
    // Next week's visit is only in next week's agenda.
    const next = await c.agent.get<Agenda>('/api/inspections?from=2027-03-08&to=2027-03-14');
    expect(shape(next.body)).toEqual(['2027-03-09 laeken[Cycles Laeken SPRL@10:00]']);
  });

  it('filters by district and by inspector', async () => {
    const laeken = await c.agent.get<Agenda>(`${week}&district=laeken`);
    expect(all(laeken.body).map((i) => i.companyName)).toEqual(['Bakkerij Peeters BV']);
    const pentagone = await c.agent.get<Agenda>(`${week}&district=pentagone`);
    expect(all(pentagone.body).map((i) => i.companyName)).toEqual(['Garage Horta SA', 'Librairie Molière SRL']);
    const byLotte = await c.agent.get<Agenda>(`${week}&inspector=u-agent-nl`);
    expect(all(byLotte.body).map((i) => i.id)).toEqual([peeters.id]);
  });

  it('leaves a visit out once it is recorded, and shows it again as done when asked', async () => {
    await c.agent.send(horta.id, 'record-visit');
    const planned = await c.agent.get<Agenda>(week);
    expect(all(planned.body).map((i) => i.companyName)).not.toContain('Garage Horta SA');
    const withDone = await c.agent.get<Agenda>(`${week}&include=done`);
    const done = all(withDone.body).find((i) => i.id === horta.id);
    expect(done).toMatchObject({ done: true, time: '10:00' });
    expect(typeof done?.visitedOn).toBe('string');
    expect(all(withDone.body).filter((i) => !i.done)).toHaveLength(3);
  });

  it('is for census agents and tax managers only', async () => {
    const alderman = await c.alderman.get<ErrorBody>(week);
    expect(alderman.status).toBe(403);
    expect(alderman.body.message).toBe('"Controleagenda" is voorbehouden aan de rollen: Tellingsagent, Verantwoordelijke dienst Belastingen.'); // the alderman reads Dutch; the pack's label and roles
    const line1 = await new ApiClient(server.url).login('line1', 'line1-demo');
    const denied = await line1.get<ErrorBody>(week);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('« Agenda des contrôles » est réservé aux rôles : Agent recenseur, Responsable du service Taxes.');
    const anonymous = await fetch(`${server.url}${week}`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses bad dates, ranges, districts and options in French, Dutch and English', async () => {
    const cases: Array<[string, string]> = [
      ['/api/inspections?from=2027-02-30&to=2027-03-07', 'from'],
      ['/api/inspections?from=2027-03-07&to=2027-03-01', 'to'],
      ['/api/inspections?from=2027-01-01&to=2028-06-01', 'to'],
      [`${week}&district=molenbeek`, 'district'],
      [`${week}&include=everything`, 'include'],
    ];
    for (const [path, parameter] of cases) {
      const res = await c.agent.get<ErrorBody>(path);
      expect(res.status).toBe(400);
      expect(res.body.details).toMatchObject({ parameter });
      const messages = res.body.details['messages'] as Record<string, string>;
      expect(Object.keys(messages).sort()).toEqual(['en', 'fr', 'nl']);
      expect(messages['fr']).not.toEqual(messages['nl']);
    }
    // Nothing changed: the agenda is as before.
    expect((await c.agent.get<Agenda>(week)).body.total).toBe(3);
  });
});
