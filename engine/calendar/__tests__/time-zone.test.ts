import { isValidTimeZone, localParts, timeZoneOffset, zonedTimeToUtc } from '..';

const BRUSSELS = 'Europe/Brussels';
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const WEEKDAY_NUMBERS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const referenceFormatters = new Map<string, Intl.DateTimeFormat>();

/** Straight from Intl, as an independent reference for the cached offset table. */
function intlParts(ms: number, timeZone: string): Record<string, number> {
  let formatter = referenceFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    referenceFormatters.set(timeZone, formatter);
  }
  const result: Record<string, number> = {};
  for (const part of formatter.formatToParts(ms)) {
    if (part.type === 'weekday') result.weekday = WEEKDAY_NUMBERS[part.value];
    else if (part.type !== 'literal') result[part.type] = Number(part.value);
  }
  return result;
}

describe('localParts', () => {
  it('gives the Brussels wall clock on both sides of the spring change', () => {
    // Clocks jump from 01:59:59.999 CET straight to 03:00 CEST at 01:00Z.
    expect(localParts(Date.UTC(2026, 2, 29, 0, 59, 59, 999), BRUSSELS)).toEqual({
      year: 2026,
      month: 3,
      day: 29,
      hour: 1,
      minute: 59,
      second: 59,
      millisecond: 999,
      weekday: 0,
    });
    expect(localParts(Date.UTC(2026, 2, 29, 1, 0, 0), BRUSSELS)).toMatchObject({ hour: 3, minute: 0 });
  });

  it('shows 02:30 twice on the autumn change', () => {
    expect(localParts(Date.UTC(2026, 9, 25, 0, 30), BRUSSELS)).toMatchObject({ day: 25, hour: 2, minute: 30 });
    expect(localParts(Date.UTC(2026, 9, 25, 1, 30), BRUSSELS)).toMatchObject({ day: 25, hour: 2, minute: 30 });
  });

  it('numbers weekdays from 0 for Sunday to 6 for Saturday', () => {
    // 2026-01-09 is a Friday, 2026-01-10 a Saturday, 2026-01-11 a Sunday.
    expect(localParts(Date.UTC(2026, 0, 9, 12), BRUSSELS).weekday).toBe(5);
    expect(localParts(Date.UTC(2026, 0, 10, 12), BRUSSELS).weekday).toBe(6);
    expect(localParts(Date.UTC(2026, 0, 11, 12), BRUSSELS).weekday).toBe(0);
    // 23:30Z on Saturday is already Sunday 00:30 in Brussels.
    expect(localParts(Date.UTC(2026, 0, 10, 23, 30), BRUSSELS).weekday).toBe(0);
  });

  it.each([
    'Europe/Brussels',
    'America/New_York',
    'America/Santiago',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Asia/Tehran',
    'Africa/Casablanca',
    'Pacific/Apia',
    'UTC',
  ])('agrees with Intl.DateTimeFormat at 300 random instants from 1850 to 2100 in %s', (zone) => {
    const random = lcg(zone.length * 7_919);
    const from = Date.UTC(1850, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 300; i++) {
      const ms = Math.floor(from + random() * (to - from));
      const { millisecond, ...parts } = localParts(ms, zone);
      expect({ ms, ...parts }).toEqual({ ms, ...intlParts(ms, zone) });
      expect(millisecond).toBe(((ms % 1000) + 1000) % 1000);
    }
  });

  it('agrees with Intl.DateTimeFormat every 20 minutes around both 2026 changes in Brussels', () => {
    for (const day of [Date.UTC(2026, 2, 28), Date.UTC(2026, 9, 24)]) {
      for (let ms = day; ms < day + 3 * 24 * HOUR; ms += 20 * 60_000) {
        const { millisecond, ...parts } = localParts(ms, BRUSSELS);
        expect({ at: iso(ms), ...parts }).toEqual({ at: iso(ms), ...intlParts(ms, BRUSSELS) });
      }
    }
  });
});

describe('zonedTimeToUtc', () => {
  it('converts an ordinary winter and summer time', () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 1, day: 12, hour: 8, minute: 30, second: 0 }, BRUSSELS))).toBe(
      '2026-01-12T07:30:00.000Z',
    );
    expect(iso(zonedTimeToUtc({ year: 2026, month: 7, day: 1, hour: 8, minute: 30, second: 0 }, BRUSSELS))).toBe(
      '2026-07-01T06:30:00.000Z',
    );
  });

  it('moves a time skipped by the spring change forward by the length of the gap', () => {
    // 2026-03-29 02:30 does not exist in Brussels; 02:30 "CET" is 01:30Z, shown as 03:30 CEST.
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, BRUSSELS))).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('picks the first occurrence of a time repeated by the autumn change', () => {
    // 2026-10-25 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(iso(zonedTimeToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, BRUSSELS))).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    // 03:00 happens once, after the change: CET, 02:00Z.
    expect(iso(zonedTimeToUtc({ year: 2026, month: 10, day: 25, hour: 3, minute: 0, second: 0 }, BRUSSELS))).toBe(
      '2026-10-25T02:00:00.000Z',
    );
  });

  it('handles the day Samoa skipped entirely when it crossed the date line', () => {
    // Apia went from UTC-10 straight to UTC+14 after 2011-12-29 23:59:59; 2011-12-30 never
    // happened. Noon that day moves forward 24 hours: 12:00 at -10 = 22:00Z = Dec 31 12:00 local.
    const ms = zonedTimeToUtc({ year: 2011, month: 12, day: 30, hour: 12, minute: 0, second: 0 }, 'Pacific/Apia');
    expect(iso(ms)).toBe('2011-12-30T22:00:00.000Z');
    expect(localParts(ms, 'Pacific/Apia')).toMatchObject({ year: 2011, month: 12, day: 31, hour: 12 });
  });

  it('round-trips with localParts at random instants', () => {
    const random = lcg(42);
    for (let i = 0; i < 500; i++) {
      const ms = Math.floor(Date.UTC(1990, 0, 1) + random() * 50 * 365 * 24 * HOUR);
      const back = zonedTimeToUtc(localParts(ms, BRUSSELS), BRUSSELS);
      // Only the second occurrence of a repeated hour maps back to the first, one hour earlier.
      expect([0, HOUR]).toContain(ms - back);
      expect(localParts(back, BRUSSELS)).toEqual(localParts(ms, BRUSSELS));
    }
  });

  it('refuses impossible local dates and times', () => {
    expect(() => zonedTimeToUtc({ year: 2026, month: 2, day: 29, hour: 0, minute: 0, second: 0 }, BRUSSELS)).toThrow(
      'Invalid local day 29: expected an integer from 1 to 28.',
    );
    expect(() => zonedTimeToUtc({ year: 2026, month: 1, day: 1, hour: 24, minute: 0, second: 0 }, BRUSSELS)).toThrow(
      RangeError,
    );
  });
});

describe('time zone names', () => {
  it('recognises IANA names and rejects unknown ones', () => {
    expect(isValidTimeZone('Europe/Brussels')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Brusels')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(() => localParts(0, 'Mars/Olympus_Mons')).toThrow('Unknown time zone "Mars/Olympus_Mons"');
  });

  it('reports the UTC offset in milliseconds', () => {
    expect(timeZoneOffset(Date.UTC(2026, 0, 1), BRUSSELS)).toBe(HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 6, 1), BRUSSELS)).toBe(2 * HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    // Before standard time Brussels kept local mean time, 17 min 30 s ahead of Greenwich.
    expect(timeZoneOffset(Date.UTC(1880, 0, 1), BRUSSELS)).toBe(17.5 * 60_000);
  });
});
