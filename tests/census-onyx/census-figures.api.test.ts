/**
 * The census figures over HTTP (TR-24, TR-47, issue 5 part 10): dossiers walked from January to
 * March on the server's clock, then counted per month, quarter and year, as JSON and as a workbook.
 */
import ExcelJS from 'exceljs';
import type { CensusFigures } from '../../runtime/services/census-figures';
import type { ErrorBody, RecordView } from '../api/api-harness';
import { censusServer, company, enterpriseNumber, setTaxesAfterDeadlines, toAwaitingReturn, toClosedCompliant, toClosedMatching, toNotified, type Census } from './census-walk';

let c: Census;
const d: Record<string, RecordView> = {};

beforeAll(async () => {
  // Monday 12 January 2026, 10:00 in Brussels.
  c = await censusServer(Date.parse('2026-01-12T09:00:00.000Z'));
  d['matching'] = await toClosedMatching(c, company(21));
  d['taxed'] = await toNotified(c, company(22, { tax_regulation: 'signage' }), 1000);
  d['compliant'] = await toClosedCompliant(c, company(23));
  d['late'] = await toAwaitingReturn(c, company(24, { company_name: 'Retardataire SPRL' }));
  // Mid-February: the notified dossier is taxed; the unanswered letter went late.
  [d['taxed']] = (await setTaxesAfterDeadlines(c, [d['taxed'].id])) as [RecordView];
  d['february'] = await c.agent.create(company(25));
  // Onyx says what was paid, and what is still owed.
  d['late'] = await c.agent.send(d['late'].id, 'update', { fields: { tax_paid_on: '2026-03-02', tax_paid_amount: 150.25, arrears: 99.5 } });
  await c.advance(40 * 86_400_000);
  d['march'] = await c.agent.create(company(26));
}, 90_000);

afterAll(async () => {
  await c.server.close();
});

describe('GET /api/reports/census', () => {
  it('counts per month, in Brussels time, what the dossiers went through', async () => {
    expect(d['late']?.fields['late_return']).toBe(true);
    expect(d['taxed']).toMatchObject({ states: ['closed-taxed'], fields: { total_tax: 2000 } });
    const res = await c.manager.get<CensusFigures>('/api/reports/census?from=2026-01-01&to=2026-03-31&by=month');
    expect(res.status).toBe(200);
    const [jan, feb, mar] = res.body.periods;
    expect(res.body.periods.map((p) => p.period)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(jan).toMatchObject({
      from: '2026-01-01', to: '2026-01-31',
      created: 4, byStatus: { open: 0, pending: 1, closed: 3 },
      fieldVisits: 1, lettersSent: 4, lateReturns: 0,
      falseDeclarations: { count: 1, amount: 2000 }, taxesSet: { count: 0, amount: 0 },
    });
    expect(feb).toMatchObject({ created: 1, byStatus: { open: 1, pending: 0, closed: 0 }, lateReturns: 1, taxesSet: { count: 1, amount: 2000 }, taxesReceived: { count: 0, amount: 0 } });
    expect(mar).toMatchObject({ created: 1, taxesReceived: { count: 1, amount: 150.25 } });
    expect(res.body.totals).toMatchObject({ created: 6, fieldVisits: 1, lettersSent: 4, lateReturns: 1 });
    expect(res.body.arrears).toEqual({
      count: 1, amount: 99.5,
      companies: [{ recordId: d['late']?.id, name: 'Retardataire SPRL', enterpriseNumber: enterpriseNumber(24), amount: 99.5 }],
    });
  });

  it('adds the months up by quarter and by year', async () => {
    const q = await c.admin.get<CensusFigures>('/api/reports/census?from=2026-01-01&to=2026-06-30&by=quarter');
    expect(q.status).toBe(200);
    expect(q.body.periods.map((p) => [p.period, p.created, p.taxesSet.amount, p.taxesReceived.amount])).toEqual([['2026-Q1', 6, 2000, 150.25], ['2026-Q2', 0, 0, 0]]);
    const y = await c.manager.get<CensusFigures>('/api/reports/census?from=2025-01-01&to=2026-12-31&by=year');
    expect(y.body.periods.map((p) => [p.period, p.created, p.byStatus.closed])).toEqual([['2025', 0, 0], ['2026', 6, 3]]);
  });

  it('refuses bad ranges in French and Dutch, and users other than tax managers and admins', async () => {
    for (const query of ['from=2026-02-30&to=2026-03-01', 'from=2026-03-01&to=2026-01-01', 'from=2026-01-01&to=2026-03-01&by=week']) {
      const res = await c.manager.get(`/api/reports/census?${query}`);
      expect(res.status).toBe(422);
      const m = res.body.details['messages'] as { fr: string; nl: string };
      expect(m.fr.length).toBeGreaterThan(10);
      expect(m.nl.length).toBeGreaterThan(10);
      expect(m.fr).not.toBe(m.nl);
    }
    const agent = await c.agent.get<ErrorBody>('/api/reports/census');
    expect(agent.status).toBe(403);
    expect((agent.body.details['messages'] as { nl: string }).nl).toContain('dienst Belastingen');
  });
});

describe('GET /api/reports/census.xlsx', () => {
  it('gives the same figures as a workbook, with the companies in arrears', async () => {
    const res = await fetch(`${c.server.url}/api/reports/census.xlsx?from=2026-01-01&to=2026-03-31&by=month`, { headers: { cookie: c.manager.cookie ?? '' } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const [figures, arrears] = wb.worksheets;
    const rows = (n: number): unknown[] => ((figures?.getRow(n).values ?? []) as unknown[]).slice(1);
    expect(String(rows(1)[0])).toContain('Période / Periode');
    expect(rows(2).slice(0, 4)).toEqual(['2026-01', '2026-01-01', '2026-01-31', 4]);
    expect(rows(3)[3]).toBe(1);
    expect(rows(5)[0]).toBe('Total / Totaal');
    expect(rows(5)[3]).toBe(6);
    expect(rows(5)[13]).toBe(2000);
    expect(((arrears?.getRow(2).values ?? []) as unknown[]).slice(1)).toEqual(['Retardataire SPRL', enterpriseNumber(24), 99.5, d['late']?.id]);
  });
});
