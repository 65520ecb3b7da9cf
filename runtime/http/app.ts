/** The HTTP API under /api (Express 5): thin handlers over the services. */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../../engine/expressions';
import { hasRecordPermission, isAdmin, readableRecordTypes } from '../../engine/access';
import type { AuthService, SessionUser } from '../auth/auth.service';
import type { RecordsService } from '../services/records.service';
import type { PacksService } from '../services/packs.service';
import type { RecordStore } from '../ports/record-store.port';
import { errorMiddleware, HttpError, type Lang } from './http-errors';
import { openApiDocument } from './openapi';
import { MOUNTS, type MountContext } from './mounts';
import { isRecord, bodyObject } from './request-helpers';

export const SESSION_COOKIE = 'cf_session';

export interface AppDeps {
  auth: AuthService;
  records: RecordsService;
  packs: PacksService;
  store: RecordStore;
  maxBodyBytes: number;
  /** The built web app; a short page explains how to build it when it is missing. */
  uiDir: string;
  /** Given by the server: the channels' routers (runtime/http/mounts.ts) are mounted with it. */
  mountContext?: MountContext;
  secureCookies: boolean;
  /** The runtime's clock: a retried outbox entry is due now by the same clock the worker uses. */
  clock: () => number;
  health: () => Record<string, unknown>;
  log: (msg: string, err?: unknown) => void;
}

type AuthedRequest = Request & { user?: SessionUser; token?: string };

function cookie(req: Request, name: string): string | null {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

const text = (fr: string, nl: string, en: string) => ({ fr, nl, en });



function stringMap(v: unknown, name: string): Record<string, string> {
  if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw new HttpError(400, 'malformed-body', text(`« ${name} » doit associer des chemins de fichiers à leur texte.`, `"${name}" moet bestandspaden aan hun tekst koppelen.`, `"${name}" must map file paths to their text.`));
  }
  return v as Record<string, string>;
}

function intParam(v: unknown, name: string, def: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, 'bad-parameter', text(`Le paramètre « ${name} » doit être un entier positif.`, `Parameter "${name}" moet een positief geheel getal zijn.`, `Parameter "${name}" must be a non-negative integer.`), { parameter: name });
  return n;
}

