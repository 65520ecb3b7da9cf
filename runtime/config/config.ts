/**
 * Configuration, read once at start-up: every variable declared here with its default.
 * Nothing else in the code reads process.env.
 */
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  packDir: string;
  /** The built web app (admin-ui/dist), served at `/`. */
  uiDir: string;
  demoDir: string | null;
  /** Loads demo users and records on first start. */
  seedDemo: boolean;
  synchronous: 'FULL' | 'NORMAL';
  timerPollMs: number;
  outboxPollMs: number;
  maxBodyBytes: number;
  sessionHours: number;
  logLevel: 'silent' | 'info';
  /** SMTP listener for inbound mail (0 picks a free port; -1 disables it). */
  smtpPort: number;
  smtpHost: string;
  /** Largest mail accepted, attachments included (SMTP SIZE). */
  maxMailBytes: number;
  /** Largest file accepted by the upload routes (documents, scans, proofs, photos). */
  uploadMaxFileBytes: number;
  /** Facebook app: webhook verify token and app secret (X-Hub-Signature-256), Graph API base URL. */
  facebookVerifyToken: string;
  facebookAppSecret: string;
  facebookGraphUrl: string;
  facebookPageToken: string;
  /** Web forms: submissions per minute from one address. */
  formsPerMinute: number;
  /** Sites allowed to embed the web forms and chat (CSP frame-ancestors), space-separated. */
  formsFrameAncestors: string;
  /** Express's `trust proxy` (e.g. `loopback` or `1`) behind a reverse proxy, so limits see visitors' addresses. */
  trustProxy: string;
  /** Shared secret the telephony provider sends as `Authorization: Bearer …` to /webhooks/cti. */
  ctiToken: string;
  /** The National Register demo adapter's CSV of fictitious people. */
  nationalRegisterCsv: string;
  /** Folder polled for Belfirst exports (.xlsx) imported as system; '' = off (BELFIRST_WATCH_DIR). */
  belfirstWatchDir: string;
  /** How often the watched folder is polled (BELFIRST_WATCH_POLL_MS). */
  belfirstWatchPollMs: number;
  /** PKCS#12 files of the signers (PAdES letters) and the demo CA; default DATA_DIR/certificates. */
  certificatesDir: string;
  /** Password of the demo PKCS#12 files made at first start (demo only). */
  demoCertPassword: string;
  /** Tax regulation texts attached to census letters: `<regulation id>.<fr|nl>.pdf`. */
  regulationsDir: string;
  /** SMTP relay for outgoing mail (`smtp://host:port`, `smtps://user:pass@host:465`); '' = kept in the local outbox only (MAIL_RELAY_URL). */
  mailRelayUrl: string;
  /** Sender of mails from records whose type has no mailbox in channels.yaml, e.g. census dossiers (MAIL_FROM). */
  mailFrom: string;
  /** Sender of alerts mailed to staff (MAIL_ALERT_FROM). */
  mailAlertFrom: string;
  /** Base URL of the app, for links in alerts (PUBLIC_URL); '' = no link. */
  publicUrl: string;
  /** XYZ tile template of the dossier map and its attribution (MAP_TILE_URL, MAP_ATTRIBUTION). */
  mapTileUrl: string;
  mapAttribution: string;
  /** Nominatim-protocol search endpoint (GEOCODER_URL); '' = no map. */
  geocoderUrl: string;
  /** Time allowed to the geocoder per request, and the least time between two requests (Nominatim's policy: 1 per second). */
  geocoderTimeoutMs: number;
  geocoderMinIntervalMs: number;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}=${raw} is not a whole number between ${min} and ${max}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const sync = (env['SQLITE_SYNCHRONOUS'] ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new ConfigError(`SQLITE_SYNCHRONOUS=${sync} must be FULL or NORMAL`);
  const demoDir = env['DEMO_DIR'] ?? 'examples/brussels-demo';
  const dataDir = resolve(cwd, env['DATA_DIR'] ?? 'data');
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] ?? '127.0.0.1',
    dataDir,
    packDir: resolve(cwd, env['PACK_DIR'] ?? 'definitions/brussels-commune'),
    uiDir: resolve(cwd, env['UI_DIR'] ?? 'admin-ui/dist'),
    demoDir: demoDir === '' ? null : resolve(cwd, demoDir),
    seedDemo: (env['SEED_DEMO'] ?? 'true') !== 'false',
    synchronous: sync,
    timerPollMs: int(env, 'TIMER_POLL_MS', 500, 10, 60_000),
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 500, 10, 60_000),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1_000_000, 1_000, 100_000_000),
    sessionHours: int(env, 'SESSION_HOURS', 12, 1, 24 * 30),
    logLevel: env['LOG_LEVEL'] === 'silent' ? 'silent' : 'info',
    smtpPort: int(env, 'SMTP_PORT', 2525, -1, 65535),
    smtpHost: env['SMTP_HOST'] ?? '127.0.0.1',
    maxMailBytes: int(env, 'MAX_MAIL_BYTES', 25_000_000, 10_000, 200_000_000),
    uploadMaxFileBytes: int(env, 'UPLOAD_MAX_FILE_BYTES', 25 * 1024 * 1024, 1024, 500 * 1024 * 1024),
    facebookVerifyToken: env['FACEBOOK_VERIFY_TOKEN'] ?? 'civic-flow-demo-verify-token',
    facebookAppSecret: env['FACEBOOK_APP_SECRET'] ?? 'civic-flow-demo-app-secret',
    facebookGraphUrl: env['FACEBOOK_GRAPH_URL'] ?? 'https://graph.facebook.com/v21.0',
    facebookPageToken: env['FACEBOOK_PAGE_TOKEN'] ?? '',
    formsPerMinute: int(env, 'FORMS_PER_MINUTE', 5, 1, 10_000),
    formsFrameAncestors: env['FORMS_FRAME_ANCESTORS'] ?? '*',
    trustProxy: env['TRUST_PROXY'] ?? '',
    ctiToken: env['CTI_TOKEN'] ?? 'civic-flow-demo-cti-token',
    nationalRegisterCsv: resolve(cwd, env['NATIONAL_REGISTER_CSV'] ?? 'examples/national-register/people.csv'),
    belfirstWatchDir: env['BELFIRST_WATCH_DIR'] ? resolve(cwd, env['BELFIRST_WATCH_DIR']) : '',
    belfirstWatchPollMs: int(env, 'BELFIRST_WATCH_POLL_MS', 3000, 20, 600_000),
    certificatesDir: env['CERTIFICATES_DIR'] ? resolve(cwd, env['CERTIFICATES_DIR']) : resolve(dataDir, 'certificates'),
    demoCertPassword: env['DEMO_CERT_PASSWORD'] ?? 'civic-flow-demo-certificate',
    regulationsDir: resolve(cwd, env['REGULATIONS_DIR'] ?? 'examples/regulations'),
    mailRelayUrl: relayUrl(env['MAIL_RELAY_URL'] ?? ''),
    mailFrom: env['MAIL_FROM'] || 'taxes@commune.example.brussels',
    mailAlertFrom: env['MAIL_ALERT_FROM'] || 'no-reply@commune.example.brussels',
    publicUrl: (env['PUBLIC_URL'] ?? '').replace(/\/+$/, ''),
    mapTileUrl: tileTemplate(env['MAP_TILE_URL'] || 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
    mapAttribution: env['MAP_ATTRIBUTION'] || '© OpenStreetMap contributors',
    geocoderUrl: env['GEOCODER_URL'] ?? 'https://nominatim.openstreetmap.org/search',
    geocoderTimeoutMs: int(env, 'GEOCODER_TIMEOUT_MS', 5000, 100, 60_000),
    geocoderMinIntervalMs: int(env, 'GEOCODER_MIN_INTERVAL_MS', 1000, 0, 60_000),
  };
}

/** A relay URL must be smtp(s)://; a typo fails the start rather than every mail later. */
function relayUrl(raw: string): string {
  if (raw === '') return '';
  if (!/^smtps?:\/\/[^\s/]+/.test(raw)) throw new ConfigError(`MAIL_RELAY_URL=${raw} must look like smtp://host:port or smtps://user:password@host:465`);
  return raw;
}

/** The tile template must be http(s) and name {z}, {x} and {y}. */
function tileTemplate(raw: string): string {
  if (!/^https?:\/\//.test(raw) || !['{z}', '{x}', '{y}'].every((p) => raw.includes(p))) throw new ConfigError(`MAP_TILE_URL=${raw} must be an http(s) URL with {z}, {x} and {y}`);
  return raw;
}
