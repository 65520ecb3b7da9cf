/**
 * A form's error summary: announced at once (role="alert"), with one link per field error
 * that moves the focus to the field. The field's own message stays next to it.
 */
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface ErrorSummaryProps {
  message: string | null;
  fieldErrors: Record<string, string>;
  /** The DOM id of a field's control, or null when the field is not on the form. */
  idFor: (name: string) => string | null;
}

export function ErrorSummary({ message, fieldErrors, idFor }: ErrorSummaryProps) {
  const { t } = useTranslation('agent');
  const entries = Object.entries(fieldErrors);
  if (!message && entries.length === 0) return null;
  // The hash is the router's: links move the focus themselves instead of navigating.
  const go = (e: MouseEvent, id: string) => {
    e.preventDefault();
    const el = document.getElementById(id) ?? document.getElementById(`${id}-street`);
    el?.focus();
  };
  return (
    <div role="alert" className="error-box">
      {message && <p>{message}</p>}
      {entries.length > 0 && (
        <>
          <p className="visually-hidden">{t('form.errorsBelow')}</p>
          <ul>
            {entries.map(([name, msg]) => {
              const id = idFor(name);
              // The server's messages name the field already.
              const text = msg;
              return <li key={name}>{id ? <a href={`#${id}`} onClick={(e) => go(e, id)}>{text}</a> : text}</li>;
            })}
          </ul>
        </>
      )}
    </div>
  );
}
