import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { Lang, LocalizedText, Me, Queue, RecordType, User } from '../api/types';
import { LoginPage } from '../auth/LoginPage';
import { LANGUAGES, setLanguage, useLocalized } from '../i18n';
import { ListView } from '../agent/ListView';
import { RecordPage } from '../agent/RecordPage';
import { NewRecordPage } from '../agent/NewRecordPage';
import { ImportPage } from '../census/ImportPage';
import { SignaturesPage } from '../census/SignaturesPage';
import { canSeeInspections, InspectionsAgenda } from '../census/InspectionsAgenda';
import { canImport, canSeeFigures, canSign, canUploadMail, canUseOnyx } from '../census/census-api';
import { OnyxPage } from '../census/OnyxPage';
import { FiguresPage } from '../census/FiguresPage';
import { RegisteredMailPage } from '../census/RegisteredMailPage';
import { href, navigate, useRoute } from './router';
import { useCasePop } from '../realtime/socket';
import { SessionContext, useSession, type DeskForm, type Session } from './session';

// The studio (editor, diagram layout) is a separate chunk: agents never download it.
const StudioPage = lazy(() => import('../studio/StudioPage').then((m) => ({ default: m.StudioPage })));

async function loadSession(): Promise<Omit<Session, 'reload'>> {
  const [me, types, queues, users] = await Promise.all([
    api<Me>('GET', '/me'),
    api<{ packVersion: number; recordTypes: RecordType[]; queueLabels: Record<string, LocalizedText>; deskForms: DeskForm[] }>('GET', '/record-types'),
    api<{ items: Queue[] }>('GET', '/queues'),
    api<{ items: Array<{ id: string; displayName: string }> }>('GET', '/users'),
  ]);
  return { me, recordTypes: types.recordTypes, packVersion: types.packVersion, queueLabels: types.queueLabels, deskForms: types.deskForms ?? [], queues: queues.items, users: Object.fromEntries(users.items.map((u) => [u.id, u.displayName])) };
}

export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Omit<Session, 'reload'> | null>(null);
  const [state, setState] = useState<'loading' | 'anonymous' | 'ready'>('loading');

  const reload = useCallback(async () => {
    try {
      const s = await loadSession();
      setLanguage(s.me.user.language);
      setSession(s);
      setState('ready');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setState('anonymous');
      else throw e;
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  if (state === 'loading') return <p role="status">{t('loading')}</p>;
  if (state === 'anonymous' || !session) {
    return (
      <>
        <LanguageSwitch onChange={(l) => setLanguage(l)} />
        <LoginPage onLogin={(u: User) => { setLanguage(u.language); void reload(); }} />
      </>
    );
  }
  return (
    <SessionContext.Provider value={{ ...session, reload }}>
      <Shell onLogout={() => { setSession(null); setState('anonymous'); }} />
    </SessionContext.Provider>
  );
}

function LanguageSwitch({ onChange }: { onChange: (l: Lang) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {LANGUAGES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={i18n.language === l} onClick={() => onChange(l)}>
          {t(`language.${l}`)}
        </button>
      ))}
    </div>
  );
}

