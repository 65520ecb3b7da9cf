/**
 * The `create` action: the `open-task` event of a case creates a task in the same
 * transaction as the case's own step, not through the outbox.
 */
import { startEffectsServer, type ApiClient, type EffectsServer, type ErrorBody, type RecordPage, type RecordView } from './effects-harness';

describe('the create action', () => {
  let server: EffectsServer;
  let clerk: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startEffectsServer();
    clerk = await server.login('clerk');
    admin = await server.login('admin');
  });

  afterAll(async () => {
    await server.close();
  });

  const tasksOf = async (subject: string): Promise<RecordView[]> => {
    const res = await clerk.get<RecordPage>('/api/records?type=task&limit=500');
    expect(res.status).toBe(200);
    return res.body.items.filter((t) => t.fields['case_subject'] === subject);
  };

  it('creates the child record together with the parent event, by the same actor and at the same instant', async () => {
    const parent = await clerk.create({ subject: 'Bail commercial rue Haute' }, 'case');

    const after = await clerk.send(parent.id, 'open-task', { task_title: 'Vérifier le bail' });

    expect(after.version).toBe(parent.version + 1);
    expect(after.fields['tasks_opened']).toBe(1);
    const tasks = await tasksOf('Bail commercial rue Haute');
    expect(tasks).toHaveLength(1);
    const task = tasks[0] as RecordView;
    expect(task).toMatchObject({ recordType: 'task', title: 'Vérifier le bail', status: 'todo', version: 1 });
    // One event, one instant: the child was written by the step that moved the parent.
    expect(task.createdAt).toBe(after.updatedAt);

    const childHistory = await clerk.history(task.id);
    expect(childHistory).toHaveLength(1);
    expect(childHistory[0]).toMatchObject({ version: 1, eventType: 'create', actor: 'u-clerk', at: after.updatedAt });
    const parentHistory = await clerk.history(parent.id);
    expect(parentHistory.at(-1)).toMatchObject({ version: 2, eventType: 'open-task', actor: 'u-clerk', at: after.updatedAt });
  });

  it('does not go through the outbox', async () => {
    const parent = await clerk.create({ subject: 'Sans outbox' }, 'case');
    await clerk.send(parent.id, 'open-task', { task_title: 'Tâche directe' });

    const outbox = await admin.get<{ items: Array<{ kind: string; instanceId: string | null }> }>('/api/admin/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.body.items.filter((r) => r.instanceId === parent.id)).toEqual([]);
    expect(outbox.body.items.some((r) => r.kind === 'create')).toBe(false);
  });

  it.each([
    ['is too long for the child', { task_title: 'x'.repeat(41) }],
    ['is missing though the child requires it', {}],
  ])('refuses the parent event and writes nothing when the child title %s', async (_why, data) => {
    const subject = `Enfant invalide ${Object.keys(data).length}`;
    const parent = await clerk.create({ subject }, 'case');
    const historyBefore = await clerk.history(parent.id);

    const res = await clerk.event(parent.id, 'open-task', data);

    expect(res.status).toBe(422);
    const body = res.body as ErrorBody;
    expect(body.code).toBe('validation-failed');
    expect(Object.keys(body.details['fields'] as Record<string, unknown>)).toEqual(['title']);
    const now = await clerk.record(parent.id);
    expect(now.version).toBe(parent.version);
    expect(now.fields['tasks_opened']).toBe(0);
    expect(now.updatedAt).toBe(parent.updatedAt);
    expect(await clerk.history(parent.id)).toEqual(historyBefore);
    expect(await tasksOf(subject)).toEqual([]);
  });

  it('undoes only the refused event when it shares a commit batch with a valid one', async () => {
    const good = await clerk.create({ subject: 'Lot valide' }, 'case');
    const bad = await clerk.create({ subject: 'Lot invalide' }, 'case');

    // Submitted in the same tick, both land in one group commit, each in its own savepoint.
    const actor = { id: 'u-clerk', roles: ['clerk'] };
    const before = { ...server.runtime.committer.stats };
    const [ok, refused] = await Promise.allSettled([
      server.runtime.records.send(actor, good.id, { type: 'open-task', data: { task_title: 'Tâche valide' } }),
      server.runtime.records.send(actor, bad.id, { type: 'open-task', data: { task_title: 'y'.repeat(41) } }),
    ]);

    expect(server.runtime.committer.stats.batches - before.batches).toBe(1);
    expect(server.runtime.committer.stats.events - before.events).toBe(2);
    expect(ok.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    expect(refused.status === 'rejected' && (refused.reason as { code?: string }).code).toBe('validation-failed');
    expect((await clerk.record(good.id)).version).toBe(good.version + 1);
    expect((await clerk.record(bad.id)).version).toBe(bad.version);
    expect((await tasksOf('Lot valide')).map((t) => t.title)).toEqual(['Tâche valide']);
    expect(await tasksOf('Lot invalide')).toEqual([]);
  });
});
