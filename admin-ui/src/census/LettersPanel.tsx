/**
 * Letters from the dossier page (TR-9): the agent picks one document template (the cover letter,
 * a declaration form, the ex officio notification…), its formats and whether the tax regulation
 * goes with it; the server merges it, attaches the files to the dossier's `letters` and answers
 * with them, listed here to download. The page then reloads the record, whose letters changed.
 *
 * Shown only where a merge can land: a record type with the `letters` field the merge service
 * writes to (runtime/services/mail-merge.service.ts LETTERS_FIELD), when the pack has templates.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RecordType, RecordView } from '../api/types';
import { useSession } from '../app/session';
import { formatBytes, langOf } from '../agent/format';
import { canMerge, errorText, pick, recordFileUrl, type DocumentTemplate, type MergedFile, type MergeOneResult } from './census-api';

const LETTERS_FIELD = 'letters';
const COVER_LETTER = 'census-cover-letter';
type Format = 'docx' | 'pdf';
const FORMATS: Format[] = ['docx', 'pdf'];

export function LettersPanel(props: { record: RecordView; rt: RecordType | undefined; onMerged: () => void }) {
  const { record, rt, onMerged } = props;
  const { t, i18n } = useTranslation('census-extra');
  const lang = langOf(i18n.language);
  const session = useSession();
  const ids = useId();
  const hasLetters = Boolean(rt?.fields[LETTERS_FIELD]);
  const allowed = hasLetters && canMerge(session.me);
  const [templates, setTemplates] = useState<DocumentTemplate[] | null>(null);
  const [template, setTemplate] = useState('');
  const [formats, setFormats] = useState<Format[]>(FORMATS);
  const [regulation, setRegulation] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<{ label: string; files: MergedFile[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    api<{ items: DocumentTemplate[] }>('GET', '/merge/templates')
      .then((r) => {
        if (!live) return;
        setTemplates(r.items);
        const first = r.items.find((x) => x.id === COVER_LETTER)?.id ?? r.items[0]?.id ?? '';
        setTemplate(first);
        setRegulation(first === COVER_LETTER);
      })
      .catch((e: unknown) => live && setError(errorText(e, lang, t('error'))));
    return () => {
      live = false;
    };
  }, [allowed, lang, t]);

  if (!allowed || (templates !== null && templates.length === 0)) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    if (formats.length === 0) {
      setError(t('letters.chooseFormat'));
      return;
    }
    const chosen = templates?.find((x) => x.id === template);
    if (!chosen) return;
    setRunning(true);
    try {
      const r = await api<MergeOneResult>('POST', `/records/${encodeURIComponent(record.id)}/merge`, { template: chosen.id, formats, regulation });
      setResult({ label: pick(chosen.label, lang), files: r.regulation ? [...r.files, r.regulation] : r.files });
      onMerged();
    } catch (err) {
      setError(errorText(err, lang, t('error')));
    } finally {
      setRunning(false);
    }
  };

  const titleId = `${ids}-title`;
  return (
    <section className="panel letters-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('letters.title')}</h2>
      {templates === null ? (
        !error && <p role="status">{t('loading')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor={`${ids}-template`}>{t('letters.template')}</label>
          <select id={`${ids}-template`} value={template} disabled={running} onChange={(e) => {
            setTemplate(e.target.value);
            // The regulation goes with the cover letter (TR-8); the other letters rarely need it.
            setRegulation(e.target.value === COVER_LETTER);
          }}>
            {templates.map((x) => (
              <option key={x.id} value={x.id}>{pick(x.label, lang)}</option>
            ))}
          </select>
          <fieldset className="template-choice letters-formats">
            <legend>{t('letters.formats')}</legend>
            {FORMATS.map((f) => (
              <div key={f} className="check-row">
                <input
                  id={`${ids}-format-${f}`}
                  type="checkbox"
                  checked={formats.includes(f)}
                  disabled={running}
                  onChange={(e) => setFormats((c) => (e.target.checked ? FORMATS.filter((x) => x === f || c.includes(x)) : c.filter((x) => x !== f)))}
                />
                <label htmlFor={`${ids}-format-${f}`}>{f.toUpperCase()}</label>
              </div>
            ))}
          </fieldset>
          <div className="check-row letters-regulation">
            <input id={`${ids}-regulation`} type="checkbox" checked={regulation} disabled={running} onChange={(e) => setRegulation(e.target.checked)} />
            <label htmlFor={`${ids}-regulation`}>{t('letters.regulation')}</label>
          </div>
          <div className="form-buttons">
            <button type="submit" disabled={running || !template}>{t('letters.generate')}</button>
          </div>
        </form>
      )}
      {running && (
        <div className="census-progress" role="status">
          <progress aria-label={t('letters.running')} />
          <span>{t('letters.running')}</span>
        </div>
      )}
      {error && <p role="alert" className="error-box">{error}</p>}
      {result && (
        <div role="status" className="letters-result">
          <p>{t('letters.done', { template: result.label, count: result.files.length })}</p>
          <ul className="plain-list">
            {result.files.map((f) => (
              <li key={f.id}>
                <a href={recordFileUrl(f.id, record.id)} download={f.name}>{f.name}</a>
                <span className="value-muted"> ({formatBytes(f.size, lang)})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
