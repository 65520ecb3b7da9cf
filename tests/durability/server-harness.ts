/**
 * Test harness for the durability ("trust") tests: runs the real server as a child process
 * (`tsx runtime/cli/cli.ts serve`) on a DATA_DIR that outlives it, stops it gracefully or with
 * SIGKILL, and talks to it over plain HTTP.
 *
 * `tsx` runs the program in a second node process. SIGKILL cannot be relayed, so killing only
 * the tsx process would leave the real server running as an orphan: each server is started
 * in its own process group (detached) and a kill goes to the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const PACK_DIR = join(ROOT, 'tests', 'fixtures', 'short-timer-pack');
export const DEMO_DIR = join(ROOT, 'tests', 'fixtures', 'short-timer-demo');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export const CLERK = { username: 'clerk', password: 'clerk-test' };

export interface TicketView {
  id: string;
  status: string;
  states: string[];
  version: number;
  done: boolean;
  fields: { subject?: string; counter?: number; note?: string };
}

export interface HistoryItem {
  version: number;
  at: string;
  actor: string;
  eventType: string;
  fromStates: string[];
  toStates: string[];
}

export interface Response<T = unknown> {
  status: number;
  body: T;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A port nobody listens on right now: bind port 0, read it, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') {
        srv.close();
        reject(new Error('no port'));
        return;
      }
      srv.close(() => resolvePort(address.port));
    });
  });
}

/** True while something accepts TCP connections on the port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((r) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await sleep(everyMs);
  }
}

export class ServerProcess {
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private alive = true;
  stderr = '';

  constructor(readonly child: ChildProcess, readonly port: number, readonly url: string) {
    this.exited = new Promise((r) => child.once('exit', (code, signal) => {
      this.alive = false;
      r({ code, signal });
    }));
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }

  get running(): boolean {
    return this.alive;
  }

  /** SIGKILL to the whole process group: tsx and the node process that runs the server. */
  async kill(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    await this.exited;
    // The server is really gone when nothing listens on its port any more.
    await waitFor(`port ${this.port} to close after SIGKILL`, async () => ((await accepting(this.port)) ? undefined : true), 10_000, 50);
  }

  /** SIGTERM to tsx, which relays it to the server: the graceful shutdown path. */
  async stop(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([this.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)))]);
    clearTimeout(timer);
    if (result === null) {
      await this.kill();
      throw new Error(`server on port ${this.port} did not stop within ${timeoutMs} ms of SIGTERM`);
    }
    await waitFor(`port ${this.port} to close after SIGTERM`, async () => ((await accepting(this.port)) ? undefined : true), 10_000, 50);
    return result;
  }
}

const started = new Set<ServerProcess>();

/** Starts `tsx runtime/cli/cli.ts serve` on DATA_DIR and resolves once it says it is running. */
export async function startServer(dataDir: string, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  let lastError: Error | null = null;
  // The free port could be taken between the probe and the server's bind: try another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOnPort(dataDir, port, extraEnv);
    } catch (e) {
      lastError = e as Error;
      if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('could not start the server');
}

