/**
 * Process features through the engine's pure stepping: parallel regions, business-time and
 * date timers, approvals (sequence, condition, recall), and the knowledge-article lifecycle.
 */
import { loadPack } from '../../pack/load-pack';
import { compileProcess, type EngineEvent } from '../../compiler';
import { applyEvent, startInstance, type InstanceSnapshot, type StepOutcome } from '..';

const files: Record<string, string> = {
  'pack.yaml': `pack: features
name: { fr: Fonctions, nl: Functies }
languages: [fr, nl]
timezone: Europe/Brussels
`,
  'roles.yaml': `roles:
  clerk: { label: { fr: Employé, nl: Bediende }, records: { permit: [read, create, update] } }
  chief: { label: { fr: Chef, nl: Chef }, records: { permit: [read] } }
  mayor: { label: { fr: Bourgmestre, nl: Burgemeester }, records: { permit: [read] } }
`,
  'calendars.yaml': `calendars:
  office:
    timezone: Europe/Brussels
    hours:
      mon: [["09:00", "12:00"], ["13:00", "17:00"]]
      tue: [["09:00", "12:00"], ["13:00", "17:00"]]
      wed: [["09:00", "12:00"], ["13:00", "17:00"]]
      thu: [["09:00", "12:00"], ["13:00", "17:00"]]
      fri: [["09:00", "12:00"], ["13:00", "17:00"]]
    holidays: [2026-12-25]
`,
  'records/permit.yaml': `record: permit
label: { fr: Permis, nl: Vergunning }
fields:
  amount: { type: money, label: { fr: Montant, nl: Bedrag } }
  checked_docs: { type: boolean, label: { fr: Documents vérifiés, nl: Documenten nagekeken }, default: false }
  paid: { type: boolean, label: { fr: Payé, nl: Betaald }, default: false }
  valid_until: { type: date, label: { fr: Valable jusqu'au, nl: Geldig tot } }
  reminded: { type: boolean, label: { fr: Rappel envoyé, nl: Herinnering verstuurd }, default: false }
`,
  'processes/permit.yaml': `process: permit
record: permit
label: { fr: Permis, nl: Vergunning }
initial: checks
statuses:
  open: { fr: Ouvert, nl: Open }
  pending: { fr: En attente, nl: In afwachting }
  granted: { fr: Accordé, nl: Toegekend }
  expired: { fr: Expiré, nl: Vervallen }
events:
  docs-ok: { label: { fr: Documents OK, nl: Documenten OK }, roles: [clerk] }
  payment-received: { label: { fr: Paiement reçu, nl: Betaling ontvangen }, roles: [clerk] }
  submit: { label: { fr: Soumettre, nl: Indienen }, roles: [clerk] }
states:
  checks:
    type: parallel
    status: open
    states:
      documents:
        initial: docs-waiting
        states:
          docs-waiting:
            after:
              - { delay: PT4H, calendar: office, do: [ { set: { reminded: "true" } } ] }
            on: { docs-ok: { to: docs-done, do: [ { set: { checked_docs: "true" } } ] } }
          docs-done: {}
      payment:
        initial: unpaid
        states:
          unpaid:
            on: { payment-received: { to: paid, do: [ { set: { paid: "true" } } ] } }
          paid: {}
    on:
      submit: { to: approval, if: "record.checked_docs == true && record.paid == true" }
  approval:
    status: pending
    approval:
      steps:
        - any-of: [ { role: chief } ]
        - any-of: [ { role: mayor } ]
          if: "record.amount > 1000.0"
      approved: granted
      rejected: checks
      recalled: checks
  granted:
    status: granted
    after:
      - { at: record.valid_until, to: expired }
  expired: { type: final, status: expired }
`,
};

const loaded = loadPack(files);
if (!loaded.pack) throw new Error(loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('\n'));
const permit = compileProcess(loaded.pack, 'permit', 1);

const clerk = { id: 'clerk-1', roles: ['clerk'] };
const chief = { id: 'chief-1', roles: ['chief'] };
const mayor = { id: 'mayor-1', roles: ['mayor'] };
const system = { id: 'system', roles: ['system'] };
const ev = (type: string, actor: EngineEvent['actor'], data: Record<string, unknown> = {}, at = '2026-12-24T15:00:00.000Z'): EngineEvent => ({ type, actor, data, at });
const chain = (snap: InstanceSnapshot, ...events: EngineEvent[]): StepOutcome => {
  let last: StepOutcome | null = null;
  for (const e of events) {
    last = applyEvent(permit, last?.snapshot ?? snap, e);
  }
  if (!last) throw new Error('no events');
  return last;
};

// Thursday 24 December 2026, 16:00 in Brussels (UTC+1).
const created = startInstance(permit, { amount: 5000, valid_until: '2027-01-31' }, ev('create', clerk));

