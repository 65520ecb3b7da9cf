/**
 * The pack's agenda (`agendas:` file; for the census, on-site inspections TR-30..32): the
 * appointments by day and group, each user's .ics feed, and the invitation mailed to the users
 * of the invited role while the record asks for them.
 *
 * Everything is read from the pack's first agenda: the record type, the datetime field `at`, the
 * optional `group` (enum), `person` (user id), `place` (address), `doneAt` fields and the
 * `invite.if` boolean; an appointment is *planned* while the record is in a `planned` state and
 * *done* in a `done` one. The runtime serves one agenda: the API, the feed's event UIDs and the
 * outbox keys keep their `inspection` names so that calendars already subscribed stay in step.
 *
 * INVITATIONS are reliable after the commit without a change to the pack: a listener on
 * committed changes (the same hook the live screens use) writes one outbox row (`mail-out`)
 * per manager, keyed by the dossier and the version of the plan; at start-up a sweep does the
 * same for every planned visit, so a crash between the commit and the listener loses nothing.
 * The outbox keys make both idempotent (INSERT OR IGNORE), and the outbox worker delivers,
 * retries and relays the mails like every other one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hasRecordPermission } from '../../engine/access';
import { calendar } from '../../engine';
import { ForbiddenError, type LocalizedText } from '../../engine/errors';
import type { Actor } from '../../engine/expressions';
import type { AgendaDefinition, Pack } from '../../engine/pack';
import type { InstanceRow, RecordStore, UserRow } from '../ports/record-store.port';
import { icsCalendar, type IcsEvent } from './ics';
import { messageIdFor, withCaseToken, type MailAttachment, type MailLang, type MailSettings, type OutgoingMail } from './mail-out';
import type { PacksService } from './packs.service';
import type { RecordChange, RecordsService } from './records.service';

const PAGE = 200;
/** An agenda or feed reads at most this many inspections (a year of a commune's visits is far fewer). */
const MAX_ITEMS = 5000;

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const pick = (t: LocalizedText, lang: MailLang): string => (lang === 'en' ? t.en ?? t.fr : t[lang]);

export interface AgendaItem {
  id: string;
  recordType: string;
  companyName: string | null;
  address: string | null;
  inspectionAt: string;
  /** Brussels wall-clock time, HH:MM. */
  time: string;
  district: string | null;
  inspector: { id: string; displayName: string } | null;
  managerJoins: boolean;
  done: boolean;
  visitedOn: string | null;
  version: number;
}

export interface AgendaDistrict {
  district: string | null;
  label: LocalizedText | null;
  items: AgendaItem[];
}

export interface AgendaDay {
  /** YYYY-MM-DD in the pack's time zone. */
  date: string;
  districts: AgendaDistrict[];
}

export interface Agenda {
  /** The agenda's name, from the pack. */
  label: LocalizedText;
  from: string;
  to: string;
  timeZone: string;
  total: number;
  /** More than the agenda shows matched: narrow the range or filter. */
  truncated: boolean;
  days: AgendaDay[];
}

export interface AgendaQuery {
  from: string;
  to: string;
  district?: string;
  inspector?: string;
  includeDone: boolean;
}

export const hashFeedToken = (token: string): string => createHash('sha256').update(token).digest('hex');

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** "Rue Haute 12, 1000 Bruxelles" from an address field. */
export function addressLine(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return null;
  const a = v as Record<string, unknown>;
  const s = (k: string): string => (typeof a[k] === 'string' || typeof a[k] === 'number' ? String(a[k]) : '');
  const line1 = [s('street'), s('number')].filter(Boolean).join(' ') + (s('box') ? ` ${s('box')}` : '');
  const line2 = [s('postalCode'), s('city')].filter(Boolean).join(' ');
  const country = s('country') && s('country') !== 'BE' ? s('country') : '';
  const out = [line1, line2, country].filter(Boolean).join(', ');
  return out || null;
}

