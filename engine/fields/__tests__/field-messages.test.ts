import { FIELD_TYPES, isFieldType, type FieldDefinition } from '../field-types';
import { validateFieldValue, validateRecordWrite, type FieldMessage } from '../validate-field';

const label = { fr: 'Champ', nl: 'Veld' };

/** One refused value per error situation the validators can produce. */
const refusals: [FieldDefinition, unknown][] = [
  [{ type: 'text', label }, 12],
  [{ type: 'text', label, min: 5 }, 'abc'],
  [{ type: 'text', label, maxLength: 2 }, 'abc'],
  [{ type: 'number', label }, 'douze'],
  [{ type: 'number', label, min: 1 }, 0],
  [{ type: 'number', label, max: 1 }, 2],
  [{ type: 'money', label }, '12,50'],
  [{ type: 'money', label }, 12.345],
  [{ type: 'date', label }, '2023-02-29'],
  [{ type: 'datetime', label }, '2024-03-15T10:00'],
  [{ type: 'enum', label, values: { a: { fr: 'A', nl: 'A' } } }, 'b'],
  [{ type: 'enum', label }, 'b'],
  [{ type: 'boolean', label }, 'oui'],
  [{ type: 'email', label }, 'jean@'],
  [{ type: 'phone', label }, '12'],
  [{ type: 'phone', label }, '+1 2'],
  [{ type: 'phone', label }, '02 12'],
  [{ type: 'phone', label }, 'abc'],
  [{ type: 'niss', label }, '123'],
  [{ type: 'niss', label }, '85133003370'],
  [{ type: 'niss', label }, '85073003329'],
  [{ type: 'enterprise-number', label }, '12'],
  [{ type: 'enterprise-number', label }, '2000000042'],
  [{ type: 'enterprise-number', label }, '0123456748'],
  [{ type: 'address', label }, {}],
  [{ type: 'address', label }, { street: 'a', number: '1', postalCode: '1', city: 'b' }],
  [{ type: 'address', label }, { street: 'a', number: '1', postalCode: '1000', city: 'b', country: 'XXX' }],
  [{ type: 'address', label }, { street: 'a', number: '1', postalCode: '1000', city: 'b', zip: 1 }],
  [{ type: 'reference', label, to: 'permit' }, 1],
  [{ type: 'list', label, of: 'email' }, 'x'],
  [{ type: 'list', label, of: 'email' }, ['']],
  [{ type: 'list', label, of: 'email' }, ['x']],
  [{ type: 'file', label }, {}],
];

function errorOf(def: FieldDefinition, value: unknown): FieldMessage {
  const result = validateFieldValue(def, value);
  if (result.ok) throw new Error(`${def.type} accepted ${JSON.stringify(value)}`);
  return result.error;
}

function allMessages(): FieldMessage[] {
  const fromValues = refusals.map(([def, value]) => errorOf(def, value));
  const write = validateRecordWrite(
    { name: { type: 'text', label, required: true }, total: { type: 'number', label, computed: '1 + 1' } },
    {},
    { total: 3, other: 1 },
    { creating: true },
  );
  const fromWrite = write.ok ? [] : Object.values(write.errors);
  return [...fromValues, ...fromWrite];
}

describe('error messages', () => {
  const all = allMessages();

  it('are produced for every kind of refusal', () => {
    expect(all).toHaveLength(refusals.length + 3);
  });

  it('are present in French, Dutch and English, and differ between French and Dutch', () => {
    for (const error of all) {
      expect(error.fr.length).toBeGreaterThan(20);
      expect(error.nl.length).toBeGreaterThan(20);
      expect(error.en.length).toBeGreaterThan(20);
      expect(error.fr).not.toBe(error.nl);
      expect(error.nl).not.toBe(error.en);
    }
  });

  it('have stable kebab-case codes', () => {
    for (const error of all) expect(error.code).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
  });

  it('say how to fix the problem after a colon', () => {
    for (const error of all) {
      expect(error.fr).toMatch(/ : ./);
      expect(error.nl).toMatch(/: ./);
      expect(error.en).toMatch(/: ./);
    }
  });

  it('explain a wrong national register number in the words of the register', () => {
    const error = errorOf({ type: 'niss', label }, '85073003329');
    expect(error.code).toBe('invalid-niss');
    expect(error.fr).toMatch(
      /^Le numéro de registre national 85073003329 n'est pas valide : les chiffres de contrôle ne correspondent pas\./,
    );
    expect(error.nl).toMatch(/^Het rijksregisternummer 85073003329 is ongeldig: de controlecijfers kloppen niet\./);
  });

  it('quote a refused text value and name the field in the user language', () => {
    const error = errorOf({ type: 'number', label: { fr: 'Surface', nl: 'Oppervlakte' } }, 'grand');
    expect(error.fr).toContain('La valeur « grand » du champ « Surface »');
    expect(error.nl).toContain('De waarde "grand" van het veld "Oppervlakte"');
    expect(error.en).toContain('The value "grand" of the field "Surface"');
  });
});

describe('field types', () => {
  it('lists the 16 field types and recognises them', () => {
    expect(FIELD_TYPES).toHaveLength(16);
    expect(FIELD_TYPES.every(isFieldType)).toBe(true);
    expect(isFieldType('integer')).toBe(false);
  });

  it('validates a value of every field type without throwing', () => {
    for (const type of FIELD_TYPES) {
      expect(() => validateFieldValue({ type, label }, 'x')).not.toThrow();
    }
  });
});
