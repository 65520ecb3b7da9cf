/**
 * A real server for the HTTP API tests: a fresh temporary DATA_DIR per test file, the shipped
 * pack, the demo users (without the demo records, so counts are the test's own), and a small
 * cookie-keeping client over the global fetch.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import type { RecordView } from '../../runtime/services/records.service';
import type { HistoryRow as HistoryItem } from '../../runtime/ports/record-store.port';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PACK_DIR = join(REPO_ROOT, 'definitions', 'brussels-commune');

export interface TestServer {
  url: string;
  runtime: RunningServer;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts a server on a random port with its own store; `env` overrides any setting. */
/** `clock` lets a test move time forward (deadlines of days or weeks) on a real server. */
export async function startTestServer(env: Record<string, string> = {}, clock: () => number = Date.now): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-api-'));
  const dataDir = join(root, 'data');
  const demoDir = join(root, 'demo');
  mkdirSync(demoDir);
  copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demoDir, 'users.yaml'));
  const config = loadConfig(
    { DATA_DIR: dataDir, PACK_DIR, DEMO_DIR: demoDir, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', TIMER_POLL_MS: '50', OUTBOX_POLL_MS: '50', GEOCODER_URL: '', ...env },
    REPO_ROOT,
  );
  const runtime = await startServer(config, clock);
  return {
    url: runtime.url,
    runtime,
    dataDir,
    close: async () => {
      await runtime.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const PASSWORDS: Record<string, string> = {
  admin: 'admin-demo',
  agent: 'agent-demo',
  'agent-nl': 'agent-demo',
  manager: 'manager-demo',
  alderman: 'alderman-demo',
  secretary: 'secretary-demo',
  author: 'author-demo',
  km: 'km-demo',
};

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

// The wire shapes are the service's own types: a change of the API shows up here at compile time.
export type { LocalizedText } from '../../engine/errors';
export type { EventView, RecordView } from '../../runtime/services/records.service';
export type { HistoryRow as HistoryItem } from '../../runtime/ports/record-store.port';

export interface RecordPage {
  total: number;
  items: RecordView[];
}

export interface RequestOptions {
  /** Sent as is, with Content-Type application/json (for malformed or huge bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

/** One browser: keeps the session cookie it was given and sends it back. */
export class ApiClient {
  cookie: string | null = null;

  constructor(readonly baseUrl: string, private readonly language?: string) {}

  async request<T = ErrorBody>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.language) headers['accept-language'] = this.language;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = ErrorBody>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T = ErrorBody>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, options);
  }

  /** Logs in and keeps the session cookie; fails the test if the login is refused. */
  async login(username: string, password = PASSWORDS[username] ?? ''): Promise<this> {
    const res = await this.post<{ user: { id: string } }>('/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username} gave ${res.status}: ${JSON.stringify(res.body)}`);
    const session = sessionCookie(res.headers);
    if (!session) throw new Error(`login ${username} set no ${SESSION} cookie`);
    this.cookie = session.split(';')[0] ?? null;
    return this;
  }

  // --- shortcuts for the records API ---

  async create(fields: Record<string, unknown>, type = 'dossier'): Promise<RecordView> {
    const res = await this.post<RecordView>(`/api/records/${type}`, { fields });
    if (res.status !== 201) throw new Error(`create ${type} gave ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async send(id: string, type: string, data: Record<string, unknown> = {}, expectedVersion?: number): Promise<RecordView> {
    const res = await this.event(id, type, data, expectedVersion);
    if (res.status !== 200) throw new Error(`event ${type} gave ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as RecordView;
  }

  event(id: string, type: string, data: Record<string, unknown> = {}, expectedVersion?: number): Promise<ApiResponse<RecordView & ErrorBody>> {
    return this.post<RecordView & ErrorBody>(`/api/records/${id}/events`, { type, data, ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
  }

  async record(id: string): Promise<RecordView> {
    const res = await this.get<RecordView>(`/api/records/${id}`);
    if (res.status !== 200) throw new Error(`GET record ${id} gave ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async history(id: string): Promise<HistoryItem[]> {
    const res = await this.get<{ items: HistoryItem[] }>(`/api/records/${id}/history`);
    if (res.status !== 200) throw new Error(`GET history ${id} gave ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.items;
  }
}

const SESSION = 'cf_session';

/** The Set-Cookie header of the session cookie, attributes included. */
export function sessionCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`));
}

export async function loggedIn(baseUrl: string, username: string): Promise<ApiClient> {
  return new ApiClient(baseUrl).login(username);
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | null | undefined>, timeoutMs = 3000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const dutchBakery = { company_name: 'Bakkerij Peeters BV', enterprise_number: '0403.170.701', tax_regulation: 'signage', language: 'nl' };
export const frenchGarage = { company_name: 'Garage du Midi SA', tax_regulation: 'parking', language: 'fr' };

/** Who takes a census letter through its approval and signatures. */
export interface Signers {
  agent: ApiClient;
  /** Approves the letter before the signatories see it (TR-23). */
  manager: ApiClient;
  alderman: ApiClient;
  secretary: ApiClient;
}

/** Creates a dossier (by `by`, the agent unless said) and takes it through preparation, the manager's approval and both signatures: state `signed`. */
export async function signedDossier(who: Signers, fields: Record<string, unknown>, by: ApiClient = who.agent): Promise<RecordView> {
  const d = await by.create({ tax_regulation: 'signage', language: 'fr', ...fields });
  await by.send(d.id, 'prepare');
  await by.send(d.id, 'request-signature');
  await who.manager.send(d.id, 'approve');
  await who.alderman.send(d.id, 'approve');
  const signed = await who.secretary.send(d.id, 'approve');
  if (!signed.states.includes('signed')) throw new Error(`dossier ${d.id} is not signed: ${signed.states.join('/')}`);
  return signed;
}
