/**
 * Validation and normalisation of record field values against their definitions.
 *
 * Pure functions: values come from forms, API calls or imports, and are returned in a
 * single canonical form so that records compare, search and export consistently.
 */

import { dateObjectToIso, parseIsoDate, parseIsoDateTime } from './calendar';
import { normaliseEmailAddress } from './email-address';
import { checkEnterpriseNumber } from './enterprise-number';
import { messages, type AddressPart, type FieldMessage, type MessageContext } from './field-messages';
import { isFieldType, type FieldDefinition } from './field-types';
import { checkNiss } from './niss';
import { normalisePhoneNumber } from './phone-number';

export type { FieldMessage } from './field-messages';

export type FieldResult = { ok: true; value: unknown } | { ok: false; error: FieldMessage };

export type RecordWriteResult =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; errors: Record<string, FieldMessage> };

export interface Address {
  street: string;
  number: string;
  box?: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

export interface FileValue {
  id: string;
  name: string;
  /** Bytes. */
  size: number;
  /** MIME type, lower case. */
  contentType: string;
}

/**
 * Validates one value and returns it normalised.
 * null, undefined and blank strings mean "no value" and give `null`: whether the field
 * may be empty is decided by `required`, in validateRecordWrite.
 */
export function validateFieldValue(def: FieldDefinition, value: unknown): FieldResult {
  if (isEmpty(value)) return ok(null);
  const ctx = contextFor(def, value);
  switch (def.type) {
    case 'text':
    case 'long-text':
      return validateText(def, ctx, value);
    case 'number':
      return validateNumber(def, ctx, value);
    case 'money':
      return validateMoney(def, ctx, value);
    case 'date':
      return typeof value === 'string' && parseIsoDate(value.trim()) !== null
        ? ok(value.trim())
        : fail(messages.invalidDate(ctx));
    case 'datetime':
      return validateDateTime(ctx, value);
    case 'enum':
      return validateEnum(def, ctx, value);
    case 'boolean':
      // Strict: "true", "1" or "oui" are ambiguous form encodings; the client must send a boolean.
      return typeof value === 'boolean' ? ok(value) : fail(messages.notABoolean(ctx));
    case 'email': {
      const email = typeof value === 'string' ? normaliseEmailAddress(value) : null;
      return email === null ? fail(messages.invalidEmail(ctx)) : ok(email);
    }
    case 'phone': {
      if (typeof value !== 'string') return fail(messages.invalidPhone(ctx, 'characters'));
      const phone = normalisePhoneNumber(value);
      return phone.ok ? ok(phone.e164) : fail(messages.invalidPhone(ctx, phone.problem));
    }
    case 'niss': {
      if (typeof value !== 'string') return fail(messages.invalidNiss(ctx, 'format'));
      const niss = checkNiss(value.trim());
      return niss.ok ? ok(niss.niss.digits) : fail(messages.invalidNiss(ctx, niss.problem));
    }
    case 'enterprise-number': {
      if (typeof value !== 'string') return fail(messages.invalidEnterpriseNumber(ctx, 'format'));
      const enterprise = checkEnterpriseNumber(value);
      return enterprise.ok ? ok(enterprise.formatted) : fail(messages.invalidEnterpriseNumber(ctx, enterprise.problem));
    }
    case 'address':
      return validateAddress(def, ctx, value);
    case 'reference':
      // Only the shape is checked here: whether the record exists needs storage (runtime).
      return typeof value === 'string' && value.trim() !== ''
        ? ok(value.trim())
        : fail(messages.invalidReference(ctx, def.to));
    case 'list':
      return validateList(def, ctx, value);
    case 'file':
      return validateFile(ctx, value);
    default:
      return fail(messages.invalidDefinition(ctx, `unknown type ${describeType(def)}`));
  }
}

/**
 * Validates a write (creation or update) of a record.
 *
 * - every changed field must exist and must not be computed;
 * - each value is normalised with validateFieldValue;
 * - on creation, defaults fill the fields that were not given;
 * - required fields must have a value once current values and changes are merged.
 * All field errors are returned together so a form can show them at once.
 * A change whose value is `undefined` counts as "not given" (JSON cannot carry it);
 * `null` clears the field.
 */
export function validateRecordWrite(
  defs: Record<string, FieldDefinition>,
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
  opts: { creating: boolean },
): RecordWriteResult {
  const errors: Record<string, FieldMessage> = {};
  const values: Record<string, unknown> = { ...current };

  for (const [name, raw] of Object.entries(changes)) {
    if (raw === undefined) continue;
    const def = own(defs, name);
    if (def === undefined) {
      setOwn(errors, name, messages.unknownField(name));
      continue;
    }
    if (def.computed !== undefined) {
      // Computed fields are derived by the engine from their CEL expression only.
      setOwn(errors, name, messages.computedField(contextFor(def, raw)));
      continue;
    }
    const result = validateFieldValue(def, raw);
    if (result.ok) {
      setOwn(values, name, result.value);
    } else {
      setOwn(errors, name, result.error);
    }
  }

  for (const [name, def] of Object.entries(defs)) {
    if (Object.hasOwn(errors, name) || def.computed !== undefined) continue;

    if (opts.creating && def.default !== undefined && own(changes, name) === undefined && isMissing(own(values, name))) {
      // Defaults go through the same normalisation, so a bad default in a pack is reported
      // (as a definition problem) instead of being stored as is.
      const result = validateFieldValue(def, def.default);
      if (!result.ok) {
        setOwn(errors, name, messages.invalidDefinition(contextFor(def, def.default), `invalid default value, ${result.error.code}`));
        continue;
      }
      setOwn(values, name, result.value);
    }

    if (def.required === true && isMissing(own(values, name))) {
      setOwn(errors, name, messages.required(contextFor(def, undefined)));
    }
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

// --- per-type validators -----------------------------------------------------------------

function validateText(def: FieldDefinition, ctx: MessageContext, value: unknown): FieldResult {
  if (typeof value !== 'string') return fail(messages.notText(ctx));
  const text = value.trim();
  // Lengths are counted in characters as users see them (code points), not UTF-16 units.
  const length = [...text].length;
  const max = smallest(def.max, def.maxLength);
  if (def.min !== undefined && length < def.min) return fail(messages.tooShort(ctx, length, def.min));
  if (max !== undefined && length > max) return fail(messages.tooLong(ctx, length, max));
  return ok(text);
}

/** A plain decimal number as typed in a form: optional sign, digits, optional decimals. */
const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

function parseDecimal(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const text = value.trim();
    return DECIMAL.test(text) ? Number(text) : null;
  }
  return null;
}

function checkBounds(def: FieldDefinition, ctx: MessageContext, value: number): FieldResult {
  if (def.min !== undefined && value < def.min) return fail(messages.belowMinimum(ctx, def.min));
  if (def.max !== undefined && value > def.max) return fail(messages.aboveMaximum(ctx, def.max));
  // -0 would be stored and displayed as "-0" by some consumers.
  return ok(value === 0 ? 0 : value);
}

function validateNumber(def: FieldDefinition, ctx: MessageContext, value: unknown): FieldResult {
  const number = parseDecimal(value);
  return number === null ? fail(messages.notANumber(ctx)) : checkBounds(def, ctx, number);
}

/**
 * Amounts are held as a number of euros with cents (1234.5 = 1 234,50 €). Beyond
 * 2^53 / 100 cents are no longer exact in a double, so larger amounts are refused.
 */
const MONEY_LIMIT = 90_000_000_000_000;

function validateMoney(def: FieldDefinition, ctx: MessageContext, value: unknown): FieldResult {
  const amount = parseDecimal(value);
  if (amount === null) return fail(messages.notAnAmount(ctx));
  if (amount > MONEY_LIMIT) return fail(messages.aboveMaximum(ctx, MONEY_LIMIT));
  if (amount < -MONEY_LIMIT) return fail(messages.belowMinimum(ctx, -MONEY_LIMIT));
  // x has at most 2 decimals iff rounding to cents gives back the same double
  // (both are the nearest double to the same decimal); 1.005 or 0.1 + 0.2 fail.
  if (Math.round(amount * 100) / 100 !== amount) return fail(messages.tooManyDecimals(ctx));
  return checkBounds(def, ctx, amount);
}

function validateDateTime(ctx: MessageContext, value: unknown): FieldResult {
  let iso: string | null = null;
  if (typeof value === 'string') iso = parseIsoDateTime(value.trim());
  else if (value instanceof Date) iso = dateObjectToIso(value);
  return iso === null ? fail(messages.invalidDateTime(ctx)) : ok(iso);
}

function validateEnum(def: FieldDefinition, ctx: MessageContext, value: unknown): FieldResult {
  const values = def.values;
  if (values === undefined || Object.keys(values).length === 0) {
    return fail(messages.invalidDefinition(ctx, 'enum without values'));
  }
  const key = typeof value === 'string' ? value.trim() : value;
  if (typeof key === 'string' && Object.hasOwn(values, key)) return ok(key);
  const choices = Object.entries(values).map(([choiceKey, label]) => ({ key: choiceKey, label }));
  return fail(messages.notInList(ctx, choices));
}

const ADDRESS_KEYS = new Set(['street', 'number', 'box', 'postalCode', 'city', 'country']);
const REQUIRED_ADDRESS_PARTS: readonly AddressPart[] = ['street', 'number', 'postalCode', 'city'];

function validateAddress(def: FieldDefinition, ctx: MessageContext, value: unknown): FieldResult {
  if (!isPlainObject(value)) return fail(messages.addressMissingParts(ctx, REQUIRED_ADDRESS_PARTS));
  const unknown = Object.keys(value).filter((key) => !ADDRESS_KEYS.has(key));
  if (unknown.length > 0) return fail(messages.addressUnknownParts(ctx, unknown));

  const parts: Partial<Record<AddressPart, string>> = {};
  const missing: AddressPart[] = [];
  for (const part of REQUIRED_ADDRESS_PARTS) {
    const text = textPart(value[part]);
    if (text === null) missing.push(part);
    else parts[part] = text;
  }
  const { street, number, postalCode, city } = parts;
  if (street === undefined || number === undefined || postalCode === undefined || city === undefined) {
    return fail(messages.addressMissingParts(ctx, missing));
  }

  const countryText = textPart(value['country']);
  const country = countryText === null ? 'BE' : countryText.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    return fail(messages.addressCountry(contextFor(def, countryText)));
  }
  // Belgian postal codes (bpost) are 4 digits from 1000 (Brussels) to 9999.
  if (country === 'BE' && !/^[1-9]\d{3}$/.test(postalCode)) {
    return fail(messages.invalidBelgianPostalCode(contextFor(def, postalCode)));
  }

  const address: Address = { street, number, postalCode, city, country };
  const box = textPart(value['box']);
  if (box !== null) address.box = box;
  return ok(address);
}

/** House numbers and postal codes are sometimes sent as numbers: accept and stringify them. */
function textPart(part: unknown): string | null {
  if (typeof part === 'number' && Number.isInteger(part) && part >= 0) return String(part);
  if (typeof part !== 'string') return null;
  const text = part.trim();
  return text === '' ? null : text;
}

function validateList(def: FieldDefinition, ctx: MessageContext, value: unknown): FieldResult {
  const itemType = def.of;
  if (itemType === undefined || !isFieldType(itemType) || itemType === 'list') {
    return fail(messages.invalidDefinition(ctx, 'list needs an item type "of" other than list'));
  }
  if (!Array.isArray(value)) return fail(messages.notAList(ctx));
  // Items share the constraints of the list definition (enum values, bounds, target type).
  const itemDef: FieldDefinition = { ...def, type: itemType };
  delete itemDef.of;
  delete itemDef.required;
  delete itemDef.default;
  const items: unknown[] = [];
  for (const [index, item] of value.entries()) {
    const position = index + 1;
    if (isEmpty(item)) return fail(messages.emptyListItem(ctx, position));
    const result = validateFieldValue(itemDef, item);
    if (!result.ok) return fail(messages.inListItem(ctx, position, result.error));
    items.push(result.value);
  }
  return ok(items);
}

/** RFC 6838 media type "type/subtype", optionally with parameters ("; charset=utf-8"). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;.*)?$/i;
const FILE_KEYS = new Set(['id', 'name', 'size', 'contentType']);

function validateFile(ctx: MessageContext, value: unknown): FieldResult {
  if (!isPlainObject(value)) return fail(messages.invalidFile(ctx, ['not a file object']));
  const problems: string[] = [];
  const unknown = Object.keys(value).filter((key) => !FILE_KEYS.has(key));
  if (unknown.length > 0) problems.push(`unknown properties ${unknown.join(', ')}`);
  const id = value['id'];
  const name = value['name'];
  const size = value['size'];
  const contentType = value['contentType'];
  if (typeof id !== 'string' || id.trim() === '') problems.push('id missing');
  if (typeof name !== 'string' || name.trim() === '') problems.push('name missing');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) problems.push('size invalid');
  if (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType.trim())) problems.push('contentType invalid');
  if (
    problems.length > 0 ||
    typeof id !== 'string' ||
    typeof name !== 'string' ||
    typeof size !== 'number' ||
    typeof contentType !== 'string'
  ) {
    return fail(messages.invalidFile(ctx, problems));
  }
  const file: FileValue = {
    id: id.trim(),
    name: name.trim(),
    size,
    // Media types are case-insensitive (RFC 6838): stored in lower case for comparisons.
    contentType: contentType.trim().toLowerCase(),
  };
  return ok(file);
}

// --- helpers -------------------------------------------------------------------------------

function ok(value: unknown): FieldResult {
  return { ok: true, value };
}

function fail(error: FieldMessage): FieldResult {
  return { ok: false, error };
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Missing for `required`: no value, a blank text or an empty list. */
function isMissing(value: unknown): boolean {
  return isEmpty(value) || (Array.isArray(value) && value.length === 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Only own properties count: field names come from outside, and "constructor" or
 * "toString" must not resolve to what Object.prototype provides.
 */
function own<T>(record: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Plain assignment of "__proto__" would change the prototype instead of storing a value. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function smallest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function describeType(def: FieldDefinition): string {
  const type: unknown = def.type;
  return typeof type === 'string' ? type : typeof type;
}

/** Longest echo of a refused value in a message: enough to recognise it, not a wall of text. */
const SHOWN_MAX = 60;

function contextFor(def: FieldDefinition, value: unknown): MessageContext {
  return { label: def.label, shown: def.pii === true ? null : showValue(value) };
}

/**
 * PII fields are never echoed: messages end up in logs and API responses, which must not
 * copy personal data (GDPR data minimisation).
 */
function showValue(value: unknown): string | null {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else return null;
  if (text === '') return null;
  return [...text].length > SHOWN_MAX ? `${[...text].slice(0, SHOWN_MAX - 1).join('')}…` : text;
}
