/**
 * The generated creation form of a record type: its writable fields (grouped like the record
 * page's sections that apply before any state), defaults filled in, required ones marked.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { FieldDef, LocalizedText, RecordType, RecordView } from '../api/types';
import { href, navigate } from '../app/router';
import { recordTypeOf, useSession } from '../app/session';
import { useLocalized } from '../i18n';
import { ErrorSummary } from './ErrorSummary';
import { FieldInput } from './FieldInput';
import { fromFormValue, isWritable, toFormValue, type FormValue } from './form-values';
import { useDocumentTitle } from './useDocumentTitle';

interface FormGroup {
  id: string;
  label: LocalizedText | null;
  fields: string[];
}

/**
 * Sections without a state condition (a new record has no state yet) and for the user's roles;
 * required fields left out by the layout go in a last group, since the server asks for them.
 */
function groupsFor(rt: RecordType, roles: string[], admin: boolean): FormGroup[] {
  const writable = Object.keys(rt.fields).filter((f) => {
    const def = rt.fields[f];
    return def !== undefined && isWritable(def);
  });
  const sections = rt.layout?.sections;
  if (!sections || sections.length === 0) return [{ id: 'fields', label: null, fields: writable }];
  const groups: FormGroup[] = [];
  const placed = new Set<string>();
  for (const s of sections) {
    if (s.states && s.states.length > 0) continue;
    if (!admin && s.roles && s.roles.length > 0 && !s.roles.some((r) => roles.includes(r))) continue;
    const fields = s.fields.filter((f) => writable.includes(f) && !placed.has(f));
    fields.forEach((f) => placed.add(f));
    if (fields.length > 0) groups.push({ id: s.id, label: s.label, fields });
  }
  const rest = writable.filter((f) => !placed.has(f) && rt.fields[f]?.required);
  if (rest.length > 0) groups.push({ id: 'other', label: null, fields: rest });
  return groups;
}

export function NewRecordPage(props: { recordType: string; desk?: string | undefined }) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const session = useSession();
  const rt = recordTypeOf(session, props.recordType);
  // A desk form of the pack (a walk-in, a call) presets some fields, which the form then hides.
  const desk = props.desk ? session.deskForms.find((d) => d.id === props.desk && d.record === props.recordType) : undefined;
  const preset: Record<string, unknown> = desk?.set ?? {};
  const [values, setValues] = useState<Record<string, FormValue>>(() => {
    const out: Record<string, FormValue> = {};
    if (rt) for (const [name, def] of Object.entries(rt.fields)) if (isWritable(def)) out[name] = toFormValue(def, def.default ?? null);
    return out;
  });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = desk ? L(desk.label) : rt ? t('new.title', { type: L(rt.label) }) : t('list.unknown');
  useDocumentTitle(title);

  if (!rt) {
    return (
      <section>
        <h1>{t('list.unknown')}</h1>
        <p><a href={href({ name: 'home' })}>{t('backHome')}</a></p>
      </section>
    );
  }

  const groups = groupsFor(rt, session.me.user.roles, session.me.admin)
    .map((g) => ({ ...g, fields: g.fields.filter((f) => !(f in preset)) }))
    .filter((g) => g.fields.length > 0);
  const shown = new Set(groups.flatMap((g) => g.fields));
  const idOf = (name: string) => `new-${name}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fields: Record<string, unknown> = { ...preset };
    for (const name of shown) {
      const def: FieldDef | undefined = rt.fields[name];
      if (!def) continue;
      const v = fromFormValue(def, values[name] ?? '');
      if (v !== null) fields[name] = v;
    }
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const view = await api<RecordView>('POST', `/records/${encodeURIComponent(rt.record)}`, { fields });
      navigate({ name: 'record', id: view.id });
    } catch (err) {
      if (err instanceof ApiError) {
        setFieldErrors(err.fieldErrors);
        setError(err.message);
      } else {
        setError(t('error.generic'));
      }
      setBusy(false);
    }
  };

  return (
    <section className="new-record" aria-labelledby="new-title">
      <h1 id="new-title">{title}</h1>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <p className="form-note">{t('form.requiredNote')}</p>
        <ErrorSummary message={error} fieldErrors={fieldErrors} idFor={(name) => (shown.has(name) ? idOf(name) : null)} />
        {groups.map((g) => (
          <fieldset key={g.id} className="panel">
            <legend>{g.label ? L(g.label) : t(g.id === 'other' ? 'new.otherFields' : 'record.fields')}</legend>
            <div className="fields">
              {g.fields.map((name) => {
                const def = rt.fields[name];
                if (!def) return null;
                return (
                  <FieldInput
                    key={name}
                    id={idOf(name)}
                    def={def}
                    label={L(def.label)}
                    value={values[name] ?? ''}
                    onChange={(v) => setValues((x) => ({ ...x, [name]: v }))}
                    error={fieldErrors[name]}
                    disabled={busy}
                  />
                );
              })}
            </div>
          </fieldset>
        ))}
        <div className="form-buttons">
          <button type="submit" disabled={busy}>{t('new.create')}</button>
          <a className="button-link secondary" href={href({ name: 'list', recordType: rt.record })}>{t('cancel')}</a>
        </div>
      </form>
    </section>
  );
}
