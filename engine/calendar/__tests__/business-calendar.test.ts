import {
  type CalendarDefinition,
  InvalidCalendarError,
  addBusinessDuration,
  isBusinessTime,
  nextBusinessMoment,
  parseIsoDuration,
  validateCalendar,
} from '..';

/*
 * Brussels town hall: Monday to Friday 08:30-12:30 and 13:30-17:00 (7 h 30 of working time
 * a day), Belgian public holidays of 2026. Brussels is UTC+1 (CET) until 2026-03-29 01:00Z,
 * UTC+2 (CEST) until 2026-10-25 01:00Z, then UTC+1 again. Weekdays of 2026 used below:
 * Jan 9 Fri, Jan 12 Mon, Mar 27 Fri, Apr 3 Fri, Apr 6 Mon (Easter Monday), Apr 24 Fri,
 * May 1 Fri, May 13 Wed, May 14 Thu (Ascension), Oct 23 Fri, Dec 24 Thu, Dec 25 Fri.
 */
const OFFICE: Array<[string, string]> = [
  ['08:30', '12:30'],
  ['13:30', '17:00'],
];
const TOWN_HALL: CalendarDefinition = {
  timezone: 'Europe/Brussels',
  hours: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE },
  holidays: [
    '2026-01-01',
    '2026-04-06',
    '2026-05-01',
    '2026-05-14',
    '2026-05-25',
    '2026-07-21',
    '2026-08-15',
    '2026-11-01',
    '2026-11-11',
    '2026-12-25',
  ],
};

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const addBusiness = (startIso: string, duration: string, cal: CalendarDefinition = TOWN_HALL): string =>
  iso(addBusinessDuration(at(startIso), parseIsoDuration(duration), cal));

