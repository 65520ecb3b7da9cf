import { join } from 'node:path';
import { loadPack } from '../engine/pack/load-pack';
import { compileProcess } from '../engine/compiler';
import { applyEvent, startInstance, type InstanceSnapshot } from '../engine/instance';
import { readPackDir } from '../runtime/packs/pack-files';
import type { EngineEvent } from '../engine/compiler';

const pack = loadPack(readPackDir(join(__dirname, '..', 'definitions', 'brussels-commune')));
if (!pack.pack) throw new Error(JSON.stringify(pack.problems, null, 2));
const census = compileProcess(pack.pack, 'census-dossier', 1);

const agent = { id: 'agent-1', roles: ['census-agent'] };
const alderman = { id: 'alderman', roles: ['alderman-finance'] };
const secretary = { id: 'secretary', roles: ['municipal-secretary'] };
const manager = { id: 'manager', roles: ['tax-manager'] };
const ev = (type: string, actor: EngineEvent['actor'], data: Record<string, unknown> = {}, at = '2026-11-27T09:00:00.000Z'): EngineEvent => ({ type, actor, data, at });

function run(snap: InstanceSnapshot, ...events: EngineEvent[]) {
  let s = snap;
  let last = null as ReturnType<typeof applyEvent> | null;
  for (const e of events) {
    last = applyEvent(census, s, e);
    s = last.snapshot;
  }
  if (!last) throw new Error('no events');
  return last;
}

