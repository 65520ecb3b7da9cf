/** The pack's versions (newest first): status, who, when; open one, or roll back to it. */
import { useTranslation } from 'react-i18next';
import type { PackVersionSummary } from '../api/types';

interface Props {
  versions: PackVersionSummary[];
  editing: number | null;
  busy: boolean;
  onOpen: (version: number) => void;
  onRollback: (version: number) => void;
  users: Record<string, string>;
}

export function History({ versions, editing, busy, onOpen, onRollback, users }: Props) {
  const { t, i18n } = useTranslation('studio');
  const fmt = (iso: string | null): string => (iso ? new Intl.DateTimeFormat(`${i18n.language}-BE`, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—');
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const published = versions.find((v) => v.status === 'published')?.version ?? null;
  return (
    <table className="studio-table studio-history" data-testid="history">
      <caption className="visually-hidden">{t('history.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('history.version')}</th>
          <th scope="col">{t('history.status')}</th>
          <th scope="col">{t('history.createdBy')}</th>
          <th scope="col">{t('history.createdAt')}</th>
          <th scope="col">{t('history.publishedAt')}</th>
          <th scope="col"><span className="visually-hidden">{t('history.actions')}</span></th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((v) => (
          <tr key={v.version} data-version={v.version} aria-current={v.version === editing ? 'true' : undefined}>
            <th scope="row">
              {v.version}
              {v.version === editing && <span className="studio-muted"> ({t('history.editing')})</span>}
            </th>
            <td><span className={`studio-status studio-status-${v.status}`}>{t(`history.statuses.${v.status}`)}</span></td>
            <td>{users[v.createdBy] ?? v.createdBy}</td>
            <td>{fmt(v.createdAt)}</td>
            <td>{fmt(v.publishedAt)}</td>
            <td className="studio-actions">
              <button type="button" className="secondary" disabled={busy} onClick={() => onOpen(v.version)} aria-label={t('history.openVersion', { version: v.version })}>
                {t('history.open')}
              </button>
              {published !== null && v.version < published && (
                <button type="button" className="secondary" disabled={busy} onClick={() => onRollback(v.version)}>
                  {t('history.rollback')}
                  <span className="visually-hidden"> ({t('history.versionLabel', { version: v.version })})</span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
