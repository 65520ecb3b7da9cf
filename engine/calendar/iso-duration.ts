/**
 * ISO 8601 durations (P15D, PT8H, P1Y2M10DT2H30M, P2W) as written in definition packs,
 * and their calendar addition in a time zone.
 *
 * Only non-negative whole numbers are accepted: deadlines never run backwards, and a
 * fraction of a month or of a working day has no agreed meaning (PT30M says what PT0.5H
 * would). Weeks may be combined with other units (P1W2D), as ISO 8601-2 and Temporal allow.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, civilFromDays, daysFromCivil, daysInMonth } from './civil-date';
import { assertInstant, zoneFor } from './time-zone';

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const EXAMPLES = 'Examples: P15D (15 days), PT8H (8 hours), P1M (1 month)';

export class DurationSyntaxError extends Error {
  override readonly name = 'DurationSyntaxError';

  constructor(
    readonly text: string,
    reason?: string,
  ) {
    super(
      reason === undefined
        ? `${JSON.stringify(text)} is not an ISO 8601 duration. ${EXAMPLES}`
        : `${JSON.stringify(text)} is not an ISO 8601 duration: ${reason}. ${EXAMPLES}`,
    );
  }
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Why a text that does not match is wrong, when a common mistake explains it. */
function diagnose(text: string): string | undefined {
  if (text.trim() === '') return 'it is empty';
  if (text !== text.trim()) return 'remove the spaces around it';
  if (text.startsWith('-')) return 'negative durations are not supported';
  if (/[.,]\d/.test(text)) return 'fractions are not supported (write PT30M rather than PT0.5H)';
  if (text === 'P' || text === 'PT') return 'it has no amount (P0D is a zero duration)';
  if (text.endsWith('T')) return '"T" must be followed by hours, minutes or seconds';
  if (text !== text.toUpperCase() && DURATION.test(text.toUpperCase())) {
    return `write the letters in upper case (${text.toUpperCase()})`;
  }
  if (/^\d/.test(text)) return 'it must start with "P"';
  return undefined;
}

export function parseIsoDuration(text: string): IsoDuration {
  // Definitions come from YAML, where `delay: 15` is a number: report it, do not crash on it.
  if (typeof text !== 'string') throw new DurationSyntaxError(String(text), 'it is not text');
  const match = DURATION.exec(text);
  if (match === null || text === 'P' || text.endsWith('T')) {
    throw new DurationSyntaxError(text, diagnose(text));
  }
  const values = match.slice(1, 8).map((digits) => (digits === undefined ? 0 : Number(digits)));
  const tooLarge = values.find((v) => !Number.isSafeInteger(v));
  if (tooLarge !== undefined) {
    throw new DurationSyntaxError(text, 'a number in it is too large');
  }
  const [years, months, weeks, days, hours, minutes, seconds] = values;
  return { years, months, weeks, days, hours, minutes, seconds };
}

export function isIsoDuration(text: string): boolean {
  try {
    parseIsoDuration(text);
    return true;
  } catch {
    return false;
  }
}

const FIELDS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/** Durations built in code (not parsed) get the same guarantees as parsed ones. */
export function assertValidDuration(d: IsoDuration): void {
  for (const field of FIELDS) {
    const value = d[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `Invalid duration: ${field} is ${String(value)}; every field must be a whole number of 0 or more.`,
      );
    }
  }
}

export function isZeroDuration(d: IsoDuration): boolean {
  return FIELDS.every((field) => d[field] === 0);
}

/** Hours, minutes and seconds as exact elapsed milliseconds. */
export function timePartMs(d: IsoDuration): number {
  return d.hours * HOUR_MS + d.minutes * MINUTE_MS + d.seconds * SECOND_MS;
}

/**
 * Adds years, months, weeks and days on the calendar of `timeZone`, keeping the local
 * wall-clock time (so P1D is 23 or 25 hours across a daylight-saving change), then hours,
 * minutes and seconds as exact elapsed time (PT24H is always 24 hours). Years and months
 * come first and clamp to the last day of the month (Jan 31 + P1M = Feb 28 or 29), then
 * weeks and days, as in Temporal. A local time that does not exist on the target day moves
 * forward by the gap; one that occurs twice takes its first occurrence.
 */
export function addCalendarDuration(startMs: number, d: IsoDuration, timeZone: string): number {
  assertInstant(startMs, 'start');
  assertValidDuration(d);
  const zone = zoneFor(timeZone);
  let result = startMs;
  // Only go through the wall clock when needed: a round trip would move an instant in the
  // repeated hour of an autumn change to that hour's first occurrence.
  if (d.years !== 0 || d.months !== 0 || d.weeks !== 0 || d.days !== 0) {
    const wall = zone.toWall(startMs);
    const startDay = Math.floor(wall / DAY_MS);
    const timeOfDay = wall - startDay * DAY_MS;
    const start = civilFromDays(startDay);
    const monthIndex = start.month - 1 + d.months + d.years * 12;
    const year = start.year + Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    const day = Math.min(start.day, daysInMonth(year, month));
    const targetWall = (daysFromCivil(year, month, day) + d.weeks * 7 + d.days) * DAY_MS + timeOfDay;
    assertInstant(targetWall, 'resulting local time');
    result = zone.wallToUtc(targetWall, 'shift');
  }
  result += timePartMs(d);
  assertInstant(result, 'resulting instant');
  return result;
}