describe('a process with parallel regions', () => {
  it('starts in every region at once', () => {
    expect(created.summary.states).toEqual(['checks', 'documents', 'docs-waiting', 'payment', 'unpaid']);
    expect(created.summary.status).toBe('open');
  });

  it('lets each region move on its own, and leaves only when both are done', () => {
    const docs = applyEvent(permit, created.snapshot, ev('docs-ok', clerk));
    expect(docs.summary.states).toEqual(['checks', 'documents', 'docs-done', 'payment', 'unpaid']);
    expect(() => applyEvent(permit, docs.snapshot, ev('submit', clerk))).toThrow(/conditions/);
    const both = applyEvent(permit, docs.snapshot, ev('payment-received', clerk));
    expect(applyEvent(permit, both.snapshot, ev('submit', clerk)).summary.states).toEqual(['approval']);
  });
});

describe('timers', () => {
  it('computes a business-time reminder over the evening, a holiday and the weekend', () => {
    // 4 working hours from Thu 24 Dec 16:00: 1 h that day; Fri 25 is a holiday; Mon 28 09:00 + 3 h = 12:00 local = 11:00 UTC.
    expect(created.timersSet).toHaveLength(1);
    expect(new Date(created.timersSet[0]!.dueAt).toISOString()).toBe('2026-12-28T11:00:00.000Z');
  });

  it('cancels the reminder when its region moves on, while the other region keeps waiting', () => {
    const docs = applyEvent(permit, created.snapshot, ev('docs-ok', clerk));
    expect(docs.timersCancelled).toEqual([created.timersSet[0]!.key]);
    expect(docs.timersSet).toEqual([]);
  });

  it('fires a timer without a target as actions only, staying in place', () => {
    const fired = applyEvent(permit, created.snapshot, ev(created.timersSet[0]!.eventType, system));
    expect(fired.summary.states).toEqual(created.summary.states);
    expect(fired.snapshot.context.fields['reminded']).toBe(true);
  });

  it('sets a timer at a date field, at midnight in the pack time zone, and expires on it', () => {
    const granted = chain(created.snapshot, ev('docs-ok', clerk), ev('payment-received', clerk), ev('submit', clerk), ev('approve', chief), ev('approve', mayor));
    expect(granted.summary.status).toBe('granted');
    // 31 January 2027 00:00 in Brussels is 30 January 23:00 UTC.
    expect(new Date(granted.timersSet[0]!.dueAt).toISOString()).toBe('2027-01-30T23:00:00.000Z');
    const expired = applyEvent(permit, granted.snapshot, ev(granted.timersSet[0]!.eventType, system));
    expect(expired.summary).toMatchObject({ status: 'expired', done: true });
  });
});

describe('approvals', () => {
  const submitted = chain(created.snapshot, ev('docs-ok', clerk), ev('payment-received', clerk), ev('submit', clerk));

  it('asks the mayor as well above the amount, in sequence after the chief', () => {
    expect(() => applyEvent(permit, submitted.snapshot, ev('approve', mayor))).toThrow(/not allowed/);
    const chiefOk = applyEvent(permit, submitted.snapshot, ev('approve', chief));
    expect(chiefOk.summary.states).toEqual(['approval']);
    expect(chiefOk.snapshot.context.approval?.step).toBe(1);
    expect(applyEvent(permit, chiefOk.snapshot, ev('approve', mayor)).summary.status).toBe('granted');
  });

  it('skips the mayor when the amount is small', () => {
    const small = startInstance(permit, { amount: 200 }, ev('create', clerk));
    const done = chain(small.snapshot, ev('docs-ok', clerk), ev('payment-received', clerk), ev('submit', clerk), ev('approve', chief));
    expect(done.summary.status).toBe('granted');
  });

  it('lets the submitter recall the request, and nobody else', () => {
    expect(() => applyEvent(permit, submitted.snapshot, ev('recall', { id: 'clerk-2', roles: ['clerk'] }))).toThrow(/not allowed/);
    const recalled = applyEvent(permit, submitted.snapshot, ev('recall', clerk, { comment: 'Montant erroné' }));
    expect(recalled.summary.states[0]).toBe('checks');
    expect(recalled.snapshot.context.approvals.at(-1)).toMatchObject({ by: 'clerk-1', decision: 'recalled', comment: 'Montant erroné' });
  });

  it('keeps every decision, with who and when', () => {
    const rejected = applyEvent(permit, applyEvent(permit, submitted.snapshot, ev('approve', chief, {}, '2026-12-28T09:00:00.000Z')).snapshot, ev('reject', mayor, { comment: 'Trop cher' }, '2026-12-28T10:00:00.000Z'));
    expect(rejected.snapshot.context.approvals.map((d) => [d.by, d.decision, d.at])).toEqual([
      ['chief-1', 'approved', '2026-12-28T09:00:00.000Z'],
      ['mayor-1', 'rejected', '2026-12-28T10:00:00.000Z'],
    ]);
  });
});
