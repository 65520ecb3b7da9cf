/**
 * Registered mail in batches (TR-45): the census agent drops the bpost proofs of sending, the
 * receipts or the returned forms (several files, with bpost's CSV deposit list when there is
 * one); the server matches each file to its dossier and says, file by file, what it did or why
 * it did nothing. A refused file does not stop the others (runtime/http/registered-mail.routes.ts).
 */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { href } from '../app/router';
import { useSession } from '../app/session';
import { formatBytes, langOf } from '../agent/format';
import { useDocumentTitle } from '../agent/useDocumentTitle';
import { canUploadMail, errorText, pick, uploadForm, type MailBatchResult, type MailKind } from './census-api';
import { DropZone, ResultsTable, UploadProgress } from './FileUpload';

const KINDS: MailKind[] = ['sending', 'receipt', 'return'];
const DOSSIER = 'dossier';
const LATE_RETURNS_VIEW = 'late-returns';

/** A key per batch: the same batch sent again after a lost answer is applied once. */
function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function RegisteredMailPage() {
  const { t, i18n } = useTranslation('census-extra');
  const lang = langOf(i18n.language);
  const session = useSession();
  useDocumentTitle(t('mail.title'));
  const [kind, setKind] = useState<MailKind>('sending');
  const [files, setFiles] = useState<File[]>([]);
  const [manifest, setManifest] = useState<File | null>(null);
  const [key, setKey] = useState(newKey);
  const [sending, setSending] = useState<{ sent: number | null } | null>(null);
  const [result, setResult] = useState<MailBatchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const manifestInput = useRef<HTMLInputElement>(null);

  if (!canUploadMail(session.me)) {
    return (
      <section>
        <h1>{t('mail.title')}</h1>
        <p role="alert" className="error-box">{t('mail.notAllowed')}</p>
      </section>
    );
  }

  const busy = sending !== null;
  const lateReturns = href({ name: 'list', recordType: DOSSIER, view: LATE_RETURNS_VIEW });
  const choose = (list: FileList | null) => {
    setFiles(list ? [...list] : []);
    setResult(null);
    setError(null);
    setKey(newKey());
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (files.length === 0) {
      setError(t('mail.noFiles'));
      return;
    }
    const form = new FormData();
    if (kind !== 'return') form.append('kind', kind);
    form.append('idempotencyKey', key);
    for (const f of files) form.append('files', f, f.name);
    if (manifest) form.append('manifest', manifest, manifest.name);
    setSending({ sent: 0 });
    setResult(null);
    try {
      const path = kind === 'return' ? '/registered-mail/returns' : '/registered-mail/proofs';
      setResult(await uploadForm<MailBatchResult>(path, form, (sent) => setSending({ sent })));
    } catch (err) {
      // Refused as a whole: nothing was changed, the same files can go again.
      setError(errorText(err, lang, t('error')));
    } finally {
      setSending(null);
    }
  };

  const restart = () => {
    setFiles([]);
    setManifest(null);
    setResult(null);
    setError(null);
    setKey(newKey());
    if (filesInput.current) filesInput.current.value = '';
    if (manifestInput.current) manifestInput.current.value = '';
  };

  return (
    <section className="census-mail" aria-labelledby="mail-title">
      <h1 id="mail-title">{t('mail.title')}</h1>
      <p className="form-note">{t('mail.intro')}</p>
      <p><a href={lateReturns}>{t('mail.lateReturns')}</a></p>

      <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="mail-form-title">
        <h2 id="mail-form-title">{t('mail.formTitle')}</h2>
        <fieldset className="template-choice">
          <legend>{t('mail.kind')}</legend>
          {KINDS.map((k) => (
            <div key={k} className="check-row">
              <input id={`mail-kind-${k}`} type="radio" name="mail-kind" value={k} checked={kind === k} disabled={busy} onChange={() => setKind(k)} />
              <label htmlFor={`mail-kind-${k}`}>{t(`mail.kinds.${k}`)}</label>
            </div>
          ))}
        </fieldset>

        <DropZone
          id="mail-files"
          label={t('mail.files')}
          hint={t(kind === 'return' ? 'mail.filesHintReturn' : 'mail.filesHint')}
          multiple
          disabled={busy}
          inputRef={filesInput}
          onFiles={choose}
        >
          {files.length > 0 && (
            <p className="form-note">{t('mail.chosen', { count: files.length, size: formatBytes(files.reduce((n, f) => n + f.size, 0), lang) })}</p>
          )}
        </DropZone>

        <label htmlFor="mail-manifest">{t('mail.manifest')}</label>
        <p id="mail-manifest-hint" className="field-hint">{t('mail.manifestHint')}</p>
        <input
          ref={manifestInput}
          id="mail-manifest"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="mail-manifest-hint"
          disabled={busy}
          onChange={(e) => setManifest(e.target.files?.[0] ?? null)}
        />

        <div className="form-buttons">
          <button type="submit" disabled={busy || files.length === 0}>{t('mail.send', { count: files.length })}</button>
          {(result || files.length > 0) && <button type="button" className="secondary" onClick={restart} disabled={busy}>{t('mail.another')}</button>}
        </div>
      </form>

      {sending && <UploadProgress sent={sending.sent} working={t('mail.matching')} uploading={(percent) => t('uploading', { percent })} />}
      {error && <p role="alert" className="error-box">{error}</p>}

      {result && (
        <div className="panel" role="status" aria-labelledby="mail-done-title">
          <h2 id="mail-done-title">{t('mail.doneTitle', { count: result.results.length })}</h2>
          <ul className="census-totals">
            {(['applied', 'attached-only', 'already-done', 'refused'] as const).filter((o) => result.counts[o] > 0).map((o) => (
              <li key={o}>{t(`mail.counts.${o}`, { count: result.counts[o] })}</li>
            ))}
          </ul>
          <ResultsTable className="mail-results" caption={t('mail.caption')} columns={[t('mail.file'), t('mail.dossier'), t('mail.outcome'), t('mail.message')]}>
            {result.results.map((r) => (
              <tr key={r.index} className={`row-${r.outcome === 'refused' ? 'error' : r.outcome}`}>
                <th scope="row"><span className="file-name">{r.file}</span></th>
                <td>
                  {r.dossier ? <a href={href({ name: 'record', id: r.dossier.id })}>{r.dossier.title ?? r.dossier.id}</a> : <span className="value-muted">{t('mail.noDossier')}</span>}
                  {r.registeredNumber && <span className="value-muted"> ({r.registeredNumber})</span>}
                </td>
                <td><strong className={`mail-${r.outcome}`}>{t(`mail.outcomes.${r.outcome}`)}</strong></td>
                <td>{pick(r.message, lang)}</td>
              </tr>
            ))}
          </ResultsTable>
          <p><a href={lateReturns}>{t('mail.lateReturns')}</a></p>
        </div>
      )}
    </section>
  );
}
