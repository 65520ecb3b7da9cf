/**
 * A real server on the webforms-pack fixture (tests/fixtures/webforms-pack) with its own
 * temporary DATA_DIR, for the web forms and Facebook tests; `env` overrides any setting
 * (FORMS_PER_MINUTE, FACEBOOK_GRAPH_URL…).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import { ApiClient, REPO_ROOT } from '../api/api-harness';

export { ApiClient, eventually, type RecordPage, type RecordView } from '../api/api-harness';

export const WEBFORMS_PACK_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'webforms-pack');
export const WEBFORMS_DEMO_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'webforms-demo');

export const USERS = {
  admin: { username: 'admin', password: 'admin-test' },
  agent: { username: 'agent', password: 'agent-test' },
  reader: { username: 'reader', password: 'reader-test' },
} as const;

export interface FormsServer {
  url: string;
  runtime: RunningServer;
  login(user: keyof typeof USERS): Promise<ApiClient>;
  /** Every case in the store, straight from it. */
  cases(): Array<{ id: string; fields: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startFormsServer(env: Record<string, string> = {}): Promise<FormsServer> {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-forms-'));
  const config = loadConfig(
    { DATA_DIR: join(root, 'data'), PACK_DIR: WEBFORMS_PACK_DIR, DEMO_DIR: WEBFORMS_DEMO_DIR, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', TIMER_POLL_MS: '50', OUTBOX_POLL_MS: '50', SMTP_PORT: '-1', ...env },
    REPO_ROOT,
  );
  const runtime = await startServer(config);
  return {
    url: runtime.url,
    runtime,
    login: (user) => new ApiClient(runtime.url).login(USERS[user].username, USERS[user].password),
    cases: () =>
      runtime.store
        .listInstances({ recordTypes: ['case'], filters: {}, sort: 'createdAt', direction: 'asc', limit: 500, offset: 0 })
        .rows.map((r) => ({ id: r.id, fields: r.snapshot.context.fields })),
    close: async () => {
      await runtime.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
}

/** GET a page as a browser would, in the given language (Accept-Language). */
export async function getPage(url: string, acceptLanguage?: string): Promise<PageResponse> {
  const res = await fetch(url, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** POST a form as a browser would (application/x-www-form-urlencoded). */
export async function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** A valid submission of the fixture's contact form. */
export function validContact(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    from_name: 'Marie Dubois',
    from_email: 'marie.dubois@example.be',
    from_phone: '02 123 45 67',
    topic: 'waste',
    subject: 'Dépôt clandestin rue Haute',
    description: 'Des sacs poubelles sont déposés depuis trois jours au coin de la rue Haute.',
    website: '',
    ...overrides,
  };
}
