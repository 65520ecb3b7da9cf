/**
 * One form control generated from a field definition: the input fits the type, the label is
 * tied to it, "required" is marked, and the server's error (already in the user's language)
 * is shown next to it and linked with aria-describedby.
 */
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../api/types';
import { useLocalized } from '../i18n';
import { ADDRESS_PARTS, emptyAddress, type FormValue } from './form-values';

export interface FieldInputProps {
  /** DOM id of the control; the error and hint ids derive from it. */
  id: string;
  def: FieldDef;
  /** The label, already localized. */
  label: string;
  value: FormValue;
  onChange: (value: FormValue) => void;
  error?: string | undefined;
  disabled?: boolean;
}

/** Format hints for the Belgian identifiers, so the expected shape is known before typing. */
const HINTS: Record<string, string> = {
  niss: 'hint.niss',
  'enterprise-number': 'hint.enterpriseNumber',
  phone: 'hint.phone',
  email: 'hint.email',
  list: 'hint.list',
};

export function errorId(id: string): string {
  return `${id}-error`;
}

function RequiredMark() {
  return <span className="required-mark" aria-hidden="true"> *</span>;
}

export function FieldInput({ id, def, label, value, onChange, error, disabled }: FieldInputProps) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const hintKey = HINTS[def.type];
  const hintId = hintKey ? `${id}-hint` : undefined;
  const describedBy = [hintId, error ? errorId(id) : undefined].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: id,
    'aria-required': def.required ? true : undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    disabled,
  } as const;
  const str = typeof value === 'string' ? value : '';
  const hint = hintKey ? <p id={hintId} className="field-hint">{t(hintKey)}</p> : null;
  const err = error ? <p id={errorId(id)} className="field-error">{error}</p> : null;

  if (def.type === 'boolean') {
    return (
      <div className={`field field-boolean${error ? ' has-error' : ''}`}>
        <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        <label htmlFor={id}>{label}{def.required && <RequiredMark />}</label>
        {err}
      </div>
    );
  }

  if (def.type === 'address') {
    const a = typeof value === 'object' ? value : emptyAddress();
    return (
      <fieldset className={`field field-address${error ? ' has-error' : ''}`} aria-describedby={error ? errorId(id) : undefined}>
        <legend>{label}{def.required && <RequiredMark />}</legend>
        <div className="address-grid">
          {ADDRESS_PARTS.map((p) => (
            <div key={p} className={`address-${p}`}>
              <label htmlFor={`${id}-${p}`}>{t(`address.${p}`)}</label>
              <input
                id={`${id}-${p}`}
                name={`${id}-${p}`}
                value={a[p]}
                disabled={disabled}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId(id) : undefined}
                autoComplete={p === 'postalCode' ? 'postal-code' : p === 'country' ? 'country' : 'off'}
                placeholder={p === 'country' ? 'BE' : undefined}
                onChange={(e) => onChange({ ...a, [p]: e.target.value })}
              />
            </div>
          ))}
        </div>
        {err}
      </fieldset>
    );
  }

  let control;
  switch (def.type) {
    case 'long-text':
      control = <textarea {...common} rows={5} value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'list':
      control = <textarea {...common} rows={3} value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'enum':
      control = (
        <select {...common} value={str} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('form.choose')}</option>
          {Object.entries(def.values ?? {}).map(([k, v]) => (
            <option key={k} value={k}>{L(v)}</option>
          ))}
          {str !== '' && !def.values?.[str] && <option value={str}>{str}</option>}
        </select>
      );
      break;
    case 'number':
    case 'money':
      control = (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          step={def.type === 'money' ? '0.01' : 'any'}
          min={def.min}
          max={def.max}
          value={str}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'date':
      control = <input {...common} type="date" value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'datetime':
      control = <input {...common} type="datetime-local" value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'email':
      control = <input {...common} type="email" autoComplete="off" value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'phone':
      control = <input {...common} type="tel" value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'niss':
    case 'enterprise-number':
      control = <input {...common} type="text" inputMode="numeric" spellCheck={false} value={str} onChange={(e) => onChange(e.target.value)} />;
      break;
    default:
      control = <input {...common} type="text" maxLength={def.maxLength} value={str} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field field-${def.type}${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}{def.required && <RequiredMark />}</label>
      {hint}
      {control}
      {err}
    </div>
  );
}
