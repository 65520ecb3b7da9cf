/**
 * Onyx, the commune's tax software (TR-29): the exports of the closed census dossiers as .xlsx,
 * and the update file Onyx sends back (article, amount paid, arrears) read into the dossiers.
 * As for the Belfirst import, the file goes up twice (preview, commit): the server keeps nothing
 * between the two, and the preview dry-runs what the commit will apply, row by row.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { href } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { useYesNo } from '../agent/FieldValue';
import { formatValue, langOf } from '../agent/format';
import { useDocumentTitle } from '../agent/useDocumentTitle';
import { useLocalized } from '../i18n';
import { canUseOnyx, errorText, exportUrl, pick, type ExportSummary, type RowMessage, type UpdateCommit, type UpdatePreview, type UpdateRowPreview } from './census-api';
import { FileColumns, ResultsTable, UploadProgress, XlsxDropZone } from './FileUpload';
import { useUploadFlow } from './useUploadFlow';

/** Rows shown in a table; the totals count them all. */
const MAX_ROWS_SHOWN = 500;

export function OnyxPage() {
  const { t, i18n } = useTranslation('census-extra');
  const lang = langOf(i18n.language);
  const session = useSession();
  useDocumentTitle(t('onyx.title'));
  const allowed = canUseOnyx(session.me);
  const [exports, setExports] = useState<ExportSummary[] | null>(null);
  const [target, setTarget] = useState('');
  const flow = useUploadFlow<UpdatePreview, UpdateCommit>({
    path: (step, f) => `/exports/${encodeURIComponent(target)}/update/${step}?filename=${encodeURIComponent(f.name)}`,
    notXlsx: (name) => t('onyx.notXlsx', { name }),
    errorText: (e) => errorText(e, lang, t('error')),
  });
  const { phase, busy, preview, result, error, setError } = flow;

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    api<{ items: ExportSummary[] }>('GET', '/exports')
      .then((r) => {
        if (!live) return;
        setExports(r.items);
        setTarget(r.items.find((x) => x.update)?.id ?? '');
      })
      .catch((e: unknown) => live && setError(errorText(e, lang, t('error'))));
    return () => {
      live = false;
    };
  }, [allowed, lang, t]);

  if (!allowed) {
    return (
      <section>
        <h1>{t('onyx.title')}</h1>
        <p role="alert" className="error-box">{t('onyx.notAllowed')}</p>
      </section>
    );
  }

  const updatable = (exports ?? []).filter((x) => x.update);
  const chosen = updatable.find((x) => x.id === target);
  const expected = chosen?.update ? [chosen.update.key, ...chosen.update.columns] : [];
  return (
    <section className="census-onyx" aria-labelledby="onyx-title">
      <h1 id="onyx-title">{t('onyx.title')}</h1>
      <p className="form-note">{t('onyx.intro')}</p>
      {error && <p role="alert" className="error-box">{error}</p>}

      <section className="panel" aria-labelledby="onyx-exports-title">
        <h2 id="onyx-exports-title">{t('onyx.exportsTitle')}</h2>
        {exports === null ? (
          !error && <p role="status">{t('loading')}</p>
        ) : exports.length === 0 ? (
          <p>{t('onyx.noExports')}</p>
        ) : (
          <ul className="plain-list onyx-exports">
            {exports.map((x) => (
              <li key={x.id}>
                <strong>{pick(x.label, lang)}</strong>
                {x.states && x.states.length > 0 && <span className="value-muted"> – {t('onyx.states', { count: x.states.length })}</span>}{' '}
                <a className="button-link" href={exportUrl(x.id)} download={`${x.id}.xlsx`}>
                  {t('onyx.download')}<span className="visually-hidden"> – {pick(x.label, lang)}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>

      {updatable.length > 0 && (
        <section className="panel" aria-labelledby="onyx-update-title">
          <h2 id="onyx-update-title">{t('onyx.updateTitle')}</h2>
          <p className="form-note">{t('onyx.updateIntro')}</p>
          {updatable.length > 1 && (
            <>
              <label htmlFor="onyx-target">{t('onyx.target')}</label>
              <select id="onyx-target" value={target} disabled={busy} onChange={(e) => { setTarget(e.target.value); flow.restart(); }}>
                {updatable.map((x) => <option key={x.id} value={x.id}>{pick(x.label, lang)}</option>)}
              </select>
            </>
          )}
          <XlsxDropZone flow={flow} id="onyx-file" label={t('onyx.file')} hint={t('onyx.fileHint')} />

          {phase.kind === 'previewing' || phase.kind === 'committing' ? (
            <UploadProgress sent={phase.sent} working={t(phase.kind === 'committing' ? 'onyx.applying' : 'onyx.checking')} uploading={(percent) => t('uploading', { percent })} />
          ) : null}

          {preview && !result && (
            <div aria-labelledby="onyx-preview-title">
              <h3 id="onyx-preview-title">{t('onyx.previewTitle', { name: preview.fileName })}</h3>
              <ul className="census-totals">
                <li>{t('onyx.totalRows', { count: preview.totals.rows })}</li>
                <li>{t('onyx.toUpdate', { count: preview.totals.update })}</li>
                <li>{t('onyx.unchanged', { count: preview.totals.unchanged })}</li>
                <li>{t('onyx.withErrors', { count: preview.totals.error })}</li>
              </ul>
              {preview.columns.unknown.length > 0 && (
                <p><strong>{t('onyx.unknownColumns')}</strong> <FileColumns names={preview.columns.unknown} /></p>
              )}
              {preview.columns.missing.length > 0 && (
                <p><strong>{t('onyx.missingColumns')}</strong> <FileColumns names={preview.columns.missing} /></p>
              )}
              <UpdateRows rows={preview.rows} recordType={chosen?.record ?? ''} />
              <div className="form-buttons">
                <button type="button" onClick={() => void flow.commit()} disabled={busy || preview.totals.update === 0}>
                  {t('onyx.commit', { count: preview.totals.update })}
                </button>
                <button type="button" className="secondary" onClick={flow.restart} disabled={busy}>{t('onyx.another')}</button>
              </div>
              {preview.totals.update === 0 && <p className="form-note">{t('onyx.nothingToDo')}</p>}
            </div>
          )}

          {result && (
            <div role="status" aria-labelledby="onyx-done-title">
              <h3 id="onyx-done-title">{t('onyx.doneTitle')}</h3>
              <ul className="census-totals">
                <li>{t('onyx.updated', { count: result.updated })}</li>
                <li>{t('onyx.unchanged', { count: result.unchanged })}</li>
                {result.errors > 0 && <li>{t('onyx.notApplied', { count: result.errors })}</li>}
              </ul>
              <UpdateRows rows={result.rows} recordType={chosen?.record ?? ''} />
              <p className="form-buttons">
                <button type="button" className="secondary" onClick={flow.restart}>{t('onyx.another')}</button>
              </p>
            </div>
          )}
          {/* Column names of the export, so the user can check the file before sending it. */}
          {!preview && !result && !busy && (
            <p className="form-note">
              {t('onyx.expectedColumns')}{' '}
              <FileColumns names={expected} />
            </p>
          )}
        </section>
      )}
      {exports !== null && updatable.length === 0 && exports.length > 0 && <p className="form-note">{t('onyx.noUpdate')}</p>}
    </section>
  );
}

function UpdateRows({ rows, recordType }: { rows: UpdateRowPreview[]; recordType: string }) {
  const { t, i18n } = useTranslation('census-extra');
  const lang = langOf(i18n.language);
  const L = useLocalized();
  const yesNo = useYesNo();
  const session = useSession();
  const fields = recordTypeOf(session, recordType)?.fields ?? {};
  if (rows.length === 0) return null;
  const fieldName = (field: string | undefined, column: string | undefined) => {
    const label = field ? L(fields[field]?.label) : '';
    return (
      <>
        {label}
        {column && column !== label && <> (<code className="file-column">{column}</code>)</>}
      </>
    );
  };
  const message = (m: RowMessage) => (
    <>
      {(m.field || m.column) && <>{fieldName(m.field, m.column)}: </>}
      {pick(m, lang)}
    </>
  );
  return (
    <>
      <ResultsTable className="onyx-rows" caption={t('onyx.rowsCaption')} columns={[t('onyx.row'), t('onyx.status'), t('onyx.dossier'), t('onyx.changes'), t('onyx.messages')]}>
        {rows.slice(0, MAX_ROWS_SHOWN).map((r) => (
          <tr key={r.row} className={`row-${r.status}`}>
            <th scope="row">{r.row}</th>
            <td>{t(`onyx.rowStatus.${r.status}`)}</td>
            <td>
              {r.recordId ? <a href={href({ name: 'record', id: r.recordId })}>{r.title ?? r.recordId}</a> : null}
              {r.key ? <span className="value-muted">{r.recordId ? ' ' : ''}({r.key})</span> : null}
            </td>
            <td>
              {r.changes.length > 0 && (
                <ul className="plain-list onyx-changes">
                  {r.changes.map((c) => (
                    <li key={c.field}>
                      {fieldName(c.field, c.column)}: <span className="value-before">{formatValue(fields[c.field], c.before, lang, yesNo) || t('onyx.empty')}</span>
                      {' → '}
                      <strong>{formatValue(fields[c.field], c.after, lang, yesNo) || t('onyx.empty')}</strong>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              {r.errors.length > 0 && (
                <ul className="plain-list">
                  {r.errors.map((m, i) => <li key={i} className="field-error">{message(m)}</li>)}
                </ul>
              )}
              {r.duplicateOf && r.duplicateOf.length > 0 && <span className="value-muted">{t('onyx.duplicateOf', { rows: r.duplicateOf.join(', ') })}</span>}
            </td>
          </tr>
        ))}
      </ResultsTable>
      {rows.length > MAX_ROWS_SHOWN && <p className="form-note">{t('onyx.rowsCut', { shown: MAX_ROWS_SHOWN, total: rows.length })}</p>}
    </>
  );
}
