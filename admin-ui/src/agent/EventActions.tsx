/**
 * One button per event the user may send now (except field edits, which have their own form).
 * An event with a payload opens an inline form generated from its field definitions.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { EventView, RecordView } from '../api/types';
import { useLocalized } from '../i18n';
import { FieldInput } from './FieldInput';
import { ErrorSummary } from './ErrorSummary';
import { payloadFields } from './events';
import { fromFormValue, toFormValue, type FormValue } from './form-values';

export interface EventActionsProps {
  record: RecordView;
  /** The event was applied: the record as the server returned it. */
  onSent: (view: RecordView, label: string) => void;
  /** The record changed meanwhile (409): the page reloads it. */
  onStale: () => void;
}

export function EventActions({ record, onSent, onStale }: EventActionsProps) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const events = (record.events ?? []).filter((e) => e.type !== 'update');
  const [open, setOpen] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, FormValue>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const openEvent = open ? events.find((e) => e.type === open) : undefined;

  useEffect(() => {
    if (!open) return;
    const first = document.querySelector<HTMLElement>(`#event-form-${open} input, #event-form-${open} select, #event-form-${open} textarea`);
    first?.focus();
  }, [open]);

  const fieldId = (type: string, name: string) => `ev-${type}-${name}`;

  const send = async (ev: EventView, data: Record<string, unknown>) => {
    setBusy(ev.type);
    setError(null);
    setFieldErrors({});
    try {
      const view = await api<RecordView>('POST', `/records/${encodeURIComponent(record.id)}/events`, { type: ev.type, data, expectedVersion: record.version });
      setOpen(null);
      onSent(view, L(ev.label));
    } catch (e) {
      if (e instanceof ApiError) {
        setFieldErrors(e.fieldErrors);
        setError(e.status === 409 ? `${e.message} ${t('record.staleReloaded')}` : e.message);
        if (e.status === 409) onStale();
      } else {
        setError(t('error.generic'));
      }
    } finally {
      setBusy(null);
    }
  };

  const click = (ev: EventView) => {
    const fields = payloadFields(ev);
    if (fields.length === 0) {
      setOpen(null);
      void send(ev, {});
      return;
    }
    const initial: Record<string, FormValue> = {};
    for (const f of fields) initial[f.name] = toFormValue(f.def, f.def.default ?? null);
    setValues(initial);
    setFieldErrors({});
    setError(null);
    setOpen(ev.type);
  };

  const cancel = () => {
    const type = open;
    setOpen(null);
    setError(null);
    setFieldErrors({});
    if (type) buttons.current.get(type)?.focus();
  };

  const submit = (e: FormEvent, ev: EventView) => {
    e.preventDefault();
    const data: Record<string, unknown> = {};
    for (const f of payloadFields(ev)) {
      const v = fromFormValue(f.def, values[f.name] ?? '');
      if (v !== null) data[f.name] = v;
    }
    void send(ev, data);
  };

  return (
    <section className="panel record-actions" aria-labelledby="actions-title" data-testid="record-events">
      <h2 id="actions-title" tabIndex={-1}>{t('record.actions')}</h2>
      {events.length === 0 ? (
        <p className="value-muted">{t('record.noActions')}</p>
      ) : (
        <ul className="action-buttons">
          {events.map((ev) => {
            const hasForm = payloadFields(ev).length > 0;
            return (
              <li key={ev.type}>
                <button
                  type="button"
                  ref={(el) => { if (el) buttons.current.set(ev.type, el); else buttons.current.delete(ev.type); }}
                  className={ev.type === 'reject' ? 'secondary' : undefined}
                  onClick={() => click(ev)}
                  disabled={busy !== null}
                  aria-expanded={hasForm ? open === ev.type : undefined}
                  aria-controls={hasForm && open === ev.type ? `event-form-${ev.type}` : undefined}
                >
                  {L(ev.label)}{hasForm && <span aria-hidden="true">…</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {error && !openEvent && <p role="alert" className="error-box">{error}</p>}
      {openEvent && (
        <section id={`event-form-${openEvent.type}`} className="event-form" aria-labelledby={`event-form-title-${openEvent.type}`}>
          <h3 id={`event-form-title-${openEvent.type}`}>{L(openEvent.label)}</h3>
          <form noValidate onSubmit={(e) => submit(e, openEvent)}>
            {payloadFields(openEvent).some((f) => f.def.required) && <p className="form-note">{t('form.requiredNote')}</p>}
            <ErrorSummary message={error} fieldErrors={fieldErrors} idFor={(name) => (payloadFields(openEvent).some((f) => f.name === name) ? fieldId(openEvent.type, name) : null)} />
            {payloadFields(openEvent).map((f) => (
              <FieldInput
                key={f.name}
                id={fieldId(openEvent.type, f.name)}
                def={f.def}
                label={f.labelKey ? t(f.labelKey) : L(f.def.label)}
                value={values[f.name] ?? ''}
                onChange={(v) => setValues((x) => ({ ...x, [f.name]: v }))}
                error={fieldErrors[f.name]}
              />
            ))}
            <div className="form-buttons">
              <button type="submit" disabled={busy !== null}>{t('event.send', { label: L(openEvent.label) })}</button>
              <button type="button" className="secondary" onClick={cancel}>{t('cancel')}</button>
            </div>
          </form>
        </section>
      )}
    </section>
  );
}