function startOnPort(dataDir: string, port: number, extraEnv: Record<string, string>): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PACK_DIR,
    DEMO_DIR,
    SEED_DEMO: 'true',
    SQLITE_SYNCHRONOUS: 'FULL',
    LOG_LEVEL: 'silent',
    SMTP_PORT: '0',
    TIMER_POLL_MS: '100',
    OUTBOX_POLL_MS: '100',
    ...extraEnv,
  };
  const child = spawn(TSX, ['runtime/cli/cli.ts', 'serve'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new ServerProcess(child, port, `http://127.0.0.1:${port}`);
  started.add(server);
  return new Promise((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void server.kill().finally(() => reject(new Error(`server did not start within 45 s; stderr: ${server.stderr}`)));
    }, 45_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/is running at http:\/\/\S+\//.test(out)) {
        clearTimeout(timer);
        resolveStart(server);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // Late exits of a started server are handled by ServerProcess; this only matters before start.
      reject(new Error(`server exited before starting (code ${code}, signal ${signal}); stdout: ${out}; stderr: ${server.stderr}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** SIGKILLs every server a test started and did not stop: no orphan survives the test run. */
export async function killAllServers(): Promise<void> {
  await Promise.all([...started].map((s) => s.kill().catch(() => undefined)));
  started.clear();
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'civic-flow-durability-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A logged-in HTTP client; the session lives in the shared store, so it works on every server of one DATA_DIR. */
export class Client {
  private readonly agent: http.Agent;
  private cookie = '';

  constructor(options: { maxSockets?: number } = {}) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 8 });
  }

  async login(baseUrl: string, user = CLERK): Promise<void> {
    const res = await this.raw(baseUrl, 'POST', '/api/auth/login', user);
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  request<T = unknown>(baseUrl: string, method: string, path: string, body?: unknown): Promise<Response<T>> {
    return this.raw(baseUrl, method, path, body) as Promise<Response<T>>;
  }

  async createTicket(baseUrl: string, subject: string): Promise<TicketView> {
    const res = await this.request<TicketView>(baseUrl, 'POST', '/api/records/ticket', { fields: { subject } });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  send(baseUrl: string, id: string, type: string, expectedVersion?: number): Promise<Response<TicketView>> {
    return this.request<TicketView>(baseUrl, 'POST', `/api/records/${id}/events`, { type, data: {}, ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
  }

  async get(baseUrl: string, id: string): Promise<TicketView> {
    const res = await this.request<TicketView>(baseUrl, 'GET', `/api/records/${id}`);
    if (res.status !== 200) throw new Error(`GET ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async history(baseUrl: string, id: string): Promise<HistoryItem[]> {
    const res = await this.request<{ items: HistoryItem[] }>(baseUrl, 'GET', `/api/records/${id}/history`);
    if (res.status !== 200) throw new Error(`GET ${id}/history: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items;
  }

  close(): void {
    this.agent.destroy();
  }

  private raw(baseUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
    const url = new URL(path, baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolveRes, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
          timeout: 20_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.find((c) => c.startsWith('cf_session='));
            if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? (JSON.parse(text) as unknown) : null;
            } catch {
              // Not JSON: keep the text.
            }
            resolveRes({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

export const timerEntries = (history: HistoryItem[]) => history.filter((h) => h.eventType.startsWith('timer:'));
export const bumpEntries = (history: HistoryItem[]) => history.filter((h) => h.eventType === 'bump');

/** What became of the `bump` events sent to one ticket. */
export interface Tally {
  /** Answered 200: committed, must survive. */
  acked: number;
  /** No answer (the connection died or was refused): may or may not have committed. */
  unknown: number;
  /** Any other status: a failure of the test run itself. */
  refused: number[];
}

/**
 * Sends `bump` events to random tickets from `loops` concurrent loops, as fast as the server
 * answers, until `stop()`; a loop ends at its first request without an answer.
 */
export function streamBumps(client: Client, url: string, ticketIds: string[], loops: number): { tally: Tally[]; acked(): number; stop(): Promise<void> } {
  const tally: Tally[] = ticketIds.map(() => ({ acked: 0, unknown: 0, refused: [] }));
  let stopping = false;
  const running = Array.from({ length: loops }, async () => {
    while (!stopping) {
      const i = Math.floor(Math.random() * ticketIds.length);
      const t = tally[i] as Tally;
      try {
        const res = await client.send(url, ticketIds[i] as string, 'bump');
        if (res.status === 200) t.acked++;
        else t.refused.push(res.status);
      } catch {
        t.unknown++;
        return;
      }
    }
  });
  return {
    tally,
    acked: () => tally.reduce((n, t) => n + t.acked, 0),
    stop: async () => {
      stopping = true;
      await Promise.all(running);
    },
  };
}