describe('addBusinessDuration with working hours', () => {
  it('lands on Monday 16:30 when PT8H starts on Friday at 16:00', () => {
    // Fri 2026-01-09 16:00 CET (15:00Z): 1 h until 17:00, 7 h left. The weekend is closed.
    // Mon 08:30-12:30 uses 4 h, 3 h left; 13:30 + 3 h = 16:30 CET = 15:30Z.
    expect(addBusiness('2026-01-09T15:00:00Z', 'PT8H')).toBe('2026-01-12T15:30:00.000Z');
  });

  it('skips Easter Monday', () => {
    // Fri 2026-04-03 16:00 CEST (14:00Z): 1 h on Friday, Monday 6 April is a holiday,
    // Tue 7 April 08:30-12:30 (4 h) and 13:30-16:30 (3 h): 16:30 CEST = 14:30Z.
    expect(addBusiness('2026-04-03T14:00:00Z', 'PT8H')).toBe('2026-04-07T14:30:00.000Z');
  });

  it('crosses the spring change without losing or gaining working time', () => {
    // Fri 2026-03-27 16:00 CET (15:00Z): 1 h; Mon 30 March 08:30-12:30 and 13:30-16:30
    // CEST (now UTC+2): 16:30 CEST = 14:30Z. Elapsed: 71.5 h instead of 72.5 h in winter.
    const start = at('2026-03-27T15:00:00Z');
    const end = addBusinessDuration(start, parseIsoDuration('PT8H'), TOWN_HALL);
    expect(iso(end)).toBe('2026-03-30T14:30:00.000Z');
    expect(end - start).toBe(71.5 * HOUR);
  });

  it('crosses the autumn change without losing or gaining working time', () => {
    // Fri 2026-10-23 16:00 CEST (14:00Z): 1 h; Mon 26 October 16:30 CET (UTC+1) = 15:30Z.
    const start = at('2026-10-23T14:00:00Z');
    const end = addBusinessDuration(start, parseIsoDuration('PT8H'), TOWN_HALL);
    expect(iso(end)).toBe('2026-10-26T15:30:00.000Z');
    expect(end - start).toBe(73.5 * HOUR);
  });

  it('starts counting at the next opening when the start is outside working hours', () => {
    // Sat 2026-01-10 10:00 CET: counting starts Mon 08:30, + 1 h = 09:30 CET = 08:30Z.
    expect(addBusiness('2026-01-10T09:00:00Z', 'PT1H')).toBe('2026-01-12T08:30:00.000Z');
    // Mon 07:00 CET (before opening): 08:30 + 30 min = 09:00 CET = 08:00Z.
    expect(addBusiness('2026-01-12T06:00:00Z', 'PT30M')).toBe('2026-01-12T08:00:00.000Z');
    // Mon 12:45 CET (lunch break): 13:30 + 1 h = 14:30 CET = 13:30Z.
    expect(addBusiness('2026-01-12T11:45:00Z', 'PT1H')).toBe('2026-01-12T13:30:00.000Z');
    // Fri 17:00 CET exactly (closing time): Mon 08:30 + 1 h = 09:30 CET.
    expect(addBusiness('2026-01-09T16:00:00Z', 'PT1H')).toBe('2026-01-12T08:30:00.000Z');
  });

  it('ends at closing time when the working time runs out exactly then', () => {
    // Mon 08:30 CET (07:30Z) + 4 h = 12:30 CET, not 13:30.
    expect(addBusiness('2026-01-12T07:30:00Z', 'PT4H')).toBe('2026-01-12T11:30:00.000Z');
    // + 7 h 30 = a full day: 17:00 CET = 16:00Z.
    expect(addBusiness('2026-01-12T07:30:00Z', 'PT7H30M')).toBe('2026-01-12T16:00:00.000Z');
    // One more minute spills into Tuesday: 08:31 CET.
    expect(addBusiness('2026-01-12T07:30:00Z', 'PT7H31M')).toBe('2026-01-13T07:31:00.000Z');
  });

  it('counts seconds and minutes like hours', () => {
    // Mon 12:29:30 CET: 30 s before lunch, 30 s after it: 13:30:30 CET.
    expect(addBusiness('2026-01-12T11:29:30Z', 'PT60S')).toBe('2026-01-12T12:30:30.000Z');
  });

  it('passes over Christmas and the weekend after it', () => {
    // Thu 2026-12-24 16:30 CET: 30 min on Thursday, Fri 25 is a holiday, then the weekend;
    // Mon 28 08:30 + 30 min = 09:00 CET = 08:00Z.
    expect(addBusiness('2026-12-24T15:30:00Z', 'PT1H')).toBe('2026-12-28T08:00:00.000Z');
  });

  it('returns the start itself for a zero duration, even outside working hours', () => {
    expect(addBusiness('2026-01-10T09:00:00Z', 'PT0S')).toBe('2026-01-10T09:00:00.000Z');
  });

  it('adds the same time in one step as in two halves', () => {
    const start = at('2026-01-05T09:00:00Z');
    const whole = addBusinessDuration(start, parseIsoDuration('PT2000H'), TOWN_HALL);
    const half = parseIsoDuration('PT1000H');
    const twice = addBusinessDuration(addBusinessDuration(start, half, TOWN_HALL), half, TOWN_HALL);
    expect(iso(twice)).toBe(iso(whole));
  });

  it('computes PT2000H in well under a millisecond', () => {
    const duration = parseIsoDuration('PT2000H');
    const start = at('2026-01-05T09:00:00Z');
    // Warm-up fills the time zone table, which is built once per zone and period.
    for (let i = 0; i < 50; i++) addBusinessDuration(start + i * 60_000, duration, TOWN_HALL);
    const runs = 200;
    const began = performance.now();
    for (let i = 0; i < runs; i++) addBusinessDuration(start + i * 60_000, duration, TOWN_HALL);
    const perRun = (performance.now() - began) / runs;
    expect(perRun).toBeLessThan(0.5);
  });
});

