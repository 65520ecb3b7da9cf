/**
 * The inspection agenda (TR-30): a week of planned on-site visits by day and district
 * (GET /api/inspections), a district filter, and the personal .ics feed to subscribe to in a
 * calendar app (POST /api/me/calendar-token). The week is in the address (#/census/inspections
 * ?from=YYYY-MM-DD), so a reload or a shared link keeps it.
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Lang, LocalizedText, Me } from '../api/types';
import { href, navigate } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { langOf } from '../agent/format';
import { useDocumentTitle } from '../agent/useDocumentTitle';
import { useLocalized } from '../i18n';
import { errorText } from './census-api';

interface AgendaItem {
  id: string;
  companyName: string | null;
  address: string | null;
  inspectionAt: string;
  time: string;
  district: string | null;
  inspector: { id: string; displayName: string } | null;
  managerJoins: boolean;
  done: boolean;
}

interface Agenda {
  from: string;
  to: string;
  total: number;
  truncated: boolean;
  days: Array<{ date: string; districts: Array<{ district: string | null; label: LocalizedText | null; items: AgendaItem[] }> }>;
}

/** Roles mirrored from the pack's agenda (definitions/brussels-commune/agendas.yaml) for the menu: the server decides. */
const INSPECTION_ROLES = ['census-agent', 'tax-manager'];
export const canSeeInspections = (me: Me): boolean => me.user.roles.some((r) => INSPECTION_ROLES.includes(r));

