/**
 * The census figures' aggregation (TR-24, TR-47): bucketing by month, quarter and year on
 * Brussels civil dates, whatever the UTC date, across the daylight-saving changes.
 */
import { censusFigures, civilDateOf, periodOf, periodsBetween, type DossierFacts } from '../../runtime/services/census-figures';

const TZ = 'Europe/Brussels';

function dossier(id: string, createdAt: string, fields: Record<string, unknown> = {}, extra: Partial<DossierFacts> = {}): DossierFacts {
  return { id, title: String(fields['company_name'] ?? id), createdAt, status: 'open', fields, history: [], ...extra };
}

describe('Brussels civil dates', () => {
  it('puts 23:30 UTC on New Year’s Eve in January of the next year (UTC+1 in winter)', () => {
    expect(civilDateOf('2025-12-31T23:30:00.000Z', TZ)).toBe('2026-01-01');
    expect(civilDateOf('2025-12-31T22:59:59.000Z', TZ)).toBe('2025-12-31');
  });

  it('puts 22:30 UTC on 31 March in April once summer time applies (UTC+2)', () => {
    expect(civilDateOf('2026-03-31T22:30:00.000Z', TZ)).toBe('2026-04-01');
    expect(civilDateOf('2026-03-31T21:30:00.000Z', TZ)).toBe('2026-03-31');
  });

  it('keeps a date field as it is written', () => {
    expect(civilDateOf('2026-06-30', TZ)).toBe('2026-06-30');
    expect(civilDateOf('not a date', TZ)).toBeNull();
  });

  it('names months, quarters and years', () => {
    expect(['2026-01-01', '2026-03-31', '2026-04-01', '2026-12-31'].map((d) => periodOf(d, 'quarter'))).toEqual(['2026-Q1', '2026-Q1', '2026-Q2', '2026-Q4']);
    expect(periodOf('2026-02-28', 'month')).toBe('2026-02');
    expect(periodOf('2026-02-28', 'year')).toBe('2026');
  });

  it('lists every period of the range, empty ones included, clipped to the range', () => {
    expect(periodsBetween('2025-11-15', '2026-02-10', 'month')).toEqual([
      { period: '2025-11', from: '2025-11-15', to: '2025-11-30' },
      { period: '2025-12', from: '2025-12-01', to: '2025-12-31' },
      { period: '2026-01', from: '2026-01-01', to: '2026-01-31' },
      { period: '2026-02', from: '2026-02-01', to: '2026-02-10' },
    ]);
    expect(periodsBetween('2024-02-01', '2024-02-29', 'month')[0]?.to).toBe('2024-02-29');
    expect(periodsBetween('2025-12-01', '2026-07-01', 'quarter').map((p) => p.period)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']);
    expect(periodsBetween('2025-06-01', '2026-01-01', 'year')).toEqual([
      { period: '2025', from: '2025-06-01', to: '2025-12-31' },
      { period: '2026', from: '2026-01-01', to: '2026-01-01' },
    ]);
  });
});

describe('census figures', () => {
  const dossiers: DossierFacts[] = [
    // 31 Dec 23:30 UTC is New Year in Brussels: created in January, Q1 2026.
    dossier('new-year', '2025-12-31T23:30:00.000Z', { letter_sent_on: '2026-01-05T09:00:00.000Z' }, { status: 'new' }),
    // 31 Dec 22:30 UTC is still 31 December: 2025.
    dossier('old-year', '2025-12-31T22:30:00.000Z', {}, { status: 'closed' }),
    // 22:30 UTC on 31 March is 1 April in Brussels: April, Q2.
    dossier('april', '2026-03-31T22:30:00.000Z', {
      outcome: 'false-declaration', total_tax: 1200.1, tax_set_on: '2026-06-30T22:15:00.000Z',
    }, {
      status: 'pending',
      history: [
        { at: '2026-04-10T08:00:00.000Z', eventType: 'record-visit', changes: [] },
        { at: '2026-04-12T08:00:00.000Z', eventType: 'record-visit', changes: [] },
        { at: '2026-05-02T08:00:00.000Z', eventType: 'conclude-analysis', changes: [{ field: 'outcome', after: 'false-declaration' }] },
      ],
    }),
    dossier('march', '2026-03-31T21:30:00.000Z', {
      late_return: true, letter_sent_on: '2026-03-31T21:00:00.000Z', tax_paid_on: '2026-03-31', tax_paid_amount: 0.1, arrears: 250,
      company_name: 'Bakkerij Peeters BV', enterprise_number: '0403.170.701',
    }, {
      history: [{ at: '2026-04-15T21:59:00.000Z', eventType: 'timer:late', changes: [{ field: 'late_return', after: true }] }],
    }),
    dossier('paid', '2026-02-01T10:00:00.000Z', { tax_paid_on: '2026-03-01', tax_paid_amount: 0.2, arrears: 1000.5, company_name: 'Garage du Midi SA' }, { status: 'closed' }),
  ];

  it('buckets every figure by month in Brussels time', () => {
    const f = censusFigures(dossiers, { from: '2026-01-01', to: '2026-07-31', by: 'month', timeZone: TZ });
    const by = Object.fromEntries(f.periods.map((p) => [p.period, p]));
    expect(f.periods.map((p) => p.period)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07']);
    expect(by['2026-01']).toMatchObject({ created: 1, byStatus: { open: 1, pending: 0, closed: 0 }, lettersSent: 1 });
    expect(by['2026-02']).toMatchObject({ created: 1, byStatus: { open: 0, pending: 0, closed: 1 } });
    expect(by['2026-03']).toMatchObject({ created: 1, lettersSent: 1, lateReturns: 0, taxesReceived: { count: 2, amount: 0.3 } });
    // Went late at 23:59 on 15 April, Brussels time; visits counted when they happened.
    expect(by['2026-04']).toMatchObject({ created: 1, byStatus: { open: 0, pending: 1, closed: 0 }, fieldVisits: 2, lateReturns: 1, falseDeclarations: { count: 0, amount: 0 } });
    expect(by['2026-05']).toMatchObject({ created: 0, falseDeclarations: { count: 1, amount: 1200.1 } });
    // 22:15 UTC on 30 June is 1 July in Brussels.
    expect(by['2026-06']?.taxesSet).toEqual({ count: 0, amount: 0 });
    expect(by['2026-07']?.taxesSet).toEqual({ count: 1, amount: 1200.1 });
    expect(f.totals).toMatchObject({ created: 4, fieldVisits: 2, lettersSent: 2, lateReturns: 1, taxesReceived: { count: 2, amount: 0.3 } });
    expect(f.arrears).toEqual({
      count: 2, amount: 1250.5,
      companies: [
        { recordId: 'paid', name: 'Garage du Midi SA', enterpriseNumber: null, amount: 1000.5 },
        { recordId: 'march', name: 'Bakkerij Peeters BV', enterpriseNumber: '0403.170.701', amount: 250 },
      ],
    });
  });

  it('buckets by quarter across the end of March', () => {
    const f = censusFigures(dossiers, { from: '2026-01-01', to: '2026-12-31', by: 'quarter', timeZone: TZ });
    expect(f.periods.map((p) => [p.period, p.created, p.fieldVisits, p.taxesSet.count])).toEqual([
      ['2026-Q1', 3, 0, 0], ['2026-Q2', 1, 2, 0], ['2026-Q3', 0, 0, 1], ['2026-Q4', 0, 0, 0],
    ]);
  });

  it('buckets by year across New Year’s Eve, and leaves out what falls outside the range', () => {
    const f = censusFigures(dossiers, { from: '2025-01-01', to: '2026-12-31', by: 'year', timeZone: TZ });
    expect(f.periods.map((p) => [p.period, p.created, p.byStatus.closed])).toEqual([['2025', 1, 1], ['2026', 4, 1]]);
    const firstDay = censusFigures(dossiers, { from: '2026-01-01', to: '2026-01-01', by: 'month', timeZone: TZ });
    expect(firstDay.totals.created).toBe(1);
    expect(firstDay.periods[0]).toMatchObject({ period: '2026-01', from: '2026-01-01', to: '2026-01-01', created: 1, lettersSent: 0 });
  });
});