/** The logged-in user as the engine's actor; 401 when nobody is logged in. */
export function actorOfRequest(req: Request): Actor {
  const user = (req as AuthedRequest).user;
  if (!user) throw new HttpError(401, 'unauthenticated', text('Connectez-vous d’abord.', 'Meld u eerst aan.', 'Log in first.'));
  return { id: user.id, roles: user.roles };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind the commune's reverse proxy, per-visitor limits must see the visitor's address.
  const trust = deps.mountContext?.config.trustProxy;
  // A number counts proxy hops; anything else is Express's list of trusted addresses.
  if (trust) app.set('trust proxy', /^\d+$/.test(trust) ? Number(trust) : trust);
  // No upgrade-insecure-requests: the embedded default is served over plain HTTP on the
  // commune's network or loopback; TLS is the reverse proxy's job.
  // The dossier map's tiles come from the configured tile server (MAP_TILE_URL): its origin may serve images.
  const tileOrigins = deps.mountContext ? tileOriginsOf(deps.mountContext.config.mapTileUrl) : [];
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', ...tileOrigins] } } }));

  const actorOf = actorOfRequest;
  const requireAdmin = (req: AuthedRequest): Actor => {
    const actor = actorOf(req);
    if (!isAdmin(deps.packs.active().pack, actor.roles)) throw new HttpError(403, 'forbidden', text('Réservé aux administrateurs.', 'Alleen voor beheerders.', 'Administrators only.'));
    return actor;
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...deps.health() });
  });

  const api = express.Router();
  api.use((req: AuthedRequest, _res: Response, next: NextFunction) => {
    const token = cookie(req, SESSION_COOKIE);
    if (token) {
      const user = deps.auth.userForToken(token);
      if (user) {
        req.user = user;
        req.token = token;
      }
    }
    next();
  });
  // Bodies are parsed after the session is known, so body errors speak the user's language.
  api.use(express.json({ limit: deps.maxBodyBytes }));

  api.get('/openapi.json', (_req, res) => void res.json(openApiDocument()));

  api.post('/auth/login', async (req, res) => {
    const body = bodyObject(req);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      throw new HttpError(400, 'malformed-body', text('Indiquez un nom d’utilisateur et un mot de passe.', 'Geef een gebruikersnaam en een wachtwoord op.', 'Give a username and a password.'));
    }
    const session = await deps.auth.login(username, password);
    if (!session) throw new HttpError(401, 'invalid-credentials', text('Nom d’utilisateur ou mot de passe incorrect.', 'Onjuiste gebruikersnaam of wachtwoord.', 'Wrong username or password.'));
    res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/', expires: new Date(session.expiresAt) });
    res.json({ user: session.user });
  });

  api.post('/auth/logout', (req: AuthedRequest, res) => {
    if (req.token) deps.auth.logout(req.token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  api.get('/me', (req: AuthedRequest, res) => {
    actorOf(req);
    const { pack } = deps.packs.active();
    const roles = req.user?.roles ?? [];
    const readable = readableRecordTypes(pack, roles);
    res.json({ user: req.user, admin: isAdmin(pack, roles), recordTypes: readable, creatableRecordTypes: readable.filter((t) => hasRecordPermission(pack, roles, t, 'create')) });
  });

  api.put('/me/language', (req: AuthedRequest, res) => {
    const actor = actorOf(req);
    const lang = bodyObject(req)['language'];
    if (lang !== 'fr' && lang !== 'nl' && lang !== 'en') throw new HttpError(422, 'validation-failed', text('Langue : fr, nl ou en.', 'Taal: fr, nl of en.', 'Language: fr, nl or en.'));
    deps.auth.setLanguage(actor.id, lang as Lang);
    res.json({ language: lang });
  });

  // --- packs ---
  api.get('/packs', (req: AuthedRequest, res) => {
    actorOf(req);
    res.json({ packId: deps.packs.packId, versions: deps.packs.versions().map(({ files, ...v }) => ({ ...v, files: Object.keys(files) })) });
  });
  api.get('/packs/:version', (req: AuthedRequest, res) => {
    requireAdmin(req);
    const v = deps.packs.versions().find((x) => x.version === intParam(req.params['version'], 'version', 0));
    if (!v) throw new HttpError(404, 'not-found', text('Version introuvable.', 'Versie niet gevonden.', 'Version not found.'));
    res.json(v);
  });
  api.post('/packs/validate', (req: AuthedRequest, res) => {
    requireAdmin(req);
    const result = deps.packs.validate(stringMap(bodyObject(req)['files'], 'files'));
    res.json({ valid: result.pack !== null, problems: result.problems });
  });
  api.post('/packs/drafts', (req: AuthedRequest, res) => {
    const actor = requireAdmin(req);
    const draft = deps.packs.saveDraft(stringMap(bodyObject(req)['files'], 'files'), actor.id);
    res.status(201).json({ version: draft.version, status: draft.status, valid: !draft.problems.some((p) => p.severity === 'error'), problems: draft.problems });
  });
  api.post('/packs/:version/publish', (req: AuthedRequest, res) => {
    const actor = requireAdmin(req);
    const row = deps.packs.publish(intParam(req.params['version'], 'version', 0), actor.id);
    res.json({ version: row.version, status: row.status, publishedAt: row.publishedAt });
  });

  // --- record types (for generated screens) ---
  api.get('/record-types', (req: AuthedRequest, res) => {
    const actor = actorOf(req);
    const { pack, version } = deps.packs.active();
    const types = readableRecordTypes(pack, actor.roles).map((t) => {
      const process = deps.packs.processFor(version, t);
      return {
        ...pack.records[t],
        process: process?.definition.process ?? null,
        statuses: process?.definition.statuses ?? {},
        steps: process?.definition.steps ?? [],
        // Labels of every event, for history lines of events this user could not send.
        events: Object.fromEntries(Object.entries(process?.definition.events ?? {}).map(([k, e]) => [k, { label: e.label }])),
        creatable: hasRecordPermission(pack, actor.roles, t, 'create'),
      };
    });
    // Every queue's label: a record may sit in a queue the user does not work.
    const queueLabels = Object.fromEntries(Object.entries(pack.queues).map(([id, q]) => [id, q.label]));
    // Walk-in and phone desk forms the user may fill in (records they may create).
    const deskForms = Object.entries(pack.channels.desk)
      .filter(([, d]) => hasRecordPermission(pack, actor.roles, d.record, 'create'))
      .map(([id, d]) => ({ id, label: d.label, record: d.record, set: d.set }));
    res.json({ packVersion: version, recordTypes: types, queueLabels, deskForms });
  });

  // --- records ---
  api.post('/records/:type', async (req: AuthedRequest, res) => {
    const actor = actorOf(req);
    const body = bodyObject(req);
    const fields = body['fields'] ?? {};
    if (!isRecord(fields)) throw new HttpError(400, 'malformed-body', text('« fields » doit être un objet.', '"fields" moet een object zijn.', '"fields" must be an object.'));
    const view = await deps.records.create(actor, String(req.params['type']), fields, { withEvents: true });
    res.status(201).location(`/api/records/${view.id}`).json(view);
  });

  api.get('/records', (req: AuthedRequest, res) => {
    const actor = actorOf(req);
    const q = req.query;
    const type = typeof q['type'] === 'string' ? q['type'] : undefined;
    const fields = type ? deps.packs.active().pack.records[type]?.fields ?? {} : {};
    const sort = String(q['sort'] ?? 'createdAt');
    const builtinSorts = ['createdAt', 'updatedAt', 'title', 'status', 'step', 'owner', 'queue'];
    if (!builtinSorts.includes(sort) && !fields[sort]) {
      throw new HttpError(400, 'bad-parameter', text(`Tri impossible sur « ${sort} » : ${builtinSorts.join(', ')} ou un champ du type.`, `Sorteren op "${sort}" kan niet: ${builtinSorts.join(', ')} of een veld van het type.`, `Cannot sort by "${sort}": use ${builtinSorts.join(', ')} or a field of the type.`), { parameter: 'sort' });
    }
    const filters: Record<string, string> = {};
    for (const k of ['status', 'queue', 'owner', 'team', 'step', 'process']) if (typeof q[k] === 'string') filters[k] = q[k] as string;
    if (filters['owner'] === 'me') filters['owner'] = actor.id;
    // Any other parameter named after a field of the type filters on that field.
    const fieldFilters: Record<string, string> = {};
    for (const [k, v] of Object.entries(q)) if (fields[k] && typeof v === 'string') fieldFilters[k] = v;
    const result = deps.records.list(actor, {
      ...(type ? { recordType: type } : {}),
      filters,
      fieldFilters,
      ...(typeof q['q'] === 'string' && q['q'] ? { text: q['q'] } : {}),
      sort: builtinSorts.includes(sort) ? (sort as 'createdAt') : `field:${sort}`,
      direction: q['direction'] === 'asc' ? 'asc' : 'desc',
      limit: intParam(q['limit'], 'limit', 50),
      offset: intParam(q['offset'], 'offset', 0),
    });
    res.json(result);
  });

  api.get('/users', (req: AuthedRequest, res) => {
    actorOf(req);
    res.json({ items: deps.store.listUsers().map((u) => ({ id: u.id, displayName: u.displayName, roles: u.roles })) });
  });

  api.get('/queues', (req: AuthedRequest, res) => {
    const actor = actorOf(req);
    const { pack } = deps.packs.active();
    const admin = isAdmin(pack, actor.roles);
    const queues = Object.entries(pack.queues)
      .filter(([, q]) => admin || q.roles.some((r) => actor.roles.includes(r)))
      .map(([id, q]) => ({ id, label: q.label, roles: q.roles }));
    res.json({ items: queues });
  });

  api.get('/records/:id', (req: AuthedRequest, res) => {
    const view = deps.records.get(actorOf(req), String(req.params['id']));
    res.setHeader('ETag', `"${view.version}"`);
    res.json(view);
  });

  api.post('/records/:id/events', async (req: AuthedRequest, res) => {
    const actor = actorOf(req);
    const body = bodyObject(req);
    const type = body['type'];
    if (typeof type !== 'string' || !type) throw new HttpError(400, 'malformed-body', text('Indiquez le « type » de l’événement.', 'Geef het "type" van de gebeurtenis op.', 'Give the event "type".'));
    const data = body['data'] ?? {};
    if (!isRecord(data)) throw new HttpError(400, 'malformed-body', text('« data » doit être un objet.', '"data" moet een object zijn.', '"data" must be an object.'));
    const ifMatch = req.headers['if-match'];
    const expected = body['expectedVersion'] ?? (typeof ifMatch === 'string' ? Number(ifMatch.replace(/"/g, '')) : undefined);
    if (expected !== undefined && (typeof expected !== 'number' || !Number.isInteger(expected))) {
      throw new HttpError(400, 'bad-parameter', text('« expectedVersion » doit être un entier.', '"expectedVersion" moet een geheel getal zijn.', '"expectedVersion" must be an integer.'));
    }
    const view = await deps.records.send(actor, String(req.params['id']), { type, data, ...(expected !== undefined ? { expectedVersion: expected } : {}) }, { withEvents: true });
    res.setHeader('ETag', `"${view.version}"`);
    res.json(view);
  });

  api.post('/records/:id/clone', async (req: AuthedRequest, res) => {
    const view = await deps.records.clone(actorOf(req), String(req.params['id']));
    res.status(201).location(`/api/records/${view.id}`).json(view);
  });

  api.get('/records/:id/messages', (req: AuthedRequest, res) => {
    res.json({ items: deps.records.messages(actorOf(req), String(req.params['id'])) });
  });

  api.get('/records/:id/history', (req: AuthedRequest, res) => {
    res.json({ items: deps.records.history(actorOf(req), String(req.params['id'])) });
  });

  // --- admin ---
  api.get('/admin/timers', (req: AuthedRequest, res) => {
    requireAdmin(req);
    res.json({ items: deps.store.listTimers(intParam(req.query['limit'], 'limit', 100)).map((t) => ({ ...t, dueAt: new Date(t.dueAt).toISOString() })) });
  });
  api.get('/admin/outbox', (req: AuthedRequest, res) => {
    requireAdmin(req);
    const status = req.query['status'];
    if (status !== undefined && status !== 'pending' && status !== 'done' && status !== 'dead') {
      throw new HttpError(400, 'bad-parameter', text('Statut : pending, done ou dead.', 'Status: pending, done of dead.', 'Status: pending, done or dead.'), { parameter: 'status' });
    }
    res.json({ items: deps.store.listOutbox((status as 'pending' | undefined) ?? null, intParam(req.query['limit'], 'limit', 100)) });
  });
  api.post('/admin/outbox/:id/retry', (req: AuthedRequest, res) => {
    requireAdmin(req);
    if (!deps.store.retryOutbox(intParam(req.params['id'], 'id', 0), deps.clock())) {
      throw new HttpError(404, 'not-found', text('Aucun message en échec avec cet id.', 'Geen mislukt bericht met dit id.', 'No dead-lettered entry with this id.'));
    }
    res.status(202).json({ retried: true });
  });
  api.get('/admin/mail', (req: AuthedRequest, res) => {
    requireAdmin(req);
    res.json({ items: deps.store.listDeliveries('mail', intParam(req.query['limit'], 'limit', 100)) });
  });
  api.get('/admin/notifications', (req: AuthedRequest, res) => {
    requireAdmin(req);
    res.json({ items: deps.store.listDeliveries('notification', intParam(req.query['limit'], 'limit', 100)) });
  });

  if (deps.mountContext) for (const m of MOUNTS) m.api?.(api, deps.mountContext);

  api.use((req: Request) => {
    throw new HttpError(404, 'not-found', text(`Aucune route ${req.method} ${req.path}.`, `Geen route ${req.method} ${req.path}.`, `No route ${req.method} ${req.path}.`));
  });

  if (deps.mountContext) for (const m of MOUNTS) m.root?.(app, deps.mountContext);
  app.use('/api', api);
  app.use(errorMiddleware(deps.log));

  // The web app: hashed assets cached for a year, index.html never (it names the assets).
  app.use('/assets', express.static(join(deps.uiDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  app.get('/', (_req, res) => {
    const index = join(deps.uiDir, 'index.html');
    if (existsSync(index)) {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
      return;
    }
    res.status(503).type('html').send(
      '<!doctype html><meta charset="utf-8"><title>civic-flow</title>' +
        '<p lang="fr">L’interface n’est pas construite : lancez <code>npm run build:ui</code> (ou <code>npm start</code>).</p>' +
        '<p lang="nl">De interface is niet gebouwd: voer <code>npm run build:ui</code> uit (of <code>npm start</code>).</p>',
    );
  });
  return app;
}

/** The origins of an XYZ tile template; `{s}` stands for the a, b and c sub-domains. */
export function tileOriginsOf(template: string): string[] {
  const subdomains = template.includes('{s}') ? ['a', 'b', 'c'] : [''];
  const origins = new Set<string>();
  for (const s of subdomains) {
    try {
      origins.add(new URL(template.replace('{s}', s).replace(/\{[a-z]+\}/g, '0')).origin);
    } catch {
      // A template that is no URL adds no origin (config.ts refuses them at start anyway).
    }
  }
  return [...origins];
}
