/** The record's history, newest first: who, when, what, and each changed field before → after. */
import { useTranslation } from 'react-i18next';
import type { HistoryItem, RecordType } from '../api/types';
import { useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { formatDateTime, formatValue, isEmptyValue, langOf } from './format';
import { isBuiltinEvent, isTimerEvent, packEventLabel } from './events';
import { useYesNo } from './FieldValue';

const MAX_VALUE_CHARS = 160;

export function HistoryTimeline({ items, rt, recordType, error }: { items: HistoryItem[] | null; rt: RecordType | undefined; recordType: string; error: string | null }) {
  const { t, i18n } = useTranslation('agent');
  const L = useLocalized();
  const lang = langOf(i18n.language);
  const yesNo = useYesNo();
  const session = useSession();

  const eventLabel = (type: string): string => {
    if (isTimerEvent(type)) return t('event.timer');
    if (isBuiltinEvent(type)) return t(`event.${type}`);
    const label = packEventLabel(rt, recordType, type);
    return label ? L(label) : type;
  };
  const actorName = (id: string): string => (id === 'system' ? t('history.system') : session.users[id] ?? id);
  const show = (field: string, v: unknown): string => {
    if (isEmptyValue(v)) return t('value.empty');
    const s = formatValue(rt?.fields[field], v, lang, yesNo);
    return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
  };

  return (
    <section className="panel record-history" aria-labelledby="history-title" data-testid="history">
      <h2 id="history-title">{t('history.title')}</h2>
      {error && <p role="alert" className="error-box">{error}</p>}
      {items === null ? (
        !error && <p role="status">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="value-muted">{t('history.empty')}</p>
      ) : (
        <ol className="timeline">
          {[...items].reverse().map((h) => {
            const comment = typeof h.data['comment'] === 'string' && h.data['comment'].trim() !== '' ? h.data['comment'] : null;
            return (
              <li key={h.version}>
                <p className="timeline-head">
                  <strong>{eventLabel(h.eventType)}</strong>
                  <span className="timeline-meta">
                    {t('history.byAt', { name: actorName(h.actor) })}{' '}
                    <time dateTime={h.at}>{formatDateTime(h.at, lang)}</time>
                  </span>
                </p>
                {comment && <blockquote className="timeline-comment"><span className="visually-hidden">{t('history.comment')} </span>{comment}</blockquote>}
                {h.changes.length > 0 && (
                  <ul className="timeline-changes" aria-label={t('history.changes')}>
                    {h.changes.map((c) => (
                      <li key={c.field}>
                        <span className="change-field">{t('history.field', { field: rt?.fields[c.field] ? L(rt.fields[c.field]?.label) : c.field })}</span>{' '}
                        {h.eventType === 'create' ? (
                          <span className="change-after">{show(c.field, c.after)}</span>
                        ) : (
                          <>
                            <span className={isEmptyValue(c.before) ? 'change-before-empty' : 'change-before'}><span className="visually-hidden">{t('history.before')} </span>{show(c.field, c.before)}</span>
                            <span aria-hidden="true"> → </span>
                            <span className="change-after"><span className="visually-hidden"> {t('history.after')} </span>{show(c.field, c.after)}</span>
                          </>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
