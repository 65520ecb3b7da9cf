/**
 * Belgian enterprise number (numéro d'entreprise BCE / ondernemingsnummer KBO).
 *
 * Rule of the Crossroads Bank for Enterprises: 10 digits, the first being 0 or 1
 * (numbers starting with 2-8 are establishment unit numbers, a different register),
 * and the last 2 digits = 97 - (first 8 digits mod 97).
 * Older numbers (former VAT numbers) are written with 9 digits: a leading 0 is implied.
 * The VAT form "BE0123456749" is accepted as input.
 */

export type EnterpriseNumberProblem = 'format' | 'first-digit' | 'check-digits';

export type EnterpriseNumberCheck =
  | { ok: true; digits: string; formatted: string }
  | { ok: false; problem: EnterpriseNumberProblem };

const SEPARATORS = /[\s.\-/]/g;

export function checkEnterpriseNumber(text: string): EnterpriseNumberCheck {
  let digits = text.trim().replace(/^BE/i, '').replace(SEPARATORS, '');
  if (/^\d{9}$/.test(digits)) {
    digits = `0${digits}`;
  }
  if (!/^\d{10}$/.test(digits)) {
    return { ok: false, problem: 'format' };
  }
  if (digits[0] !== '0' && digits[0] !== '1') {
    return { ok: false, problem: 'first-digit' };
  }
  const first8 = Number(digits.slice(0, 8));
  const check = Number(digits.slice(8, 10));
  if (check !== 97 - (first8 % 97)) {
    return { ok: false, problem: 'check-digits' };
  }
  return { ok: true, digits, formatted: formatDigits(digits) };
}

export function isValidEnterpriseNumber(text: string): boolean {
  return checkEnterpriseNumber(text).ok;
}

/** The official display form "0123.456.749", or null when the number is not valid. */
export function formatEnterpriseNumber(text: string): string | null {
  const result = checkEnterpriseNumber(text);
  return result.ok ? result.formatted : null;
}

function formatDigits(digits: string): string {
  return `${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7, 10)}`;
}
