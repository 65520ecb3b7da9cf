/**
 * Field definitions of record types, as written in definition packs.
 *
 * Pure domain types: no I/O. Validation of values lives in validate-field.ts.
 */

export type FieldType =
  | 'text'
  | 'long-text'
  | 'number'
  | 'money'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'boolean'
  | 'email'
  | 'phone'
  | 'niss'
  | 'enterprise-number'
  | 'address'
  | 'reference'
  | 'list'
  | 'file';

/** User-facing text: the commune works in French and Dutch; English is optional. */
export interface LocalizedText {
  fr: string;
  nl: string;
  en?: string;
}

export interface FieldDefinition {
  type: FieldType;
  label: LocalizedText;
  required?: boolean;
  default?: unknown;
  /** CEL expression, evaluated elsewhere; a computed field cannot be written. */
  computed?: string;
  pii?: boolean;
  /** enum: allowed keys with their labels. */
  values?: Record<string, LocalizedText>;
  /** reference: target record type. */
  to?: string;
  /** list: item type (not `list` itself). */
  of?: FieldType;
  /** number/money: bounds of the value; text/long-text: bounds of the length. */
  min?: number;
  max?: number;
  maxLength?: number;
}

export const FIELD_TYPES: readonly FieldType[] = Object.freeze([
  'text',
  'long-text',
  'number',
  'money',
  'date',
  'datetime',
  'enum',
  'boolean',
  'email',
  'phone',
  'niss',
  'enterprise-number',
  'address',
  'reference',
  'list',
  'file',
] as const);

/** Type guard for strings read from untyped sources (YAML packs, JSON). */
export function isFieldType(value: unknown): value is FieldType {
  return typeof value === 'string' && FIELD_TYPES.some((type) => type === value);
}
