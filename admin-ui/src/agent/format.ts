/**
 * Formatting of record values for the generated screens: dates, numbers and amounts with Intl
 * in the user's language, enum values with the pack's labels. Pure functions.
 */
import type { FieldDef, Lang } from '../api/types';
import { localized } from '../i18n';

/** The Intl locale for a language: Belgian French and Dutch, British English. */
export function intlLocale(lang: Lang): string {
  return lang === 'nl' ? 'nl-BE' : lang === 'en' ? 'en-GB' : 'fr-BE';
}

export function langOf(language: string): Lang {
  return language === 'nl' || language === 'en' ? language : 'fr';
}

export function formatDateTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A calendar date `YYYY-MM-DD` is a day, not an instant: formatted without a time zone shift. */
export function formatDate(day: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

export function formatMoney(n: number, lang: Lang): string {
  return new Intl.NumberFormat(intlLocale(lang), { style: 'currency', currency: 'EUR' }).format(n);
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: 6 }).format(n);
}

export function formatBytes(size: number, lang: Lang): string {
  const locale = intlLocale(lang);
  if (size < 1024) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'short' }).format(size);
  if (size < 1024 * 1024) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(size / 1024);
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(size / (1024 * 1024));
}

export function isRecordValue(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

export interface FileInfo {
  id: string;
  name: string;
  size: number | null;
  contentType: string | null;
}

export function asFile(v: unknown): FileInfo | null {
  if (!isRecordValue(v) || typeof v['name'] !== 'string') return null;
  return {
    id: typeof v['id'] === 'string' ? v['id'] : v['name'],
    name: v['name'],
    size: typeof v['size'] === 'number' ? v['size'] : null,
    contentType: typeof v['contentType'] === 'string' ? v['contentType'] : null,
  };
}

export function formatAddress(v: Record<string, unknown>): string {
  const s = (k: string): string => (typeof v[k] === 'string' || typeof v[k] === 'number' ? String(v[k]) : '');
  const line1 = [s('street'), s('number')].filter(Boolean).join(' ') + (s('box') ? ` ${s('box')}` : '');
  const line2 = [s('postalCode'), s('city')].filter(Boolean).join(' ');
  const country = s('country') && s('country') !== 'BE' ? s('country') : '';
  return [line1, line2, country].filter(Boolean).join(', ');
}

/**
 * One value as plain text (lists, history). `yesNo` gives the interface's words for booleans;
 * references and files are shown by id and name (the screens render them as links elsewhere).
 */
export function formatValue(def: FieldDef | undefined, value: unknown, lang: Lang, yesNo: (b: boolean) => string): string {
  if (isEmptyValue(value)) return '';
  const type = def?.type ?? 'text';
  if (Array.isArray(value)) {
    const item: FieldDef | undefined = def ? { ...def, type: def.of ?? 'text' } : undefined;
    return value.map((x) => formatValue(item, x, lang, yesNo)).join(', ');
  }
  switch (type) {
    case 'enum':
      return typeof value === 'string' && def?.values?.[value] ? localized(def.values[value], lang) : String(value);
    case 'boolean':
      return typeof value === 'boolean' ? yesNo(value) : String(value);
    case 'money':
      return typeof value === 'number' ? formatMoney(value, lang) : String(value);
    case 'number':
      return typeof value === 'number' ? formatNumber(value, lang) : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value, lang) : String(value);
    case 'datetime':
      return typeof value === 'string' ? formatDateTime(value, lang) : String(value);
    case 'address':
      return isRecordValue(value) ? formatAddress(value) : String(value);
    case 'file': {
      const f = asFile(value);
      return f ? f.name : String(value);
    }
    default:
      return isRecordValue(value) ? JSON.stringify(value) : String(value);
  }
}
