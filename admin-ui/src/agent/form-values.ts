/**
 * Between record values (as the API holds them) and form values (as inputs hold them).
 * The server validates and normalises; the browser only converts what inputs cannot carry
 * (a local date-time into an instant, an empty input into "no value").
 */
import type { FieldDef } from '../api/types';
import { isRecordValue } from './format';

export const ADDRESS_PARTS = ['street', 'number', 'box', 'postalCode', 'city', 'country'] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];
export type AddressForm = Record<AddressPart, string>;
export type FormValue = string | boolean | AddressForm;

/** Item types a list field can be typed into, one value per line. */
const LINE_TYPES = new Set(['text', 'number', 'money', 'date', 'email', 'phone', 'niss', 'enterprise-number', 'reference', 'enum']);

/** Whether a field of this definition can be written from a form (files need an upload API). */
export function isWritable(def: FieldDef): boolean {
  if (def.computed) return false;
  if (def.type === 'file') return false;
  if (def.type === 'list') return LINE_TYPES.has(def.of ?? 'text');
  return true;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** An instant as the value of a datetime-local input, in the browser's time zone. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function emptyAddress(): AddressForm {
  return { street: '', number: '', box: '', postalCode: '', city: '', country: '' };
}

export function toFormValue(def: FieldDef, value: unknown): FormValue {
  switch (def.type) {
    case 'boolean':
      return value === true;
    case 'address': {
      const a = emptyAddress();
      if (isRecordValue(value)) for (const p of ADDRESS_PARTS) a[p] = value[p] === undefined || value[p] === null ? '' : String(value[p]);
      return a;
    }
    case 'datetime':
      return typeof value === 'string' ? toLocalInput(value) : '';
    case 'list':
      return Array.isArray(value) ? value.map((x) => String(x)).join('\n') : '';
    default:
      return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

/** A form value as the API expects it; what cannot be converted is sent as typed, for the server to explain. */
export function fromFormValue(def: FieldDef, fv: FormValue): unknown {
  if (typeof fv === 'boolean') return fv;
  if (typeof fv !== 'string') {
    const parts: Partial<AddressForm> = {};
    for (const p of ADDRESS_PARTS) if (fv[p].trim() !== '') parts[p] = fv[p].trim();
    return Object.keys(parts).length === 0 ? null : parts;
  }
  const s = fv.trim();
  if (def.type === 'list') {
    const items = fv.split('\n').map((x) => x.trim()).filter((x) => x !== '');
    if (items.length === 0) return null;
    const item: FieldDef = { ...def, type: def.of ?? 'text' };
    return items.map((x) => fromFormValue(item, x));
  }
  if (s === '') return null;
  switch (def.type) {
    case 'number':
    case 'money': {
      const n = s.replace(/\s/g, '').replace(',', '.');
      return DECIMAL.test(n) ? Number(n) : s;
    }
    case 'datetime': {
      const d = new Date(s);
      return Number.isNaN(d.getTime()) ? s : d.toISOString();
    }
    default:
      return s;
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
