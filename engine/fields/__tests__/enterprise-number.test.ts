import { checkEnterpriseNumber, formatEnterpriseNumber, isValidEnterpriseNumber } from '../enterprise-number';

/*
 * Fixtures computed with the CBE rule, check = 97 - (first 8 digits mod 97):
 *   01234567 mod 97 = 48 -> 49 -> 0123.456.749
 *   12345678 mod 97 =  3 -> 94 -> 1234.567.894
 *   02012345 mod 97 = 80 -> 17 -> 0201.234.517
 *   20000000 mod 97 = 55 -> 42 -> 2000.000.042 (right check, but an establishment unit number)
 */

describe('enterprise numbers starting with 0', () => {
  it.each(['0123.456.749', '0123456749', 'BE0123456749', 'be 0123 456 749', '0123-456-749'])(
    'accepts %p and formats it as 0123.456.749',
    (text) => {
      expect(formatEnterpriseNumber(text)).toBe('0123.456.749');
    },
  );

  it('accepts the old 9-digit form by adding the leading 0', () => {
    expect(formatEnterpriseNumber('123456749')).toBe('0123.456.749');
    expect(formatEnterpriseNumber('201.234.517')).toBe('0201.234.517');
  });

  it('rejects a number whose check digits do not match', () => {
    expect(isValidEnterpriseNumber('0123.456.748')).toBe(false);
    expect(checkEnterpriseNumber('0123456748')).toEqual({ ok: false, problem: 'check-digits' });
    expect(formatEnterpriseNumber('0123456748')).toBeNull();
  });
});

describe('enterprise numbers starting with 1', () => {
  it('accepts a number in the 1 range', () => {
    expect(checkEnterpriseNumber('1234.567.894')).toEqual({ ok: true, digits: '1234567894', formatted: '1234.567.894' });
  });

  it('rejects a number in the 1 range with wrong check digits', () => {
    expect(isValidEnterpriseNumber('1234567895')).toBe(false);
  });
});

describe('numbers that are not enterprise numbers', () => {
  it('rejects an establishment unit number (first digit 2 to 8) even with correct check digits', () => {
    expect(checkEnterpriseNumber('2000.000.042')).toEqual({ ok: false, problem: 'first-digit' });
  });

  it.each(['', '12345', '01234567490', '0123.456.74x'])('rejects %p as not having 10 digits', (text) => {
    expect(checkEnterpriseNumber(text)).toEqual({ ok: false, problem: 'format' });
  });
});
