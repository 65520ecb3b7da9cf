/**
 * A real server on the effects-pack fixture (tests/fixtures/effects-pack) with its own
 * temporary DATA_DIR. The outbox either runs on its own (real clock, short poll) or is driven
 * by the test: a fake clock and a poll so long it never fires, then `runtime.outbox.tick()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import type { OutboxRow } from '../../runtime/ports/record-store.port';
import { ApiClient, REPO_ROOT } from '../api/api-harness';

export { ApiClient, eventually, type ErrorBody, type HistoryItem, type RecordPage, type RecordView } from '../api/api-harness';

export const EFFECTS_PACK_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'effects-pack');
export const EFFECTS_DEMO_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'effects-demo');

export const USERS = {
  admin: { id: 'u-admin', username: 'admin', password: 'admin-test' },
  clerk: { id: 'u-clerk', username: 'clerk', password: 'clerk-test' },
} as const;

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(private current: number) {}

  readonly now = (): number => this.current;

  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }
}

export interface EffectsServer {
  url: string;
  runtime: RunningServer;
  login(user: keyof typeof USERS): Promise<ApiClient>;
  /** The outbox rows of one record, oldest first (straight from the store). */
  outboxOf(recordId: string): OutboxRow[];
  close(): Promise<void>;
}

/**
 * With `clock`, nothing runs on its own: the outbox and timer polls are set to a minute (the
 * maximum) and the test calls `runtime.outbox.tick()`; without, the outbox polls every 50 ms.
 */
export async function startEffectsServer(options: { clock?: FakeClock } = {}): Promise<EffectsServer> {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-effects-'));
  const poll = options.clock ? '60000' : '50';
  const config = loadConfig(
    { DATA_DIR: join(root, 'data'), PACK_DIR: EFFECTS_PACK_DIR, DEMO_DIR: EFFECTS_DEMO_DIR, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', TIMER_POLL_MS: poll, OUTBOX_POLL_MS: poll },
    REPO_ROOT,
  );
  const runtime = await startServer(config, options.clock?.now);
  return {
    url: runtime.url,
    runtime,
    login: (user) => new ApiClient(runtime.url).login(USERS[user].username, USERS[user].password),
    outboxOf: (recordId) =>
      runtime.store
        .listOutbox(null, 10_000)
        .filter((r) => r.instanceId === recordId)
        .sort((a, b) => a.id - b.id),
    close: async () => {
      await runtime.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The one outbox row of a record, failing the test if there is not exactly one. */
export function only<T>(rows: T[], what: string): T {
  if (rows.length !== 1) throw new Error(`expected exactly one ${what}, found ${rows.length}`);
  return rows[0] as T;
}

/** A mail as GET /api/admin/mail gives it. */
export interface MailItem {
  id: number;
  at: string;
  key: string;
  to: string;
  recordId: string;
  lang: 'fr' | 'nl';
  subject: string;
  body: string;
}
