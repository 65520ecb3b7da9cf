/**
 * Batch signing (TR-23, TR-26) for the alderman of finance and the municipal secretary: the
 * letters awaiting their signature (GET /api/signatures/pending), several or all signed in one
 * action, then each letter's outcome. The server stops a batch at its first failure: the letters
 * after it are reported "not processed" and stay in the list to sign again.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { href } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { useYesNo } from '../agent/FieldValue';
import { formatValue, langOf } from '../agent/format';
import { useDocumentTitle } from '../agent/useDocumentTitle';
import { useLocalized } from '../i18n';
import { canSign, errorText, pick, signedLetterUrl, type PendingLetter, type SignatureBatch } from './census-api';

export function SignaturesPage() {
  const { t, i18n } = useTranslation('census');
  const lang = langOf(i18n.language);
  const L = useLocalized();
  const yesNo = useYesNo();
  const session = useSession();
  useDocumentTitle(t('sign.title'));
  const [pending, setPending] = useState<PendingLetter[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [signing, setSigning] = useState<number | null>(null);
  const [batch, setBatch] = useState<SignatureBatch | null>(null);
  const [titles, setTitles] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const allowed = canSign(session.me);

  const load = useCallback(async () => {
    const r = await api<{ items: PendingLetter[]; truncated: boolean }>('GET', '/signatures/pending');
    setPending(r.items);
    // A letter signed meanwhile (by this user elsewhere) is no longer selectable.
    setSelected((s) => new Set([...s].filter((id) => r.items.some((x) => x.id === id))));
  }, []);

  useEffect(() => {
    if (!allowed) return;
    load().catch((e: unknown) => setError(errorText(e, lang, t('error'))));
  }, [allowed, load, lang, t]);

  if (!allowed) {
    return (
      <section>
        <h1>{t('sign.title')}</h1>
        <p role="alert" className="error-box">{t('sign.notAllowed')}</p>
      </section>
    );
  }

  const items = pending ?? [];
  const allChosen = items.length > 0 && items.every((x) => selected.has(x.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  const sign = async () => {
    // In the list's order, so "stopped at the first failure" reads top to bottom.
    const ids = items.filter((x) => selected.has(x.id)).map((x) => x.id);
    if (ids.length === 0) return;
    setError(null);
    setBatch(null);
    setTitles((old) => ({ ...old, ...Object.fromEntries(items.map((x) => [x.id, x.title ?? x.id])) }));
    setSigning(ids.length);
    try {
      const posted = await api<SignatureBatch>('POST', '/signatures/batch', { recordIds: ids });
      // The batch's record on the server is what the screen shows (and what "reload" would find).
      setBatch(await api<SignatureBatch>('GET', `/signatures/batch/${encodeURIComponent(posted.id)}`));
      setSelected(new Set());
    } catch (e) {
      setError(errorText(e, lang, t('error')));
    } finally {
      setSigning(null);
    }
    await load().catch((e: unknown) => setError(errorText(e, lang, t('error'))));
  };

  const rt = recordTypeOf(session, items[0]?.recordType ?? 'dossier');
  const field = (item: PendingLetter, name: string): string => formatValue(rt?.fields[name], item.fields[name], lang, yesNo);

  return (
    <section className="census-signatures" aria-labelledby="sign-title">
      <h1 id="sign-title">{t('sign.title')}</h1>
      <p className="form-note">{t('sign.intro')}</p>
      {error && <p role="alert" className="error-box">{error}</p>}

      {batch && (
        <div className="panel" role="status" aria-labelledby="batch-title">
          <h2 id="batch-title">{t('sign.resultTitle', { signed: batch.summary.signed, total: batch.results.length })}</h2>
          {batch.summary.failed > 0 && <p>{t('sign.stopped')}</p>}
          <ul className="plain-list sign-results">
            {batch.results.map((r) => (
              <li key={r.recordId} className={`sign-${r.status}`}>
                <a href={href({ name: 'record', id: r.recordId })}>{titles[r.recordId] ?? r.recordId}</a>
                {' – '}
                <strong>{t(`sign.status.${r.status}`)}</strong>
                {r.status === 'signed' && (
                  <>
                    {r.completed ? ` (${t('sign.completed')})` : ` (${t('sign.awaitingOther')})`}{' '}
                    <a href={signedLetterUrl(r.recordId)} target="_blank" rel="noopener">
                      {t('sign.openSigned')}<span className="visually-hidden"> – {titles[r.recordId] ?? r.recordId}</span>
                    </a>
                  </>
                )}
                {r.error && <span className="field-error"> {pick(r.error.message, lang)}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}

      {pending === null ? (
        !error && <p role="status">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p role="status">{t('sign.none')}</p>
      ) : (
        <>
          <div className="bulk-bar">
            <span role="status">{t('sign.count', { count: items.length, selected: selected.size })}</span>
            <button type="button" className="secondary" onClick={() => setSelected(new Set(items.map((x) => x.id)))} disabled={allChosen || signing !== null}>{t('sign.selectAll')}</button>
            <button type="button" className="secondary" onClick={() => setSelected(new Set())} disabled={selected.size === 0 || signing !== null}>{t('sign.clear')}</button>
            <button type="button" onClick={() => void sign()} disabled={selected.size === 0 || signing !== null}>{t('sign.sign', { count: selected.size })}</button>
          </div>
          {signing !== null && (
            <div className="census-progress" role="status">
              <progress aria-label={t('sign.signing', { count: signing })} />
              <span>{t('sign.signing', { count: signing })}</span>
            </div>
          )}
          <div className="table-wrap">
            <table className="records">
              <caption className="visually-hidden">{t('sign.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label={t('sign.selectAll')}
                      checked={allChosen}
                      disabled={signing !== null}
                      onChange={(e) => setSelected(e.target.checked ? new Set(items.map((x) => x.id)) : new Set())}
                    />
                  </th>
                  <th scope="col">{L(rt?.fields['company_name']?.label) || t('sign.dossier')}</th>
                  <th scope="col">{L(rt?.fields['enterprise_number']?.label)}</th>
                  <th scope="col">{L(rt?.fields['tax_regulation']?.label)}</th>
                  <th scope="col">{t('sign.letter')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('sign.select', { title: x.title ?? x.id })}
                        checked={selected.has(x.id)}
                        disabled={signing !== null}
                        onChange={(e) => toggle(x.id, e.target.checked)}
                      />
                    </td>
                    <td><a href={href({ name: 'record', id: x.id })}>{x.title ?? x.id}</a></td>
                    <td>{field(x, 'enterprise_number')}</td>
                    <td>{field(x, 'tax_regulation')}</td>
                    <td>
                      {x.letter ? (
                        <a href={x.letter.url} target="_blank" rel="noopener">
                          {x.letter.name}<span className="visually-hidden"> – {t('sign.openLetter')}</span>
                        </a>
                      ) : (
                        <span className="field-error">{t('sign.noLetter')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
