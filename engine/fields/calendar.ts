/**
 * Calendar dates and ISO 8601 timestamps, parsed without the host time zone and
 * without the current clock (engine code must stay deterministic).
 */

export function isLeapYear(year: number): boolean {
  // Gregorian rule: every 4 years, except centuries not divisible by 400.
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[month - 1] ?? 0;
}

export function isCalendarDay(year: number, month: number, day: number): boolean {
  return Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month);
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' if the text is an existing calendar date in that exact format, else null. */
export function parseIsoDate(text: string): string | null {
  const match = DATE.exec(text);
  if (match === null) return null;
  const [, y, m, d] = match;
  const year = Number(y);
  if (year < 1 || !isCalendarDay(year, Number(m), Number(d))) return null;
  return text;
}

/*
 * ISO 8601 date and time with a mandatory offset (Z or ±HH:MM / ±HHMM): without an
 * offset a local time is ambiguous (Brussels switches between +01:00 and +02:00).
 * Seconds and fractions are optional; a space is accepted instead of 'T' (RFC 3339).
 */
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** The instant as a UTC ISO string ('YYYY-MM-DDTHH:MM:SS.sssZ'), or null when invalid. */
export function parseIsoDateTime(text: string): string | null {
  const match = DATETIME.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  // Milliseconds are truncated, not rounded, so 59.9999 never rolls over to the next minute.
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (year < 1 || !isCalendarDay(year, month, day)) return null;
  // 24:00 and leap seconds (:60) are not representable in JavaScript dates: rejected.
  if (hour > 23 || minute > 59 || second > 59) return null;

  let offsetMinutes = 0;
  if (zulu === undefined) {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    // Real offsets range from -12:00 to +14:00.
    if (offsetHours > 14 || offsetMins > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }

  // Date.UTC maps years 0-99 to 1900-1999, so the year is set separately.
  const instant = new Date(Date.UTC(2000, 0, 1, hour, minute, second, millis));
  instant.setUTCFullYear(year, month - 1, day);
  const utc = instant.getTime() - offsetMinutes * 60_000;
  const iso = new Date(utc).toISOString();
  // Offsets can push an instant out of the 4-digit year range (extended '+010000-…' form).
  return /^\d{4}-/.test(iso) ? iso : null;
}

/** A valid JavaScript Date as a UTC ISO string, or null for an invalid Date. */
export function dateObjectToIso(value: Date): string | null {
  const time = value.getTime();
  if (Number.isNaN(time)) return null;
  const iso = value.toISOString();
  return /^\d{4}-/.test(iso) ? iso : null;
}
