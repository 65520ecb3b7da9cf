/**
 * The list's "Mail merge" bulk action (TR-8..10, TR-20, TR-27): the agent picks one or more
 * document templates for the selected dossiers; each template is one POST /api/merge/bulk, in
 * turn, so progress can be told and a failure names its template. Every dossier gets its DOCX and
 * PDF (attached to it by the server), and each template one combined PDF to print.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { langOf } from '../agent/format';
import { errorText, fileUrl, pick, type BulkMergeResult, type DocumentTemplate } from './census-api';

interface Done {
  template: DocumentTemplate;
  result: BulkMergeResult;
  /** The selection as it was merged (it may change afterwards). */
  records: Array<{ id: string; title: string }>;
}

export function BulkMerge(props: { selected: Array<{ id: string; title: string }>; onClose: () => void }) {
  const { t, i18n } = useTranslation('census');
  const lang = langOf(i18n.language);
  const [templates, setTemplates] = useState<DocumentTemplate[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [running, setRunning] = useState<{ index: number; total: number; label: string } | null>(null);
  const [done, setDone] = useState<Done[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api<{ items: DocumentTemplate[] }>('GET', '/merge/templates')
      .then((r) => {
        if (!live) return;
        setTemplates(r.items);
        // The cover letter is what a census round starts with: preselected when there.
        setChosen(r.items.some((x) => x.id === 'census-cover-letter') ? ['census-cover-letter'] : []);
      })
      .catch((e: unknown) => live && setError(errorText(e, lang, t('error'))));
    return () => {
      live = false;
    };
  }, [lang, t]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (chosen.length === 0) {
      setError(t('merge.chooseTemplate'));
      return;
    }
    const list = (templates ?? []).filter((x) => chosen.includes(x.id));
    const records = [...props.selected];
    const results: Done[] = [];
    setDone([]);
    let current = '';
    try {
      for (const [i, template] of list.entries()) {
        current = pick(template.label, lang);
        setRunning({ index: i + 1, total: list.length, label: pick(template.label, lang) });
        const result = await api<BulkMergeResult>('POST', '/merge/bulk', { template: template.id, recordIds: records.map((s) => s.id) });
        results.push({ template, result, records });
        setDone([...results]);
      }
    } catch (err) {
      setError(t('merge.failed', { message: errorText(err, lang, t('error')), template: current }));
    } finally {
      setRunning(null);
    }
  };

  return (
    <form className="panel bulk-merge" aria-labelledby="bulk-merge-title" onSubmit={(e) => void submit(e)}>
      <h2 id="bulk-merge-title">{t('merge.title', { count: props.selected.length })}</h2>
      {templates === null && !error && <p role="status">{t('loading')}</p>}
      {templates && (
        <fieldset className="template-choice">
          <legend>{t('merge.templates')}</legend>
          {templates.map((x) => (
            <div key={x.id} className="check-row">
              <input
                id={`merge-template-${x.id}`}
                type="checkbox"
                checked={chosen.includes(x.id)}
                disabled={running !== null}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, x.id] : c.filter((y) => y !== x.id)))}
              />
              <label htmlFor={`merge-template-${x.id}`}>{pick(x.label, lang)}</label>
            </div>
          ))}
        </fieldset>
      )}
      <p className="form-note">{t('merge.note')}</p>
      <div className="form-buttons">
        <button type="submit" disabled={running !== null || templates === null}>{t('merge.run', { count: props.selected.length })}</button>
        <button type="button" className="secondary" onClick={props.onClose} disabled={running !== null}>{t('merge.close')}</button>
      </div>
      {running && (
        <div className="census-progress" role="status">
          <progress value={running.index - 1} max={running.total} aria-label={t('merge.progress', running)} />
          <span>{t('merge.progress', running)}</span>
        </div>
      )}
      {error && <p role="alert" className="error-box">{error}</p>}
      {done.length > 0 && (
        <div className="merge-results" role={running ? undefined : 'status'}>
          {done.map(({ template, result, records }) => (
            <section key={template.id} aria-labelledby={`merge-done-${template.id}`}>
              <h3 id={`merge-done-${template.id}`}>{t('merge.doneTitle', { template: pick(template.label, lang) })}</h3>
              <p>
                <a className="button-link" href={fileUrl(result.combined.id)} download={result.combined.name}>
                  {t('merge.combined')}<span className="visually-hidden"> – {pick(template.label, lang)}</span>
                </a>
              </p>
              <ul className="plain-list">
                {records.map((s) => (
                  <li key={s.id}>
                    <span className="file-name">{s.title}</span>{' '}
                    {result.files.filter((f) => f.recordId === s.id).map((f) => (
                      <a key={f.id} className="merge-file" href={fileUrl(f.id)} download={f.name}>
                        {f.name.split('.').pop()?.toUpperCase()}<span className="visually-hidden"> – {s.title}</span>
                      </a>
                    ))}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </form>
  );
}
