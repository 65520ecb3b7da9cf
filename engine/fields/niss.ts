/**
 * Belgian national register number (NISS / INSZ: numéro de registre national,
 * rijksregisternummer) and bis number (for people not in the national register).
 *
 * Layout: YY MM DD SSS CC
 *   YYMMDD  date of birth (month/day 00 when unknown),
 *   SSS     daily sequence number: odd for men, even for women,
 *   CC      check digits.
 * Check rule (Rijksregister / Registre national):
 *   CC = 97 - (YYMMDDSSS mod 97)                 for people born before 2000,
 *   CC = 97 - ((2 000 000 000 + YYMMDDSSS) mod 97) for people born in 2000 or later
 *   (i.e. the computation is done on "2" followed by the 9 digits).
 * The number itself does not say the century, so both variants are tried and the one
 * that matches gives the century.
 * Bis numbers (BCSS / KSZ): the month is increased by 20 when the sex was unknown when
 * the number was issued, by 40 when it was known; the check rule is the same.
 */

import { isCalendarDay, pad2 } from './calendar';

export type NissSex = 'M' | 'F';

export interface ParsedNiss {
  /** The 11 digits, without separators. */
  digits: string;
  /** 'YYYY-MM-DD', or null when the month or day is unknown (00) or not a calendar date. */
  birthDate: string | null;
  bis: boolean;
  /** From the sequence number; null for bis numbers issued with unknown sex (month + 20). */
  sex: NissSex | null;
}

/** Why a text is not a NISS; used to explain the problem to the user. */
export type NissProblem = 'format' | 'date' | 'check-digits';

export type NissCheck = { ok: true; niss: ParsedNiss } | { ok: false; problem: NissProblem };

/** Separators found on identity cards and in documents: 85.07.30-033.28, 850730 033 28. */
const NISS_SEPARATORS = /[\s.\-/]/g;

/** Offset added to the year-2000 variant: the check is computed on "2" + 9 digits. */
const BORN_FROM_2000_PREFIX = 2_000_000_000;

export function checkNiss(text: string): NissCheck {
  const digits = text.replace(NISS_SEPARATORS, '');
  if (!/^\d{11}$/.test(digits)) {
    return { ok: false, problem: 'format' };
  }

  const yy = Number(digits.slice(0, 2));
  const encodedMonth = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  const sequence = Number(digits.slice(6, 9));

  // Bis numbers shift the month by 20 (sex unknown) or 40 (sex known).
  let month = encodedMonth;
  let bis = false;
  let sexKnown = true;
  if (encodedMonth >= 40) {
    month = encodedMonth - 40;
    bis = true;
  } else if (encodedMonth >= 20) {
    month = encodedMonth - 20;
    bis = true;
    sexKnown = false;
  }
  // Plausibility of the date part: month 01-12 or 00 (unknown), day 00-31.
  if (month > 12 || day > 31) {
    return { ok: false, problem: 'date' };
  }

  const first9 = Number(digits.slice(0, 9));
  const check = Number(digits.slice(9, 11));
  let century: number;
  if (check === 97 - (first9 % 97)) {
    century = 1900;
  } else if (check === 97 - ((BORN_FROM_2000_PREFIX + first9) % 97)) {
    century = 2000;
  } else {
    return { ok: false, problem: 'check-digits' };
  }

  const year = century + yy;
  const birthDate =
    month !== 0 && day !== 0 && isCalendarDay(year, month, day)
      ? `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`
      : null;
  const sex: NissSex | null = sexKnown ? (sequence % 2 === 1 ? 'M' : 'F') : null;

  return { ok: true, niss: { digits, birthDate, bis, sex } };
}

export function isValidNiss(text: string): boolean {
  return checkNiss(text).ok;
}

/** Parses a NISS or bis number; null when it is not valid. */
export function parseNiss(text: string): ParsedNiss | null {
  const result = checkNiss(text);
  return result.ok ? result.niss : null;
}

/** Display form used on Belgian identity cards: YY.MM.DD-SSS.CC. */
export function formatNiss(digits: string): string {
  return `${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}-${digits.slice(6, 9)}.${digits.slice(9, 11)}`;
}