describe('addBusinessDuration with days, weeks and months', () => {
  it('moves P3D to the same time on the third working day', () => {
    // Mon 2026-01-12 10:00 CET -> Thu 2026-01-15 10:00 CET = 09:00Z.
    expect(addBusiness('2026-01-12T09:00:00Z', 'P3D')).toBe('2026-01-15T09:00:00.000Z');
  });

  it('counts working days over a weekend and keeps the wall clock across the spring change', () => {
    // Fri 2026-03-27 10:00 CET (09:00Z) + P1D = Mon 2026-03-30 10:00 CEST = 08:00Z.
    expect(addBusiness('2026-03-27T09:00:00Z', 'P1D')).toBe('2026-03-30T08:00:00.000Z');
  });

  it('does not count Ascension Day as a working day', () => {
    // Wed 2026-05-13 10:00 CEST (08:00Z) + P1D: Thu 14 is a holiday, so Fri 15 10:00 CEST.
    expect(addBusiness('2026-05-13T08:00:00Z', 'P1D')).toBe('2026-05-15T08:00:00.000Z');
  });

  it('counts days from the next opening when the start is outside working hours', () => {
    // Sat 2026-01-10 11:00 CET: counting starts Mon 12 at 08:30, + 1 working day = Tue 13 08:30 CET.
    expect(addBusiness('2026-01-10T10:00:00Z', 'P1D')).toBe('2026-01-13T07:30:00.000Z');
    // Mon 12:45 CET (lunch): starts at 13:30, so Tue 13:30 CET = 12:30Z.
    expect(addBusiness('2026-01-12T11:45:00Z', 'P1D')).toBe('2026-01-13T12:30:00.000Z');
  });

  it('rolls forward when the same time is not working time on the target day', () => {
    // Fridays close at 12:30 in this calendar. Thu 2026-01-15 15:00 CET + P1D = Fri 15:00,
    // which is closed, so the next working moment: Mon 2026-01-19 08:30 CET = 07:30Z.
    const shortFridays: CalendarDefinition = { ...TOWN_HALL, hours: { ...TOWN_HALL.hours, fri: [['08:30', '12:30']] } };
    expect(addBusiness('2026-01-15T14:00:00Z', 'P1D', shortFridays)).toBe('2026-01-19T07:30:00.000Z');
  });

  it('combines working days and working hours', () => {
    // Mon 2026-01-12 16:00 CET + P1D = Tue 16:00; + PT2H = 1 h until 17:00, Wed 08:30 + 1 h = 09:30 CET.
    expect(addBusiness('2026-01-12T15:00:00Z', 'P1DT2H')).toBe('2026-01-14T08:30:00.000Z');
  });

  it('counts a week as seven calendar days, then rolls forward past a holiday', () => {
    // Fri 2026-04-24 10:00 CEST + 7 days = Fri 1 May, Labour Day: Mon 4 May 08:30 CEST = 06:30Z.
    expect(addBusiness('2026-04-24T08:00:00Z', 'P1W')).toBe('2026-05-04T06:30:00.000Z');
    // Mon 2026-01-12 10:00 CET + 7 days = Mon 19 January 10:00, a working moment.
    expect(addBusiness('2026-01-12T09:00:00Z', 'P1W')).toBe('2026-01-19T09:00:00.000Z');
  });

  it('adds a month on the calendar, then rolls forward past the weekend', () => {
    // Sat 2026-01-31 10:00 CET + P1M = Sat 28 February (clamped): Mon 2 March 08:30 CET.
    expect(addBusiness('2026-01-31T09:00:00Z', 'P1M')).toBe('2026-03-02T07:30:00.000Z');
  });

  it('counts many working days quickly and exactly', () => {
    // 2027 has no holidays in this calendar: from Mon 2027-01-04 10:00 CET, 50 working
    // days = 10 weeks later, Mon 2027-03-15 10:00 CET = 09:00Z.
    expect(addBusiness('2027-01-04T09:00:00Z', 'P50D')).toBe('2027-03-15T09:00:00.000Z');
  });
});

