/**
 * `npm run bench:intake` — email intake over real SMTP on loopback: mails become cases
 * (created, assigned to a queue by the pack's rules, auto-response queued) through the
 * embedded SMTP listener, on the durable store (synchronous=FULL).
 *
 *   npm run bench:intake [-- --mails=3000 --concurrency=16 --attachment-mb=10]
 *
 * - throughput: `concurrency` SMTP connections send `mails` mails as fast as the server
 *   answers; messages/s sustained over the whole run.
 * - p99 accept-to-case: from MAIL FROM (start of the SMTP transaction) to the 250 after the
 *   end of DATA, which the server gives only after the case and its message are committed.
 * - attachment: one mail with a random N MB attachment, streamed by the client (never whole
 *   in the client's memory); RSS growth of this process (the server) above the level before.
 *
 * The client is a minimal SMTP client on raw sockets (no pooling queue to hide latency).
 * Prints progress on stderr, then one JSON line (the last line):
 *   {"messages_per_s":…, "p99_ms":…, "attachment_10mb_rss_growth_mb":…}
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const num = (k: string, d: number): number => (args.has(k) ? Number(args.get(k)) : d);
const MAILS = num('mails', 3000);
const CONCURRENCY = num('concurrency', 16);
const ATTACHMENT_MB = num('attachment-mb', 10);
const ROOT = resolve(__dirname, '..', '..');

const progress = (msg: string): void => void process.stderr.write(`${msg}\n`);

interface Reply {
  code: number;
  text: string;
}

/** One SMTP connection: commands one after another, replies parsed (multi-line aware). */
class SmtpClient {
  private buffer = '';
  private lines: string[] = [];
  private waiting: Array<(r: Reply) => void> = [];
  private replies: Reply[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (d: string) => this.onData(d));
  }

  static async connect(port: number): Promise<SmtpClient> {
    const socket = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('error', rej);
    });
    const c = new SmtpClient(socket);
    await c.next(); // greeting
    const ehlo = await c.command('EHLO bench.local');
    if (ehlo.code !== 250) throw new Error(`EHLO refused: ${ehlo.text}`);
    return c;
  }

  private onData(d: string): void {
    this.buffer += d;
    let i: number;
    while ((i = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.lines.push(line);
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
        this.lines = [];
        const w = this.waiting.shift();
        if (w) w(reply);
        else this.replies.push(reply);
      }
    }
  }

  next(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((res) => this.waiting.push(res));
  }

  command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** Writes with back-pressure. */
  write(chunk: string): Promise<void> {
    return new Promise((res) => {
      if (this.socket.write(chunk)) res();
      else this.socket.once('drain', () => res());
    });
  }

  /** One whole transaction; `body` writes the message (without the final dot). Returns ms to the 250. */
  async send(from: string, to: string, body: (c: SmtpClient) => Promise<void>): Promise<number> {
    const t0 = performance.now();
    const m = await this.command(`MAIL FROM:<${from}>`);
    if (m.code !== 250) throw new Error(`MAIL FROM refused: ${m.text}`);
    const r = await this.command(`RCPT TO:<${to}>`);
    if (r.code !== 250) throw new Error(`RCPT TO refused: ${r.text}`);
    const d = await this.command('DATA');
    if (d.code !== 354) throw new Error(`DATA refused: ${d.text}`);
    await body(this);
    const done = await this.command('.');
    if (done.code !== 250) throw new Error(`mail refused: ${done.text}`);
    return performance.now() - t0;
  }

  async quit(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }
}

const MAILBOXES = ['info@commune.test', 'bevolking@commune.test', 'taxes@commune.test'];

