/**
 * Trust test: a timer that came due while the server was down fires on restart, exactly
 * once, also when two server processes share the store and race to claim it.
 * The fixture's `waiting` state has `after: PT2S → expired`, incrementing `counter`.
 */
import { Client, killAllServers, removeDir, sleep, startServer, tempDataDir, timerEntries, waitFor, type ServerProcess, type TicketView } from './server-harness';

jest.setTimeout(60_000);

const dirs: string[] = [];
const client = new Client();

afterAll(async () => {
  client.close();
  await killAllServers();
  for (const d of dirs) removeDir(d);
});

/** Creates tickets and sends `wait`; resolves with them and the time the last wait was acknowledged. */
async function waitingTickets(servers: ServerProcess[], n: number, prefix: string): Promise<{ tickets: TicketView[]; lastAckAt: number }> {
  const tickets: TicketView[] = [];
  for (let i = 0; i < n; i++) {
    const url = servers[i % servers.length]?.url ?? '';
    const t = await client.createTicket(url, `${prefix} ${i}`);
    const res = await client.send(url, t.id, 'wait', 1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'waiting', version: 2 });
    tickets.push(res.body);
  }
  return { tickets, lastAckAt: Date.now() };
}

/** Polls until every ticket is expired. */
function allExpired(url: string, tickets: TicketView[]): Promise<TicketView[]> {
  return waitFor(`${tickets.length} ticket(s) to expire`, async () => {
    const views = await Promise.all(tickets.map((t) => client.get(url, t.id)));
    return views.every((v) => v.status === 'expired') ? views : undefined;
  }, 20_000, 100);
}

/** Fired exactly once: counter incremented once, one timer entry, version 3 (create, wait, timer). */
async function expectFiredOnce(url: string, ticketId: string, firedAfter?: number): Promise<void> {
  const view = await client.get(url, ticketId);
  expect(view).toMatchObject({ status: 'expired', done: true, version: 3, fields: { counter: 1 } });
  const history = await client.history(url, ticketId);
  expect(history.map((h) => h.version)).toEqual([1, 2, 3]);
  const fired = timerEntries(history);
  expect(fired).toHaveLength(1);
  expect(fired[0]).toMatchObject({ actor: 'system', fromStates: ['waiting'], toStates: ['expired'] });
  if (firedAfter !== undefined) expect(Date.parse(fired[0]?.at ?? '')).toBeGreaterThanOrEqual(firedAfter);
}

/** What the process's scheduler did: fired, or found obsolete (stale) — a second claim of a timer shows up as stale. */
async function timerStats(server: ServerProcess): Promise<{ fired: number; stale: number; failed: number }> {
  const res = await client.request<{ timers: { fired: number; stale: number; failed: number } }>(server.url, 'GET', '/healthz');
  return res.body.timers;
}

it('a timer due while the server was down fires exactly once after restart', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  let server = await startServer(dir);
  await client.login(server.url);
  const { tickets, lastAckAt } = await waitingTickets([server], 1, 'Overdue');
  const ticket = tickets[0] as TicketView;

  // Killed at once: the timer (due in 2 s) cannot have fired before.
  await server.kill();
  await sleep(Math.max(0, lastAckAt + 3000 - Date.now()));

  const restartAt = Date.now();
  server = await startServer(dir);
  await allExpired(server.url, [ticket]);
  await expectFiredOnce(server.url, ticket.id, restartAt);

  // Nothing fires it a second time.
  await sleep(1500);
  await expectFiredOnce(server.url, ticket.id, restartAt);
  expect(await timerStats(server)).toEqual({ fired: 1, stale: 0, failed: 0 });
  await server.stop();
});

it('a timer fires exactly once when two server processes share the store', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  const first = await startServer(dir);
  await client.login(first.url);
  const overdue = await waitingTickets([first], 10, 'Overdue, two processes');
  await first.kill();
  await sleep(Math.max(0, overdue.lastAckAt + 3000 - Date.now()));

  // Two processes come up on the same DATA_DIR and both poll the overdue timers.
  const restartAt = Date.now();
  const [a, b] = await Promise.all([startServer(dir), startServer(dir)]);
  if (!a || !b) throw new Error('two servers expected');
  await allExpired(a.url, overdue.tickets);
  for (const t of overdue.tickets) await expectFiredOnce(b.url, t.id, restartAt);

  // Timers that come due while both processes are up and polling every 100 ms.
  const live = await waitingTickets([a, b], 10, 'Live, two processes');
  await allExpired(b.url, live.tickets);

  await sleep(1500);
  // Read back through both processes.
  for (const [i, t] of [...overdue.tickets, ...live.tickets].entries()) await expectFiredOnce(i % 2 ? a.url : b.url, t.id);
  // Each process counts what it did: together exactly one firing per timer, and no timer
  // was claimed by both (the second claim would have found it obsolete: stale).
  const [sa, sb] = await Promise.all([timerStats(a), timerStats(b)]);
  expect({ fired: sa.fired + sb.fired, stale: sa.stale + sb.stale, failed: sa.failed + sb.failed }).toEqual({ fired: 20, stale: 0, failed: 0 });
  await Promise.all([a.stop(), b.stop()]);
});