const LOCALES: Record<Lang, string> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the week holding `date` (Belgian weeks start on Monday). */
export function mondayOf(date: string): string {
  const weekday = (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

function today(): string {
  // The commune's day, whatever the device's zone.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const longDate = (date: string, lang: Lang): string =>
  new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
const shortDate = (date: string, lang: Lang): string =>
  new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));

export function InspectionsAgenda({ from: fromParam, district: districtParam }: { from?: string; district?: string }) {
  const { t, i18n } = useTranslation('inspections');
  const lang = langOf(i18n.language);
  const L = useLocalized();
  const session = useSession();
  useDocumentTitle(t('title'));
  const allowed = canSeeInspections(session.me);
  const from = fromParam && /^\d{4}-\d{2}-\d{2}$/.test(fromParam) ? mondayOf(fromParam) : mondayOf(today());
  const to = addDays(from, 6);
  const district = districtParam ?? '';
  const districts = recordTypeOf(session, 'dossier')?.fields['district']?.values ?? {};
  const [agenda, setAgenda] = useState<Agenda | null>(null);
  const [error, setError] = useState<string | null>(null);
  const districtId = useId();

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    setAgenda(null);
    setError(null);
    const q = new URLSearchParams({ from, to });
    if (district) q.set('district', district);
    api<Agenda>('GET', `/inspections?${q.toString()}`)
      .then((a) => live && setAgenda(a))
      .catch((e: unknown) => live && setError(errorText(e, lang, t('error'))));
    return () => {
      live = false;
    };
  }, [allowed, from, to, district, lang, t]);

  if (!allowed) {
    return (
      <section>
        <h1>{t('title')}</h1>
        <p role="alert" className="error-box">{t('notAllowed')}</p>
      </section>
    );
  }

  const go = (week: string, d: string = district) => navigate({ name: 'census-inspections', from: week, ...(d ? { district: d } : {}) });

  return (
    <section className="inspections-agenda" aria-labelledby="agenda-title">
      <h1 id="agenda-title">{t('title')}</h1>
      <p className="form-note">{t('intro')}</p>

      <div className="agenda-toolbar" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'end', gap: '.5rem 2rem', marginBottom: '1rem' }}>
        <nav aria-label={t('weekNav')}>
          <ul className="agenda-weeks" style={{ display: 'flex', gap: '1rem', listStyle: 'none', padding: 0, margin: 0 }}>
            <li><a href={href({ name: 'census-inspections', from: addDays(from, -7), ...(district ? { district } : {}) })}>{t('previousWeek')}</a></li>
            <li><a href={href({ name: 'census-inspections', from: mondayOf(today()), ...(district ? { district } : {}) })}>{t('thisWeek')}</a></li>
            <li><a href={href({ name: 'census-inspections', from: addDays(from, 7), ...(district ? { district } : {}) })}>{t('nextWeek')}</a></li>
          </ul>
        </nav>
        <div className="agenda-filter">
          <label htmlFor={districtId}>{t('district')}</label>
          <select id={districtId} value={district} onChange={(e) => go(from, e.target.value)}>
            <option value="">{t('allDistricts')}</option>
            {Object.entries(districts).map(([id, label]) => (
              <option key={id} value={id}>{L(label)}</option>
            ))}
          </select>
        </div>
      </div>

      <h2 className="agenda-week">{t('weekOf', { from: shortDate(from, lang), to: shortDate(to, lang) })}</h2>
      {error && <p role="alert" className="error-box">{error}</p>}
      {!agenda && !error && <p role="status">{t('loading')}</p>}
      {agenda && (
        <>
          <p role="status">{agenda.total === 0 ? t('empty') : t('count', { count: agenda.total })}</p>
          {agenda.truncated && <p className="error-box">{t('truncated')}</p>}
          {agenda.days.map((day) => (
            <section key={day.date} className="agenda-day" aria-labelledby={`day-${day.date}`} data-date={day.date}>
              <h3 id={`day-${day.date}`}>{longDate(day.date, lang)}</h3>
              {day.districts.map((group) => (
                <section key={group.district ?? ''} className="agenda-district" aria-labelledby={`d-${day.date}-${group.district ?? 'none'}`} data-district={group.district ?? ''}>
                  <h4 id={`d-${day.date}-${group.district ?? 'none'}`}>{group.label ? L(group.label) : t('noDistrict')}</h4>
                  <ul className="plain-list agenda-items">
                    {group.items.map((item) => (
                      <li key={item.id}>
                        <time dateTime={item.inspectionAt} className="agenda-time">{item.time}</time>{' '}
                        <a href={href({ name: 'record', id: item.id })}>{item.companyName ?? item.id}</a>
                        <span className="agenda-address"> – {item.address ?? t('noAddress')}</span>
                        {item.inspector && <span className="agenda-inspector"> – {t('inspector', { name: item.inspector.displayName })}</span>}
                        {item.managerJoins && <strong className="agenda-manager"> – {t('managerJoins')}</strong>}
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </section>
          ))}
        </>
      )}
      <FeedSubscription />
    </section>
  );
}

/** The personal .ics address: made on request, shown once (the server keeps only its hash). */
function FeedSubscription() {
  const { t, i18n } = useTranslation('inspections');
  const lang = langOf(i18n.language);
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const urlId = useId();

  const create = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await api<{ token: string; url: string }>('POST', '/me/calendar-token');
      setUrl(r.url);
    } catch (e) {
      setError(errorText(e, lang, t('subscribe.error')));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setNotice(t('subscribe.copied'));
    } catch {
      // No clipboard (an insecure origin): the field is selected for a manual copy.
      (document.getElementById(urlId) as HTMLInputElement | null)?.select();
    }
  };

  return (
    <section className="panel agenda-subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">{t('subscribe.title')}</h2>
      <p>{t('subscribe.intro')}</p>
      <button type="button" onClick={() => void create()} disabled={busy}>{url ? t('subscribe.renew') : t('subscribe.button')}</button>
      {error && <p role="alert" className="error-box">{error}</p>}
      {url && (
        <div className="agenda-feed">
          <label htmlFor={urlId}>{t('subscribe.urlLabel')}</label>
          <input id={urlId} type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} style={{ width: '100%', maxWidth: '48rem' }} />
          <button type="button" onClick={() => void copy()}>{t('subscribe.copy')}</button>
          <p className="form-note">{t('subscribe.secret')}</p>
        </div>
      )}
      <p role="status" className="visually-hidden">{notice}</p>
    </section>
  );
}
