import type { FieldDefinition } from '../field-types';
import { validateRecordWrite } from '../validate-field';

const defs: Record<string, FieldDefinition> = {
  name: { type: 'text', label: { fr: 'Nom', nl: 'Naam' }, required: true },
  status: {
    type: 'enum',
    label: { fr: 'Statut', nl: 'Status' },
    required: true,
    default: 'open',
    values: { open: { fr: 'Ouvert', nl: 'Open' }, closed: { fr: 'Fermé', nl: 'Gesloten' } },
  },
  urgent: { type: 'boolean', label: { fr: 'Urgent', nl: 'Dringend' }, default: false },
  phone: { type: 'phone', label: { fr: 'Téléphone', nl: 'Telefoon' } },
  niss: { type: 'niss', label: { fr: 'Numéro national', nl: 'Rijksregisternummer' }, pii: true },
  total: { type: 'money', label: { fr: 'Total', nl: 'Totaal' }, computed: 'items.map(i, i.price).sum()' },
};

function errorCodes(result: ReturnType<typeof validateRecordWrite>): Record<string, string> {
  if (result.ok) throw new Error('expected errors');
  return Object.fromEntries(Object.entries(result.errors).map(([field, error]) => [field, error.code]));
}

describe('creating a record', () => {
  it('applies defaults to fields that were not given and normalises the given values', () => {
    const result = validateRecordWrite(defs, {}, { name: '  Dupont ', phone: '0470 12 34 56' }, { creating: true });
    expect(result).toEqual({
      ok: true,
      values: { name: 'Dupont', phone: '+32470123456', status: 'open', urgent: false },
    });
  });

  it('does not override a given value with the default', () => {
    const result = validateRecordWrite(defs, {}, { name: 'Dupont', status: 'closed', urgent: true }, { creating: true });
    expect(result.ok && result.values).toMatchObject({ status: 'closed', urgent: true });
  });

  it('reports a required field without default as required', () => {
    expect(errorCodes(validateRecordWrite(defs, {}, {}, { creating: true }))).toEqual({ name: 'required' });
  });

  it('treats a blank text as missing for a required field', () => {
    expect(errorCodes(validateRecordWrite(defs, {}, { name: '   ' }, { creating: true }))).toEqual({ name: 'required' });
  });

  it('reports a default that does not validate as a definition problem', () => {
    const broken: Record<string, FieldDefinition> = {
      count: { type: 'number', label: { fr: 'Nombre', nl: 'Aantal' }, default: 'many' },
    };
    expect(errorCodes(validateRecordWrite(broken, {}, {}, { creating: true }))).toEqual({ count: 'invalid-definition' });
  });
});

describe('updating a record', () => {
  const current = { name: 'Dupont', status: 'open', urgent: false, total: 120.5 };

  it('returns the current values merged with the normalised changes', () => {
    const result = validateRecordWrite(defs, current, { status: 'closed', phone: '+32 2 123 45 67' }, { creating: false });
    expect(result).toEqual({
      ok: true,
      values: { name: 'Dupont', status: 'closed', urgent: false, total: 120.5, phone: '+3221234567' },
    });
  });

  it('does not apply defaults', () => {
    const result = validateRecordWrite(defs, { name: 'Dupont', status: 'open' }, {}, { creating: false });
    expect(result.ok && result.values).toEqual({ name: 'Dupont', status: 'open' });
  });

  it('refuses clearing a required field with null or an empty string', () => {
    expect(errorCodes(validateRecordWrite(defs, current, { name: null }, { creating: false }))).toEqual({ name: 'required' });
    expect(errorCodes(validateRecordWrite(defs, current, { name: '' }, { creating: false }))).toEqual({ name: 'required' });
  });

  it('clears an optional field given as null', () => {
    const result = validateRecordWrite(defs, { ...current, phone: '+3221234567' }, { phone: null }, { creating: false });
    expect(result.ok && result.values['phone']).toBeNull();
  });

  it('ignores changes whose value is undefined', () => {
    const result = validateRecordWrite(defs, current, { name: undefined, ghost: undefined }, { creating: false });
    expect(result.ok && result.values).toEqual(current);
  });
});

describe('fields that cannot be written', () => {
  it('reports a field that does not exist as unknown-field', () => {
    expect(errorCodes(validateRecordWrite(defs, {}, { name: 'Dupont', colour: 'blue' }, { creating: true }))).toEqual({
      colour: 'unknown-field',
    });
  });

  it('does not take names of Object.prototype for fields', () => {
    const changes: Record<string, unknown> = JSON.parse('{"name":"Dupont","toString":"x","__proto__":"y"}');
    expect(errorCodes(validateRecordWrite(defs, {}, changes, { creating: true }))).toEqual({
      toString: 'unknown-field',
      ['__proto__']: 'unknown-field',
    });
  });

  it('reports writing a computed field as computed-field', () => {
    expect(errorCodes(validateRecordWrite(defs, {}, { name: 'Dupont', total: 10 }, { creating: true }))).toEqual({
      total: 'computed-field',
    });
  });
});

describe('reporting errors', () => {
  it('reports all field errors at once', () => {
    const result = validateRecordWrite(
      defs,
      {},
      { status: 'pending', phone: '123', niss: '85073003329', total: 1, colour: 'blue' },
      { creating: true },
    );
    expect(errorCodes(result)).toEqual({
      name: 'required',
      status: 'not-in-list',
      phone: 'invalid-phone',
      niss: 'invalid-niss',
      total: 'computed-field',
      colour: 'unknown-field',
    });
  });

  it('does not echo the value of a PII field in its message', () => {
    const result = validateRecordWrite(defs, {}, { name: 'Dupont', niss: '85073003329' }, { creating: true });
    if (result.ok) throw new Error('expected errors');
    const error = result.errors['niss'];
    expect(error?.fr).toBe(
      "Le numéro de registre national n'est pas valide : les chiffres de contrôle ne correspondent pas. Vérifiez le numéro sur la carte d'identité.",
    );
    expect(JSON.stringify(error)).not.toContain('85073003329');
  });
});
