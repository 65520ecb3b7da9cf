/** Every problem of the pack, grouped by file; each opens its file at the line. */
import { useTranslation } from 'react-i18next';
import type { Lang, Problem } from '../api/types';
import { href } from '../app/router';
import { problemMessage } from './studio-api';

interface Props {
  problems: Problem[];
  openFile: string | null;
  lang: Lang;
  onOpen: (file: string, line: number, col: number) => void;
  title: string;
  testId?: string;
}

export function problemSummary(t: (k: string, o?: Record<string, unknown>) => string, problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (errors === 0 && warnings === 0) return t('problems.none');
  const parts = [t('problems.errors', { count: errors })];
  if (warnings > 0) parts.push(t('problems.warnings', { count: warnings }));
  return parts.join(', ');
}

export function ProblemsPanel({ problems, openFile, lang, onOpen, title, testId = 'problems' }: Props) {
  const { t } = useTranslation('studio');
  const files = [...new Set(problems.map((p) => p.file))].sort((a, b) => (a === openFile ? -1 : b === openFile ? 1 : a.localeCompare(b)));
  return (
    <section className="studio-problems" data-testid={testId} aria-label={title}>
      <h2>
        {title} <span className="studio-count">({problemSummary(t, problems)})</span>
      </h2>
      {files.map((file) => (
        <div key={file} className="studio-problems-file">
          <h3>
            <code>{file}</code>
            {file === openFile && <span className="studio-muted"> — {t('problems.openFile')}</span>}
          </h3>
          <ul>
            {problems
              .filter((p) => p.file === file)
              .map((p, i) => (
                <li key={`${p.line}:${p.col}:${i}`} className={`studio-problem studio-problem-${p.severity}`}>
                  <a
                    href={href({ name: 'studio', file: p.file })}
                    onClick={(e) => {
                      e.preventDefault();
                      onOpen(p.file, p.line, p.col);
                    }}
                  >
                    {`${p.file}:${p.line}:${p.col}`}
                  </a>{' '}
                  <span className="studio-severity">{t(`problems.severity.${p.severity}`)}</span> {problemMessage(p, lang)}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
