/**
 * The generated record page: header (title, status and reason, owner, queue), the lifecycle's
 * progress path, one button per event, the layout's sections, and the 360° view (history,
 * related records, documents). It reloads itself when someone else changes the record.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { HistoryItem, RecordType, RecordView } from '../api/types';
import { href, navigate } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { useLiveChanges } from '../realtime/socket';
import { EventActions } from './EventActions';
import { formatDateTime, intlLocale, langOf } from './format';
import { DocumentsPanel } from './DocumentsPanel';
import { LettersPanel } from '../census/LettersPanel';
import { NotesPanel } from './NotesPanel';
import { HistoryTimeline } from './HistoryTimeline';
import { MapPanel } from './MapPanel';
import { MessagesPanel } from './MessagesPanel';
import { RecordFields } from './RecordFields';
import { rememberEvents } from './events';
import { fieldDefs } from './sections';
import { useDocumentTitle } from './useDocumentTitle';

export function RecordPage(props: { id: string }) {
  const { id } = props;
  const { t, i18n } = useTranslation('agent');
  const L = useLocalized();
  const lang = langOf(i18n.language);
  const session = useSession();
  const [record, setRecord] = useState<RecordView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [history, setHistory] = useState<HistoryItem[] | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const version = useRef(-1);

  const accept = useCallback((view: RecordView) => {
    rememberEvents(view.recordType, view.events);
    // An older answer arriving late must not hide a newer version.
    if (view.version < version.current) return;
    version.current = view.version;
    setRecord(view);
  }, []);

  const load = useCallback(async (): Promise<RecordView | null> => {
    try {
      const view = await api<RecordView>('GET', `/records/${encodeURIComponent(id)}`);
      accept(view);
      setLoadError(null);
      return view;
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.message : t('error.generic'));
      return null;
    }
  }, [id, accept, t]);

  const loadHistory = useCallback(async () => {
    try {
      const h = await api<{ items: HistoryItem[] }>('GET', `/records/${encodeURIComponent(id)}/history`);
      setHistory(h.items);
      setHistoryError(null);
    } catch (e) {
      setHistoryError(e instanceof ApiError ? e.message : t('error.generic'));
    }
  }, [id, t]);

  useEffect(() => {
    void load();
    void loadHistory();
  }, [load, loadHistory]);

  const say = (text: string) => setAnnouncement(`${text} (${new Intl.DateTimeFormat(intlLocale(lang), { timeStyle: 'short' }).format(new Date())})`);

  useLiveChanges({ recordId: id }, (c) => {
    if (c.version <= version.current) return;
    void load();
    void loadHistory();
    if (c.actor !== session.me.user.id) {
      const name = c.actor === 'system' ? t('history.system') : session.users[c.actor] ?? c.actor;
      say(t('live.changedBy', { name }));
    }
  });

  const rt: RecordType | undefined = record ? recordTypeOf(session, record.recordType) : undefined;
  const title = record ? record.title ?? (rt ? `${L(rt.label)} ${record.id}` : record.id) : '';
  useDocumentTitle(record ? title : loadError ? t('record.notFound') : t('loading'));

  if (!record) {
    return loadError ? (
      <section>
        <h1>{t('record.notFound')}</h1>
        <p role="alert" className="error-box">{loadError}</p>
        <p><a href={href({ name: 'home' })}>{t('backHome')}</a></p>
      </section>
    ) : (
      <p role="status">{t('loading')}</p>
    );
  }

  const queue = record.queue ? session.queues.find((q) => q.id === record.queue) : undefined;
  const onSent = (view: RecordView, label: string) => {
    accept(view);
    void loadHistory();
    say(t('record.eventDone', { label }));
    document.getElementById('actions-title')?.focus();
  };

  return (
    <article className="record-page" aria-labelledby="record-title">
      <header className="record-header">
        <p className="record-kind">
          {rt ? <a href={href({ name: 'list', recordType: rt.record })}>{L(rt.plural ?? rt.label)}</a> : record.recordType}
        </p>
        <h1 id="record-title">{title}</h1>
        <dl className="record-meta">
          <div>
            <dt>{t('columns.status')}</dt>
            <dd>
              <span className={`status-badge${record.done ? ' status-done' : ''}`}>{record.statusLabel ? L(record.statusLabel) : record.status}</span>
              {record.reason && <span className="status-reason"> – {L(record.reason)}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('columns.owner')}</dt>
            <dd>{record.owner ? session.users[record.owner] ?? record.owner : <span className="value-muted">{t('value.unassigned')}</span>}</dd>
          </div>
          <div>
            <dt>{t('columns.queue')}</dt>
            <dd>
              {record.queue ? (
                queue ? <a href={href({ name: 'queue', queue: queue.id })}>{L(queue.label)}</a> : L(session.queueLabels[record.queue]) || record.queue
              ) : (
                <span className="value-muted">{t('value.noQueue')}</span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('columns.updatedAt')}</dt>
            <dd><time dateTime={record.updatedAt}>{formatDateTime(record.updatedAt, lang)}</time></dd>
          </div>
        </dl>
      </header>

      <div className="live-notice" aria-live="polite" role="status">{announcement}</div>

      {record.progress.length > 0 && <ProgressPath record={record} />}

      <div className="record-grid">
        <div className="record-main">
          <EventActions record={record} onSent={onSent} onStale={() => void load()} />
          <RecordFields
            record={record}
            rt={rt}
            onSaved={(view) => {
              accept(view);
              void loadHistory();
            }}
            onStale={async () => {
              const view = await load();
              void loadHistory();
              return view;
            }}
          />
        </div>
        <div className="record-side">
          <QuickLinks record={record} />
          <RelatedRecords record={record} rt={rt} />
          <NotesPanel recordId={record.id} />
          <LettersPanel record={record} rt={rt} onMerged={() => { void load(); void loadHistory(); }} />
          <DocumentsPanel
            record={record}
            rt={rt}
            onUploaded={(view) => {
              accept(view);
              void loadHistory();
            }}
          />
          <MapPanel record={record} rt={rt} />
          <MessagesPanel record={record} mailCapable={Boolean(rt?.fields['from_email'] || rt?.fields['contact_email'])} audience={rt?.fields['from_email'] ? 'citizen' : 'business'} onSent={() => void loadHistory()} />
          <HistoryTimeline items={history} rt={rt} recordType={record.recordType} error={historyError} />
        </div>
      </div>
    </article>
  );
}

function ProgressPath({ record }: { record: RecordView }) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  return (
    <section className="progress" aria-labelledby="progress-title">
      <h2 id="progress-title" className="visually-hidden">{t('progress.title')}</h2>
      <ol className="progress-path">
        {record.progress.map((s, i) => (
          <li key={s.id} className={`progress-step step-${s.state}`} aria-current={s.state === 'current' ? 'step' : undefined}>
            <span className="step-marker" aria-hidden="true">{s.state === 'done' ? '✓' : i + 1}</span>
            <span className="step-label">{L(s.label)}</span>
            <span className="visually-hidden"> – {t(`progress.${s.state}`)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Records this one points to (fields of type reference, or lists of them). */
