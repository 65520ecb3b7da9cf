import {
  DurationSyntaxError,
  type IsoDuration,
  addCalendarDuration,
  isIsoDuration,
  parseIsoDuration,
} from '..';

const BRUSSELS = 'Europe/Brussels';
const HOUR = 3_600_000;

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const add = (startIso: string, duration: string, timeZone = BRUSSELS): string =>
  iso(addCalendarDuration(at(startIso), parseIsoDuration(duration), timeZone));

const ZERO: IsoDuration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

describe('parseIsoDuration', () => {
  it('reads days, hours, weeks and a full combination of units', () => {
    expect(parseIsoDuration('P15D')).toEqual({ ...ZERO, days: 15 });
    expect(parseIsoDuration('PT8H')).toEqual({ ...ZERO, hours: 8 });
    expect(parseIsoDuration('P2W')).toEqual({ ...ZERO, weeks: 2 });
    expect(parseIsoDuration('P1Y2M10DT2H30M')).toEqual({
      ...ZERO,
      years: 1,
      months: 2,
      days: 10,
      hours: 2,
      minutes: 30,
    });
    expect(parseIsoDuration('PT1M')).toEqual({ ...ZERO, minutes: 1 });
    expect(parseIsoDuration('P1M')).toEqual({ ...ZERO, months: 1 });
  });

  it('accepts weeks combined with days and zero durations', () => {
    expect(parseIsoDuration('P1W2D')).toEqual({ ...ZERO, weeks: 1, days: 2 });
    expect(parseIsoDuration('P0D')).toEqual(ZERO);
    expect(parseIsoDuration('PT0S')).toEqual(ZERO);
  });

  it('rejects an unknown unit with a message that shows valid examples', () => {
    expect(() => parseIsoDuration('P15X')).toThrow(
      '"P15X" is not an ISO 8601 duration. Examples: P15D (15 days), PT8H (8 hours), P1M (1 month)',
    );
  });

  it('throws a DurationSyntaxError that carries the offending text', () => {
    let caught: unknown;
    try {
      parseIsoDuration('fifteen days');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DurationSyntaxError);
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toMatchObject({ name: 'DurationSyntaxError', text: 'fifteen days' });
  });

  it.each([
    ['', 'it is empty'],
    ['P', 'it has no amount'],
    ['PT', 'it has no amount'],
    ['P1DT', '"T" must be followed by hours, minutes or seconds'],
    ['-P1D', 'negative durations are not supported'],
    ['PT0.5H', 'fractions are not supported'],
    ['p15d', 'write the letters in upper case (P15D)'],
    ['15D', 'it must start with "P"'],
    [' P1D', 'remove the spaces'],
  ])('rejects %j explaining that %s', (text, reason) => {
    expect(() => parseIsoDuration(text)).toThrow(DurationSyntaxError);
    expect(() => parseIsoDuration(text)).toThrow(reason);
  });

  it.each(['PT1H2D', 'P1M1Y', 'P1D2W', 'P1H', 'PT1D', 'P1.5D', 'P1D ', 'P99999999999999999D'])(
    'rejects the malformed duration %j',
    (text) => {
      expect(() => parseIsoDuration(text)).toThrow(DurationSyntaxError);
    },
  );
});

describe('isIsoDuration', () => {
  it('tells valid durations from invalid ones without throwing', () => {
    expect(isIsoDuration('P15D')).toBe(true);
    expect(isIsoDuration('PT8H')).toBe(true);
    expect(isIsoDuration('P')).toBe(false);
    expect(isIsoDuration('-PT1H')).toBe(false);
    expect(isIsoDuration('1 day')).toBe(false);
  });
});

