/**
 * Email alerts to the tax team (TR-17): a `notify` of the census process reaches the users of
 * the role in the app and, for those with an email address (users.yaml), by mail in their own
 * language, through the relay (a local smtp-server on 127.0.0.1 standing for the commune's
 * relay, see smtp-sink.ts), once per alert.
 */
import { effectHandlers } from '../../runtime/services/effect-handlers';
import { mailSettings } from '../../runtime/services/mail-out';
import { ApiClient, dutchBakery, eventually, startTestServer, type RecordView, type TestServer } from '../api/api-harness';
import { SmtpSink } from './smtp-sink';

const MANAGER = 'marc.responsable@commune.example.brussels';
const ALDERMAN = 'sofie.schepen@commune.example.brussels';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A signed dossier through mailing, return, an unclear analysis and the visit, to the manager's PV review. */
async function signedToPvReview(agent: ApiClient, id: string, visit: { inspection_at: string; district: string }, pv: string): Promise<RecordView> {
  await agent.send(id, 'send-registered-mail');
  await agent.send(id, 'return-received', { declared_amount: '800' });
  await agent.send(id, 'conclude-analysis', { outcome: 'unclear' });
  await agent.send(id, 'plan-visit', visit);
  await agent.send(id, 'record-visit');
  await agent.send(id, 'update', { fields: { pv_summary: pv } });
  return agent.send(id, 'submit-pv');
}