/** The fields that make the appointment: a change to any of them is a new version of it. */
function planFields(a: AgendaDefinition): string[] {
  return [a.at, a.group, a.invite?.if, a.person].filter((f): f is string => f !== undefined);
}

const inAny = (row: InstanceRow, states: readonly string[] | undefined): boolean => row.states.some((s) => (states ?? []).includes(s));

const SUMMARY = text('Contrôle sur place', 'Controle ter plaatse', 'On-site inspection');
const LOCALES: Record<MailLang, string> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };

export class InspectionsService {
  constructor(
    private readonly deps: {
      store: RecordStore;
      packs: PacksService;
      records: RecordsService;
      clock: () => number;
      mail: MailSettings;
      log: (msg: string, err?: unknown) => void;
    },
  ) {}

  private pack(): Pack {
    return this.deps.packs.active().pack;
  }

  private timeZone(): string {
    return this.pack().manifest.timezone || 'Europe/Brussels';
  }

  /** The agenda served: the pack's first (a pack without one has no agenda, nobody may use it). */
  definition(pack: Pack = this.pack()): AgendaDefinition | null {
    return Object.values(pack.agendas ?? {})[0] ?? null;
  }

  /** The values of the agenda's group field (its filter), in the pack's order. */
  districts(): Record<string, LocalizedText> {
    const pack = this.pack();
    const a = this.definition(pack);
    return (a?.group ? pack.records[a.record]?.fields[a.group]?.values : undefined) ?? {};
  }

  mayUse(actor: Actor): boolean {
    const roles = this.definition()?.roles ?? [];
    return actor.roles.some((r) => roles.includes(r));
  }

  private requireAccess(actor: Actor): AgendaDefinition {
    const a = this.definition();
    if (!a || !this.mayUse(actor)) {
      const name = a?.label ?? text('L’agenda', 'De agenda', 'The agenda');
      const roles = this.pack().roles;
      const who = (lang: MailLang): string => (a?.roles ?? []).map((r) => (roles[r] ? pick(roles[r].label, lang) : r)).join(', ');
      throw new ForbiddenError(text(
        `« ${name.fr} » est réservé aux rôles : ${who('fr')}.`,
        `"${name.nl}" is voorbehouden aan de rollen: ${who('nl')}.`,
        `"${name.en ?? name.fr}" is for the roles: ${who('en')}.`,
      ));
    }
    return a;
  }

  /** When an appointment starting at `start` ends (the agenda's duration, in the pack's zone). */
  private endOf(a: AgendaDefinition, start: number): number {
    return calendar.addCalendarDuration(start, calendar.parseIsoDuration(a.duration), this.timeZone());
  }

  /** Midnight at the start of a YYYY-MM-DD day in the pack's time zone, as epoch ms. */
  private startOfDay(date: string): number {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return calendar.zonedTimeToUtc({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0 }, this.timeZone());
  }

  /** The YYYY-MM-DD day of an instant in the pack's time zone. */
  localDate(ms: number): string {
    return this.localDateTime(ms).date;
  }

  private localDateTime(ms: number): { date: string; time: string } {
    const p = calendar.localParts(ms, this.timeZone());
    const two = (n: number) => String(n).padStart(2, '0');
    return { date: `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}`, time: `${two(p.hour)}:${two(p.minute)}` };
  }

