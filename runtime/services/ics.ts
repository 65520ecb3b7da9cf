/**
 * iCalendar (RFC 5545) written by hand: the few properties the inspection feed and the
 * manager's invitations need (RFC 5546 iTIP for METHOD:REQUEST / CANCEL).
 *
 * @example
 *   icsCalendar({ name: 'Contrôles', events: [{ uid: 'inspection-1@civic-flow', sequence: 3, ... }] })
 *   // "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n..." with CRLF line ends, lines folded at 75 octets
 */

export interface IcsPerson {
  name: string;
  email: string;
}

export interface IcsEvent {
  /** Stable per dossier: a moved visit updates the same event in calendar apps. */
  uid: string;
  /** Grows when the event changes (RFC 5545 §3.8.7.4). */
  sequence: number;
  /** Epoch ms of DTSTAMP and LAST-MODIFIED. */
  stamp: number;
  start: number;
  end: number;
  summary: string;
  location?: string | null;
  description?: string | null;
  url?: string | null;
  organizer?: IcsPerson | null;
  attendees?: IcsPerson[];
  status?: 'CONFIRMED' | 'CANCELLED';
}

export interface IcsCalendar {
  /** iTIP method (RFC 5546); none for a subscribed feed. */
  method?: 'REQUEST' | 'CANCEL' | 'PUBLISH' | null;
  /** Shown as the calendar's name by most apps (X-WR-CALNAME, a de facto extension). */
  name?: string | null;
  events: IcsEvent[];
}

const PRODID = '-//civic-flow//Inspections//EN';

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A parameter value (RFC 5545 §3.2): quoted when it holds `:;,`; it cannot hold a double quote
 * nor control characters, which are dropped.
 */
function paramValue(v: string): string {
  const clean = [...v].filter((c) => c !== '"' && c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** UTC date-time form (RFC 5545 §3.3.5, FORM #2): 20261203T093000Z. */
export function utcDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space,
 * which counts in their 75. Never splits a UTF-8 character.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = 75;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

function eventLines(e: IcsEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(e.uid)}`,
    `SEQUENCE:${Math.max(0, Math.floor(e.sequence))}`,
    `DTSTAMP:${utcDateTime(e.stamp)}`,
    `LAST-MODIFIED:${utcDateTime(e.stamp)}`,
    `DTSTART:${utcDateTime(e.start)}`,
    `DTEND:${utcDateTime(e.end)}`,
    `SUMMARY:${escapeText(e.summary)}`,
  ];
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  // URL is a URI value, not TEXT: no escaping, but no line breaks either.
  if (e.url) lines.push(`URL:${e.url.replace(/[\r\n]/g, '')}`);
  if (e.organizer) lines.push(`ORGANIZER;CN=${paramValue(e.organizer.name)}:mailto:${e.organizer.email}`);
  for (const a of e.attendees ?? []) {
    lines.push(`ATTENDEE;CN=${paramValue(a.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a.email}`);
  }
  lines.push(`STATUS:${e.status ?? 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT');
  return lines;
}

/** The whole calendar object: CRLF after every line, the last one included. */
export function icsCalendar(cal: IcsCalendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN'];
  if (cal.method) lines.push(`METHOD:${cal.method}`);
  if (cal.name) lines.push(`X-WR-CALNAME:${escapeText(cal.name)}`);
  for (const e of cal.events) lines.push(...eventLines(e));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