describe('business time with a round-the-clock calendar', () => {
  const ALWAYS: Array<[string, string]> = [['00:00', '24:00']];
  const ALWAYS_OPEN: CalendarDefinition = {
    timezone: 'Europe/Brussels',
    hours: { mon: ALWAYS, tue: ALWAYS, wed: ALWAYS, thu: ALWAYS, fri: ALWAYS, sat: ALWAYS, sun: ALWAYS },
    holidays: [],
  };

  it('counts the real elapsed time over the 23-hour day of the spring change', () => {
    // 2026-03-28 12:00 CET (11:00Z) + 24 working hours = 11:00Z the next day (13:00 CEST).
    expect(addBusiness('2026-03-28T11:00:00Z', 'PT24H', ALWAYS_OPEN)).toBe('2026-03-29T11:00:00.000Z');
  });

  it('counts the real elapsed time over the 25-hour day of the autumn change', () => {
    // 2026-10-24 12:00 CEST (10:00Z) + 24 working hours = 10:00Z the next day (11:00 CET).
    expect(addBusiness('2026-10-24T10:00:00Z', 'PT24H', ALWAYS_OPEN)).toBe('2026-10-25T10:00:00.000Z');
  });
});

describe('opening hours that contain the skipped hour', () => {
  it('opens at 03:00 when the opening time 02:30 is skipped by the spring change', () => {
    // Sundays 02:30-05:00. On 2026-03-29 clocks jump from 02:00 to 03:00 CEST (01:00Z),
    // so the office is open from 01:00Z to 05:00 CEST = 03:00Z: 2 hours of working time.
    const night: CalendarDefinition = { timezone: 'Europe/Brussels', hours: { sun: [['02:30', '05:00']] }, holidays: [] };
    expect(isBusinessTime(at('2026-03-29T01:00:00Z'), night)).toBe(true);
    expect(isBusinessTime(at('2026-03-29T00:59:59Z'), night)).toBe(false);
    expect(addBusiness('2026-03-28T12:00:00Z', 'PT2H', night)).toBe('2026-03-29T03:00:00.000Z');
  });

  it('counts only the hours that exist when an interval spans the skipped hour', () => {
    // Sundays 01:00-04:00: on 2026-03-29 that is 00:00Z to 02:00Z, 2 hours. The next 30
    // minutes come from Sunday 2026-04-05: 01:00 + 30 min CEST = 23:30Z on the 4th.
    const night: CalendarDefinition = { timezone: 'Europe/Brussels', hours: { sun: [['01:00', '04:00']] }, holidays: [] };
    expect(addBusiness('2026-03-28T12:00:00Z', 'PT2H', night)).toBe('2026-03-29T02:00:00.000Z');
    expect(addBusiness('2026-03-28T12:00:00Z', 'PT2H30M', night)).toBe('2026-04-04T23:30:00.000Z');
  });
});

describe('isBusinessTime and nextBusinessMoment', () => {
  it('treats opening times as included and closing times as excluded', () => {
    // Mon 2026-01-12, CET: 08:30 = 07:30Z, 12:30 = 11:30Z, 17:00 = 16:00Z.
    expect(isBusinessTime(at('2026-01-12T07:30:00Z'), TOWN_HALL)).toBe(true);
    expect(isBusinessTime(at('2026-01-12T07:29:59.999Z'), TOWN_HALL)).toBe(false);
    expect(isBusinessTime(at('2026-01-12T11:29:59.999Z'), TOWN_HALL)).toBe(true);
    expect(isBusinessTime(at('2026-01-12T11:30:00Z'), TOWN_HALL)).toBe(false);
    expect(isBusinessTime(at('2026-01-12T16:00:00Z'), TOWN_HALL)).toBe(false);
  });

  it('is closed on weekends and holidays', () => {
    expect(isBusinessTime(at('2026-01-10T10:00:00Z'), TOWN_HALL)).toBe(false); // Saturday
    expect(isBusinessTime(at('2026-01-01T10:00:00Z'), TOWN_HALL)).toBe(false); // New Year's Day
    expect(isBusinessTime(at('2026-07-21T08:00:00Z'), TOWN_HALL)).toBe(false); // National Day
  });

  it('uses the local wall clock in summer', () => {
    // 2026-07-01 08:30 CEST = 06:30Z.
    expect(isBusinessTime(at('2026-07-01T06:30:00Z'), TOWN_HALL)).toBe(true);
    expect(isBusinessTime(at('2026-07-01T06:29:00Z'), TOWN_HALL)).toBe(false);
  });

  it('returns the instant itself when it is working time', () => {
    expect(iso(nextBusinessMoment(at('2026-01-12T10:17:00Z'), TOWN_HALL))).toBe('2026-01-12T10:17:00.000Z');
  });

  it('finds the next opening after lunch, a weekend or Christmas', () => {
    // Mon 12:30 CET -> 13:30 CET = 12:30Z.
    expect(iso(nextBusinessMoment(at('2026-01-12T11:30:00Z'), TOWN_HALL))).toBe('2026-01-12T12:30:00.000Z');
    // Fri 2026-01-09 18:00 CET -> Mon 08:30 CET = 07:30Z.
    expect(iso(nextBusinessMoment(at('2026-01-09T17:00:00Z'), TOWN_HALL))).toBe('2026-01-12T07:30:00.000Z');
    // Thu 2026-12-24 18:00 CET -> Fri 25 is a holiday -> Mon 28 08:30 CET = 07:30Z.
    expect(iso(nextBusinessMoment(at('2026-12-24T17:00:00Z'), TOWN_HALL))).toBe('2026-12-28T07:30:00.000Z');
    // Sat 2026-03-28 (CET) -> Mon 30 March 08:30 CEST = 06:30Z.
    expect(iso(nextBusinessMoment(at('2026-03-28T10:00:00Z'), TOWN_HALL))).toBe('2026-03-30T06:30:00.000Z');
  });
});

