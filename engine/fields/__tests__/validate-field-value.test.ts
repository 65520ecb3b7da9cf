import type { FieldDefinition, FieldType } from '../field-types';
import { validateFieldValue, type FieldResult } from '../validate-field';

function field(type: FieldType, extra: Partial<FieldDefinition> = {}): FieldDefinition {
  return { type, label: { fr: 'Champ', nl: 'Veld' }, ...extra };
}

function valueOf(result: FieldResult): unknown {
  if (!result.ok) throw new Error(`expected a valid value, got ${result.error.code}: ${result.error.en}`);
  return result.value;
}

function codeOf(result: FieldResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

describe('empty values', () => {
  it.each([null, undefined, '', '   '])('treats %p as no value, whatever the type', (value) => {
    expect(validateFieldValue(field('niss'), value)).toEqual({ ok: true, value: null });
    expect(validateFieldValue(field('number'), value)).toEqual({ ok: true, value: null });
  });
});

describe('text fields', () => {
  it('trims surrounding spaces', () => {
    expect(valueOf(validateFieldValue(field('text'), '  Rue de la Loi  '))).toBe('Rue de la Loi');
  });

  it('counts length in characters and enforces min and max', () => {
    expect(codeOf(validateFieldValue(field('text', { min: 3 }), 'ab'))).toBe('too-short');
    expect(codeOf(validateFieldValue(field('long-text', { maxLength: 5 }), 'abcdef'))).toBe('too-long');
    expect(valueOf(validateFieldValue(field('text', { max: 2 }), 'éé'))).toBe('éé');
  });

  it('refuses a number where text is expected', () => {
    expect(codeOf(validateFieldValue(field('text'), 12))).toBe('not-text');
  });
});

describe('number fields', () => {
  it('accepts finite numbers and plain decimal strings, normalised to numbers', () => {
    expect(valueOf(validateFieldValue(field('number'), 12))).toBe(12);
    expect(valueOf(validateFieldValue(field('number'), ' 12 '))).toBe(12);
    expect(valueOf(validateFieldValue(field('number'), '-3.25'))).toBe(-3.25);
  });

  it.each(['12,5', '1e3', '0x10', 'douze', Number.NaN, Number.POSITIVE_INFINITY, true])('refuses %p', (value) => {
    expect(codeOf(validateFieldValue(field('number'), value))).toBe('not-a-number');
  });

  it('enforces min and max bounds', () => {
    expect(codeOf(validateFieldValue(field('number', { min: 0 }), -1))).toBe('below-minimum');
    expect(codeOf(validateFieldValue(field('number', { max: 10 }), '11'))).toBe('above-maximum');
    expect(valueOf(validateFieldValue(field('number', { min: 0, max: 10 }), 10))).toBe(10);
  });
});

describe('money fields', () => {
  it('accepts amounts with up to 2 decimals, stored as a number of euros', () => {
    expect(valueOf(validateFieldValue(field('money'), 1234.5))).toBe(1234.5);
    expect(valueOf(validateFieldValue(field('money'), '1234.50'))).toBe(1234.5);
    expect(valueOf(validateFieldValue(field('money'), 0.29))).toBe(0.29);
    expect(valueOf(validateFieldValue(field('money'), 1.15))).toBe(1.15);
    expect(valueOf(validateFieldValue(field('money'), -20))).toBe(-20);
  });

  it.each([12.345, '12.345', 1.005, 0.1 + 0.2])('refuses %p as having more than 2 decimals', (value) => {
    expect(codeOf(validateFieldValue(field('money'), value))).toBe('too-many-decimals');
  });

  it('refuses an amount written with a decimal comma and says to use a point', () => {
    const result = validateFieldValue(field('money'), '12,50');
    expect(codeOf(result)).toBe('not-an-amount');
    expect(result.ok ? '' : result.error.fr).toContain('point');
  });

  it('enforces the bounds of the definition', () => {
    expect(codeOf(validateFieldValue(field('money', { min: 0 }), -0.01))).toBe('below-minimum');
  });
});

describe('date and datetime fields', () => {
  it('accepts a real calendar date in YYYY-MM-DD form', () => {
    expect(valueOf(validateFieldValue(field('date'), '2024-02-29'))).toBe('2024-02-29');
  });

  it.each(['2023-02-29', '2024-13-01', '2024-04-31', '2024-2-3', '15/03/2024', '2024-03-15T10:00:00Z'])(
    'refuses the date %p',
    (value) => {
      expect(codeOf(validateFieldValue(field('date'), value))).toBe('invalid-date');
    },
  );

  it('normalises a datetime with an offset to UTC', () => {
    expect(valueOf(validateFieldValue(field('datetime'), '2024-03-15T14:30:00+01:00'))).toBe('2024-03-15T13:30:00.000Z');
    expect(valueOf(validateFieldValue(field('datetime'), '2024-07-01T00:15+0200'))).toBe('2024-06-30T22:15:00.000Z');
    expect(valueOf(validateFieldValue(field('datetime'), '2024-03-15T13:30:00.123456Z'))).toBe('2024-03-15T13:30:00.123Z');
  });

  it.each(['2024-03-15T14:30:00', '2024-03-15', '2024-02-30T10:00:00Z', '2024-03-15T24:00:00Z', '2024-03-15T10:00:00+15:00'])(
    'refuses the datetime %p',
    (value) => {
      expect(codeOf(validateFieldValue(field('datetime'), value))).toBe('invalid-datetime');
    },
  );
});

describe('enum fields', () => {
  const status = field('enum', {
    values: {
      open: { fr: 'Ouvert', nl: 'Open' },
      closed: { fr: 'Fermé', nl: 'Gesloten' },
    },
  });

  it('accepts a key of the list', () => {
    expect(valueOf(validateFieldValue(status, 'closed'))).toBe('closed');
  });

  it('refuses a value outside the list and names the allowed choices', () => {
    const result = validateFieldValue(status, 'pending');
    expect(codeOf(result)).toBe('not-in-list');
    if (result.ok) return;
    expect(result.error.fr).toContain('Ouvert (open) ou Fermé (closed)');
    expect(result.error.nl).toContain('Open (open) of Gesloten (closed)');
  });

  it('refuses keys inherited from Object.prototype', () => {
    expect(codeOf(validateFieldValue(status, 'toString'))).toBe('not-in-list');
  });

  it('reports an enum without values as a definition problem', () => {
    expect(codeOf(validateFieldValue(field('enum'), 'open'))).toBe('invalid-definition');
  });
});

describe('boolean fields', () => {
  it('accepts only true and false', () => {
    expect(valueOf(validateFieldValue(field('boolean'), false))).toBe(false);
    expect(codeOf(validateFieldValue(field('boolean'), 'true'))).toBe('not-a-boolean');
    expect(codeOf(validateFieldValue(field('boolean'), 1))).toBe('not-a-boolean');
  });
});

describe('email fields', () => {
  it('trims and lower-cases the domain but keeps the local part', () => {
    expect(valueOf(validateFieldValue(field('email'), ' Jean.Dupont@Ixelles.BRUSSELS '))).toBe('Jean.Dupont@ixelles.brussels');
  });

  it.each(['jean', 'jean@localhost', 'jean dupont@ixelles.be', 'jean..dupont@ixelles.be', '@ixelles.be', 'jean@-ixelles.be', 'jean@ixelles.b'])(
    'refuses %p',
    (value) => {
      expect(codeOf(validateFieldValue(field('email'), value))).toBe('invalid-email');
    },
  );
});

describe('phone fields', () => {
  it.each([
    ['02 123 45 67', '+3221234567'],
    ['02/123.45.67', '+3221234567'],
    ['04 223 45 67', '+3242234567'],
    ['0470 12 34 56', '+32470123456'],
    ['+32 470 12 34 56', '+32470123456'],
    ['0032 470 12 34 56', '+32470123456'],
    ['+32 (0)2 123 45 67', '+3221234567'],
    ['0800 12 345', '+3280012345'],
  ])('normalises the Belgian number %p to %p', (input, expected) => {
    expect(valueOf(validateFieldValue(field('phone'), input))).toBe(expected);
  });

  it.each([
    ['+33 1 23 45 67 89', '+33123456789'],
    ['0031 20 123 4567', '+31201234567'],
  ])('accepts the international number %p as %p', (input, expected) => {
    expect(valueOf(validateFieldValue(field('phone'), input))).toBe(expected);
  });

  it.each(['0470 12 34 5', '0470 12 34 56 7', '02 123 45 6', '+32 0470 12 34 56', '470123456', '+1 23', '02 ABC 45 67'])(
    'refuses %p',
    (value) => {
      expect(codeOf(validateFieldValue(field('phone'), value))).toBe('invalid-phone');
    },
  );
});

describe('niss and enterprise-number fields', () => {
  it('normalises a national register number to 11 digits', () => {
    expect(valueOf(validateFieldValue(field('niss'), '85.07.30-033.28'))).toBe('85073003328');
  });

  it('normalises an enterprise number to the 0123.456.749 form', () => {
    expect(valueOf(validateFieldValue(field('enterprise-number'), 'BE 0123456749'))).toBe('0123.456.749');
  });

  it('refuses invalid identifiers with their own codes', () => {
    expect(codeOf(validateFieldValue(field('niss'), '85073003329'))).toBe('invalid-niss');
    expect(codeOf(validateFieldValue(field('enterprise-number'), '0123456748'))).toBe('invalid-enterprise-number');
  });
});

describe('address fields', () => {
  it('trims the parts and defaults the country to BE', () => {
    const value = { street: ' Rue de la Loi ', number: 16, postalCode: '1000', city: 'Bruxelles' };
    expect(valueOf(validateFieldValue(field('address'), value))).toEqual({
      street: 'Rue de la Loi',
      number: '16',
      postalCode: '1000',
      city: 'Bruxelles',
      country: 'BE',
    });
  });

  it('keeps the box and upper-cases the country', () => {
    const value = { street: 'Wetstraat', number: '16', box: 'b2', postalCode: 1000, city: 'Brussel', country: 'be' };
    expect(valueOf(validateFieldValue(field('address'), value))).toEqual({
      street: 'Wetstraat',
      number: '16',
      box: 'b2',
      postalCode: '1000',
      city: 'Brussel',
      country: 'BE',
    });
  });

  it.each(['999', '10000', '0100', 'B-1000'])('refuses the Belgian postal code %p', (postalCode) => {
    const value = { street: 'Rue de la Loi', number: '16', postalCode, city: 'Bruxelles' };
    expect(codeOf(validateFieldValue(field('address'), value))).toBe('invalid-postal-code');
  });

  it('quotes the refused postal code unless the field holds personal data', () => {
    const value = { street: 'Rue de la Loi', number: '16', postalCode: '999', city: 'Bruxelles' };
    const shown = validateFieldValue(field('address'), value);
    const masked = validateFieldValue(field('address', { pii: true }), value);
    expect(shown.ok ? '' : shown.error.fr).toContain('Le code postal 999 ');
    expect(masked.ok ? '' : masked.error.fr).toMatch(/^Le code postal n'est pas valide/);
  });

  it('accepts a foreign postal code for a foreign address', () => {
    const value = { street: 'Rue de Rivoli', number: '1', postalCode: '75001', city: 'Paris', country: 'FR' };
    expect(valueOf(validateFieldValue(field('address'), value))).toMatchObject({ postalCode: '75001', country: 'FR' });
  });

  it('lists every missing part in one message', () => {
    const result = validateFieldValue(field('address'), { number: '16', postalCode: '1000' });
    expect(codeOf(result)).toBe('invalid-address');
    if (result.ok) return;
    expect(result.error.fr).toContain('indiquez la rue et la commune');
    expect(result.error.nl).toContain('vul de straat en de gemeente in');
  });

  it('refuses unknown parts, a bad country code and non-objects', () => {
    const base = { street: 'Rue de la Loi', number: '16', postalCode: '1000', city: 'Bruxelles' };
    expect(codeOf(validateFieldValue(field('address'), { ...base, zip: '1000' }))).toBe('invalid-address');
    expect(codeOf(validateFieldValue(field('address'), { ...base, country: 'Belgique' }))).toBe('invalid-address');
    expect(codeOf(validateFieldValue(field('address'), 'Rue de la Loi 16, 1000 Bruxelles'))).toBe('invalid-address');
  });
});

describe('reference, list and file fields', () => {
  it('accepts a non-empty id as a reference and refuses other values', () => {
    expect(valueOf(validateFieldValue(field('reference', { to: 'permit' }), ' rec_42 '))).toBe('rec_42');
    expect(codeOf(validateFieldValue(field('reference', { to: 'permit' }), 42))).toBe('invalid-reference');
  });

  it('validates and normalises each item of a list with its item type', () => {
    const phones = field('list', { of: 'phone' });
    expect(valueOf(validateFieldValue(phones, ['02 123 45 67', '0470 12 34 56']))).toEqual(['+3221234567', '+32470123456']);
    expect(valueOf(validateFieldValue(phones, []))).toEqual([]);
  });

  it('says which list item is wrong and keeps the item error code', () => {
    const result = validateFieldValue(field('list', { of: 'email' }), ['a@ixelles.be', 'nope']);
    expect(codeOf(result)).toBe('invalid-email');
    if (result.ok) return;
    expect(result.error.fr).toMatch(/^Élément 2 de la liste « Champ »/);
    expect(result.error.nl).toMatch(/^Element 2 van de lijst "Veld"/);
  });

  it('refuses empty list items, non-arrays and lists of lists', () => {
    expect(codeOf(validateFieldValue(field('list', { of: 'text' }), ['a', '  ']))).toBe('empty-list-item');
    expect(codeOf(validateFieldValue(field('list', { of: 'text' }), 'a'))).toBe('not-a-list');
    expect(codeOf(validateFieldValue(field('list', { of: 'list' }), ['a']))).toBe('invalid-definition');
    expect(codeOf(validateFieldValue(field('list'), ['a']))).toBe('invalid-definition');
  });

  it('accepts a file descriptor and lower-cases its content type', () => {
    const file = { id: 'f1', name: 'plan.pdf', size: 1024, contentType: 'Application/PDF' };
    expect(valueOf(validateFieldValue(field('file'), file))).toEqual({ ...file, contentType: 'application/pdf' });
  });

  it('refuses an incomplete file descriptor', () => {
    expect(codeOf(validateFieldValue(field('file'), { id: 'f1', name: 'plan.pdf', size: -1, contentType: 'pdf' }))).toBe(
      'invalid-file',
    );
    expect(codeOf(validateFieldValue(field('file'), 'plan.pdf'))).toBe('invalid-file');
  });
});