function Shell({ onLogout }: { onLogout: () => void }) {
  const { t } = useTranslation();
  const L = useLocalized();
  const route = useRoute();
  const s = useSession();
  const [popNotice, setPopNotice] = useState<string | null>(null);
  // An answered call opens its case at once, and says so to screen readers too.
  useCasePop((p) => {
    setPopNotice(t('callPopped', { from: p.from ?? '' }));
    navigate({ name: 'record', id: p.recordId });
  });
  return (
        <>
          {/* The hash is the router's: the skip link moves focus without changing it. */}
          <a
            className="skip-link"
            href="#content"
            onClick={(e) => {
              e.preventDefault();
              document.getElementById('content')?.focus();
            }}
          >
            {t('skipToContent')}
          </a>
          <header className="top">
            <a className="brand" href={href({ name: 'home' })}>{t('appName')}</a>
            <nav aria-label={t('nav.main')}>
              <ul>
                {s.recordTypes.map((rt) => (
                  <li key={rt.record}>
                    <a href={href({ name: 'list', recordType: rt.record })} aria-current={route.name === 'list' && route.recordType === rt.record ? 'page' : undefined}>
                      {L(rt.plural ?? rt.label)}
                    </a>
                  </li>
                ))}
                {s.queues.map((q) => (
                  <li key={q.id}>
                    <a href={href({ name: 'queue', queue: q.id })} aria-current={route.name === 'queue' && route.queue === q.id ? 'page' : undefined}>
                      {t('nav.queue', { name: L(q.label) })}
                    </a>
                  </li>
                ))}
                {s.deskForms.map((d) => (
                  <li key={`desk-${d.id}`}>
                    <a href={href({ name: 'new', recordType: d.record, desk: d.id })} aria-current={route.name === 'new' && route.desk === d.id ? 'page' : undefined}>{L(d.label)}</a>
                  </li>
                ))}
                {canImport(s.me) && (
                  <li>
                    <a href={href({ name: 'census-import' })} aria-current={route.name === 'census-import' ? 'page' : undefined}>{t('census:nav.import')}</a>
                  </li>
                )}
                {canSeeInspections(s.me) && (
                  <li>
                    <a href={href({ name: 'census-inspections' })} aria-current={route.name === 'census-inspections' ? 'page' : undefined}>{t('inspections:nav')}</a>
                  </li>
                )}
                {canUploadMail(s.me) && (
                  <li>
                    <a href={href({ name: 'census-registered-mail' })} aria-current={route.name === 'census-registered-mail' ? 'page' : undefined}>{t('census-extra:nav.registeredMail')}</a>
                  </li>
                )}
                {canUseOnyx(s.me) && (
                  <li>
                    <a href={href({ name: 'census-onyx' })} aria-current={route.name === 'census-onyx' ? 'page' : undefined}>{t('census-extra:nav.onyx')}</a>
                  </li>
                )}
                {canSeeFigures(s.me) && (
                  <li>
                    <a href={href({ name: 'census-figures' })} aria-current={route.name === 'census-figures' ? 'page' : undefined}>{t('census-extra:nav.figures')}</a>
                  </li>
                )}
                {canSign(s.me) && (
                  <li>
                    <a href={href({ name: 'census-signatures' })} aria-current={route.name === 'census-signatures' ? 'page' : undefined}>{t('census:nav.signatures')}</a>
                  </li>
                )}
                {s.me.admin && (
                  <li>
                    <a href={href({ name: 'studio' })} aria-current={route.name === 'studio' ? 'page' : undefined}>{t('nav.studio')}</a>
                  </li>
                )}
              </ul>
            </nav>
            <LanguageSwitch
              onChange={(l) => {
                setLanguage(l);
                void api('PUT', '/me/language', { language: l });
              }}
            />
            <span className="user">{s.me.user.displayName}</span>
            <button type="button" onClick={() => void api('POST', '/auth/logout').then(onLogout)}>{t('logout')}</button>
          </header>
          <div className="visually-hidden" role="status" aria-live="assertive">{popNotice}</div>
          <main id="content" tabIndex={-1}>
            {route.name === 'home' && (
              <section>
                <h1>{t('home.title', { name: s.me.user.displayName })}</h1>
                <p>{t('home.intro')}</p>
              </section>
            )}
            {route.name === 'list' && <ListView key={`t:${route.recordType}:${route.view ?? ''}`} recordType={route.recordType} view={route.view} />}
            {route.name === 'census-import' && <ImportPage />}
            {route.name === 'census-signatures' && <SignaturesPage />}
            {route.name === 'census-inspections' && <InspectionsAgenda from={route.from} district={route.district} />}
            {route.name === 'census-onyx' && <OnyxPage />}
            {route.name === 'census-figures' && <FiguresPage />}
            {route.name === 'census-registered-mail' && <RegisteredMailPage />}
            {route.name === 'queue' && <ListView key={`q:${route.queue}`} queue={route.queue} />}
            {route.name === 'record' && <RecordPage key={route.id} id={route.id} />}
            {route.name === 'new' && <NewRecordPage key={`${route.recordType}:${route.desk ?? ''}`} recordType={route.recordType} desk={route.desk} />}
            {route.name === 'studio' && (
              <Suspense fallback={<p role="status">{t('loading')}</p>}>
                <StudioPage file={route.file} />
              </Suspense>
            )}
            {route.name === 'not-found' && <h1>{t('notFound')}</h1>}
          </main>
        </>
  );
}
