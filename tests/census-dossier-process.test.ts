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

  it('needs both the alderman and the secretary to sign, in any order', () => {
    const signing = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent));
    expect(signing.summary).toMatchObject({ status: 'pending', reason: { fr: 'Envoyé pour approbation', nl: 'Ter goedkeuring verzonden' } });
    expect(signing.effects.filter((e) => e.kind === 'notify')).toHaveLength(2);
    const one = applyEvent(census, signing.snapshot, ev('approve', secretary));
    expect(one.summary.states).toEqual(['signing']);
    expect(() => applyEvent(census, one.snapshot, ev('approve', secretary))).toThrow(/not allowed/);
    const both = applyEvent(census, one.snapshot, ev('approve', alderman));
    expect(both.summary).toMatchObject({ status: 'open', reason: { fr: 'Signatures reçues' } });
    expect(both.snapshot.context.approvals.map((d) => d.by)).toEqual(['secretary', 'alderman']);
  });

  it('returns to preparation with the comment when a signer rejects', () => {
    const signing = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent));
    expect(() => applyEvent(census, signing.snapshot, ev('reject', alderman))).toThrow(/invalid field/);
    const back = applyEvent(census, signing.snapshot, ev('reject', alderman, { comment: 'Mauvais règlement-taxe' }));
    expect(back.summary.states).toEqual(['preparing']);
    expect(back.snapshot.context.approvals[0]).toMatchObject({ by: 'alderman', decision: 'rejected', comment: 'Mauvais règlement-taxe' });
  });

  it('sets a 15-day reply deadline when the registered letter is sent, and cancels it on return', () => {
    const signed = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', alderman), ev('approve', secretary));
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
  });

  it('routes the three analysis outcomes, with the PV approval loop for unclear cases', () => {
    const analysis = run(created.snapshot, ev('prepare', agent), ev('request-signature', agent), ev('approve', alderman), ev('approve', secretary), ev('send-registered-mail', agent), ev('return-received', agent));
    expect(applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'matches' })).summary).toMatchObject({ status: 'closed', done: true });
    expect(applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'false-declaration' })).summary.states).toEqual(['ex-officio']);
    const inspection = applyEvent(census, analysis.snapshot, ev('conclude-analysis', agent, { outcome: 'unclear' }));
    expect(inspection.summary.states).toEqual(['inspection', 'visit-planned']);
    const draft = applyEvent(census, inspection.snapshot, ev('record-visit', agent));
    expect(() => applyEvent(census, draft.snapshot, ev('submit-pv', agent))).toThrow(/conditions/);
    const withPv = applyEvent(census, draft.snapshot, { type: 'update', actor: agent, data: { fields: { pv_summary: 'Surface de 120 m² constatée' } }, at: '2026-11-27T10:00:00Z' });
    const review = applyEvent(census, withPv.snapshot, ev('submit-pv', agent));
    expect(review.summary).toMatchObject({ status: 'pending', states: ['inspection', 'pv-review'] });
    const adjust = applyEvent(census, review.snapshot, ev('reject', manager, { comment: 'Ajouter les photos' }));
    expect(adjust.summary.states).toEqual(['inspection', 'pv-draft']);
    const approved = run(adjust.snapshot, ev('submit-pv', agent), ev('approve', manager));
    expect(approved.summary.states).toEqual(['inspection', 'pv-approved']);
    const taxed = run(approved.snapshot, ev('tax-ex-officio', manager), ev('set-tax', manager, { amount: 1000, increase_factor: 2 }));
    expect(taxed.summary).toMatchObject({ status: 'closed', reason: { fr: 'Taxe enrôlée' } });
    expect(taxed.snapshot.context.fields['total_tax']).toBe(2000);
  });

  it('refuses an event that does not exist in the current state', () => {
    expect(() => applyEvent(census, created.snapshot, ev('set-tax', manager, { amount: 5 }))).toThrow(/not allowed now/);
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
