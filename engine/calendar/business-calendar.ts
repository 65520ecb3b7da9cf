/**
 * Business calendars: opening hours per weekday in a time zone, minus holidays, and
 * deadlines counted in working time ("answer within PT8H of office time").
 *
 * Model. Each working day contributes its intervals [open, close) of local wall-clock
 * time. An interval runs from the first instant the local clock shows `open` to the first
 * instant it shows `close` (a bound skipped by a daylight-saving change snaps to the
 * change), so the working time of an interval is real elapsed time. Holidays remove whole
 * local days.
 *
 * Conventions of addBusinessDuration (applied in this order):
 * 1. Years, months and weeks are calendar units (addCalendarDuration: same wall-clock
 *    time, month-end clamping); a result outside working hours rolls forward to the next
 *    working moment.
 * 2. Days are working days. The count starts from the start instant, or, when that is
 *    outside working hours, from the next opening. P3D lands at the same local time of day
 *    on the 3rd working day after that day; if that time is not working time on the
 *    target day (shorter hours, lunch break), it rolls forward to the next working moment.
 * 3. Hours, minutes and seconds count working time only. The deadline is the instant the
 *    last working millisecond is consumed, so it may be a closing time: PT4H from 08:30
 *    is 12:30 the same day, not 13:30.
 * A zero duration returns the start unchanged, even outside working hours.
 *
 * Speed: the computation walks interval by interval, never minute by minute; local
 * midnights are converted once per working day and the time-zone offsets come from a
 * cached table (time-zone.ts), so PT2000H (about 270 working days) takes tens of µs.
 */
import { DAY_MS, MAX_INSTANT_MS, parseDayNumber, weekdayOfDay } from './civil-date';
import {
  type IsoDuration,
  addCalendarDuration,
  assertValidDuration,
  isZeroDuration,
  timePartMs,
} from './iso-duration';
import { type ZoneOffsets, assertInstant, zoneFor } from './time-zone';

/*
 * Bound once at load: inside a vm sandbox such as jest's, every lookup of a global like
 * `Math` costs ~200 ns, which would dominate the per-interval arithmetic.
 */
const { floor, max } = Math;

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface CalendarDefinition {
  /** IANA time zone, e.g. Europe/Brussels. */
  timezone: string;
  /** Local wall-clock intervals per weekday, "HH:MM" (24:00 allowed as an end). */
  hours: Partial<Record<Weekday, Array<[string, string]>>>;
  /** Local dates without working hours, "YYYY-MM-DD". */
  holidays: string[];
}

export class InvalidCalendarError extends Error {
  override readonly name = 'InvalidCalendarError';

  constructor(readonly problems: string[]) {
    super(`Invalid business calendar: ${problems.join('; ')}.`);
  }
}