describe('addCalendarDuration in Europe/Brussels', () => {
  // Brussels is UTC+1 (CET) until 2026-03-29 01:00Z, then UTC+2 (CEST) until 2026-10-25 01:00Z.

  it('keeps 12:00 local when one day is added over the spring change, which is 23 hours later', () => {
    // 2026-03-28 12:00 CET = 11:00Z; 2026-03-29 12:00 CEST = 10:00Z.
    const start = at('2026-03-28T11:00:00Z');
    const end = addCalendarDuration(start, parseIsoDuration('P1D'), BRUSSELS);
    expect(iso(end)).toBe('2026-03-29T10:00:00.000Z');
    expect(end - start).toBe(23 * HOUR);
  });

  it('keeps 12:00 local when one day is added over the autumn change, which is 25 hours later', () => {
    // 2026-10-24 12:00 CEST = 10:00Z; 2026-10-25 12:00 CET = 11:00Z.
    const start = at('2026-10-24T10:00:00Z');
    const end = addCalendarDuration(start, parseIsoDuration('P1D'), BRUSSELS);
    expect(iso(end)).toBe('2026-10-25T11:00:00.000Z');
    expect(end - start).toBe(25 * HOUR);
  });

  it('counts PT24H as exactly 24 elapsed hours even over the spring change', () => {
    // 11:00Z + 24 h = 11:00Z, i.e. 13:00 CEST on the wall clock.
    expect(add('2026-03-28T11:00:00Z', 'PT24H')).toBe('2026-03-29T11:00:00.000Z');
  });

  it('keeps 10:00 local when P15D crosses the spring change', () => {
    // 2026-03-20 10:00 CET (09:00Z) + 15 days = 2026-04-04 10:00 CEST (08:00Z).
    expect(add('2026-03-20T09:00:00Z', 'P15D')).toBe('2026-04-04T08:00:00.000Z');
  });

  it('keeps 10:00 local when P15D crosses the autumn change', () => {
    // 2026-10-20 10:00 CEST (08:00Z) + 15 days = 2026-11-04 10:00 CET (09:00Z).
    expect(add('2026-10-20T08:00:00Z', 'P15D')).toBe('2026-11-04T09:00:00.000Z');
  });

  it('clamps to the last day of a shorter month', () => {
    // 2026-01-31 10:00 CET + P1M: 2026-02-31 does not exist, so 2026-02-28 10:00 CET.
    expect(add('2026-01-31T09:00:00Z', 'P1M')).toBe('2026-02-28T09:00:00.000Z');
    // 2024 is a leap year: 2024-02-29.
    expect(add('2024-01-31T09:00:00Z', 'P1M')).toBe('2024-02-29T09:00:00.000Z');
    // Feb 29 + 1 year: 2025-02-28.
    expect(add('2024-02-29T09:00:00Z', 'P1Y')).toBe('2025-02-28T09:00:00.000Z');
    // 2026-03-31 10:00 CET + P1M = 2026-04-30 10:00, by then CEST (08:00Z).
    expect(add('2026-03-31T08:00:00Z', 'P1M')).toBe('2026-04-30T08:00:00.000Z');
  });

  it('adds months before days and the time part last', () => {
    // 2026-01-15 10:00 CET + P1Y2M = 2027-03-15 10:00, + P10D = 2027-03-25 10:00 CET
    // (Brussels changes on 2027-03-28) = 09:00Z, + PT2H30M = 11:30Z.
    expect(add('2026-01-15T09:00:00Z', 'P1Y2M10DT2H30M')).toBe('2027-03-25T11:30:00.000Z');
    // P1M from 2026-01-31 is Feb 28, then P1D gives Mar 1 (not Feb 28 + 1 from a Mar 3 overflow).
    expect(add('2026-01-31T09:00:00Z', 'P1M1D')).toBe('2026-03-01T09:00:00.000Z');
  });

  it('moves a local time skipped by the spring change forward by the gap', () => {
    // 2026-03-28 02:30 CET (01:30Z) + P1D: 02:30 does not exist on 2026-03-29, so 03:30 CEST = 01:30Z.
    expect(add('2026-03-28T01:30:00Z', 'P1D')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the first occurrence of a local time repeated by the autumn change', () => {
    // 2026-10-24 02:30 CEST (00:30Z) + P1D: 02:30 happens twice on 2026-10-25; the first is CEST = 00:30Z.
    expect(add('2026-10-24T00:30:00Z', 'P1D')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('adds hours as elapsed time without snapping an instant of the repeated hour', () => {
    // 01:30Z is the second 02:30 (CET) of 2026-10-25; one hour later is 02:30Z.
    expect(add('2026-10-25T01:30:00Z', 'PT1H')).toBe('2026-10-25T02:30:00.000Z');
    // A zero duration returns the very same instant.
    expect(add('2026-10-25T01:30:00Z', 'P0D')).toBe('2026-10-25T01:30:00.000Z');
  });

  it('adds weeks as seven calendar days', () => {
    // 2026-03-26 09:15 CET (08:15Z) + P1W = 2026-04-02 09:15 CEST (07:15Z).
    expect(add('2026-03-26T08:15:00Z', 'P1W')).toBe('2026-04-02T07:15:00.000Z');
  });

  it('keeps milliseconds of the start instant', () => {
    expect(add('2026-05-04T08:00:00.123Z', 'P1D')).toBe('2026-05-05T08:00:00.123Z');
  });

  it('works in other zones such as America/New_York', () => {
    // US clocks change on 2026-03-08: 2026-03-07 09:00 EST (14:00Z) + P1D = 2026-03-08 09:00 EDT (13:00Z).
    expect(add('2026-03-07T14:00:00Z', 'P1D', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z');
  });

  it('refuses an unknown time zone with a clear message', () => {
    expect(() => add('2026-01-01T00:00:00Z', 'P1D', 'Europe/Brusels')).toThrow(
      'Unknown time zone "Europe/Brusels": use an IANA name such as "Europe/Brussels".',
    );
  });

  it('refuses negative or fractional durations built in code', () => {
    expect(() => addCalendarDuration(0, { ...ZERO, days: -1 }, BRUSSELS)).toThrow(
      'Invalid duration: days is -1; every field must be a whole number of 0 or more.',
    );
    expect(() => addCalendarDuration(0, { ...ZERO, hours: 0.5 }, BRUSSELS)).toThrow(RangeError);
  });

  it('refuses results outside the range of JavaScript dates', () => {
    expect(() => addCalendarDuration(0, { ...ZERO, years: 300_000 }, BRUSSELS)).toThrow(RangeError);
    expect(() => addCalendarDuration(Number.NaN, parseIsoDuration('P1D'), BRUSSELS)).toThrow(RangeError);
  });
});
