/**
 * Trust test: a record survives a graceful restart of the server unchanged (state, fields,
 * version, history), and the restarted server keeps applying events to it.
 */
import { Client, killAllServers, removeDir, startServer, tempDataDir } from './server-harness';

jest.setTimeout(60_000);

const dirs: string[] = [];
const client = new Client();

afterAll(async () => {
  client.close();
  await killAllServers();
  for (const d of dirs) removeDir(d);
});

it('a record restarted between events keeps its state', async () => {
  const dir = tempDataDir();
  dirs.push(dir);
  let server = await startServer(dir);
  await client.login(server.url);

  const created = await client.createTicket(server.url, 'Survives a restart');
  expect(created).toMatchObject({ status: 'open', version: 1, fields: { counter: 0 } });
  for (const expectedVersion of [1, 2]) {
    const res = await client.send(server.url, created.id, 'bump', expectedVersion);
    expect(res.status).toBe(200);
  }
  const before = await client.get(server.url, created.id);
  const historyBefore = await client.history(server.url, created.id);
  expect(before).toMatchObject({ status: 'open', states: ['open'], version: 3, fields: { subject: 'Survives a restart', counter: 2 } });
  expect(historyBefore.map((h) => [h.version, h.eventType])).toEqual([[1, 'create'], [2, 'bump'], [3, 'bump']]);

  // Graceful stop (SIGTERM): the process must exit cleanly.
  const exit = await server.stop();
  expect(exit).toEqual({ code: 0, signal: null });

  server = await startServer(dir);
  // Sessions are stored too: the same cookie still works on the new process.
  const after = await client.get(server.url, created.id);
  expect(after).toEqual(before);
  expect(await client.history(server.url, created.id)).toEqual(historyBefore);

  // The restarted server continues from version 3, and still enforces optimistic concurrency.
  const next = await client.send(server.url, created.id, 'bump', 3);
  expect(next.status).toBe(200);
  expect(next.body).toMatchObject({ status: 'open', version: 4, fields: { counter: 3 } });
  const stale = await client.send(server.url, created.id, 'bump', 3);
  expect(stale.status).toBe(409);
  const history = await client.history(server.url, created.id);
  expect(history.map((h) => [h.version, h.eventType])).toEqual([[1, 'create'], [2, 'bump'], [3, 'bump'], [4, 'bump']]);

  await server.stop();
});
