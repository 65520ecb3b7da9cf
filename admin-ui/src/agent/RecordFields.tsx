/**
 * The record's sections, editable where the layout and the user's rights allow. Saving sends
 * the built-in `update` event with the changed fields only, against the version the user
 * started editing from: a change made meanwhile by someone else gives a clear 409 message.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { RecordType, RecordView } from '../api/types';
import { useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { ErrorSummary } from './ErrorSummary';
import { FieldInput } from './FieldInput';
import { FieldValue } from './FieldValue';
import { fromFormValue, isWritable, sameValue, toFormValue, type FormValue } from './form-values';
import { fieldDefs, visibleSections } from './sections';

export interface RecordFieldsProps {
  record: RecordView;
  rt: RecordType | undefined;
  onSaved: (view: RecordView) => void;
  /** 409: the page reloads the record; the user's changes stay in the form. */
  onStale: () => Promise<RecordView | null>;
}

export function RecordFields({ record, rt, onSaved, onStale }: RecordFieldsProps) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const session = useSession();
  const defs = fieldDefs(rt, record);
  const sections = visibleSections(rt, record, session.me.user.roles, session.me.admin);
  const canUpdate = (record.events ?? []).some((e) => e.type === 'update');
  const [draft, setDraft] = useState<Record<string, FormValue>>({});
  /** The version the edits started from; null while nothing is edited. */
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const idOf = (section: string, field: string) => `f-${section}-${field}`;
  const editable = (readOnlySection: boolean, field: string): boolean => {
    const def = defs[field];
    return canUpdate && !readOnlySection && def !== undefined && isWritable(def);
  };
  const anyEditable = sections.some((s) => s.fields.some((f) => editable(s.readOnly, f)));

  const changes = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, fv] of Object.entries(draft)) {
      const def = defs[name];
      if (!def) continue;
      const v = fromFormValue(def, fv);
      if (!sameValue(v, record.fields[name])) out[name] = v;
    }
    return out;
  };
  const dirty = Object.keys(changes()).length > 0;

  const change = (name: string, v: FormValue) => {
    if (baseVersion === null) setBaseVersion(record.version);
    setDraft((d) => ({ ...d, [name]: v }));
    setStatus('');
  };

  const discard = () => {
    setDraft({});
    setBaseVersion(null);
    setFieldErrors({});
    setError(null);
    setStatus(t('record.discarded'));
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const fields = changes();
    if (Object.keys(fields).length === 0) {
      setStatus(t('record.nothingToSave'));
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setStatus('');
    try {
      const view = await api<RecordView>('POST', `/records/${encodeURIComponent(record.id)}/events`, { type: 'update', data: { fields }, expectedVersion: baseVersion ?? record.version });
      setDraft({});
      setBaseVersion(null);
      onSaved(view);
      setStatus(t('record.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // Someone else changed the record: show theirs, keep ours, let the user decide.
        const fresh = await onStale();
        setBaseVersion(fresh?.version ?? null);
        setError(t('record.stale'));
      } else if (err instanceof ApiError) {
        setFieldErrors(err.fieldErrors);
        setError(err.message);
      } else {
        setError(t('error.generic'));
      }
    } finally {
      setBusy(false);
    }
  };

  const shownId = (name: string): string | null => {
    for (const s of sections) if (s.fields.includes(name) && editable(s.readOnly, name)) return idOf(s.id, name);
    return null;
  };

  const body = (
    <>
      <ErrorSummary message={error} fieldErrors={fieldErrors} idFor={shownId} />
      {sections.map((s) => (
        <section key={s.id} className="panel record-section" aria-labelledby={`sec-${s.id}`}>
          <h2 id={`sec-${s.id}`}>{s.label ? L(s.label) : t('record.fields')}</h2>
          {s.readOnly && canUpdate && <p className="value-muted">{t('record.readOnlyHere')}</p>}
          <div className="fields">
            {s.fields.map((name) => {
              const def = defs[name];
              if (!def) return null;
              const id = idOf(s.id, name);
              if (editable(s.readOnly, name)) {
                return (
                  <FieldInput
                    key={name}
                    id={id}
                    def={def}
                    label={L(def.label)}
                    value={draft[name] ?? toFormValue(def, record.fields[name] ?? null)}
                    onChange={(v) => change(name, v)}
                    error={fieldErrors[name]}
                    disabled={busy}
                  />
                );
              }
              return (
                <div key={name} className="field field-readonly">
                  <span className="field-label" id={`${id}-label`}>{L(def.label)}</span>
                  <span className="field-value">
                    <FieldValue def={def} value={record.fields[name]} />
                  </span>
                  {def.computed && rt && <span className="field-hint">{t('record.computed')}</span>}
                  {fieldErrors[name] && <p className="field-error">{fieldErrors[name]}</p>}
                </div>
              );
            })}
          </div>
        </section>
      ))}
    </>
  );

  if (!anyEditable) return <div className="record-fields">{body}</div>;
  return (
    <form className="record-fields" noValidate onSubmit={(e) => void save(e)} aria-label={t('record.fieldsForm')}>
      {sections.some((s) => s.fields.some((f) => editable(s.readOnly, f) && defs[f]?.required)) && <p className="form-note">{t('form.requiredNote')}</p>}
      {body}
      <div className="save-bar">
        <button type="submit" disabled={busy}>{t('record.save')}</button>
        <button type="button" className="secondary" onClick={discard} disabled={busy || !dirty}>{t('record.discard')}</button>
        <span role="status" className="save-status">{dirty && !status ? t('record.unsaved') : status}</span>
      </div>
    </form>
  );
}
