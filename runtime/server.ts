/** The composition root: wires the store, services, scheduler, outbox and HTTP API. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { openSqliteStore } from '../adapters/store-sqlite';
import { openBlobStore } from '../adapters/blob-fs';
import type { BlobStore } from './ports/blob-store.port';
import { LISTENERS } from './channels/channels';
import type { MountContext } from './http/mounts';
import type { Config } from './config/config';
import { AuthService } from './auth/auth.service';
import { createApp } from './http/app';
import { attachRealtime } from './realtime/realtime';
import { agentChatReply } from './realtime/chat';
import { readPackDir } from './packs/pack-files';
import type { RecordStore } from './ports/record-store.port';
import { OutboxWorker } from './scheduler/outbox-worker';
import { TimerScheduler } from './scheduler/timer-scheduler';
import { effectHandlers } from './services/effect-handlers';
import { mailSettings } from './services/mail-out';
import { facebookHandlers } from './services/facebook-reply.handler';
import { GroupCommitter } from './services/group-committer';
import { PacksService } from './services/packs.service';
import { RecordsService } from './services/records.service';
import { ensureDemoCertificates } from './services/demo-certificates';

/** Messages for one user's open screens (a call to pick up…), carried by socket.io. */
export interface UserNotification {
  userId: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface Runtime {
  /** Notifications to users' screens; realtime forwards them to the user's sockets. */
  notifyUser(n: UserNotification): void;
  onUserNotification(listener: (n: UserNotification) => void): () => void;
  /** Something about a record that is not one of its events (its notes changed…), for the screens showing it. */
  signalRecord(recordId: string, event: string, payload?: Record<string, unknown>): void;
  onRecordSignal(listener: (s: { recordId: string; event: string; payload: Record<string, unknown> }) => void): () => void;
  store: RecordStore;
  blobs: BlobStore;
  packs: PacksService;
  records: RecordsService;
  auth: AuthService;
  committer: GroupCommitter;
  timers: TimerScheduler;
  outbox: OutboxWorker;
  close(): Promise<void>;
}

export interface RunningServer extends Runtime {
  url: string;
  server: Server;
  /** What the channel listeners report, e.g. `{ smtpPort: 2525 }`. */
  channels: Record<string, unknown>;
}

export function createLogger(level: Config['logLevel']) {
  return (msg: string, err?: unknown): void => {
    if (level === 'silent') return;
    const detail = err instanceof Error ? ` — ${err.message}` : err !== undefined ? ` — ${String(err)}` : '';
    process.stderr.write(`[${new Date().toISOString()}] ${msg}${detail}\n`);
  };
}

/** Builds the services on the store in DATA_DIR, publishing the shipped pack if it changed. */
export async function createRuntime(config: Config, clock: () => number = Date.now): Promise<Runtime> {
  mkdirSync(config.dataDir, { recursive: true });
  const log = createLogger(config.logLevel);
  const store = openSqliteStore(join(config.dataDir, 'civic-flow.sqlite'), { synchronous: config.synchronous });
  const blobs = openBlobStore(join(config.dataDir, 'blobs'));
  const files = readPackDir(config.packDir);
  const manifest = parseYaml(files['pack.yaml'] ?? '') as { pack?: string } | null;
  if (!manifest?.pack) throw new Error(`${config.packDir}/pack.yaml is missing or has no "pack:" id`);
  const packs = new PacksService(store, manifest.pack, clock);
  packs.ensurePublished(files, 'system');
  const committer = new GroupCommitter(store);
  const auth = new AuthService(store, clock, config.sessionHours);
  const records = new RecordsService(store, packs, committer, clock);
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const userListeners = new Set<(n: UserNotification) => void>();
  const recordSignalListeners = new Set<(s: { recordId: string; event: string; payload: Record<string, unknown> }) => void>();
  const timers = new TimerScheduler(store, records, clock, owner, { pollMs: config.timerPollMs, leaseMs: 60_000, batch: 200, log });
  const outbox = new OutboxWorker(store, { ...effectHandlers({ store, packs, records, adapters: {}, mail: mailSettings(config) }), ...facebookHandlers({ store, records, config, clock }) }, clock, owner, { pollMs: config.outboxPollMs, leaseMs: 60_000, batch: 100, maxAttempts: 8, baseDelayMs: 1000, log });
  if (config.seedDemo && config.demoDir && existsSync(config.demoDir)) await seedDemo(config.demoDir, { store, auth, records });
  // Demo CA and the demo signers' PKCS#12 files (census letters, TR-23); kept across restarts.
  if (config.seedDemo) await ensureDemoCertificates(config);
  return {
    store, blobs, packs, records, auth, committer, timers, outbox,
    notifyUser: (n) => {
      for (const l of userListeners) l(n);
    },
    onUserNotification: (l) => {
      userListeners.add(l);
      return () => userListeners.delete(l);
    },
    signalRecord: (recordId, event, payload = {}) => {
      for (const l of recordSignalListeners) l({ recordId, event, payload });
    },
    onRecordSignal: (l) => {
      recordSignalListeners.add(l);
      return () => recordSignalListeners.delete(l);
    },
    close: async () => {
      // A timer firing or a mail being relayed finishes before the file closes.
      await Promise.all([timers.stop(), outbox.stop()]);
      // Let a batch in flight commit before the file closes.
      await new Promise((r) => setImmediate(r));
      store.close();
    },
  };
}

interface DemoUser { id: string; username: string; password: string; displayName: string; roles: string[]; language: 'fr' | 'nl' | 'en'; email?: string }
interface DemoRecord { type: string; by: string; fields: Record<string, unknown>; events?: Array<{ type: string; by: string; data?: Record<string, unknown> }> }

async function seedDemo(dir: string, deps: { store: RecordStore; auth: AuthService; records: RecordsService }): Promise<void> {
  const usersFile = join(dir, 'users.yaml');
  const users = existsSync(usersFile) ? ((parseYaml(readFileSync(usersFile, 'utf8')) as { users: DemoUser[] }).users ?? []) : [];
  for (const u of users) await deps.auth.ensureUser(u);
  const recordsFile = join(dir, 'records.yaml');
  // Demo records only on an empty store: never touch a commune's real data.
  if (!existsSync(recordsFile) || deps.store.countInstances() > 0) return;
  const roles = new Map(users.map((u) => [u.id, u.roles]));
  const actor = (id: string) => ({ id, roles: roles.get(id) ?? [] });
  for (const r of (parseYaml(readFileSync(recordsFile, 'utf8')) as { records: DemoRecord[] }).records ?? []) {
    const created = await deps.records.create(actor(r.by), r.type, r.fields);
    for (const e of r.events ?? []) await deps.records.send(actor(e.by), created.id, { type: e.type, data: e.data ?? {} });
  }
}

export async function startServer(config: Config, clock: () => number = Date.now): Promise<RunningServer> {
  const runtime = await createRuntime(config, clock);
  const log = createLogger(config.logLevel);
  // What mounts opened for themselves, released after the HTTP server stops.
  const closers: Array<() => void | Promise<void>> = [];
  const mountContext: MountContext = { runtime, config, clock, log, onClose: (fn) => void closers.push(fn) };
  const app = createApp({
    auth: runtime.auth, records: runtime.records, packs: runtime.packs, store: runtime.store,
    maxBodyBytes: config.maxBodyBytes, secureCookies: false, log, uiDir: config.uiDir, clock, mountContext,
    health: () => ({ packId: runtime.packs.packId, packVersion: runtime.packs.active().version, instances: runtime.store.countInstances(), commits: runtime.committer.stats, timers: runtime.timers.stats, outbox: runtime.outbox.stats }),
  });
  let closing = false;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
    // server.close() only waits for busy keep-alive connections, and a client that keeps
    // sending on one holds the server open for ever: once closing, each answer ends its connection.
    s.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (closing) res.setHeader('Connection', 'close');
    });
  });
  const realtime = attachRealtime(server, { auth: runtime.auth, records: runtime.records, packs: runtime.packs, runtime, clock });
  mountContext.chatReply = (recordId, agentName, text) => agentChatReply(realtime.io, { runtime, clock }, recordId, agentName, text);
  const listeners: Array<{ close(): Promise<void>; info?: Record<string, unknown> }> = [];
  try {
    for (const l of LISTENERS) listeners.push(await l.start(mountContext));
  } catch (e) {
    // A channel that cannot start (a port taken) stops the server cleanly, with the reason.
    for (const l of listeners) await l.close();
    await realtime.close();
    await new Promise<void>((r) => server.close(() => r()));
    await runtime.close();
    throw e;
  }
  runtime.timers.start();
  runtime.outbox.start();
  const port = (server.address() as AddressInfo).port;
  return {
    ...runtime,
    url: `http://${config.host}:${port}`,
    server,
    channels: Object.assign({}, ...listeners.map((l) => l.info ?? {})) as Record<string, unknown>,
    close: async () => {
      closing = true;
      for (const l of listeners) await l.close();
      await realtime.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      for (const c of closers) await c();
      await runtime.close();
    },
  };
}
