/**
 * IANA time zones from Intl.DateTimeFormat alone (no tz database of our own, no Date
 * getters that would leak the host's zone).
 *
 * Intl is slow per call (~5 µs for formatToParts) and timers convert instants to local
 * time hundreds of times per computation, so each zone keeps a lazily built table of its
 * UTC offset transitions, 32 days at a time. The table is filled from Intl (one sample per
 * day, then a bisection to the exact second of each change); afterwards every conversion is
 * plain arithmetic. The one assumption: a zone never changes its offset twice within 24
 * hours, which holds for every zone in the tz database since 1970.
 */
import {
  DAY_MS,
  HOUR_MS,
  MAX_INSTANT_MS,
  MINUTE_MS,
  SECOND_MS,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  weekdayOfDay,
} from './civil-date';

/*
 * Bound once at load: inside a vm sandbox such as jest's, every lookup of a global like
 * `Math` costs ~200 ns, which would dominate the per-interval arithmetic.
 */
const { floor, ceil, min, max, abs } = Math;

/** A local date and wall-clock time, as printed on a clock in the zone. */
export interface LocalDateTime {
  year: number;
  /** 1 = January. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/**
 * What to do with a wall-clock time that does not exist (the hour skipped when clocks go
 * forward):
 * - 'shift': move it forward by the length of the gap (02:30 → 03:30), as java.time and
 *   Temporal do; used for "the same time on another day".
 * - 'transition': the instant the clocks changed (02:30 → 03:00), i.e. the first instant
 *   whose wall clock is at or after the requested time; used for opening-hour bounds.
 * A time that occurs twice (clocks going back) always resolves to its first occurrence.
 */
export type GapPolicy = 'shift' | 'transition';

const CHUNK_DAYS = 32;
const CHUNK_MS = CHUNK_DAYS * DAY_MS;
/** ~350 years per zone; beyond that the table is rebuilt rather than grown forever. */
const MAX_CHUNKS_PER_ZONE = 4_096;

interface OffsetChunk {
  /** starts[0] is the chunk start; later entries are the instants of offset changes. */
  readonly starts: number[];
  /** offsets[i] (local minus UTC, in ms) applies from starts[i]. */
  readonly offsets: number[];
}

function clampInstant(ms: number): number {
  return ms > MAX_INSTANT_MS ? MAX_INSTANT_MS : ms < -MAX_INSTANT_MS ? -MAX_INSTANT_MS : ms;
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** One zone's offsets. Obtain through zoneFor() so formatters and tables are shared. */
export class ZoneOffsets {
  private readonly chunks = new Map<number, OffsetChunk>();
  private lastKey = Number.NaN;
  private lastChunk: OffsetChunk = { starts: [], offsets: [] };

  constructor(
    readonly timeZone: string,
    private readonly formatter: Intl.DateTimeFormat,
  ) {}

  /** Local time minus UTC, in ms, at the given instant. */
  offsetAt(ms: number): number {
    const t = clampInstant(ms);
    const key = floor(t / CHUNK_MS);
    const chunk = key === this.lastKey ? this.lastChunk : this.loadChunk(key);
    const { starts, offsets } = chunk;
    for (let i = starts.length - 1; i > 0; i--) {
      if (t >= starts[i]) return offsets[i];
    }
    return offsets[0];
  }

  /** The instant as milliseconds on the local wall clock (see civil-date.ts). */
  toWall(ms: number): number {
    return ms + this.offsetAt(ms);
  }

  /** The instant at which the local wall clock shows `wall`. */
  wallToUtc(wall: number, gap: GapPolicy): number {
    // Offsets a day either side bracket any single transition near `wall`.
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;

    const withBefore = wall - before;
    const withAfter = wall - after;
    const beforeFits = this.offsetAt(withBefore) === before;
    const afterFits = this.offsetAt(withAfter) === after;
    if (beforeFits && afterFits) return min(withBefore, withAfter);
    if (beforeFits) return withBefore;
    if (afterFits) return withAfter;
    // Neither offset produces this wall time: it lies in the gap of a forward change.
    if (gap === 'shift') return withBefore;
    return this.transitionBetween(min(withBefore, withAfter), max(withBefore, withAfter));
  }

  /** The first offset change in (from, to]; `to` if the table has none (cannot happen). */
  private transitionBetween(from: number, to: number): number {
    for (let key = floor(from / CHUNK_MS); key <= floor(to / CHUNK_MS); key++) {
      const { starts } = this.loadChunk(key);
      for (let i = 1; i < starts.length; i++) {
        if (starts[i] > from && starts[i] <= to) return starts[i];
      }
    }
    return to;
  }

  private loadChunk(key: number): OffsetChunk {
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      if (this.chunks.size >= MAX_CHUNKS_PER_ZONE) this.chunks.clear();
      chunk = this.buildChunk(key);
      this.chunks.set(key, chunk);
    }
    this.lastKey = key;
    this.lastChunk = chunk;
    return chunk;
  }

  private buildChunk(key: number): OffsetChunk {
    const start = clampInstant(key * CHUNK_MS);
    const starts = [start];
    const offsets = [this.intlOffset(start)];
    let previous = start;
    let previousOffset = offsets[0];
    // Sampling up to the next chunk's start catches a change that happens on its last day.
    for (let i = 1; i <= CHUNK_DAYS; i++) {
      const sample = clampInstant(key * CHUNK_MS + i * DAY_MS);
      const offset = this.intlOffset(sample);
      if (offset !== previousOffset) {
        starts.push(this.bisectChange(previous, sample, previousOffset));
        offsets.push(offset);
      }
      previous = sample;
      previousOffset = offset;
    }
    return { starts, offsets };
  }

  /** First instant in (low, high] whose offset differs from `lowOffset`. */
  private bisectChange(low: number, high: number, lowOffset: number): number {
    // tz database transitions fall on whole seconds, and Intl only reports seconds.
    let lo = floor(low / SECOND_MS);
    let hi = ceil(high / SECOND_MS);
    while (hi - lo > 1) {
      const mid = floor((lo + hi) / 2);
      if (this.intlOffset(mid * SECOND_MS) === lowOffset) lo = mid;
      else hi = mid;
    }
    return hi * SECOND_MS;
  }

  /** The offset as Intl reports it: local wall clock minus UTC, to the second. */
  private intlOffset(ms: number): number {
    const whole = ms - floorMod(ms, SECOND_MS);
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let beforeCommonEra = false;
    for (const part of this.formatter.formatToParts(whole)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        case 'era':
          beforeCommonEra = part.value.startsWith('B');
          break;
        default:
          break;
      }
    }
    // Intl numbers years 1 BC, 2 BC…; astronomical numbering (0, -1…) is what the arithmetic needs.
    const astronomicalYear = beforeCommonEra ? 1 - year : year;
    const wall =
      daysFromCivil(astronomicalYear, month, day) * DAY_MS +
      hour * HOUR_MS +
      minute * MINUTE_MS +
      second * SECOND_MS;
    return wall - whole;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** Throws a RangeError naming the zone when Intl does not know it. */
export function zoneFor(timeZone: string): ZoneOffsets {
  const cached = zones.get(timeZone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    // Gregorian calendar, Latin digits and a 0-23 clock whatever the host's defaults are.
    formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(
      `Unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as "Europe/Brussels".`,
    );
  }
  const zone = new ZoneOffsets(timeZone, formatter);
  zones.set(timeZone, zone);
  return zone;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    zoneFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function assertInstant(ms: number, what = 'instant'): void {
  if (!Number.isFinite(ms) || abs(ms) > MAX_INSTANT_MS) {
    throw new RangeError(
      `The ${what} ${String(ms)} is not a time in milliseconds within the range of JavaScript dates.`,
    );
  }
}

/** Local time minus UTC, in milliseconds (3 600 000 for Brussels in winter). */
export function timeZoneOffset(ms: number, timeZone: string): number {
  assertInstant(ms);
  return zoneFor(timeZone).offsetAt(ms);
}

export function wallToParts(wall: number): LocalParts {
  const dayNumber = floor(wall / DAY_MS);
  const { year, month, day } = civilFromDays(dayNumber);
  const timeOfDay = wall - dayNumber * DAY_MS;
  return {
    year,
    month,
    day,
    hour: floor(timeOfDay / HOUR_MS),
    minute: floor((timeOfDay % HOUR_MS) / MINUTE_MS),
    second: floor((timeOfDay % MINUTE_MS) / SECOND_MS),
    millisecond: timeOfDay % SECOND_MS,
    weekday: weekdayOfDay(dayNumber),
  };
}

/** The local date and time in `timeZone` at instant `ms` (epoch milliseconds). */
export function localParts(ms: number, timeZone: string): LocalParts {
  assertInstant(ms);
  return wallToParts(zoneFor(timeZone).toWall(ms));
}

function checkField(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Invalid local ${name} ${String(value)}: expected an integer from ${min} to ${max}.`);
  }
}

/**
 * The instant (epoch ms) at which clocks in `timeZone` show `parts`. A time skipped by a
 * forward change moves forward by the gap (2026-03-29 02:30 Brussels → 03:30 CEST); a time
 * that occurs twice resolves to its first occurrence (2026-10-25 02:30 → 02:30 CEST).
 */
export function zonedTimeToUtc(parts: LocalDateTime, timeZone: string): number {
  const { year, month, day, hour, minute, second } = parts;
  const millisecond = parts.millisecond ?? 0;
  checkField('year', year, -271_820, 275_759);
  checkField('month', month, 1, 12);
  checkField('day', day, 1, daysInMonth(year, month));
  checkField('hour', hour, 0, 23);
  checkField('minute', minute, 0, 59);
  checkField('second', second, 0, 59);
  checkField('millisecond', millisecond, 0, 999);
  const wall =
    daysFromCivil(year, month, day) * DAY_MS +
    hour * HOUR_MS +
    minute * MINUTE_MS +
    second * SECOND_MS +
    millisecond;
  const utc = zoneFor(timeZone).wallToUtc(wall, 'shift');
  assertInstant(utc, 'resulting instant');
  return utc;
}
