/**
 * Trust tests: the server is stopped while events stream in from many concurrent clients.
 * - SIGKILL: every event that was acknowledged (HTTP 200) is still there after restart; an
 *   event in flight at the kill may or may not have committed, but never half: the field,
 *   the history and the version always agree.
 * - SIGTERM: the server stops promptly even though keep-alive clients keep sending, exits 0,
 *   and exactly the acknowledged events are there after restart.
 */
import { bumpEntries, Client, killAllServers, removeDir, startServer, streamBumps, tempDataDir, waitFor, type ServerProcess, type Tally, type TicketView } from './server-harness';

jest.setTimeout(60_000);

const TICKETS = 20;
const LOOPS = 16;

const dirs: string[] = [];
const client = new Client({ maxSockets: LOOPS * 2 });

afterAll(async () => {
  client.close();
  await killAllServers();
  for (const d of dirs) removeDir(d);
});

/** A fresh store with TICKETS tickets, and a stream of bumps that has run ~1.5 s. */
async function streaming(): Promise<{ dir: string; server: ServerProcess; tickets: TicketView[]; stream: ReturnType<typeof streamBumps> }> {
  const dir = tempDataDir();
  dirs.push(dir);
  const server = await startServer(dir);
  await client.login(server.url);
  const tickets: TicketView[] = [];
  for (let i = 0; i < TICKETS; i++) tickets.push(await client.createTicket(server.url, `Stream ${i}`));
  const stream = streamBumps(client, server.url, tickets.map((t) => t.id), LOOPS);
  // ~1.5 s, and long enough to have something to lose, then the server is stopped mid-stream.
  const start = Date.now();
  await waitFor('the event stream to get going', async () => (Date.now() - start >= 1500 && stream.acked() >= 50 ? true : undefined), 20_000, 20);
  return { dir, server, tickets, stream };
}

/** Reads every ticket back and checks it against what the clients were told; returns the bumps found. */
async function expectConsistent(url: string, tickets: TicketView[], tally: Tally[], exact: boolean): Promise<number> {
  let committed = 0;
  for (const [i, ticket] of tickets.entries()) {
    const t = tally[i] as Tally;
    const view = await client.get(url, ticket.id);
    const history = await client.history(url, ticket.id);
    const counter = view.fields.counter ?? -1;
    const context = `ticket ${i}: counter ${counter}, acked ${t.acked}, unanswered ${t.unknown}, version ${view.version}, history ${history.length}`;
    // Nothing acknowledged is lost; nothing appears that was not sent.
    const ok = exact ? counter === t.acked : counter >= t.acked && counter <= t.acked + t.unknown;
    expect({ context, ok }).toEqual({ context, ok: true });
    // Never half an event: the field, the history and the version agree.
    expect(bumpEntries(history)).toHaveLength(counter);
    expect(view.version).toBe(history.length);
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: history.length }, (_, k) => k + 1));
    expect(view.status).toBe('open');
    committed += counter;
  }
  return committed;
}

it('SIGKILL while events stream in loses no acknowledged event', async () => {
  const { dir, server, tickets, stream } = await streaming();
  await server.kill();
  await stream.stop();

  const tally = stream.tally;
  expect(tally.flatMap((t) => t.refused)).toEqual([]);
  const acked = stream.acked();
  expect(acked).toBeGreaterThanOrEqual(50);
  // At most one request per loop can be without an answer.
  expect(tally.reduce((n, t) => n + t.unknown, 0)).toBeLessThanOrEqual(LOOPS);

  const restarted = await startServer(dir);
  expect(await expectConsistent(restarted.url, tickets, tally, false)).toBeGreaterThanOrEqual(acked);

  // The restarted server takes new events on these records.
  const first = tickets[0] as TicketView;
  const before = await client.get(restarted.url, first.id);
  const res = await client.send(restarted.url, first.id, 'bump', before.version);
  expect(res.status).toBe(200);
  expect(res.body.fields.counter).toBe((before.fields.counter ?? 0) + 1);
  await restarted.stop();
});

it('SIGTERM while events stream in stops the server promptly and keeps exactly the acknowledged events', async () => {
  const { dir, server, tickets, stream } = await streaming();
  const stopAt = Date.now();
  // Keep-alive clients keep sending: the stop must not wait for them to give up.
  const exit = await server.stop(10_000);
  const stopMs = Date.now() - stopAt;
  await stream.stop();
  expect(exit).toEqual({ code: 0, signal: null });
  expect(stopMs).toBeLessThan(10_000);

  const tally = stream.tally;
  expect(tally.flatMap((t) => t.refused)).toEqual([]);
  const acked = stream.acked();
  expect(acked).toBeGreaterThanOrEqual(50);

  // A graceful stop answers every request it took: what was acknowledged is exactly what is there.
  const restarted = await startServer(dir);
  expect(await expectConsistent(restarted.url, tickets, tally, true)).toBe(acked);
  await restarted.stop();
});