  /**
   * Records with the agenda's `at` in [fromMs, toMs), earliest first. The store filters (group,
   * person) and sorts by `at` (latest first, empty ones last), and the reading stops at the
   * first one before `fromMs`: a week's agenda reads that week and what follows, never the
   * whole history of appointments.
   */
  private scan(a: AgendaDefinition, actor: Actor | null, opts: { fromMs: number; toMs: number; district?: string; inspector?: string; includeDone: boolean }): { rows: InstanceRow[]; truncated: boolean } {
    const pack = this.pack();
    if (!pack.records[a.record] || (actor && !hasRecordPermission(pack, actor.roles, a.record, 'read'))) return { rows: [], truncated: false };
    const fieldFilters: Record<string, string> = {};
    if (opts.district && a.group) fieldFilters[a.group] = opts.district;
    if (opts.inspector) {
      // Without a person field nobody is "the" person of an appointment: the filter finds nothing.
      if (!a.person) return { rows: [], truncated: false };
      fieldFilters[a.person] = opts.inspector;
    }
    const found: InstanceRow[] = [];
    let truncated = false;
    for (let offset = 0; ; offset += PAGE) {
      const { rows } = this.deps.store.listInstances({ recordTypes: [a.record], filters: {}, fieldFilters, sort: `field:${a.at}`, direction: 'desc', limit: PAGE, offset });
      let past = false;
      for (const row of rows) {
        const at = Date.parse(String(row.snapshot.context.fields[a.at] ?? ''));
        if (Number.isNaN(at) || at < opts.fromMs) {
          past = true;
          break;
        }
        if (at >= opts.toMs) continue;
        if (!inAny(row, a.planned) && !(opts.includeDone && inAny(row, a.done))) continue;
        if (found.length >= MAX_ITEMS) {
          truncated = true;
          past = true;
          break;
        }
        found.push(row);
      }
      if (past || rows.length < PAGE) break;
    }
    found.reverse();
    return { rows: found, truncated };
  }

  private userNames(): Map<string, UserRow> {
    return new Map(this.deps.store.listUsers().map((u) => [u.id, u]));
  }

  /** An appointment as the API names it (the census's words: company, inspector, manager joins). */
  private item(a: AgendaDefinition, row: InstanceRow, users: Map<string, UserRow>): AgendaItem {
    const f = row.snapshot.context.fields;
    const field = (name: string | undefined): unknown => (name === undefined ? undefined : f[name]);
    const at = String(f[a.at]);
    const inspectorId = str(field(a.person));
    const inspector = inspectorId ? users.get(inspectorId) : undefined;
    return {
      id: row.id, recordType: row.recordType, companyName: row.title || null, address: addressLine(field(a.place)),
      inspectionAt: at, time: this.localDateTime(Date.parse(at)).time, district: str(field(a.group)),
      inspector: inspectorId ? { id: inspectorId, displayName: inspector?.displayName ?? inspectorId } : null,
      managerJoins: field(a.invite?.if) === true, done: !inAny(row, a.planned), visitedOn: str(field(a.doneAt)), version: row.version,
    };
  }

