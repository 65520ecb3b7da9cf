/**
 * The pack's agenda (agendas.yaml; the census's inspections, TR-30..32), rules in
 * runtime/services/inspections.service.ts. The URLs keep the census's names (`district` is the
 * agenda's group, `inspector` its person):
 *
 *   GET  /api/inspections?from=YYYY-MM-DD&to=YYYY-MM-DD[&district=…][&inspector=<user id>][&include=done]
 *        → {label, from, to, timeZone, total, truncated, days: [{date, districts: [{district, label, items}]}]}:
 *          the planned appointments (and the done ones with include=done), by day in the pack's
 *          time zone and group. Without dates: this week, Monday to Sunday. At most 366 days.
 *          The agenda's roles only (403 otherwise).
 *   POST /api/me/calendar-token → 201 {token, url}: a new personal feed URL; the previous one
 *          stops working at once. Shown once: only its hash is kept.
 *   GET  /calendar/inspections.ics?token=…[&district=…] → text/calendar (RFC 5545): the planned
 *          visits in the token owner's language. An unknown or revoked token → 404, no detail.
 */
import type { Request } from 'express';
import type { LocalizedText } from '../../engine/errors';
import { actorOfRequest } from './app';
import { bilingualError } from './request-helpers';
import type { Mount, MountContext } from './mounts';
import { mailSettings } from '../services/mail-out';
import { InspectionsService, nextDay } from '../services/inspections.service';

const text = (fr: string, nl: string, en: string): LocalizedText => ({ fr, nl, en });
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

const services = new WeakMap<MountContext['runtime'], InspectionsService>();

/** One inspections service per runtime. */
export function inspectionsServiceOf(ctx: Pick<MountContext, 'runtime' | 'config' | 'clock' | 'log'>): InspectionsService {
  let s = services.get(ctx.runtime);
  if (!s) {
    s = new InspectionsService({ store: ctx.runtime.store, packs: ctx.runtime.packs, records: ctx.runtime.records, clock: ctx.clock, mail: mailSettings(ctx.config), log: ctx.log });
    services.set(ctx.runtime, s);
  }
  return s;
}

function validDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

function dateParam(req: Request, name: 'from' | 'to'): string | null {
  const v = req.query[name];
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string' || !validDate(v)) {
    throw bilingualError(400, 'bad-parameter', text(`« ${name} » doit être une date AAAA-MM-JJ.`, `"${name}" moet een datum JJJJ-MM-DD zijn.`, `"${name}" must be a date YYYY-MM-DD.`), { parameter: name });
  }
  return v;
}

function addDays(date: string, n: number): string {
  let d = date;
  for (let i = 0; i < n; i++) d = nextDay(d);
  return d;
}

const dayCount = (from: string, to: string): number => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000) + 1;

/** The district filter: one of the pack's values, or a 400 naming them. */
function districtParam(req: Request, known: Record<string, LocalizedText>): string | undefined {
  const v = req.query['district'];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !Object.hasOwn(known, v)) {
    const list = Object.keys(known).join(', ');
    throw bilingualError(400, 'bad-parameter', text(`Quartier inconnu. Valeurs possibles : ${list}.`, `Onbekende wijk. Mogelijke waarden: ${list}.`, `Unknown district. Possible values: ${list}.`), { parameter: 'district' });
  }
  return v;
}

/** The web app's address: PUBLIC_URL when set, else the address this request came to. */
function appUrl(req: Request, ctx: MountContext): string {
  return ctx.config.publicUrl || `${req.protocol}://${req.get('host') ?? `${ctx.config.host}:${ctx.config.port}`}`;
}

export const inspectionsMount: Mount = {
  api: (api, ctx) => {
    // Invitations to the manager follow committed plans; started with the routes (once per app).
    inspectionsServiceOf(ctx).startInvitations();

    api.get('/inspections', (req: Request, res) => {
      const actor = actorOfRequest(req);
      const service = inspectionsServiceOf(ctx);
      const district = districtParam(req, service.districts());
      const inspector = req.query['inspector'];
      if (inspector !== undefined && (typeof inspector !== 'string' || inspector.length > 100)) {
        throw bilingualError(400, 'bad-parameter', text('« inspector » doit être un identifiant d’utilisateur.', '"inspector" moet een gebruikers-id zijn.', '"inspector" must be a user id.'), { parameter: 'inspector' });
      }
      const include = req.query['include'];
      if (include !== undefined && include !== 'done') {
        throw bilingualError(400, 'bad-parameter', text('« include » accepte seulement « done ».', '"include" aanvaardt alleen "done".', '"include" only accepts "done".'), { parameter: 'include' });
      }
      let from = dateParam(req, 'from');
      let to = dateParam(req, 'to');
      if (!from) {
        // This week, Monday first (Belgian weeks).
        const today = service.localDate(ctx.clock());
        const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7;
        from = new Date(Date.parse(`${today}T12:00:00Z`) - weekday * 86_400_000).toISOString().slice(0, 10);
      }
      if (!to) to = addDays(from, 6);
      if (to < from) {
        throw bilingualError(400, 'bad-parameter', text('« to » doit suivre « from ».', '"to" moet na "from" komen.', '"to" must not be before "from".'), { parameter: 'to' });
      }
      if (dayCount(from, to) > MAX_DAYS) {
        throw bilingualError(400, 'bad-parameter', text(`Au plus ${MAX_DAYS} jours à la fois.`, `Hoogstens ${MAX_DAYS} dagen tegelijk.`, `At most ${MAX_DAYS} days at a time.`), { parameter: 'to' });
      }
      res.json(service.agenda(actor, { from, to, ...(district ? { district } : {}), ...(typeof inspector === 'string' && inspector ? { inspector } : {}), includeDone: include === 'done' }));
    });

    api.post('/me/calendar-token', (req: Request, res) => {
      const actor = actorOfRequest(req);
      const token = inspectionsServiceOf(ctx).createFeedToken(actor);
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json({ token, url: `${appUrl(req, ctx)}/calendar/inspections.ics?token=${encodeURIComponent(token)}` });
    });
  },

  root: (app, ctx) => {
    app.get('/calendar/inspections.ics', (req: Request, res) => {
      const service = inspectionsServiceOf(ctx);
      const token = req.query['token'];
      const user = typeof token === 'string' ? service.feedUser(token) : null;
      if (!user) {
        // Nothing that tells a guessed token from a revoked one.
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      const district = districtParam(req, service.districts());
      res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
      res.setHeader('Content-Disposition', 'inline; filename="inspections.ics"');
      // The URL is a secret: neither shared caches nor the Referer of a link should keep it.
      res.setHeader('Cache-Control', 'private, no-cache');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.send(service.feed(user, appUrl(req, ctx), district));
    });
  },
};