function smallMail(i: number): { from: string; to: string; text: string } {
  const from = `citizen-${i}@bench.example.org`;
  const to = MAILBOXES[i % MAILBOXES.length] as string;
  const text = [
    `From: "Citizen ${i}" <${from}>`,
    `To: ${to}`,
    `Subject: Question ${i} about my file`,
    `Message-ID: <bench-${i}-${Date.now()}@bench.example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Bonjour, je voudrais savoir où en est mon dossier ${i}.`,
    'Merci d’avance, cordialement.',
    'x'.repeat(600),
    '',
  ].join('\r\n');
  return { from, to, text };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function throughput(port: number, mails: number, concurrency: number, offset: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => SmtpClient.connect(port)));
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (;;) {
        const i = next++;
        if (i >= mails) break;
        const m = smallMail(offset + i);
        latencies.push(await c.send(m.from, m.to, (cl) => cl.write(m.text)));
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.quit()));
  latencies.sort((a, b) => a - b);
  return { perSecond: mails / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * The attachment's sender runs in a child process: only the server's memory is measured here.
 * It speaks SMTP on a raw socket and streams random base64 lines with back-pressure.
 */
const ATTACHMENT_CLIENT = `
const net = require('node:net');
const { randomBytes } = require('node:crypto');
const [port, mb] = process.argv.slice(1).map(Number);
const s = net.connect({ port, host: '127.0.0.1' });
s.setEncoding('utf8');
let buf = '';
const waiting = [];
s.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\r\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 2);
    if (line[3] !== '-') waiting.shift()(line);
  }
});
const reply = () => new Promise((r) => waiting.push(r));
const cmd = (l) => { s.write(l + '\\r\\n'); return reply(); };
const write = (c) => new Promise((r) => (s.write(c) ? r() : s.once('drain', r)));
(async () => {
  await reply();
  await cmd('EHLO bench.local');
  const t0 = performance.now();
  await cmd('MAIL FROM:<scanner@bench.example.org>');
  await cmd('RCPT TO:<info@commune.test>');
  await cmd('DATA');
  const b = 'bench-boundary-42';
  await write(['From: scanner@bench.example.org', 'To: info@commune.test', 'Subject: Big scan', 'Message-ID: <bench-attachment-' + Date.now() + '@bench.example.org>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="' + b + '"', '', '--' + b, 'Content-Type: text/plain; charset=utf-8', '', 'Voici le scan de mon dossier.', '--' + b, 'Content-Type: application/pdf; name="scan.pdf"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="scan.pdf"', '', ''].join('\\r\\n'));
  let left = mb * 1024 * 1024;
  while (left > 0) {
    const n = Math.min(left, 57 * 1000);
    const raw = randomBytes(n);
    let out = '';
    for (let o = 0; o < n; o += 57) out += raw.subarray(o, o + 57).toString('base64') + '\\r\\n';
    await write(out);
    left -= n;
  }
  await write('--' + b + '--\\r\\n');
  const done = await cmd('.');
  const ms = performance.now() - t0;
  await cmd('QUIT');
  s.destroy();
  process.stdout.write(JSON.stringify({ reply: done, ms }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** One mail with a random attachment of `mb` MB; RSS growth of this (the server's) process. */
async function attachmentRun(port: number, mb: number): Promise<{ ms: number; growthMb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const start = process.memoryUsage();
  const base = start.rss;
  let peak = base;
  let detail = start;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) {
      peak = m.rss;
      detail = m;
    }
  }, 5);
  const out = await new Promise<string>((res, rej) => {
    execFile(process.execPath, ['-e', ATTACHMENT_CLIENT, String(port), String(mb)], { maxBuffer: 1 << 20 }, (err, stdout) => (err ? rej(err) : res(stdout)));
  });
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const result = JSON.parse(out) as { reply: string; ms: number };
  if (!result.reply.startsWith('250')) throw new Error(`attachment mail refused: ${result.reply}`);
  const mbOf = (n: number) => (n / (1024 * 1024)).toFixed(1);
  progress(`  before: rss ${mbOf(start.rss)} MB, heap used ${mbOf(start.heapUsed)} MB, heap total ${mbOf(start.heapTotal)} MB, external ${mbOf(start.external)} MB`);
  progress(`  at the peak: rss ${mbOf(detail.rss)} MB, heap used ${mbOf(detail.heapUsed)} MB, heap total ${mbOf(detail.heapTotal)} MB, external ${mbOf(detail.external)} MB`);
  return { ms: result.ms, growthMb: (peak - base) / (1024 * 1024) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'civic-flow-bench-intake-'));
  let server: RunningServer | null = null;
  try {
    const config = loadConfig(
      {
        DATA_DIR: join(dir, 'data'), PACK_DIR: join(ROOT, 'tests', 'fixtures', 'mail-pack'), DEMO_DIR: '', PORT: '0', SMTP_PORT: '0',
        LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '50', MAX_MAIL_BYTES: String(Math.max(25_000_000, ATTACHMENT_MB * 1.5 * 1024 * 1024)),
      },
      ROOT,
    );
    server = await startServer(config);
    const port = Number(server.channels['smtpPort']);
    progress(`SMTP listener on 127.0.0.1:${port} (synchronous=${config.synchronous})`);

    await throughput(port, 200, 4, 1_000_000);
    progress('warm-up done');

    const att = await attachmentRun(port, ATTACHMENT_MB);
    progress(`attachment ${ATTACHMENT_MB} MB: accepted in ${att.ms.toFixed(0)} ms, RSS growth ${att.growthMb.toFixed(1)} MB`);

    const before = server.store.countInstances();
    const run = await throughput(port, MAILS, CONCURRENCY, 0);
    const created = server.store.countInstances() - before;
    const system = { id: 'system', roles: ['system'] };
    const page = server.records.list(system, { limit: 500 });
    const unassigned = page.items.filter((r) => !r.queue).length;
    progress(`${MAILS} mails over ${CONCURRENCY} connections: ${run.perSecond.toFixed(0)} messages/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms`);
    progress(`cases created: ${created} (expected ${MAILS}); unassigned among the last 500: ${unassigned}`);
    if (created !== MAILS) throw new Error(`expected ${MAILS} cases, found ${created}`);
    if (unassigned > 0) throw new Error('some cases were not assigned to a queue');
    // Let the auto-responses drain before closing (not timed).
    const t = Date.now();
    while (server.store.listOutbox('pending', 1).length > 0 && Date.now() - t < 30_000) await new Promise((r) => setTimeout(r, 100));
    progress(`auto-responses kept: ${server.store.listDeliveries('mail', 100_000).length}`);

    console.log(JSON.stringify({ messages_per_s: Math.round(run.perSecond), p99_ms: Number(run.p99.toFixed(2)), attachment_10mb_rss_growth_mb: Number(att.growthMb.toFixed(1)) }));
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