  /** The agenda between two days (both included), grouped by day and district. */
  agenda(actor: Actor, q: AgendaQuery): Agenda {
    const a = this.requireAccess(actor);
    const fromMs = this.startOfDay(q.from);
    const toMs = this.startOfDay(nextDay(q.to));
    const { rows, truncated } = this.scan(a, actor, { fromMs, toMs, ...(q.district ? { district: q.district } : {}), ...(q.inspector ? { inspector: q.inspector } : {}), includeDone: q.includeDone });
    const users = this.userNames();
    const labels = this.districts();
    const order = Object.keys(labels);
    const days = new Map<string, Map<string, AgendaItem[]>>();
    for (const row of rows) {
      const item = this.item(a, row, users);
      const date = this.localDateTime(Date.parse(item.inspectionAt)).date;
      const byDistrict = days.get(date) ?? new Map<string, AgendaItem[]>();
      days.set(date, byDistrict);
      const key = item.district ?? '';
      byDistrict.set(key, [...(byDistrict.get(key) ?? []), item]);
    }
    const rank = (d: string) => (order.includes(d) ? order.indexOf(d) : order.length);
    return {
      label: a.label, from: q.from, to: q.to, timeZone: this.timeZone(), total: rows.length, truncated,
      days: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, byDistrict]) => ({
        date,
        districts: [...byDistrict.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([district, items]) => ({
          district: district || null, label: district ? labels[district] ?? null : null, items,
        })),
      })),
    };
  }

  // --- the .ics feed ---

  /** A new feed token for the user; the previous one stops working at once. */
  createFeedToken(actor: Actor): string {
    this.requireAccess(actor);
    const token = randomBytes(32).toString('base64url');
    this.deps.store.setCalendarToken(actor.id, hashFeedToken(token), new Date(this.deps.clock()).toISOString());
    return token;
  }

  /** The user a feed token belongs to, if it is current and the user may still see inspections. */
  feedUser(token: string): UserRow | null {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    const userId = this.deps.store.userOfCalendarToken(hashFeedToken(token));
    const user = userId ? this.deps.store.getUser(userId) : null;
    return user && this.mayUse({ id: user.id, roles: user.roles }) ? user : null;
  }

  /**
   * The user's feed: every planned visit from a month ago on, in the user's language. `appUrl`
   * is the web app's address for the dossier links.
   */
  feed(user: UserRow, appUrl: string, district?: string): string {
    const lang = user.language;
    const actor = { id: user.id, roles: user.roles };
    const a = this.requireAccess(actor);
    const now = this.deps.clock();
    const { rows } = this.scan(a, actor, { fromMs: now - 31 * 86_400_000, toMs: Number.MAX_SAFE_INTEGER, ...(district ? { district } : {}), includeDone: false });
    const users = this.userNames();
    const labels = this.districts();
    const events = rows.map((row): IcsEvent => {
      const item = this.item(a, row, users);
      const start = Date.parse(item.inspectionAt);
      const link = appUrl ? `${appUrl}/#/record/${encodeURIComponent(row.id)}` : null;
      return {
        uid: eventUid(row.id), sequence: row.version, stamp: Date.parse(row.updatedAt), start, end: this.endOf(a, start),
        summary: `${pick(SUMMARY, lang)}${lang === 'fr' ? ' : ' : ': '}${item.companyName ?? row.id}`,
        location: item.address,
        description: describe(item, labels, lang, link),
        url: link,
      };
    });
    const name = a.label;
    return icsCalendar({ name: district && labels[district] ? `${pick(name, lang)} – ${pick(labels[district], lang)}` : pick(name, lang), events });
  }

  // --- invitations to the manager (TR-32) ---

  /** Subscribes to committed changes and catches up on what a crash may have left unsent. */
  startInvitations(): () => void {
    const unsubscribe = this.deps.records.subscribe((c) => this.onChange(c));
    try {
      this.sweep();
    } catch (e) {
      this.deps.log('inspection invitations: start-up sweep failed', e);
    }
    return unsubscribe;
  }

  private onChange(c: RecordChange): void {
    const a = this.definition();
    if (!a?.invite || c.row.recordType !== a.record) return;
    const before = c.previous?.snapshot.context.fields ?? {};
    const after = c.row.snapshot.context.fields;
    if (!planFields(a).some((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null))) return;
    try {
      this.enqueueInvitations(c.row);
    } catch (e) {
      // The start-up sweep sends it later: the change itself is committed and stays so.
      this.deps.log(`inspection invitation for ${c.row.id} not queued`, e);
    }
  }

  /** Queues the invitations of every planned visit (already queued ones are ignored by key). */
  sweep(): number {
    const a = this.definition();
    if (!a?.invite) return 0;
    const { rows } = this.scan(a, null, { fromMs: this.deps.clock() - 86_400_000, toMs: Number.MAX_SAFE_INTEGER, includeDone: false });
    let n = 0;
    for (const row of rows) n += this.enqueueInvitations(row);
    return n;
  }

  /**
   * The invitation mails a planned visit calls for now: a REQUEST while the manager is asked to
   * join, a CANCEL once that was withdrawn; one per manager with an email address, keyed by the
   * version of the last change to the appointment (its SEQUENCE).
   */
  invitationsFor(row: InstanceRow): OutgoingMail[] {
    const a = this.definition();
    const invite = a?.invite;
    if (!a || !invite || row.recordType !== a.record || !inAny(row, a.planned)) return [];
    const f = row.snapshot.context.fields;
    const start = Date.parse(String(f[a.at] ?? ''));
    if (Number.isNaN(start)) return [];
    const history = this.deps.store.getHistory(row.id);
    const joins = f[invite.if] === true;
    const everJoined = history.some((h) => h.changes.some((c) => c.field === invite.if && c.after === true));
    if (!joins && !everJoined) return [];
    // A request follows every change of the appointment; a cancellation is sent once, for the
    // change that withdrew the invitation (a later move of an appointment without them is not theirs).
    const relevant = joins ? planFields(a) : [invite.if];
    const changes = history.filter((h) => h.changes.some((c) => relevant.includes(c.field)));
    const last = changes[changes.length - 1];
    if (!last) return [];
    const method: 'REQUEST' | 'CANCEL' = joins ? 'REQUEST' : 'CANCEL';
    const moved = history.filter((h) => h.changes.some((c) => c.field === a.at)).length > 1;
    const users = this.userNames();
    const item = this.item(a, row, users);
    const inspector = item.inspector ? users.get(item.inspector.id) : undefined;
    const from = this.deps.mail.alertFrom;
    const organizer = { name: item.inspector?.displayName ?? from, email: inspector?.email ?? from };
    const labels = this.districts();
    const link = this.deps.mail.publicUrl ? `${this.deps.mail.publicUrl}/#/record/${encodeURIComponent(row.id)}` : null;
    const managers = [...users.values()].filter((u) => u.roles.includes(invite.role) && u.email);
    return managers.map((m): OutgoingMail => {
      const lang = m.language;
      const key = `inspection-invitation:${row.id}:${last.version}:${m.id}`;
      const when = new Intl.DateTimeFormat(LOCALES[lang], { timeZone: this.timeZone(), dateStyle: 'full', timeStyle: 'short' }).format(new Date(start));
      const company = item.companyName ?? row.id;
      const ics = icsCalendar({
        method,
        events: [{
          uid: eventUid(row.id), sequence: last.version, stamp: Date.parse(last.at), start, end: this.endOf(a, start),
          summary: `${pick(SUMMARY, lang)}${lang === 'fr' ? ' : ' : ': '}${company}`,
          location: item.address, description: describe(item, labels, lang, link), url: link,
          organizer, attendees: [{ name: m.displayName, email: m.email ?? '' }], status: joins ? 'CONFIRMED' : 'CANCELLED',
        }],
      });
      const words = invitationText(lang, { method, moved, company, when, manager: m.displayName, inspector: organizer.name, address: item.address, district: item.district ? labels[item.district] ?? null : null, link });
      const attachment: MailAttachment = { filename: method === 'REQUEST' ? 'invitation.ics' : 'cancel.ics', content: ics, contentType: `text/calendar; charset=utf-8; method=${method}` };
      return {
        key, recordId: row.id, messageId: messageIdFor(key, from), from, to: m.email ?? '', subject: withCaseToken(words.subject, row.id), text: words.body,
        lang, inReplyTo: null, references: [], autoSubmitted: 'auto-generated', kind: 'alert', attachments: [attachment],
      };
    });
  }

  /** Writes the invitations to the outbox (durably); returns how many rows were new or already there. */
  private enqueueInvitations(row: InstanceRow): number {
    const mails = this.invitationsFor(row);
    if (mails.length === 0) return 0;
    const now = this.deps.clock();
    this.deps.store.writeBatch((tx) =>
      tx.enqueueOutbox(mails.map((m) => ({ instanceId: row.id, kind: 'mail-out', payload: { ...m }, idempotencyKey: m.key, nextAttemptAt: now }))),
    );
    return mails.length;
  }
}

