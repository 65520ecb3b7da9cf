/**
 * Belfirst import (TR-28, TR-40): the census agent chooses or drops the .xlsx export, sees what
 * the import would do (rows to create, already known, errors per row and column in their
 * language, unknown columns), then creates the new dossiers. The file goes up twice (preview,
 * commit): the server keeps nothing between the two, so a preview never leaves a half import.
 */
import { useTranslation } from 'react-i18next';
import { href } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { langOf } from '../agent/format';
import { useDocumentTitle } from '../agent/useDocumentTitle';
import { canImport, errorText, pick, type ImportCommit, type ImportPreview, type ImportTotals, type RowMessage, type RowPreview } from './census-api';
import { FileColumns, ResultsTable, UploadProgress, XlsxDropZone } from './FileUpload';
import { useUploadFlow } from './useUploadFlow';

/** The record type the Belfirst import creates (definitions/brussels-commune/imports.yaml). */
const DOSSIER = 'dossier';
/** Rows shown in the preview table; the totals count them all. */
const MAX_ROWS_SHOWN = 500;

export function ImportPage() {
  const { t, i18n } = useTranslation('census');
  const lang = langOf(i18n.language);
  const session = useSession();
  useDocumentTitle(t('import.title'));
  const flow = useUploadFlow<ImportPreview, ImportCommit>({
    path: (step, f) => `/imports/belfirst/${step}?filename=${encodeURIComponent(f.name)}`,
    notXlsx: (name) => t('import.notXlsx', { name }),
    errorText: (e) => errorText(e, lang, t('error')),
  });
  const { phase, busy, preview, result, error } = flow;

  if (!canImport(session.me)) {
    return (
      <section>
        <h1>{t('import.title')}</h1>
        <p role="alert" className="error-box">{t('import.notAllowed')}</p>
      </section>
    );
  }

  const problemRows = (preview?.rows ?? []).filter((r) => r.status !== 'new');
  const listHref = href({ name: 'list', recordType: DOSSIER });

  return (
    <section className="census-import" aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <p className="form-note">{t('import.intro')}</p>

      <XlsxDropZone flow={flow} id="belfirst-file" label={t('import.file')} hint={t('import.fileHint')} />

      {phase.kind === 'previewing' || phase.kind === 'committing' ? (
        <UploadProgress sent={phase.sent} working={t(phase.kind === 'committing' ? 'import.creating' : 'import.checking')} uploading={(percent) => t('import.uploading', { percent })} />
      ) : null}
      {error && <p role="alert" className="error-box">{error}</p>}

      {preview && !result && (
        <div className="panel" aria-labelledby="preview-title">
          <h2 id="preview-title">{t('import.previewTitle', { name: preview.fileName })}</h2>
          <Totals totals={preview.totals} />
          {preview.columns.unknown.length > 0 && (
            <p>
              <strong>{t('import.unknownColumns')}</strong> <FileColumns names={preview.columns.unknown} />
              <span className="value-muted"> – {t('import.unknownColumnsNote')}</span>
            </p>
          )}
          {preview.columns.missing.length > 0 && (
            <p><strong>{t('import.missingColumns')}</strong> <FileColumns names={preview.columns.missing} /></p>
          )}
          {problemRows.length > 0 && <RowsTable rows={problemRows.slice(0, MAX_ROWS_SHOWN)} lang={lang} />}
          {problemRows.length > MAX_ROWS_SHOWN && <p className="form-note">{t('import.rowsCut', { shown: MAX_ROWS_SHOWN, total: problemRows.length })}</p>}
          <div className="form-buttons">
            <button type="button" onClick={() => void flow.commit()} disabled={busy || preview.totals.new === 0}>
              {t('import.commit', { count: preview.totals.new })}
            </button>
            <button type="button" className="secondary" onClick={flow.restart} disabled={busy}>{t('import.another')}</button>
          </div>
          {preview.totals.new === 0 && <p className="form-note">{t('import.nothingNew')}</p>}
        </div>
      )}

      {result && (
        <div className="panel" role="status" aria-labelledby="result-title">
          <h2 id="result-title">{t('import.doneTitle')}</h2>
          <ul className="census-totals">
            <li>{t('import.created', { count: result.created })}</li>
            <li>{t('import.skipped', { count: result.existing + result.duplicate })}</li>
            {result.errors > 0 && <li>{t('import.notImported', { count: result.errors })}</li>}
          </ul>
          {result.rows.length > 0 && <RowsTable rows={result.rows.slice(0, MAX_ROWS_SHOWN)} lang={lang} />}
          <p className="form-buttons">
            <a className="button-link" href={listHref}>{t('import.seeDossiers')}</a>
            <button type="button" className="secondary" onClick={flow.restart}>{t('import.another')}</button>
          </p>
        </div>
      )}
      {!result && !preview && !busy && (
        <p><a href={listHref}>{t('import.seeDossiers')}</a></p>
      )}
    </section>
  );
}

function Totals({ totals }: { totals: ImportTotals }) {
  const { t } = useTranslation('census');
  return (
    <ul className="census-totals">
      <li>{t('import.totalRows', { count: totals.rows })}</li>
      <li>{t('import.toCreate', { count: totals.new })}</li>
      <li>{t('import.existing', { count: totals.existing + totals.duplicate })}</li>
      <li>{t('import.withErrors', { count: totals.error })}</li>
    </ul>
  );
}

function RowsTable({ rows, lang }: { rows: RowPreview[]; lang: 'fr' | 'nl' | 'en' }) {
  const { t } = useTranslation('census');
  const L = useLocalized();
  const session = useSession();
  const fields = recordTypeOf(session, DOSSIER)?.fields ?? {};
  // The field's name in the user's language, then the file's own header to find it there.
  const column = (m: RowMessage) => {
    const label = m.field ? L(fields[m.field]?.label) : '';
    if (!label) return m.column ? <code className="file-column">{m.column}</code> : '';
    return (
      <>
        {label}
        {m.column && m.column !== label && <> (<code className="file-column">{m.column}</code>)</>}
      </>
    );
  };
  return (
    <ResultsTable caption={t('import.rowsCaption')} columns={[t('import.row'), t('import.status'), t('import.company'), t('import.column'), t('import.message')]}>
      {rows.map((r) => {
        const messages = r.errors.length > 0 ? r.errors : [null];
        return messages.map((m, i) => (
          <tr key={`${r.row}-${i}`} className={`row-${r.status}`}>
            {i === 0 && <th scope="row" rowSpan={messages.length}>{r.row}</th>}
            {i === 0 && <td rowSpan={messages.length}>{t(`import.rowStatus.${r.status}`)}</td>}
            {i === 0 && (
              <td rowSpan={messages.length}>
                {r.recordId ? <a href={href({ name: 'record', id: r.recordId })}>{r.name ?? r.recordId}</a> : r.name ?? ''}
                {r.key ? ` (${r.key})` : ''}
              </td>
            )}
            <td>{m ? column(m) : ''}</td>
            <td>{m ? pick(m, lang) : r.status === 'duplicate' && r.duplicateOf ? t('import.duplicateOf', { row: r.duplicateOf }) : r.status === 'existing' ? t('import.alreadyKnown') : ''}</td>
          </tr>
        ));
      })}
    </ResultsTable>
  );
}