describe('agreement with a minute-by-minute reference', () => {
  /*
   * A deliberately naive implementation straight on Intl: walk minute by minute and count
   * the minutes whose Brussels wall clock is inside the opening hours. Too slow for real
   * use, but obviously right, so it checks the interval-jumping algorithm.
   */
  const formatter = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Brussels',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  });
  function isOpen(ms: number): boolean {
    const parts: Record<string, string> = {};
    for (const part of formatter.formatToParts(ms)) parts[part.type] = part.value;
    if (parts.weekday === 'Sat' || parts.weekday === 'Sun') return false;
    if (TOWN_HALL.holidays.includes(`${parts.year}-${parts.month}-${parts.day}`)) return false;
    const minute = Number(parts.hour) * 60 + Number(parts.minute);
    return (minute >= 510 && minute < 750) || (minute >= 810 && minute < 1020);
  }
  function referenceAdd(start: number, minutes: number): number {
    let t = start;
    let remaining = minutes;
    while (remaining > 0) {
      if (isOpen(t)) remaining--;
      t += 60_000;
    }
    return t;
  }

  it.each([
    ['2026-03-26T06:17:00Z', 'PT20H'],
    ['2026-03-27T15:59:00Z', 'PT7H31M'],
    ['2026-04-02T11:01:00Z', 'PT16H'],
    ['2026-05-12T14:44:00Z', 'PT23H'],
    ['2026-10-22T16:59:00Z', 'PT12H'],
    ['2026-10-24T23:30:00Z', 'PT9H'],
    ['2026-12-23T10:00:00Z', 'PT15H'],
    ['2026-12-31T22:59:00Z', 'PT1H'],
  ])('agrees when %s plus %s is counted one minute at a time', (startIso, duration) => {
    const d = parseIsoDuration(duration);
    const minutes = d.hours * 60 + d.minutes;
    expect(addBusiness(startIso, duration)).toBe(iso(referenceAdd(at(startIso), minutes)));
  });
});

