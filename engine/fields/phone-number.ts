/**
 * Telephone numbers normalised to E.164 ("+32470123456").
 *
 * Belgian numbering plan (BIPT): after the trunk prefix 0, a national significant
 * number of 8 digits for fixed lines and special numbers (02 123 45 67, 04 123 45 67,
 * 0800 12 345), or of 9 digits for mobile numbers, in the ranges 045-049
 * (0470 12 34 56). The ranges 045-049 are reserved to mobiles, so an 8-digit number
 * there is a mobile number with a digit missing.
 * Other countries: E.164 allows at most 15 digits including the country code; the
 * national plans of other countries are not checked here.
 */

export type PhoneProblem = 'characters' | 'no-country-code' | 'belgian-format' | 'international-length';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; problem: PhoneProblem };

export function normalisePhoneNumber(text: string): PhoneCheck {
  // "+32 (0)2 ..." is a common way of writing the optional trunk prefix: drop it.
  const withoutTrunkHint = text.trim().replace(/\(0\)/g, '');
  if (!/^\+?[\d\s.\-/()]+$/.test(withoutTrunkHint)) {
    return { ok: false, problem: 'characters' };
  }
  const compact = withoutTrunkHint.replace(/[\s.\-/()]/g, '');

  let international: string;
  if (compact.startsWith('+')) {
    international = compact.slice(1);
  } else if (compact.startsWith('00')) {
    // 00 is the international call prefix from Belgium (and most of Europe).
    international = compact.slice(2);
  } else if (compact.startsWith('0')) {
    // National Belgian format: the trunk prefix 0 becomes the country code 32.
    international = `32${compact.slice(1)}`;
  } else {
    return { ok: false, problem: 'no-country-code' };
  }

  if (international.startsWith('32')) {
    const national = international.slice(2);
    const fixedOrSpecial = /^(?:[1-35-9]\d{7}|4[0-4]\d{6})$/.test(national);
    const mobile = /^4[5-9]\d{7}$/.test(national);
    return fixedOrSpecial || mobile ? { ok: true, e164: `+${international}` } : { ok: false, problem: 'belgian-format' };
  }
  // Country codes never start with 0; shortest real international numbers have 7 digits.
  if (!/^[1-9]\d{6,14}$/.test(international)) {
    return { ok: false, problem: 'international-length' };
  }
  return { ok: true, e164: `+${international}` };
}
