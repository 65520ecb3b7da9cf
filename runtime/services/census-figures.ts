/**
 * The census figures (TR-24, TR-47), as a pure function of the dossiers: no store, no clock.
 * The reports route reads the dossiers and their history and hands them here.
 *
 * Every moment is bucketed by its civil date in the pack's time zone (Europe/Brussels for the
 * commune): a dossier created at 00:30 on 1 April in Brussels (22:30 UTC on 31 March) counts in
 * April and in the second quarter. `from` and `to` are civil dates, both included.
 *
 * Per period:
 *  - created: dossiers created; byStatus: those dossiers by their status now, grouped as
 *    open (new and open), pending, closed;
 *  - fieldVisits: `record-visit` events of the history, by the moment of the visit;
 *  - lettersSent: `letter_sent_on`;
 *  - lateReturns: when `late_return` became true (the history), else the letter's date;
 *  - falseDeclarations: when `outcome` became `false-declaration`, with the sum of `total_tax`;
 *  - taxesSet: `tax_set_on`, with the sum of `total_tax`;
 *  - taxesReceived: `tax_paid_on` (a date), with the sum of `tax_paid_amount`.
 * Besides the periods: the companies with arrears now (`arrears` > 0), largest first.
 */
import { localParts } from '../../engine/calendar';

export type FiguresBucket = 'month' | 'quarter' | 'year';

export interface DossierFacts {
  id: string;
  title: string | null;
  createdAt: string;
  status: string;
  fields: Record<string, unknown>;
  /** The history of the dossier (only event type, moment and field changes are read). */
  history: Array<{ at: string; eventType: string; changes: Array<{ field: string; after: unknown }> }>;
}

export interface Amount {
  count: number;
  /** Euros, summed in cents. */
  amount: number;
}

export interface PeriodFigures {
  /** 2026-03, 2026-Q1 or 2026. */
  period: string;
  from: string;
  to: string;
  created: number;
  byStatus: { open: number; pending: number; closed: number };
  fieldVisits: number;
  lettersSent: number;
  lateReturns: number;
  falseDeclarations: Amount;
  taxesSet: Amount;
  taxesReceived: Amount;
}

export interface ArrearsLine {
  recordId: string;
  name: string | null;
  enterpriseNumber: string | null;
  amount: number;
}

export interface CensusFigures {
  from: string;
  to: string;
  by: FiguresBucket;
  timeZone: string;
  periods: PeriodFigures[];
  totals: Omit<PeriodFigures, 'period' | 'from' | 'to'>;
  arrears: { count: number; amount: number; companies: ArrearsLine[] };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD when the text is a real calendar date. */
export function isCivilDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The civil date (YYYY-MM-DD) in `timeZone` of an ISO instant, or of a date as is; null otherwise. */
export function civilDateOf(value: unknown, timeZone: string): string | null {
  if (typeof value !== 'string') return null;
  if (isCivilDate(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The period a civil date falls in. */
export function periodOf(date: string, by: FiguresBucket): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  if (by === 'year') return year;
  if (by === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  return `${year}-${pad(month)}`;
}

function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The periods from `from` to `to`, in order, each with its first and last day (clipped to the range). */
export function periodsBetween(from: string, to: string, by: FiguresBucket): Array<{ period: string; from: string; to: string }> {
  const out: Array<{ period: string; from: string; to: string }> = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const step = by === 'month' ? 1 : by === 'quarter' ? 3 : 12;
  if (by === 'quarter') month = Math.floor((month - 1) / 3) * 3 + 1;
  if (by === 'year') month = 1;
  for (;;) {
    const start = `${pad(year, 4)}-${pad(month)}-01`;
    if (start > to) break;
    const endMonth = month + step - 1;
    const end = `${pad(year, 4)}-${pad(endMonth)}-${pad(lastDayOf(year, endMonth))}`;
    out.push({ period: periodOf(start, by), from: start < from ? from : start, to: end > to ? to : end });
    month += step;
    if (month > 12) {
      month -= 12;
      year++;
    }
  }
  return out;
}

function emptyFigures(): Omit<PeriodFigures, 'period' | 'from' | 'to'> {
  return {
    created: 0, byStatus: { open: 0, pending: 0, closed: 0 }, fieldVisits: 0, lettersSent: 0, lateReturns: 0,
    falseDeclarations: { count: 0, amount: 0 }, taxesSet: { count: 0, amount: 0 }, taxesReceived: { count: 0, amount: 0 },
  };
}

function money(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Adds euros exactly: amounts are kept as cents while summing. */
function addAmount(a: Amount, euros: number): void {
  a.count++;
  a.amount = (Math.round(a.amount * 100) + Math.round(euros * 100)) / 100;
}

function statusGroup(status: string): 'open' | 'pending' | 'closed' {
  return status === 'closed' ? 'closed' : status === 'pending' ? 'pending' : 'open';
}

/** The moment a field first took `value` in the history, or null. */
function becameAt(d: DossierFacts, field: string, value: unknown): string | null {
  for (const h of d.history) if (h.changes.some((c) => c.field === field && c.after === value)) return h.at;
  return null;
}

export function censusFigures(dossiers: Iterable<DossierFacts>, q: { from: string; to: string; by: FiguresBucket; timeZone: string }): CensusFigures {
  const periods = periodsBetween(q.from, q.to, q.by).map((p) => ({ ...p, ...emptyFigures() }));
  const index = new Map(periods.map((p) => [p.period, p]));
  const totals = emptyFigures();
  /** The figures of the period holding `when`, and the totals; nothing when outside the range. */
  const at = (when: unknown, add: (f: Omit<PeriodFigures, 'period' | 'from' | 'to'>) => void): void => {
    const date = civilDateOf(when, q.timeZone);
    if (date === null || date < q.from || date > q.to) return;
    const p = index.get(periodOf(date, q.by));
    if (!p) return;
    add(p);
    add(totals);
  };
  const arrears: ArrearsLine[] = [];

  for (const d of dossiers) {
    const f = d.fields;
    at(d.createdAt, (x) => {
      x.created++;
      x.byStatus[statusGroup(d.status)]++;
    });
    for (const h of d.history) if (h.eventType === 'record-visit') at(h.at, (x) => void x.fieldVisits++);
    at(f['letter_sent_on'], (x) => void x.lettersSent++);
    if (f['late_return'] === true) at(becameAt(d, 'late_return', true) ?? f['letter_sent_on'], (x) => void x.lateReturns++);
    if (f['outcome'] === 'false-declaration') {
      at(becameAt(d, 'outcome', 'false-declaration') ?? d.createdAt, (x) => addAmount(x.falseDeclarations, money(f['total_tax'])));
    }
    at(f['tax_set_on'], (x) => addAmount(x.taxesSet, money(f['total_tax'])));
    at(f['tax_paid_on'], (x) => addAmount(x.taxesReceived, money(f['tax_paid_amount'])));
    const owed = money(f['arrears']);
    if (owed > 0) {
      const name = f['company_name'];
      const number = f['enterprise_number'];
      arrears.push({ recordId: d.id, name: typeof name === 'string' ? name : d.title, enterpriseNumber: typeof number === 'string' ? number : null, amount: owed });
    }
  }
  arrears.sort((a, b) => b.amount - a.amount || (a.name ?? '').localeCompare(b.name ?? ''));
  return {
    from: q.from, to: q.to, by: q.by, timeZone: q.timeZone,
    periods, totals,
    arrears: { count: arrears.length, amount: arrears.reduce((s, a) => s + Math.round(a.amount * 100), 0) / 100, companies: arrears },
  };
}
