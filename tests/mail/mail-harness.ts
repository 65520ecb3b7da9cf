/**
 * A real server on the mail-pack fixture (tests/fixtures/mail-pack) with its SMTP listener on
 * a free loopback port (SMTP_PORT=0), and a real SMTP client (nodemailer) to talk to it.
 */
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import type { MessageRow } from '../../runtime/ports/record-store.port';
import type { RecordView } from '../../runtime/services/records.service';
import { ApiClient, REPO_ROOT } from '../api/api-harness';

export { ApiClient, eventually } from '../api/api-harness';

export const MAIL_PACK_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'mail-pack');
export const MAIL_DEMO_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'mail-demo');
export const USERS = {
  admin: { username: 'admin', password: 'admin-test' },
  agent: { username: 'agent', password: 'agent-test' },
  reader: { username: 'reader', password: 'reader-test' },
} as const;

export interface MailServer {
  runtime: RunningServer;
  smtpPort: number;
  dataDir: string;
  login(user: keyof typeof USERS): Promise<ApiClient>;
  /** Sends over SMTP; resolves with the server's answer, rejects with its refusal. */
  send(mail: Mail.Options): Promise<{ response: string; accepted: unknown[] }>;
  /** Every record of the store (as system sees them), newest first. */
  cases(): RecordView[];
  messages(recordId: string): MessageRow[];
  mails(): Array<Record<string, unknown>>;
  /** Files in the blob store. */
  blobCount(): number;
  close(): Promise<void>;
}

export interface SmtpFailure extends Error {
  responseCode?: number;
  response?: string;
}

export async function startMailServer(env: Record<string, string> = {}): Promise<MailServer> {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-mail-'));
  const dataDir = join(root, 'data');
  const config = loadConfig(
    { DATA_DIR: dataDir, PACK_DIR: MAIL_PACK_DIR, DEMO_DIR: MAIL_DEMO_DIR, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '20', TIMER_POLL_MS: '1000', ...env },
    REPO_ROOT,
  );
  const runtime = await startServer(config);
  const smtpPort = Number(runtime.channels['smtpPort']);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: false });
  const system = { id: 'system', roles: ['system'] };
  return {
    runtime,
    smtpPort,
    dataDir,
    login: (user) => new ApiClient(runtime.url).login(USERS[user].username, USERS[user].password),
    send: async (mail) => {
      const info = (await transport.sendMail(mail)) as { response: string; accepted: unknown[] };
      return info;
    },
    cases: () => runtime.records.list(system, { limit: 500 }).items,
    messages: (recordId) => runtime.store.listMessages(recordId),
    mails: () => runtime.store.listDeliveries('mail', 10_000),
    blobCount: () => {
      const dir = join(dataDir, 'blobs');
      if (!existsSync(dir)) return 0;
      return readdirSync(dir).reduce((n, sub) => n + readdirSync(join(dir, sub)).filter((f) => !f.endsWith('.tmp')).length, 0);
    },
    close: async () => {
      transport.close();
      await runtime.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The refusal of a send that was expected to fail. */
export async function refusal(p: Promise<unknown>): Promise<SmtpFailure> {
  try {
    await p;
  } catch (e) {
    return e as SmtpFailure;
  }
  throw new Error('the server accepted a mail it should have refused');
}