/** The pack's quick links (Onyx, Brugis, Cadastre…) filled with this record's values, and a copy. */
function QuickLinks({ record }: { record: RecordView }) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const creatable = session.me.creatableRecordTypes.includes(record.recordType);
  const links = record.links ?? [];
  if (links.length === 0 && !creatable) return null;
  const clone = async () => {
    setError(null);
    try {
      const copy = await api<RecordView>('POST', `/records/${encodeURIComponent(record.id)}/clone`);
      navigate({ name: 'record', id: copy.id });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('error.generic'));
    }
  };
  return (
    <section className="panel" aria-labelledby="links-title" data-testid="quick-links">
      <h2 id="links-title">{t('links.title')}</h2>
      {links.length > 0 && (
        <ul className="plain-list">
          {links.map((l) => (
            <li key={l.id}>
              <a href={l.url} target="_blank" rel="noopener noreferrer">{L(l.label)}<span className="visually-hidden"> {t('links.newWindow')}</span></a>
            </li>
          ))}
        </ul>
      )}
      {creatable && <button type="button" className="secondary" onClick={() => void clone()}>{t('links.clone')}</button>}
      {error && <p role="alert" className="error-box">{error}</p>}
    </section>
  );
}

function RelatedRecords({ record, rt }: { record: RecordView; rt: RecordType | undefined }) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const defs = fieldDefs(rt, record);
  const refs: Array<{ field: string; id: string }> = [];
  for (const [name, def] of Object.entries(defs)) {
    const isRef = def.type === 'reference' || (def.type === 'list' && def.of === 'reference');
    if (!isRef) continue;
    const v = record.fields[name];
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && x !== '') refs.push({ field: name, id: x });
  }
  return (
    <section className="panel" aria-labelledby="related-title">
      <h2 id="related-title">{t('related.title')}</h2>
      {refs.length === 0 ? (
        <p className="value-muted">{t('related.empty')}</p>
      ) : (
        <ul className="plain-list">
          {refs.map((r) => (
            <li key={`${r.field}:${r.id}`}>
              <RelatedLink id={r.id} />
              <span className="value-muted"> ({L(defs[r.field]?.label)})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RelatedLink({ id }: { id: string }) {
  const L = useLocalized();
  const session = useSession();
  const [view, setView] = useState<RecordView | null>(null);
  useEffect(() => {
    let live = true;
    api<RecordView>('GET', `/records/${encodeURIComponent(id)}`)
      .then((v) => { if (live) setView(v); })
      .catch(() => undefined);
    return () => { live = false; };
  }, [id]);
  const rt = view ? recordTypeOf(session, view.recordType) : undefined;
  return (
    <a href={href({ name: 'record', id })}>
      {view?.title ?? id}
      {rt && <span className="value-muted"> – {L(rt.label)}</span>}
    </a>
  );
}
