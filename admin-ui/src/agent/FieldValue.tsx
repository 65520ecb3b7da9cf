/** A field's value, read-only: formatted for the user's language; references are links. */
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../api/types';
import { useContext } from 'react';
import { href } from '../app/router';
import { SessionContext } from '../app/session';
import { asFile, formatBytes, formatValue, isEmptyValue, langOf } from './format';

export function useYesNo(): (b: boolean) => string {
  const { t } = useTranslation('agent');
  return (b) => (b ? t('value.yes') : t('value.no'));
}

export function FieldValue({ def, value }: { def: FieldDef | undefined; value: unknown }) {
  const { t, i18n } = useTranslation('agent');
  const lang = langOf(i18n.language);
  const yesNo = useYesNo();
  const users = useContext(SessionContext)?.users ?? {};
  if (isEmptyValue(value)) return <span className="value-empty">{t('value.empty')}</span>;
  const type = def?.type ?? 'text';
  const itemType = type === 'list' ? def?.of ?? 'text' : type;
  const items = Array.isArray(value) ? value : [value];
  if (itemType === 'reference') {
    return (
      <span className="value-list">
        {items.map((v, i) => (
          <span key={`${String(v)}-${i}`}>
            {i > 0 && ', '}
            <a href={href({ name: 'record', id: String(v) })}>{String(v)}</a>
          </span>
        ))}
      </span>
    );
  }
  if (itemType === 'file') {
    return (
      <span className="value-list">
        {items.map((v, i) => {
          const f = asFile(v);
          return <span key={f?.id ?? i}>{i > 0 && ', '}{f ? `${f.name}${f.size !== null ? ` (${formatBytes(f.size, lang)})` : ''}` : String(v)}</span>;
        })}
      </span>
    );
  }
  if (type === 'long-text') return <span className="value-long">{String(value)}</span>;
  // Packs may keep a user id in a text field (`set: { agent: actor.id }`): show the person.
  if (type === 'text' && typeof value === 'string' && users[value]) return <span>{users[value]}</span>;
  return <span>{formatValue(def, value, lang, yesNo)}</span>;
}
