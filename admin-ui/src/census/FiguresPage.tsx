/**
 * The census figures (TR-24, TR-47) for tax managers and admins: for a range of dates, per
 * month, quarter or year, the dossiers created and where they stand, the visits, the letters,
 * the late returns, the false declarations, the taxes set and received; then the companies
 * with arrears. The same figures download as a workbook (GET /api/reports/census.xlsx).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Lang } from '../api/types';
import { href } from '../app/router';
import { useSession } from '../app/session';
import { formatDate, formatMoney, intlLocale, langOf } from '../agent/format';
import { useDocumentTitle } from '../agent/useDocumentTitle';
import { canSeeFigures, errorText, type CensusFigures, type FiguresBucket, type PeriodCounts } from './census-api';

const BUCKETS: FiguresBucket[] = ['month', 'quarter', 'year'];

interface Query {
  from: string;
  to: string;
  by: FiguresBucket;
}

/** Today as a Brussels civil date, which is how the server buckets (census-figures.ts). */
function today(): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const queryString = (q: Query): string => new URLSearchParams({ from: q.from, to: q.to, by: q.by }).toString();

/** 2026-03 → "mars 2026" / "maart 2026"; 2026-Q1 → "T1 2026" / "K1 2026"; 2026 as is. */
function usePeriodLabel(): (period: string) => string {
  const { t, i18n } = useTranslation('census-extra');
  const lang: Lang = langOf(i18n.language);
  return (period) => {
    const month = /^(\d{4})-(\d{2})$/.exec(period);
    if (month) {
      const d = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1));
      return new Intl.DateTimeFormat(intlLocale(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
    }
    const quarter = /^(\d{4})-Q(\d)$/.exec(period);
    if (quarter) return t('figures.quarter', { q: quarter[2], year: quarter[1] });
    return period;
  };
}

export function FiguresPage() {
  const { t, i18n } = useTranslation('census-extra');
  const lang = langOf(i18n.language);
  const session = useSession();
  useDocumentTitle(t('figures.title'));
  const allowed = canSeeFigures(session.me);
  const [draft, setDraft] = useState<Query>(() => ({ from: `${today().slice(0, 4)}-01-01`, to: today(), by: 'month' }));
  // The range asked for with the form (the draft changes with every keystroke).
  const [applied, setApplied] = useState<Query>(draft);
  const [figures, setFigures] = useState<CensusFigures | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const periodLabel = usePeriodLabel();

  const load = useCallback(async (q: Query) => {
    setLoading(true);
    setError(null);
    try {
      setFigures(await api<CensusFigures>('GET', `/reports/census?${queryString(q)}`));
    } catch (e) {
      setFigures(null);
      setError(errorText(e, lang, t('error')));
    } finally {
      setLoading(false);
    }
  }, [lang, t]);

  useEffect(() => {
    if (allowed) void load(applied);
  }, [allowed, applied, load]);

  if (!allowed) {
    return (
      <section>
        <h1>{t('figures.title')}</h1>
        <p role="alert" className="error-box">{t('figures.notAllowed')}</p>
      </section>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setError(t('figures.reversed'));
      return;
    }
    // A new object: asking again for the same range reloads it.
    setApplied({ ...draft });
  };

  const money = (n: number) => formatMoney(n, lang);
  const count = (n: number) => new Intl.NumberFormat(intlLocale(lang)).format(n);
  const cells = (p: PeriodCounts) => [
    count(p.created), count(p.byStatus.open), count(p.byStatus.pending), count(p.byStatus.closed), count(p.fieldVisits), count(p.lettersSent), count(p.lateReturns),
    count(p.falseDeclarations.count), money(p.falseDeclarations.amount), count(p.taxesSet.count), money(p.taxesSet.amount), count(p.taxesReceived.count), money(p.taxesReceived.amount),
  ];
  const headers = ['created', 'open', 'pending', 'closed', 'visits', 'letters', 'late', 'falseCount', 'falseAmount', 'setCount', 'setAmount', 'receivedCount', 'receivedAmount'] as const;
  const shown: Query | null = figures ? { from: figures.from, to: figures.to, by: figures.by } : null;

  return (
    <section className="census-figures" aria-labelledby="figures-title">
      <h1 id="figures-title">{t('figures.title')}</h1>
      <p className="form-note">{t('figures.intro')}</p>

      <form className="figures-form" onSubmit={submit} aria-label={t('figures.rangeLabel')}>
        <div>
          <label htmlFor="figures-from">{t('figures.from')}</label>
          <input id="figures-from" type="date" required value={draft.from} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
        </div>
        <div>
          <label htmlFor="figures-to">{t('figures.to')}</label>
          <input id="figures-to" type="date" required value={draft.to} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />
        </div>
        <div>
          <label htmlFor="figures-by">{t('figures.by')}</label>
          <select id="figures-by" value={draft.by} onChange={(e) => setDraft((d) => ({ ...d, by: BUCKETS.find((b) => b === e.target.value) ?? 'month' }))}>
            {BUCKETS.map((b) => <option key={b} value={b}>{t(`figures.bucket.${b}`)}</option>)}
          </select>
        </div>
        <div className="form-buttons">
          <button type="submit" disabled={loading}>{t('figures.show')}</button>
        </div>
      </form>

      {error && <p role="alert" className="error-box">{error}</p>}
      <p role="status" className="figures-status">
        {loading ? t('loading') : figures ? t('figures.shown', { from: formatDate(figures.from, lang), to: formatDate(figures.to, lang), by: t(`figures.bucket.${figures.by}`) }) : ''}
      </p>

      {figures && shown && (
        <>
          <p>
            <a className="button-link" href={`/api/reports/census.xlsx?${queryString(shown)}`} download>
              {t('figures.download')}
            </a>
          </p>
          {/* Fourteen columns scroll sideways on a narrow screen: the region takes the keyboard focus to scroll. */}
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('figures.caption')}>
            <table className="records figures-table">
              <caption>{t('figures.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('figures.period')}</th>
                  {headers.map((h) => <th key={h} scope="col">{t(`figures.col.${h}`)}</th>)}
                </tr>
              </thead>
              <tbody>
                {figures.periods.map((p) => (
                  <tr key={p.period}>
                    <th scope="row">{periodLabel(p.period)}</th>
                    {cells(p).map((c, i) => <td key={headers[i]} className="num">{c}</td>)}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('figures.total')}</th>
                  {cells(figures.totals).map((c, i) => <td key={headers[i]} className="num">{c}</td>)}
                </tr>
              </tfoot>
            </table>
          </div>

          <section className="panel" aria-labelledby="arrears-title">
            <h2 id="arrears-title">{t('figures.arrearsTitle')}</h2>
            {figures.arrears.companies.length === 0 ? (
              <p>{t('figures.noArrears')}</p>
            ) : (
              <>
                <p>{t('figures.arrearsSummary', { count: figures.arrears.count, amount: money(figures.arrears.amount) })}</p>
                <div className="table-wrap">
                  <table className="records arrears-table">
                    <caption className="visually-hidden">{t('figures.arrearsTitle')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('figures.company')}</th>
                        <th scope="col">{t('figures.enterpriseNumber')}</th>
                        <th scope="col">{t('figures.arrears')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {figures.arrears.companies.map((a) => (
                        <tr key={a.recordId}>
                          <td><a href={href({ name: 'record', id: a.recordId })}>{a.name ?? a.recordId}</a></td>
                          <td>{a.enterpriseNumber ?? ''}</td>
                          <td className="num">{money(a.amount)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </section>
        </>
      )}
    </section>
  );
}