describe('validateCalendar', () => {
  it('accepts the Brussels town hall calendar', () => {
    expect(validateCalendar(TOWN_HALL)).toEqual([]);
  });

  it('accepts touching intervals and 24:00 as a closing time', () => {
    const cal: CalendarDefinition = {
      timezone: 'UTC',
      hours: { sat: [['12:00', '24:00'], ['08:00', '12:00']] },
      holidays: [],
    };
    expect(validateCalendar(cal)).toEqual([]);
  });

  it('lists every problem in plain words', () => {
    const cal: CalendarDefinition = {
      timezone: 'Europe/Brusels',
      hours: {
        mon: [['8:30', '12:30']],
        tue: [['12:30', '08:30']],
        wed: [['08:00', '18:00'], ['09:00', '10:00'], ['11:00', '12:00']],
        thu: [['08:30', '24:30']],
      },
      holidays: ['2026-02-30', '25/12/2026'],
    };
    expect(validateCalendar(cal)).toEqual([
      'timezone "Europe/Brusels" is not a known IANA time zone (e.g. "Europe/Brussels")',
      'hours.mon[0]: "8:30" is not a time in HH:MM format (00:00 to 24:00)',
      'hours.tue[0]: the start 12:30 is not before the end 08:30',
      'hours.wed: the intervals 08:00-18:00 and 09:00-10:00 overlap',
      'hours.wed: the intervals 08:00-18:00 and 11:00-12:00 overlap',
      'hours.thu[0]: "24:30" is not a time in HH:MM format (00:00 to 24:00)',
      'holidays[0]: "2026-02-30" is not an existing date in YYYY-MM-DD format',
      'holidays[1]: "25/12/2026" is not an existing date in YYYY-MM-DD format',
    ]);
  });

  it('reports a week without any working hours', () => {
    const cal: CalendarDefinition = { timezone: 'Europe/Brussels', hours: { mon: [], sat: [] }, holidays: [] };
    expect(validateCalendar(cal)).toEqual([
      'no working hours on any day of the week: business deadlines could never be reached',
    ]);
  });

  it('reports unknown weekday names and malformed intervals from YAML', () => {
    // Definitions are parsed from YAML, so the wrong shapes must be reported, not crash.
    const fromYaml: unknown = JSON.parse(
      '{"timezone":"Europe/Brussels","hours":{"monday":[["08:30","12:30"]],"fri":[["08:30"]]},"holidays":"none"}',
    );
    expect(validateCalendar(fromYaml as CalendarDefinition)).toEqual([
      'hours.monday: unknown weekday; use mon, tue, wed, thu, fri, sat or sun',
      'hours.fri[0]: expected a pair ["HH:MM", "HH:MM"], e.g. ["08:30", "12:30"]',
      'holidays must be a list of dates in YYYY-MM-DD format',
    ]);
  });
});

describe('unusable calendars and inputs', () => {
  it('refuses to compute a deadline with a calendar that has no working hours', () => {
    const closed: CalendarDefinition = { timezone: 'Europe/Brussels', hours: {}, holidays: [] };
    const compute = (): number => addBusinessDuration(0, parseIsoDuration('PT8H'), closed);
    expect(compute).toThrow(InvalidCalendarError);
    expect(compute).toThrow(
      'Invalid business calendar: no working hours on any day of the week: business deadlines could never be reached.',
    );
    expect(() => nextBusinessMoment(0, closed)).toThrow(InvalidCalendarError);
    expect(() => isBusinessTime(0, closed)).toThrow(InvalidCalendarError);
  });

  it('refuses an unknown time zone and lists the problems on the error', () => {
    const cal: CalendarDefinition = { ...TOWN_HALL, timezone: 'Brussels' };
    let caught: unknown;
    try {
      addBusinessDuration(0, parseIsoDuration('P1D'), cal);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidCalendarError);
    expect(caught).toMatchObject({
      problems: ['timezone "Brussels" is not a known IANA time zone (e.g. "Europe/Brussels")'],
    });
  });

  it('refuses negative durations and invalid start instants', () => {
    const negative = { ...parseIsoDuration('PT1H'), hours: -1 };
    expect(() => addBusinessDuration(0, negative, TOWN_HALL)).toThrow(
      'Invalid duration: hours is -1; every field must be a whole number of 0 or more.',
    );
    expect(() => addBusinessDuration(Number.NaN, parseIsoDuration('PT1H'), TOWN_HALL)).toThrow(RangeError);
  });

  it('still finishes, with a RangeError, for a deadline beyond the range of dates', () => {
    expect(() => addBusinessDuration(0, parseIsoDuration('P999999999D'), TOWN_HALL)).toThrow(RangeError);
  });
});