/** The same UID for a dossier's visit in the feed and in the invitations: a move updates it. */
export function eventUid(recordId: string): string {
  return `inspection-${recordId}@civic-flow`;
}

export function nextDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function describe(item: AgendaItem, labels: Record<string, LocalizedText>, lang: MailLang, link: string | null): string {
  const L = {
    district: text('Quartier', 'Wijk', 'District'),
    inspector: text('Contrôleur', 'Controleur', 'Inspector'),
    manager: text('Le responsable accompagne', 'De verantwoordelijke gaat mee', 'The manager joins'),
    dossier: text('Dossier', 'Dossier', 'Dossier'),
  };
  const lines: string[] = [];
  if (item.district) lines.push(`${pick(L.district, lang)}: ${labels[item.district] ? pick(labels[item.district] as LocalizedText, lang) : item.district}`);
  if (item.inspector) lines.push(`${pick(L.inspector, lang)}: ${item.inspector.displayName}`);
  if (item.managerJoins) lines.push(pick(L.manager, lang));
  if (link) lines.push(`${pick(L.dossier, lang)}: ${link}`);
  return lines.join('\n');
}

function invitationText(lang: MailLang, v: { method: 'REQUEST' | 'CANCEL'; moved: boolean; company: string; when: string; manager: string; inspector: string; address: string | null; district: LocalizedText | null; link: string | null }): { subject: string; body: string } {
  const where = [v.address, v.district ? pick(v.district, lang) : null].filter(Boolean).join(' – ');
  if (lang === 'nl') {
    const subject = v.method === 'CANCEL' ? `Geannuleerd: controle ter plaatse bij ${v.company}` : `${v.moved ? 'Verplaatst' : 'Uitnodiging'}: controle ter plaatse bij ${v.company} op ${v.when}`;
    const intro = v.method === 'CANCEL'
      ? `${v.inspector} heeft de uitnodiging voor de controle ter plaatse bij ${v.company} ingetrokken.`
      : `${v.inspector} vraagt u mee te gaan naar de controle ter plaatse bij ${v.company}${v.moved ? ' (nieuwe datum)' : ''}.`;
    return { subject, body: [`Beste ${v.manager},`, '', intro, `Wanneer: ${v.when}`, where ? `Waar: ${where}` : '', v.link ? `Dossier: ${v.link}` : '', '', 'De uitnodiging zit in de bijlage (agenda).'].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n') };
  }
  if (lang === 'en') {
    const subject = v.method === 'CANCEL' ? `Cancelled: on-site inspection at ${v.company}` : `${v.moved ? 'Moved' : 'Invitation'}: on-site inspection at ${v.company} on ${v.when}`;
    const intro = v.method === 'CANCEL'
      ? `${v.inspector} withdrew the invitation to the on-site inspection at ${v.company}.`
      : `${v.inspector} asks you to join the on-site inspection at ${v.company}${v.moved ? ' (new date)' : ''}.`;
    return { subject, body: [`Dear ${v.manager},`, '', intro, `When: ${v.when}`, where ? `Where: ${where}` : '', v.link ? `Dossier: ${v.link}` : '', '', 'The invitation is attached (calendar).'].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n') };
  }
  const subject = v.method === 'CANCEL' ? `Annulé : contrôle sur place chez ${v.company}` : `${v.moved ? 'Contrôle déplacé' : 'Invitation'} : contrôle sur place chez ${v.company} le ${v.when}`;
  const intro = v.method === 'CANCEL'
    ? `${v.inspector} a retiré l’invitation au contrôle sur place chez ${v.company}.`
    : `${v.inspector} vous demande de l’accompagner au contrôle sur place chez ${v.company}${v.moved ? ' (nouvelle date)' : ''}.`;
  return { subject, body: [`Bonjour ${v.manager},`, '', intro, `Quand : ${v.when}`, where ? `Où : ${where}` : '', v.link ? `Dossier : ${v.link}` : '', '', 'L’invitation est jointe (agenda).'].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n') };
}