describe('alerts of the census process by mail', () => {
  const sink = new SmtpSink();
  let srv: TestServer;
  let agent: ApiClient;
  let manager: ApiClient;
  let alderman: ApiClient;
  let secretary: ApiClient;

  beforeAll(async () => {
    await sink.start();
    srv = await startTestServer({ MAIL_RELAY_URL: sink.url, PUBLIC_URL: 'https://civic-flow.commune.example.brussels/' });
    agent = await new ApiClient(srv.url).login('agent');
    manager = await new ApiClient(srv.url).login('manager');
    alderman = await new ApiClient(srv.url).login('alderman');
    secretary = await new ApiClient(srv.url).login('secretary');
  });

  afterAll(async () => {
    await srv.close();
    await sink.stop();
  });

  it('mails the approval request and the PV review to the tax manager in French, and the signature request to the alderman in Dutch, once each', async () => {
    let d = await agent.create({ ...dutchBakery, company_name: 'Bakkerij Alarm BV' });
    d = await agent.send(d.id, 'prepare');
    d = await agent.send(d.id, 'request-signature');
    const ofDossier = (to: string) => sink.to(to).filter((m) => m.subject.includes(`[CF-${d.id}]`));

    // The manager approves the letter first (TR-23): the request is mailed in the manager's French.
    const [toApprove] = await eventually(async () => (ofDossier(MANAGER).length ? ofDossier(MANAGER) : null), 10_000);
    expect(toApprove?.subject).toBe(`Lettre à approuver : Bakkerij Alarm BV [CF-${d.id}]`);
    expect(toApprove?.text).toContain('La lettre du dossier Bakkerij Alarm BV attend votre approbation');
    expect(srv.runtime.store.listDeliveries('notification', 1000).filter((n) => n['recordId'] === d.id).map((n) => n['role'])).toEqual(['tax-manager']);
    expect((await manager.event(d.id, 'approve')).status).toBe(200);

    // The alderman (Dutch-speaking, with an address) gets the mail; the secretary has no address: in the app only.
    const [toAlderman] = await eventually(async () => (sink.to(ALDERMAN).length ? sink.to(ALDERMAN) : null), 10_000);
    expect(toAlderman?.subject).toBe(`Brief te ondertekenen: Bakkerij Alarm BV [CF-${d.id}]`);
    expect(toAlderman?.text).toContain('De begeleidende brief van dossier Bakkerij Alarm BV wacht op uw goedkeuring en handtekening.');
    expect(toAlderman?.text).toContain(`https://civic-flow.commune.example.brussels/#/records/${d.id}`);
    expect(toAlderman?.headers.get('auto-submitted')).toBe('auto-generated');
    const notifications = srv.runtime.store.listDeliveries('notification', 1000).filter((n) => n['recordId'] === d.id);
    expect(notifications.map((n) => n['role']).sort()).toEqual(['alderman-finance', 'municipal-secretary', 'tax-manager']);
    expect(sink.arrived.filter((m) => m.subject.includes(`[CF-${d.id}]`)).map((m) => m.envelopeTo).flat()).toEqual([MANAGER, ALDERMAN]);

    expect((await alderman.event(d.id, 'approve')).status).toBe(200);
    expect((await secretary.event(d.id, 'approve')).status).toBe(200);
    d = await signedToPvReview(agent, d.id, { inspection_at: '2026-12-03T09:30:00.000Z', district: 'pentagone' }, 'Enseigne de 4 m² constatée.');
    expect(d.states).toEqual(['inspection', 'pv-review']);

    const pvReview = () => ofDossier(MANAGER).filter((m) => m.subject.startsWith('PV '));
    const [toManager] = await eventually(async () => (pvReview().length ? pvReview() : null), 10_000);
    expect(toManager?.subject).toBe(`PV à approuver : Bakkerij Alarm BV [CF-${d.id}]`);
    expect(toManager?.text).toContain('Le procès-verbal de contrôle du dossier Bakkerij Alarm BV attend votre approbation.');
    expect(toManager?.envelopeFrom).toBe('no-reply@commune.example.brussels');

    // Settled outbox, and the notify handler run again on its done row (an at-least-once redelivery): no second mail.
    const rows = await eventually(async () => {
      const mine = srv.runtime.store.listOutbox(null, 10_000).filter((r) => r.instanceId === d.id && r.kind === 'notify');
      return mine.length > 0 && mine.every((r) => r.status === 'done') ? mine : null;
    }, 5000);
    const { store, packs, records } = srv.runtime;
    const handlers = effectHandlers({ store, packs, records, adapters: {}, mail: mailSettings({ mailRelayUrl: sink.url, mailFrom: 'taxes@commune.example.brussels', mailAlertFrom: 'no-reply@commune.example.brussels', publicUrl: '' }) });
    for (const row of rows) await handlers['notify']?.(row);
    await sleep(300);
    expect(ofDossier(MANAGER).map((m) => m.subject)).toEqual([`Lettre à approuver : Bakkerij Alarm BV [CF-${d.id}]`, `PV à approuver : Bakkerij Alarm BV [CF-${d.id}]`]);
    expect(ofDossier(ALDERMAN)).toHaveLength(1);
  });

  it('lets the user follow a language change: the alert is mailed in the language the user chose', async () => {
    // The manager switches to Dutch in the app; the next alerts follow.
    const pref = await manager.request('PUT', '/api/me/language', { language: 'nl' });
    expect(pref.status).toBe(200);
    let d = await agent.create({ ...dutchBakery, company_name: 'Bakkerij Taal BV' });
    d = await agent.send(d.id, 'prepare');
    d = await agent.send(d.id, 'request-signature');
    const approval = await eventually(async () => sink.to(MANAGER).find((m) => m.subject.includes(`[CF-${d.id}]`)) ?? null, 10_000);
    expect(approval.subject).toBe(`Brief goed te keuren: Bakkerij Taal BV [CF-${d.id}]`);
    expect((await manager.event(d.id, 'approve')).status).toBe(200);
    expect((await alderman.event(d.id, 'approve')).status).toBe(200);
    expect((await secretary.event(d.id, 'approve')).status).toBe(200);
    d = await signedToPvReview(agent, d.id, { inspection_at: '2026-12-04T09:30:00.000Z', district: 'laeken' }, 'Terras van 20 m².');
    const mail = await eventually(async () => sink.to(MANAGER).find((m) => m.subject.includes(`[CF-${d.id}]`) && m.subject.startsWith('PV ')) ?? null, 10_000);
    expect(mail.subject).toBe(`PV goed te keuren: Bakkerij Taal BV [CF-${d.id}]`);
  });
});
