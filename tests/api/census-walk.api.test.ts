import { eventually, dutchBakery, frenchGarage, loggedIn, startTestServer, type ApiClient, type RecordView, type TestServer } from './api-harness';

let server: TestServer;
let agent: ApiClient;
let alderman: ApiClient;
let secretary: ApiClient;
let manager: ApiClient;
let admin: ApiClient;
/** Moves the server's clock forward, for the deadlines counted in days. */
let clockOffset = 0;

beforeAll(async () => {
  server = await startTestServer({}, () => Date.now() + clockOffset);
  [agent, alderman, secretary, manager, admin] = await Promise.all(['agent', 'alderman', 'secretary', 'manager', 'admin'].map((u) => loggedIn(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

interface TimerItem { instanceId: string; key: string; eventType: string; dueAt: string }
interface Delivery { id: number; at: string; key: string; role?: string; recordId: string; lang: string; subject: string; body: string }

const progress = (r: RecordView): string => r.progress.map((p) => `${p.id}:${p.state}`).join(' ');

/** Wall-clock date and time in Brussels, e.g. 2026-03-14 09:05:00. */
function brussels(ms: number): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p['year']}-${p['month']}-${p['day']}`, time: `${p['hour']}:${p['minute']}:${p['second']}` };
}

function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('the full census walk over HTTP', () => {
  it('takes a dossier from creation through the manager’s approval, signatures, mail, inspection and PV review to the tax, and closes it', async () => {
    let d = await agent.create(dutchBakery);
    expect(progress(d)).toBe('preparation:current signature:todo mailing:todo analysis:todo inspection:todo taxation:todo done:todo');

    d = await agent.send(d.id, 'prepare');
    expect(d).toMatchObject({ status: 'open', owner: 'u-agent', version: 2 });

    d = await agent.send(d.id, 'request-signature', {}, d.version);
    // The manager approves the letter before the signatories see it (TR-23).
    expect(d).toMatchObject({ status: 'pending', step: 'signature', states: ['manager-approval'], reason: { fr: 'En attente de l\'approbation du responsable' } });
    expect(progress(d)).toBe('preparation:done signature:current mailing:todo analysis:todo inspection:todo taxation:todo done:todo');
    // The alderman may not sign before the manager approved.
    const tooEarly = await alderman.event(d.id, 'approve');
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.code).toBe('event-not-allowed');
    d = await manager.send(d.id, 'approve', {}, d.version);
    expect(d).toMatchObject({ status: 'pending', step: 'signature', states: ['signing'], reason: { fr: 'Envoyé pour approbation' } });
    expect(progress(d)).toBe('preparation:done signature:current mailing:todo analysis:todo inspection:todo taxation:todo done:todo');

    // Both sign at the same moment: both signatures count.
    const [byAlderman, bySecretary] = await Promise.all([alderman.event(d.id, 'approve'), secretary.event(d.id, 'approve', { comment: 'OK pour moi' })]);
    expect([byAlderman.status, bySecretary.status]).toEqual([200, 200]);
    d = await agent.record(d.id);
    expect(d).toMatchObject({ status: 'open', step: 'mailing', states: ['signed'], version: 6, reason: { fr: 'Signatures reçues' } });

    d = await agent.send(d.id, 'send-registered-mail');
    expect(d).toMatchObject({ status: 'pending', states: ['awaiting-return'] });
    const sentOn = d.fields['letter_sent_on'];
    expect(typeof sentOn).toBe('string');

    // The 15-day reply deadline is visible to admins, due 15 Brussels days later at the same time of day.
    const timers = await admin.get<{ items: TimerItem[] }>('/api/admin/timers');
    expect(timers.status).toBe(200);
    const mine = timers.body.items.filter((t) => t.instanceId === d.id);
    expect(mine).toHaveLength(1);
    const sent = brussels(Date.parse(String(sentOn)));
    const due = brussels(Date.parse(mine[0]!.dueAt));
    expect(due).toEqual({ date: plusDays(sent.date, 15), time: sent.time });
    const days = (Date.parse(mine[0]!.dueAt) - Date.parse(String(sentOn))) / 86_400_000;
    expect(Math.abs(days - 15)).toBeLessThanOrEqual(1 / 24);
    // Agents do not see the admin pages.
    expect((await agent.get('/api/admin/timers')).status).toBe(403);

    d = await agent.send(d.id, 'return-received', { declared_amount: '1250.50' });
    expect(d).toMatchObject({ status: 'open', step: 'analysis', fields: { declared_amount: 1250.5 } });
    // The deadline no longer applies once the forms came back.
    const after = await admin.get<{ items: TimerItem[] }>('/api/admin/timers');
    expect(after.body.items.filter((t) => t.instanceId === d.id)).toEqual([]);

    d = await agent.send(d.id, 'conclude-analysis', { outcome: 'unclear' });
    expect(d).toMatchObject({ step: 'inspection', states: ['inspection', 'visit-planned'], fields: { outcome: 'unclear' } });
    d = await agent.send(d.id, 'plan-visit', { inspection_at: '2026-12-03T09:30:00.000Z', district: 'pentagone' });
    d = await agent.send(d.id, 'record-visit');
    expect(d.states).toEqual(['inspection', 'pv-draft']);
    expect(d.fields['visit_count']).toBe(1);
    expect(d.events?.map((e) => e.type)).not.toContain('submit-pv');

    d = await agent.send(d.id, 'update', { fields: { pv_summary: 'Surface de 120 m² constatée, enseigne lumineuse.' } });
    expect(d.fields['pv_summary']).toBe('Surface de 120 m² constatée, enseigne lumineuse.');
    d = await agent.send(d.id, 'submit-pv');
    expect(d).toMatchObject({ status: 'pending', states: ['inspection', 'pv-review'] });

    d = await manager.send(d.id, 'reject', { comment: 'Préciser la surface de l’enseigne.' });
    expect(d).toMatchObject({ status: 'open', states: ['inspection', 'pv-draft'], reason: { fr: 'PV en rédaction' } });

    d = await agent.send(d.id, 'submit-pv');
    expect(d.states).toEqual(['inspection', 'pv-review']);
    d = await manager.send(d.id, 'approve');
    expect(d).toMatchObject({ status: 'open', states: ['inspection', 'pv-approved'], reason: { fr: 'PV approuvé', nl: 'PV goedgekeurd' } });
    expect(progress(d)).toBe('preparation:done signature:done mailing:done analysis:done inspection:current taxation:todo done:todo');

    d = await manager.send(d.id, 'tax-ex-officio');
    expect(d).toMatchObject({ step: 'taxation', states: ['ex-officio', 'to-notify'] });
    // The notification needs its reasons, basis and amount; the signage regulation doubles the tax.
    expect((await manager.event(d.id, 'send-notification')).status).toBe(409);
    d = await manager.send(d.id, 'update', { fields: { ex_officio_reasons: 'Déclaration inexacte : surface sous-estimée.', ex_officio_basis: 'PV du contrôle : 120 m².', assessed_amount: 1800 } });
    expect(d.fields).toMatchObject({ ex_officio_increase: 2, total_tax: 3600 });
    d = await manager.send(d.id, 'send-notification');
    expect(d).toMatchObject({ status: 'pending', states: ['ex-officio', 'notified'], fields: { increase_factor: 2 } });
    expect((await manager.event(d.id, 'set-tax')).status).toBe(409);
    const notifiedTimer = (await admin.get<{ items: TimerItem[] }>('/api/admin/timers')).body.items.filter((t) => t.instanceId === d.id);
    expect(notifiedTimer).toHaveLength(1);
    // Deemed received on the third working day, then 30 calendar days for observations.
    clockOffset += Date.parse(notifiedTimer[0]!.dueAt) - Date.now() + 1000;
    manager = await loggedIn(server.url, 'manager');
    d = await eventually(async () => {
      const v = await manager.get<RecordView>(`/api/records/${d.id}`);
      return v.body.states[1] === 'observation-period' ? v.body : null;
    });
    clockOffset += 31 * 86_400_000;
    manager = await loggedIn(server.url, 'manager');
    d = await eventually(async () => {
      const v = await manager.get<RecordView>(`/api/records/${d.id}`);
      return v.body.states[1] === 'ready-to-tax' ? v.body : null;
    });
    d = await manager.send(d.id, 'set-tax');
    expect(d).toMatchObject({
      status: 'closed', step: 'done', done: true, states: ['closed-taxed'],
      fields: { assessed_amount: 1800, increase_factor: 2, total_tax: 3600 },
    });
    expect(progress(d)).toBe('preparation:done signature:done mailing:done analysis:done inspection:done taxation:done done:done');
    // Closed: only the payment data Onyx reports back may still be written.
    expect(d.events?.map((e) => e.type)).toEqual(['update']);
    // Sessions opened before the jump in time have expired.
    [agent, alderman, secretary, admin] = await Promise.all(['agent', 'alderman', 'secretary', 'admin'].map((u) => loggedIn(server.url, u)));

    const history = await agent.history(d.id);
    expect(history.map((h) => h.eventType)).toEqual([
      'create', 'prepare', 'request-signature', 'approve', 'approve', 'approve', 'send-registered-mail', 'return-received',
      'conclude-analysis', 'plan-visit', 'record-visit', 'update', 'submit-pv', 'reject', 'submit-pv', 'approve', 'tax-ex-officio',
      'update', 'send-notification', expect.stringMatching(/^timer:/), expect.stringMatching(/^timer:/), 'set-tax',
    ]);
    // The manager's approval comes before the two signatures.
    const approvals = history.filter((h) => h.eventType === 'approve');
    expect(approvals[0]).toMatchObject({ actor: 'u-manager', fromStates: ['manager-approval'], toStates: ['signing'] });
    expect(approvals.slice(1, 3).map((h) => h.actor).sort()).toEqual(['u-alderman', 'u-secretary']);
    expect(history.find((h) => h.eventType === 'reject')).toMatchObject({ actor: 'u-manager', data: { comment: 'Préciser la surface de l’enseigne.' } });
    expect(history.map((h) => h.version)).toEqual(history.map((_, i) => i + 1));

    // A closed dossier accepts no other change, and says which field is frozen.
    const late = await agent.event(d.id, 'update', { fields: { legal_form: 'BV' } });
    expect(late.status).toBe(422);
    expect((late.body.details['fields'] as Record<string, { code: string; nl: string }>)['legal_form']).toMatchObject({ code: 'closed-record', message: expect.stringContaining('clôturé') });
    expect((await agent.event(d.id, 'prepare')).status).toBe(409);
    expect((await agent.send(d.id, 'update', { fields: { tax_paid_amount: 3600, tax_paid_on: '2027-02-10' } })).fields).toMatchObject({ tax_paid_amount: 3600 });
  });

  it('sends the dossier back to preparation when the manager or a signer refuses, with the reason kept', async () => {
    let d = await agent.create(frenchGarage);
    await agent.send(d.id, 'prepare');
    await agent.send(d.id, 'request-signature');
    // The manager refuses the letter first: the reason is required too.
    expect((await manager.event(d.id, 'reject')).status).toBe(422);
    d = await manager.send(d.id, 'reject', { comment: 'Adresse du siège à vérifier' });
    expect(d).toMatchObject({ status: 'open', states: ['preparing'] });
    expect((await agent.history(d.id)).at(-1)).toMatchObject({ eventType: 'reject', actor: 'u-manager', data: { comment: 'Adresse du siège à vérifier' } });
    await agent.send(d.id, 'request-signature');
    await manager.send(d.id, 'approve');
    const noReason = await secretary.event(d.id, 'reject');
    expect(noReason.status).toBe(422);
    expect(noReason.body.details['fields']).toHaveProperty('comment');
    d = await secretary.send(d.id, 'reject', { comment: 'Mauvais règlement-taxe' });
    expect(d).toMatchObject({ status: 'open', states: ['preparing'] });
  });
});

describe('notifications', () => {
  it('notifies the tax managers once signature is requested, then the alderman and the secretary once the manager approved, in the dossier’s language', async () => {
    const nl = await agent.create(dutchBakery);
    const fr = await agent.create({ ...frenchGarage, company_name: 'Librairie Tropismes SRL' });
    for (const d of [nl, fr]) {
      await agent.send(d.id, 'prepare');
      await agent.send(d.id, 'request-signature');
    }

    const forRecord = async (id: string, n: number): Promise<Delivery[] | null> => {
      const res = await admin.get<{ items: Delivery[] }>('/api/admin/notifications');
      expect(res.status).toBe(200);
      const items = res.body.items.filter((x) => x.recordId === id);
      return items.length >= n ? items : null;
    };
    // First the manager's approval is asked (TR-23), and only that.
    const toManagerNl = await eventually(() => forRecord(nl.id, 1));
    expect(toManagerNl).toEqual([expect.objectContaining({ role: 'tax-manager', lang: 'nl', subject: 'Brief goed te keuren: Bakkerij Peeters BV' })]);
    const toManagerFr = await eventually(() => forRecord(fr.id, 1));
    expect(toManagerFr).toEqual([expect.objectContaining({ role: 'tax-manager', lang: 'fr', subject: 'Lettre à approuver : Librairie Tropismes SRL' })]);

    for (const d of [nl, fr]) await manager.send(d.id, 'approve');
    const signatories = (items: Delivery[]): Delivery[] => items.filter((x) => x.role !== 'tax-manager');
    const dutch = signatories(await eventually(() => forRecord(nl.id, 3)));
    expect(dutch.map((x) => x.role).sort()).toEqual(['alderman-finance', 'municipal-secretary']);
    for (const x of dutch) {
      expect(x).toMatchObject({ lang: 'nl', subject: 'Brief te ondertekenen: Bakkerij Peeters BV' });
      expect(x.body).toContain('Bakkerij Peeters BV');
    }

    const french = signatories(await eventually(() => forRecord(fr.id, 3)));
    expect(french.map((x) => x.role).sort()).toEqual(['alderman-finance', 'municipal-secretary']);
    for (const x of french) {
      expect(x).toMatchObject({ lang: 'fr', subject: 'Lettre à signer : Librairie Tropismes SRL' });
      expect(x.body).toContain('Librairie Tropismes SRL');
    }

    // Delivered exactly once each, even though the worker keeps polling.
    await new Promise((r) => setTimeout(r, 200));
    expect(await forRecord(nl.id, 3)).toHaveLength(3);
  });

  it('keeps the notification list for admins only', async () => {
    const res = await agent.get('/api/admin/notifications');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });
});