/** Index = weekday number of civil-date.ts (0 = Sunday). */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function isWeekday(key: string): key is Weekday {
  return (WEEKDAYS as readonly string[]).includes(key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TIME = /^(\d{2}):(\d{2})$/;

/** Minutes since local midnight for "HH:MM" (00:00-24:00), else null. */
function parseTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const match = TIME.exec(text);
  if (match === null) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (minute > 59 || hour > 24 || (hour === 24 && minute !== 0)) return null;
  return hour * 60 + minute;
}

function formatMinutes(minutes: number): string {
  return `${String(floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** [open, close) in milliseconds since local midnight. */
type Interval = readonly [number, number];

interface CheckedCalendar {
  problems: string[];
  week: Interval[][];
  holidays: Set<number>;
}

/*
 * Definitions come from YAML, so every field is checked as `unknown` even though the type
 * says otherwise: a validator that trusts its input cannot report what is wrong with it.
 */
function checkCalendar(def: CalendarDefinition): CheckedCalendar {
  const problems: string[] = [];
  const week: Interval[][] = WEEKDAYS.map(() => []);
  const holidays = new Set<number>();
  const input: unknown = def;
  if (!isRecord(input)) {
    return { problems: ['a calendar must be an object with timezone, hours and holidays'], week, holidays };
  }

  const timezone = input['timezone'];
  if (typeof timezone !== 'string' || timezone === '') {
    problems.push('timezone is missing: give an IANA time zone such as "Europe/Brussels"');
  } else {
    try {
      zoneFor(timezone);
    } catch {
      problems.push(
        `timezone ${JSON.stringify(timezone)} is not a known IANA time zone (e.g. "Europe/Brussels")`,
      );
    }
  }

  const hours = input['hours'];
  const hourProblemsBefore = problems.length;
  if (!isRecord(hours)) {
    problems.push('hours must map weekdays (mon … sun) to lists of ["HH:MM", "HH:MM"] intervals');
  } else {
    for (const [key, value] of Object.entries(hours)) {
      if (!isWeekday(key)) {
        problems.push(`hours.${key}: unknown weekday; use mon, tue, wed, thu, fri, sat or sun`);
        continue;
      }
      if (value === undefined) continue;
      if (!Array.isArray(value)) {
        problems.push(`hours.${key} must be a list of ["HH:MM", "HH:MM"] intervals`);
        continue;
      }
      const minutes: Array<[number, number]> = [];
      value.forEach((pair: unknown, index) => {
        const where = `hours.${key}[${index}]`;
        if (!Array.isArray(pair) || pair.length !== 2) {
          problems.push(`${where}: expected a pair ["HH:MM", "HH:MM"], e.g. ["08:30", "12:30"]`);
          return;
        }
        const [openText, closeText]: unknown[] = pair;
        const open = parseTime(openText);
        const close = parseTime(closeText);
        if (open === null) {
          problems.push(`${where}: ${JSON.stringify(openText)} is not a time in HH:MM format (00:00 to 24:00)`);
        }
        if (close === null) {
          problems.push(`${where}: ${JSON.stringify(closeText)} is not a time in HH:MM format (00:00 to 24:00)`);
        }
        if (open === null || close === null) return;
        if (open >= close) {
          problems.push(`${where}: the start ${formatMinutes(open)} is not before the end ${formatMinutes(close)}`);
          return;
        }
        minutes.push([open, close]);
      });
      minutes.sort((a, b) => a[0] - b[0]);
      const merged: Interval[] = [];
      // Compared with the interval reaching furthest so far, not just the previous one.
      let widest: [number, number] | undefined;
      for (const [open, close] of minutes) {
        if (widest !== undefined && open < widest[1]) {
          problems.push(
            `hours.${key}: the intervals ${formatMinutes(widest[0])}-${formatMinutes(widest[1])} and ` +
              `${formatMinutes(open)}-${formatMinutes(close)} overlap`,
          );
        }
        if (widest === undefined || close > widest[1]) widest = [open, close];
        const last = merged[merged.length - 1];
        // Touching intervals (08:00-12:00, 12:00-17:00) are one stretch of working time.
        if (last !== undefined && open * 60_000 <= last[1]) {
          merged[merged.length - 1] = [last[0], max(last[1], close * 60_000)];
        } else {
          merged.push([open * 60_000, close * 60_000]);
        }
      }
      week[WEEKDAYS.indexOf(key)] = merged;
    }
    // Only when the hours themselves are well formed: otherwise the cause is already listed.
    if (problems.length === hourProblemsBefore && week.every((intervals) => intervals.length === 0)) {
      problems.push(
        'no working hours on any day of the week: business deadlines could never be reached',
      );
    }
  }

  const holidayList = input['holidays'];
  // The pack schema makes holidays optional, so a missing list means "no holidays".
  if (holidayList !== undefined) {
    if (!Array.isArray(holidayList)) {
      problems.push('holidays must be a list of dates in YYYY-MM-DD format');
    } else {
      holidayList.forEach((text: unknown, index) => {
        const day = typeof text === 'string' ? parseDayNumber(text) : null;
        if (day === null) {
          problems.push(
            `holidays[${index}]: ${JSON.stringify(text)} is not an existing date in YYYY-MM-DD format`,
          );
        } else {
          holidays.add(day);
        }
      });
    }
  }
  return { problems, week, holidays };
}

/** Human-readable problems of the definition; empty when it is usable. */
export function validateCalendar(def: CalendarDefinition): string[] {
  return checkCalendar(def).problems;
}

interface CompiledCalendar {
  readonly zone: ZoneOffsets;
  /** Index 0 = Sunday. Sorted, non-overlapping, non-touching. */
  readonly week: ReadonlyArray<readonly Interval[]>;
  readonly holidays: ReadonlySet<number>;
  readonly lastHoliday: number;
  readonly workingDaysPerWeek: number;
  /**
   * The longest possible run of days without working hours (holidays can stack on the
   * only working weekday); walking further means a bug, not a long weekend.
   */
  readonly maxIdleDays: number;
}

/*
 * Keyed by the definition object: callers pass the same (loaded, never mutated) pack
 * definition for every timer, and compiling costs more than the computation itself.
 */
const compiled = new WeakMap<CalendarDefinition, CompiledCalendar>();

function compile(def: CalendarDefinition): CompiledCalendar {
  const cached = compiled.get(def);
  if (cached !== undefined) return cached;
  const { problems, week, holidays } = checkCalendar(def);
  if (problems.length > 0) throw new InvalidCalendarError(problems);
  let lastHoliday = Number.NEGATIVE_INFINITY;
  for (const day of holidays) lastHoliday = max(lastHoliday, day);
  const calendar: CompiledCalendar = {
    zone: zoneFor(def.timezone),
    week,
    holidays,
    lastHoliday,
    workingDaysPerWeek: week.filter((intervals) => intervals.length > 0).length,
    maxIdleDays: 7 * (holidays.size + 1),
  };
  compiled.set(def, calendar);
  return calendar;
}

const NO_INTERVALS: readonly Interval[] = [];
/** Day numbers JavaScript dates can represent, with a day of margin for offsets. */
const MAX_DAY = MAX_INSTANT_MS / DAY_MS - 1;

function intervalsOf(cal: CompiledCalendar, day: number): readonly Interval[] {
  return cal.holidays.has(day) ? NO_INTERVALS : cal.week[weekdayOfDay(day)];
}

function outOfRange(): RangeError {
  return new RangeError('The business deadline falls outside the range of JavaScript dates.');
}

/**
 * Walks the working intervals (as UTC instants) in order, starting with the local day
 * that contains a given instant. Earlier days cannot matter: an interval of the previous
 * day ends at the latest at this day's first instant.
 */
class IntervalWalker {
  /** The current interval, valid after next(). */
  start = 0;
  end = 0;

  private day: number;
  private intervals: readonly Interval[] = NO_INTERVALS;
  private index = 0;
  private dayStart = 0;
  /** True when the day has no offset change, so bounds are dayStart + time of day. */
  private uniform = true;
  private idleDays = 0;
  /** Start of the day after the last working day seen, reused as the next day's start. */
  private memoDay = Number.NaN;
  private memoStart = 0;

  constructor(
    private readonly cal: CompiledCalendar,
    fromMs: number,
  ) {
    this.day = floor(cal.zone.toWall(fromMs) / DAY_MS) - 1;
  }

  next(): void {
    for (;;) {
      while (this.index >= this.intervals.length) this.nextDay();
      const [open, close] = this.intervals[this.index++];
      if (this.uniform) {
        this.start = this.dayStart + open;
        this.end = this.dayStart + close;
        return;
      }
      const wall = this.day * DAY_MS;
      this.start = this.cal.zone.wallToUtc(wall + open, 'transition');
      this.end = this.cal.zone.wallToUtc(wall + close, 'transition');
      // An interval lying entirely in a skipped hour has no working time.
      if (this.end > this.start) return;
    }
  }

  private nextDay(): void {
    this.day++;
    this.index = 0;
    if (this.day > MAX_DAY) throw outOfRange();
    this.intervals = intervalsOf(this.cal, this.day);
    if (this.intervals.length === 0) {
      if (++this.idleDays > this.cal.maxIdleDays) {
        throw new Error('Business calendar has no working hours ahead (internal invariant broken).');
      }
      return;
    }
    this.idleDays = 0;
    this.dayStart = this.startOfDay(this.day);
    const nextStart = this.startOfDay(this.day + 1);
    this.memoDay = this.day + 1;
    this.memoStart = nextStart;
    this.uniform = nextStart - this.dayStart === DAY_MS;
  }

  private startOfDay(day: number): number {
    if (day === this.memoDay) return this.memoStart;
    return this.cal.zone.wallToUtc(day * DAY_MS, 'transition');
  }
}

/** The first working interval that ends after `ms` (it may contain `ms`). */
function intervalEndingAfter(cal: CompiledCalendar, ms: number): IntervalWalker {
  const walker = new IntervalWalker(cal, ms);
  do walker.next();
  while (walker.end <= ms);
  return walker;
}

export function isBusinessTime(ms: number, cal: CalendarDefinition): boolean {
  assertInstant(ms);
  return intervalEndingAfter(compile(cal), ms).start <= ms;
}

/** `ms` itself when it is working time, else the next opening. */
export function nextBusinessMoment(ms: number, cal: CalendarDefinition): number {
  assertInstant(ms);
  return max(intervalEndingAfter(compile(cal), ms).start, ms);
}

function addWorkingTime(cal: CompiledCalendar, startMs: number, durationMs: number): number {
  const walker = new IntervalWalker(cal, startMs);
  let remaining = durationMs;
  for (;;) {
    walker.next();
    if (walker.end <= startMs) continue;
    const from = max(walker.start, startMs);
    const available = walker.end - from;
    if (remaining <= available) return from + remaining;
    remaining -= available;
  }
}

function isWorkingDay(cal: CompiledCalendar, day: number): boolean {
  return intervalsOf(cal, day).length > 0;
}

function addWorkingDays(cal: CompiledCalendar, startMs: number, count: number): number {
  const anchor = max(intervalEndingAfter(cal, startMs).start, startMs);
  const wall = cal.zone.toWall(anchor);
  let day = floor(wall / DAY_MS);
  const timeOfDay = wall - day * DAY_MS;
  let remaining = count;
  let idleDays = 0;
  while (remaining > 0) {
    // Past the last holiday every week is alike: jump whole weeks instead of walking them.
    if (day >= cal.lastHoliday && remaining > cal.workingDaysPerWeek) {
      const weeks = floor((remaining - 1) / cal.workingDaysPerWeek);
      if (day + weeks * 7 > MAX_DAY) throw outOfRange();
      day += weeks * 7;
      remaining -= weeks * cal.workingDaysPerWeek;
    }
    day++;
    if (day > MAX_DAY) throw outOfRange();
    if (isWorkingDay(cal, day)) {
      remaining--;
      idleDays = 0;
    } else if (++idleDays > cal.maxIdleDays) {
      throw new Error('Business calendar has no working days ahead (internal invariant broken).');
    }
  }
  const target = cal.zone.wallToUtc(day * DAY_MS + timeOfDay, 'shift');
  return max(intervalEndingAfter(cal, target).start, target);
}

/**
 * Adds `d` in business time (see the conventions at the top of this file). Throws an
 * InvalidCalendarError listing the problems when the calendar is unusable (e.g. no
 * working hours at all), and a RangeError for a negative or fractional duration.
 */
export function addBusinessDuration(startMs: number, d: IsoDuration, cal: CalendarDefinition): number {
  assertInstant(startMs, 'start');
  assertValidDuration(d);
  const calendar = compile(cal);
  if (isZeroDuration(d)) return startMs;

  let result = startMs;
  if (d.years !== 0 || d.months !== 0 || d.weeks !== 0) {
    const calendarPart = { ...d, days: 0, hours: 0, minutes: 0, seconds: 0 };
    const moved = addCalendarDuration(result, calendarPart, cal.timezone);
    result = max(intervalEndingAfter(calendar, moved).start, moved);
  }
  if (d.days !== 0) result = addWorkingDays(calendar, result, d.days);
  const timeMs = timePartMs(d);
  if (timeMs !== 0) result = addWorkingTime(calendar, result, timeMs);
  assertInstant(result, 'business deadline');
  return result;
}

