/**
 * The engine's calendar: ISO 8601 durations, IANA time zones (through Intl only) and
 * business calendars for deadlines counted in working time.
 */
export {
  type IsoDuration,
  DurationSyntaxError,
  parseIsoDuration,
  isIsoDuration,
  addCalendarDuration,
} from './iso-duration';
export {
  type LocalDateTime,
  type LocalParts,
  localParts,
  zonedTimeToUtc,
  timeZoneOffset,
  isValidTimeZone,
} from './time-zone';
export {
  type Weekday,
  type CalendarDefinition,
  InvalidCalendarError,
  validateCalendar,
  addBusinessDuration,
  isBusinessTime,
  nextBusinessMoment,
} from './business-calendar';
