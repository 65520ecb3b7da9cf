/**
 * The `call` action to an adapter no server configures (`tax-registry`): every attempt
 * fails, so the row is retried with exponential backoff, dead-lettered after 8 attempts, and
 * handed back to the worker by an admin. Time is a fake clock, the worker is ticked by hand.
 */
import type { OutboxRow } from '../../runtime/ports/record-store.port';
import { FakeClock, only, startEffectsServer, type ApiClient, type EffectsServer, type ErrorBody } from './effects-harness';

const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 1000;
const ERROR = 'no adapter named "tax-registry" is configured';

describe('a call to an adapter that is not configured', () => {
  // Well before the wall clock: whatever the worker or the API schedules must follow this clock.
  const clock = new FakeClock(Date.parse('2024-03-04T08:00:00Z'));
  let server: EffectsServer;
  let clerk: ApiClient;
  let admin: ApiClient;
  let caseId: string;

  beforeAll(async () => {
    server = await startEffectsServer({ clock });
  });

  // Sessions follow the fake clock too: a day of backoff outlives them, so log in per test.
  beforeEach(async () => {
    clerk = await server.login('clerk');
    admin = await server.login('admin');
  });

  afterAll(async () => {
    await server.close();
  });

  const callRow = (): OutboxRow => only(server.outboxOf(caseId).filter((r) => r.kind === 'call'), 'call row');

  it('is written to the outbox, due at once, when the event commits', async () => {
    const c = await clerk.create({ subject: 'Synchronisation impossible' }, 'case');
    caseId = c.id;
    const after = await clerk.send(c.id, 'sync');
    expect(after.fields['syncs']).toBe(1);

    expect(callRow()).toMatchObject({
      status: 'pending', attempts: 0, lastError: null, nextAttemptAt: clock.now(),
      payload: expect.objectContaining({ adapter: 'tax-registry', with: { subject: 'Synchronisation impossible' } }),
    });
  });

  it('is retried with an exponential backoff, never before it is due, and dead-lettered after 8 attempts', async () => {
    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const due = callRow().nextAttemptAt;
      if (attempt > 1) {
        // One millisecond early: not claimed, nothing changes.
        clock.set(due - 1);
        expect(await server.runtime.outbox.tick()).toBe(0);
        expect(callRow().attempts).toBe(attempt - 1);
      }
      clock.set(due);
      expect(await server.runtime.outbox.tick()).toBe(1);

      const row = callRow();
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toBe(ERROR);
      expect(row.nextAttemptAt).toBeGreaterThan(due);
      delays.push(row.nextAttemptAt - clock.now());
      expect(row.status).toBe(attempt < MAX_ATTEMPTS ? 'pending' : 'dead');
    }
    // 2 s, 4 s, 8 s … each wait twice the one before.
    expect(delays.slice(0, MAX_ATTEMPTS - 1)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => BASE_DELAY_MS * 2 ** n));
    expect(server.runtime.outbox.stats).toMatchObject({ retried: MAX_ATTEMPTS - 1, dead: 1, done: 0 });
  });

  it('stays dead however much time passes', async () => {
    clock.advance(24 * 3_600_000);
    expect(await server.runtime.outbox.tick()).toBe(0);
    expect(callRow()).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, lastError: ERROR });
  });

  it('is listed to admins among the dead letters with its last error', async () => {
    const res = await admin.get<{ items: OutboxRow[] }>('/api/admin/outbox?status=dead');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ id: callRow().id, instanceId: caseId, kind: 'call', status: 'dead', attempts: MAX_ATTEMPTS, lastError: ERROR })]);
    const pending = await admin.get<{ items: OutboxRow[] }>('/api/admin/outbox?status=pending');
    expect(pending.body.items.some((r) => r.id === callRow().id)).toBe(false);
  });

  it('is hidden from and cannot be retried by a non-admin', async () => {
    const id = callRow().id;
    const list = await clerk.get<ErrorBody>('/api/admin/outbox?status=dead');
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('forbidden');
    const retry = await clerk.post<ErrorBody>(`/api/admin/outbox/${id}/retry`);
    expect(retry.status).toBe(403);
    expect(callRow().status).toBe('dead');
  });

  it('goes back to pending, due now, when an admin retries it, and the worker takes it again', async () => {
    const id = callRow().id;
    const res = await admin.post<{ retried: boolean }>(`/api/admin/outbox/${id}/retry`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ retried: true });
    const row = callRow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row.nextAttemptAt).toBeLessThanOrEqual(clock.now());

    // Due at once on the runtime's clock: the next tick tries it (and the adapter still fails).
    expect(await server.runtime.outbox.tick()).toBe(1);
    expect(callRow()).toMatchObject({ status: 'pending', attempts: 1, lastError: ERROR, nextAttemptAt: clock.now() + 2 * BASE_DELAY_MS });
  });

  it('answers 404 to a retry of an entry that is not dead, or does not exist', async () => {
    const id = callRow().id;
    const again = await admin.post<ErrorBody>(`/api/admin/outbox/${id}/retry`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('not-found');
    expect(callRow()).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await admin.post<ErrorBody>('/api/admin/outbox/987654/retry')).status).toBe(404);
  });

  it('refuses an unknown status filter', async () => {
    const res = await admin.get<ErrorBody>('/api/admin/outbox?status=failed');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('bad-parameter');
  });
});