describe('the shipped census dossier process', () => {
  const created = startInstance(census, { company_name: 'Boulangerie Dupont SRL', enterprise_number: '0403.170.701', tax_regulation: 'signage' }, ev('create', agent));

  it('starts new, in the census queue, on the preparation step', () => {
    expect(created.summary).toMatchObject({ status: 'new', step: 'preparation', queue: 'census', team: 'taxes' });
    expect(created.snapshot.context.fields['language']).toBe('fr');
  });

  describe('the manager approves the letter before the signatories (TR-23)', () => {
    it('waits for the manager once signature is requested, and tells the tax managers', () => {
      const waiting = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent));
      expect(waiting.summary).toMatchObject({
        status: 'pending', step: 'signature', states: ['manager-approval'],
        reason: { fr: 'En attente de l\'approbation du responsable', nl: 'Wacht op goedkeuring van de verantwoordelijke' },
      });
      // Only the managers are told: the signatories wait for the manager's approval.
      expect(waiting.effects.filter((e) => e.kind === 'notify')).toEqual([expect.objectContaining({ kind: 'notify', role: 'tax-manager', template: 'approval-requested' })]);
      // Neither signatory may approve yet.
      expect(() => applyEvent(census, waiting.snapshot, ev('approve', alderman))).toThrow(/not allowed/);
      expect(() => applyEvent(census, waiting.snapshot, ev('approve', secretary))).toThrow(/not allowed/);
    });

    it('goes back to preparation with the comment when the manager rejects', () => {
      const waiting = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent));
      expect(() => applyEvent(census, waiting.snapshot, ev('reject', manager))).toThrow(/invalid field/);
      const back = applyEvent(census, waiting.snapshot, ev('reject', manager, { comment: 'Adresse du siège à vérifier' }));
      expect(back.summary).toMatchObject({ status: 'open', states: ['preparing'] });
      expect(back.snapshot.context.approvals).toEqual([expect.objectContaining({ by: 'manager', decision: 'rejected', comment: 'Adresse du siège à vérifier' })]);
      expect(back.effects.filter((e) => e.kind === 'notify')).toEqual([]);
      // Corrected, it goes to the manager again.
      const again = run(back.snapshot, ev('request-signature', agent));
      expect(again.summary.states).toEqual(['manager-approval']);
    });
  });

  it('needs the manager, then both the alderman and the secretary to sign, in any order', () => {
    const waiting = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent));
    const signing = applyEvent(census, waiting.snapshot, ev('approve', manager));
    expect(signing.summary).toMatchObject({ status: 'pending', states: ['signing'], reason: { fr: 'Envoyé pour approbation', nl: 'Ter goedkeuring verzonden' } });
    expect(signing.effects.filter((e) => e.kind === 'notify')).toHaveLength(2);
    expect(signing.effects.filter((e) => e.kind === 'notify')).toEqual(expect.arrayContaining([
      expect.objectContaining({ role: 'alderman-finance', template: 'signature-requested' }),
      expect.objectContaining({ role: 'municipal-secretary', template: 'signature-requested' }),
    ]));
    // The manager's approval is not a signature.
    expect(() => applyEvent(census, signing.snapshot, ev('approve', manager))).toThrow(/not allowed/);
    const one = applyEvent(census, signing.snapshot, ev('approve', secretary));
    expect(one.summary.states).toEqual(['signing']);
    expect(() => applyEvent(census, one.snapshot, ev('approve', secretary))).toThrow(/not allowed/);
    const both = applyEvent(census, one.snapshot, ev('approve', alderman));
    expect(both.summary).toMatchObject({ status: 'open', reason: { fr: 'Signatures reçues' } });
    expect(both.snapshot.context.approvals.map((d) => d.by)).toEqual(['manager', 'secretary', 'alderman']);
    // The other order signs it just the same.
    const other = run(signing.snapshot, ev('approve', alderman), ev('approve', secretary));
    expect(other.summary).toMatchObject({ status: 'open', states: ['signed'] });
    expect(other.snapshot.context.approvals.map((d) => d.by)).toEqual(['manager', 'alderman', 'secretary']);
  });

  it('returns to preparation with the comment when a signer rejects', () => {
    const signing = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', manager));
    expect(() => applyEvent(census, signing.snapshot, ev('reject', alderman))).toThrow(/invalid field/);
    const back = applyEvent(census, signing.snapshot, ev('reject', alderman, { comment: 'Mauvais règlement-taxe' }));
    expect(back.summary.states).toEqual(['preparing']);
    expect(back.snapshot.context.approvals.at(-1)).toMatchObject({ by: 'alderman', decision: 'rejected', comment: 'Mauvais règlement-taxe' });
  });

  it('sets a 15-day reply deadline when the registered letter is sent, and cancels it on return', () => {
    const signed = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', manager), ev('approve', alderman), ev('approve', secretary));
    const sent = applyEvent(census, signed.snapshot, ev('send-registered-mail', agent, {}, '2026-11-27T09:00:00.000Z'));
    expect(sent.timersSet).toHaveLength(1);
    // 15 calendar days in Brussels wall-clock time.
    expect(new Date(sent.timersSet[0]!.dueAt).toISOString()).toBe('2026-12-12T09:00:00.000Z');
    const late = applyEvent(census, sent.snapshot, ev(sent.timersSet[0]!.eventType, { id: 'system', roles: ['system'] }));
    expect(late.summary).toMatchObject({ status: 'pending', reason: { fr: 'Délai de réponse dépassé' } });
    expect(late.snapshot.context.fields['late_return']).toBe(true);
    // The agent in charge and the census team are both alerted.
    expect(late.effects).toEqual([expect.objectContaining({ kind: 'notify', user: 'agent-1' }), expect.objectContaining({ kind: 'notify', role: 'census-agent' })]);
    const back = applyEvent(census, sent.snapshot, ev('return-received', agent, { declared_amount: 1200 }));
    expect(back.timersCancelled).toEqual([sent.timersSet[0]!.key]);
    expect(back.snapshot.context.fields['declared_amount']).toBe(1200);
    // The agent in charge is alerted that the forms came back.
    expect(back.effects).toEqual([expect.objectContaining({ kind: 'notify', user: 'agent-1', template: 'return-received' })]);
  });

  it('counts the 15 days from the posting date when the deposit list gives it, that day excluded', () => {
    const signed = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', manager), ev('approve', alderman), ev('approve', secretary));
    // Posted on Wednesday 25 November, the proof uploaded two days later.
    const sent = applyEvent(census, signed.snapshot, ev('send-registered-mail', agent, { registered_number: 'RR123456785BE', deposited_on: '2026-11-25' }, '2026-11-27T09:00:00.000Z'));
    expect(sent.snapshot.context.fields).toMatchObject({ deposited_on: '2026-11-25', registered_number: 'RR123456785BE' });
    expect(sent.timersSet).toHaveLength(1);
    // Days 1..15 are 26 November..10 December: late from the start of 11 December, Brussels time.
    expect(new Date(sent.timersSet[0]!.dueAt).toISOString()).toBe('2026-12-10T23:00:00.000Z');
    // A deposit date corrected later moves the deadline.
    const corrected = applyEvent(census, sent.snapshot, { type: 'update', actor: agent, data: { fields: { deposited_on: '2026-11-26' } }, at: '2026-11-27T10:00:00Z' });
    expect(corrected.timersSet.map((t) => new Date(t.dueAt).toISOString())).toEqual(['2026-12-11T23:00:00.000Z']);
  });

  it('routes the three analysis outcomes, with the PV approval loop for unclear cases', () => {
    const analysis = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', manager), ev('approve', alderman), ev('approve', secretary), ev('send-registered-mail', agent), ev('return-received', agent));
    expect(applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'matches' })).summary).toMatchObject({ status: 'closed', done: true });
    expect(applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'false-declaration' })).summary.states).toEqual(['ex-officio', 'to-notify']);
    const inspection = applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'unclear' }));
    expect(inspection.summary.states).toEqual(['inspection', 'visit-planned']);
    // A visit is planned (day, district) before it can be recorded: the agenda reads these.
    expect(() => applyEvent(census, inspection.snapshot, ev('record-visit', agent))).toThrow(/not allowed now/);
    expect(() => applyEvent(census, inspection.snapshot, ev('plan-visit', agent, { district: 'laeken' }))).toThrow(/invalid field/);
    const planned = applyEvent(census, inspection.snapshot, ev('plan-visit', agent, { inspection_at: '2026-12-03T09:30:00.000Z', district: 'laeken', manager_joins: true }));
    expect(planned.summary.states).toEqual(['inspection', 'visit-scheduled']);
    expect(planned.snapshot.context.fields).toMatchObject({ inspection_at: '2026-12-03T09:30:00.000Z', district: 'laeken', manager_joins: true, inspector: 'agent-1' });
    const moved = applyEvent(census, planned.snapshot, ev('plan-visit', agent, { inspection_at: '2026-12-04T13:00:00.000Z', district: 'laeken' }));
    expect(moved.snapshot.context.fields).toMatchObject({ inspection_at: '2026-12-04T13:00:00.000Z', manager_joins: false });
    const draft = applyEvent(census, moved.snapshot, ev('record-visit', agent, {}, '2026-12-04T13:40:00.000Z'));
    expect(draft.snapshot.context.fields).toMatchObject({ visited_on: '2026-12-04T13:40:00.000Z', visit_count: 1 });
    expect(() => applyEvent(census, draft.snapshot, ev('submit-pv', agent))).toThrow(/conditions/);
    const withPv = applyEvent(census, draft.snapshot, { type: 'update', actor: agent, data: { fields: { pv_summary: 'Surface de 120 m² constatée' } }, at: '2026-11-27T10:00:00Z' });
    const review = applyEvent(census, withPv.snapshot, ev('submit-pv', agent));
    expect(review.summary).toMatchObject({ status: 'pending', states: ['inspection', 'pv-review'] });
    const adjust = applyEvent(census, review.snapshot, ev('reject', manager, { comment: 'Ajouter les photos' }));
    expect(adjust.summary.states).toEqual(['inspection', 'pv-draft']);
    const approved = run(adjust.snapshot, ev('submit-pv', agent), ev('approve', manager));
    expect(approved.summary.states).toEqual(['inspection', 'pv-approved']);
    const exOfficio = applyEvent(census, approved.snapshot, ev('tax-ex-officio', manager));
    expect(exOfficio.summary).toMatchObject({ states: ['ex-officio', 'to-notify'], step: 'taxation' });
  });

  describe('ex officio taxation (ordinance of 3 April 2014)', () => {
    const system = { id: 'system', roles: ['system'] };
    const toNotify = () => {
      const signed = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', manager), ev('approve', alderman), ev('approve', secretary), ev('send-registered-mail', agent));
      return run(signed.snapshot, ev('return-received', agent), ev('conclude-analysis', agent, { outcome: 'false-declaration' }));
    };

    it('needs the reasons, the basis and the amount before the notification goes out', () => {
      const t = toNotify();
      expect(t.summary.states).toEqual(['ex-officio', 'to-notify']);
      expect(() => applyEvent(census, t.snapshot, ev('send-notification', manager))).toThrow(/conditions/);
      expect(() => applyEvent(census, t.snapshot, ev('set-tax', manager))).toThrow(/not allowed now/);
    });

    it('waits for the third working day, then 30 calendar days, before the tax can be set, with the regulation\'s increase', () => {
      const t = toNotify();
      // The signage regulation doubles an ex officio tax: the screen shows it before sending.
      const filled = applyEvent(census, t.snapshot, { type: 'update', actor: manager, data: { fields: { ex_officio_reasons: 'Aucune déclaration renvoyée', ex_officio_basis: '2 enseignes lumineuses de 3 m² constatées', assessed_amount: 600 } }, at: '2026-12-10T09:00:00Z' });
      expect(filled.snapshot.context.fields).toMatchObject({ ex_officio_increase: 2, total_tax: 1200 });
      // Sent on Thursday 10 December 2026 at 10:00 Brussels time.
      const sent = applyEvent(census, filled.snapshot, ev('send-notification', manager, {}, '2026-12-10T09:00:00.000Z'));
      expect(sent.summary).toMatchObject({ status: 'pending', states: ['ex-officio', 'notified'] });
      expect(sent.snapshot.context.fields).toMatchObject({ notification_sent_on: '2026-12-10T09:00:00.000Z', increase_factor: 2 });
      expect(() => applyEvent(census, sent.snapshot, ev('set-tax', manager))).toThrow(/not allowed now/);
      // Third working day after Thursday: Friday, Monday, Tuesday 15 December.
      expect(sent.timersSet).toHaveLength(1);
      expect(new Date(sent.timersSet[0]!.dueAt).toISOString()).toBe('2026-12-15T09:00:00.000Z');
      const period = applyEvent(census, sent.snapshot, { ...ev(sent.timersSet[0]!.eventType, system), at: '2026-12-15T09:00:00.000Z' });
      expect(period.summary).toMatchObject({ status: 'pending', states: ['ex-officio', 'observation-period'] });
      expect(period.snapshot.context.fields['observations_from']).toBe('2026-12-15T09:00:00.000Z');
      // 30 calendar days from then.
      expect(period.timersSet).toHaveLength(1);
      expect(new Date(period.timersSet[0]!.dueAt).toISOString()).toBe('2027-01-14T09:00:00.000Z');
      const noted = applyEvent(census, period.snapshot, ev('record-observations', manager, { observations: 'Le redevable conteste la surface' }));
      expect(noted.summary.states).toEqual(['ex-officio', 'observation-period']);
      expect(noted.timersSet).toHaveLength(0);
      expect(noted.timersCancelled).toHaveLength(0);
      expect(() => applyEvent(census, noted.snapshot, ev('set-tax', manager))).toThrow(/not allowed now/);
      const ready = applyEvent(census, noted.snapshot, { ...ev(period.timersSet[0]!.eventType, system), at: '2027-01-14T09:00:00.000Z' });
      expect(ready.summary.states).toEqual(['ex-officio', 'ready-to-tax']);
      expect(ready.effects).toEqual([expect.objectContaining({ kind: 'notify', user: 'agent-1', template: 'ex-officio-period-over' })]);
      const taxed = applyEvent(census, ready.snapshot, ev('set-tax', manager, {}, '2027-01-15T10:00:00.000Z'));
      expect(taxed.summary).toMatchObject({ status: 'closed', reason: { fr: 'Taxe enrôlée' } });
      expect(taxed.snapshot.context.fields).toMatchObject({ assessed_amount: 600, increase_factor: 2, total_tax: 1200, tax_set_on: '2027-01-15T10:00:00.000Z', taxpayer_observations: 'Le redevable conteste la surface' });
    });

    it('goes back to a new notification when the observations change the reasons or the amount', () => {
      const t = toNotify();
      const filled = applyEvent(census, t.snapshot, { type: 'update', actor: manager, data: { fields: { ex_officio_reasons: 'r', ex_officio_basis: 'b', assessed_amount: 600 } }, at: '2026-12-10T09:00:00Z' });
      const sent = applyEvent(census, filled.snapshot, ev('send-notification', manager, {}, '2026-12-10T09:00:00.000Z'));
      const period = applyEvent(census, sent.snapshot, ev(sent.timersSet[0]!.eventType, system));
      const revised = applyEvent(census, period.snapshot, ev('revise-notification', manager));
      expect(revised.summary.states).toEqual(['ex-officio', 'to-notify']);
      expect(revised.timersCancelled).toEqual([period.timersSet[0]!.key]);
    });
  });

  it('still takes the payment data read back from Onyx once closed, and nothing else', () => {
    const analysis = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', manager), ev('approve', alderman), ev('approve', secretary), ev('send-registered-mail', agent), ev('return-received', agent));
    const closed = applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'matches' }));
    expect(closed.summary.done).toBe(true);
    const update = (fields: Record<string, unknown>) => applyEvent(census, closed.snapshot, { type: 'update', actor: manager, data: { fields }, at: '2027-02-01T10:00:00Z' });
    const paid = update({ onyx_article: '2026/0042', tax_paid_amount: 350, tax_paid_on: '2027-01-28' });
    expect(paid.summary).toMatchObject({ done: true, states: ['closed-matching'] });
    expect(paid.changes.map((c) => c.field).sort()).toEqual(['onyx_article', 'tax_paid_amount', 'tax_paid_on']);
    try {
      update({ company_name: 'Autre nom', arrears: 10 });
      throw new Error('expected a refusal');
    } catch (e) {
      const fields = (e as { fieldErrors: Record<string, { code: string; nl: string }> }).fieldErrors;
      expect(Object.keys(fields)).toEqual(['company_name']);
      expect(fields['company_name']).toMatchObject({ code: 'closed-record', nl: expect.stringContaining('afgesloten') });
    }
    expect(() => update({ arrears: -5 })).toThrow(/invalid field/);
    expect(() => applyEvent(census, closed.snapshot, ev('prepare', agent))).toThrow(/not allowed now/);
  });

  it('refuses an event that does not exist in the current state', () => {
    expect(() => applyEvent(census, created.snapshot, ev('set-tax', manager))).toThrow(/not allowed now/);
  });

  it('refuses field values that break the record type, naming each field', () => {
    try {
      applyEvent(census, created.snapshot, { type: 'update', actor: agent, data: { fields: { enterprise_number: '0403.170.702', declared_amount: 1.234, nope: 1 } }, at: '2026-11-27T10:00:00Z' });
      throw new Error('expected a validation error');
    } catch (e) {
      const fields = (e as { fieldErrors: Record<string, { code: string; nl: string }> }).fieldErrors;
      expect(Object.keys(fields).sort()).toEqual(['declared_amount', 'enterprise_number', 'nope']);
      expect(fields['enterprise_number']?.nl).toMatch(/ondernemingsnummer/i);
    }
  });
});
