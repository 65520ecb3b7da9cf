/** A readable diff of two sets of files: which files are added, removed or changed, and their lines. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { diffPacks, hunks } from './diff';
import type { PackFiles } from './studio-api';

export function DiffView({ before, after }: { before: PackFiles; after: PackFiles }) {
  const { t } = useTranslation('studio');
  const diffs = useMemo(() => diffPacks(before, after).filter((d) => d.status !== 'unchanged'), [before, after]);
  if (diffs.length === 0) return <p data-testid="diff-empty">{t('diff.none')}</p>;
  const count = (s: string) => diffs.filter((d) => d.status === s).length;
  return (
    <div className="studio-diff" data-testid="diff">
      <p>{t('diff.summary', { added: count('added'), removed: count('removed'), changed: count('changed') })}</p>
      <ul className="studio-diff-files">
        {diffs.map((d) => (
          <li key={d.path}>
            <code>{d.path}</code> — <span className={`studio-diff-status studio-diff-${d.status}`}>{t(`diff.status.${d.status}`)}</span>{' '}
            <span>{t('diff.lines', { added: d.added, removed: d.removed })}</span>
          </li>
        ))}
      </ul>
      {diffs.map((d, i) => (
        <details key={d.path} open={i < 5} className="studio-diff-file" data-file={d.path}>
          <summary>
            <code>{d.path}</code> ({t(`diff.status.${d.status}`)}, {t('diff.lines', { added: d.added, removed: d.removed })})
          </summary>
          <pre aria-label={t('diff.ofFile', { file: d.path })} tabIndex={0}>
            {hunks(d.lines, 3).map((h, hi) => (
              <span key={hi} className="studio-hunk">
                <span className="studio-diff-hunk">{`@@ -${h.oldStart} +${h.newStart} @@`}{'\n'}</span>
                {h.lines.map((l, li) => (
                  <span key={li} className={l.kind === 'add' ? 'studio-diff-add' : l.kind === 'del' ? 'studio-diff-del' : 'studio-diff-same'}>
                    {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}
                    {l.text}
                    {'\n'}
                  </span>
                ))}
              </span>
            ))}
          </pre>
        </details>
      ))}
    </div>
  );
}
