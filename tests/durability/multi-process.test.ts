/**
 * Trust test: two server processes share one SQLite file. Two events sent at once on the
 * same record with the same expectedVersion, one to each process: exactly one is applied
 * (200), the other is refused as stale (409); nothing is lost or applied twice.
 */
import { Client, killAllServers, removeDir, startServer, tempDataDir, type Response, type TicketView } from './server-harness';

jest.setTimeout(60_000);

const dirs: string[] = [];
const client = new Client();

afterAll(async () => {
  client.close();
  await killAllServers();
  for (const d of dirs) removeDir(d);
});

it('two concurrent events on one record through two server processes: one 200, one 409', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  // The first start creates the store and publishes the pack; the second joins it.
  const a = await startServer(dir);
  const b = await startServer(dir);
  await client.login(a.url);
  const ticket = await client.createTicket(a.url, 'Contended');

  const rounds = 8;
  let version = ticket.version;
  for (let round = 0; round < rounds; round++) {
    const results: Array<Response<TicketView>> = await Promise.all([
      client.send(a.url, ticket.id, 'bump', version),
      client.send(b.url, ticket.id, 'bump', version),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409);
    expect(loser?.body).toMatchObject({ code: 'stale-version' });
    const winner = results.find((r) => r.status === 200);
    expect(winner?.body).toMatchObject({ version: version + 1, fields: { counter: round + 1 } });
    version++;
  }

  // Both processes read the same record: every winning event once, no loser applied.
  const viaA = await client.get(a.url, ticket.id);
  const viaB = await client.get(b.url, ticket.id);
  expect(viaA).toEqual(viaB);
  expect(viaA).toMatchObject({ version: rounds + 1, fields: { counter: rounds } });
  const history = await client.history(b.url, ticket.id);
  expect(history.map((h) => h.version)).toEqual(Array.from({ length: rounds + 1 }, (_, k) => k + 1));
  expect(history.filter((h) => h.eventType === 'bump')).toHaveLength(rounds);

  // The same race inside one process (one group-commit batch) has the same outcome.
  const same = await Promise.all([client.send(a.url, ticket.id, 'bump', version), client.send(a.url, ticket.id, 'bump', version)]);
  expect(same.map((r) => r.status).sort()).toEqual([200, 409]);

  await Promise.all([a.stop(), b.stop()]);
});
