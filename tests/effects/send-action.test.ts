/**
 * The `send` action: `ping` on a case sends `poke` to the case whose id is in its `peer`
 * field, through the outbox, as the `system` actor.
 */
import { eventually, startEffectsServer, type ApiClient, type EffectsServer, type RecordView } from './effects-harness';

describe('the send action', () => {
  let server: EffectsServer;
  let clerk: ApiClient;

  beforeAll(async () => {
    server = await startEffectsServer();
    clerk = await server.login('clerk');
  });

  afterAll(async () => {
    await server.close();
  });

  it('delivers the event to the record named in the field, through the outbox, as system', async () => {
    const target = await clerk.create({ subject: 'Dossier cible' }, 'case');
    const source = await clerk.create({ subject: 'Dossier source', peer: target.id }, 'case');

    const pinged = await clerk.send(source.id, 'ping');
    expect(pinged.status).toBe('pinged');

    const poked = await eventually(async () => {
      const r = await clerk.record(target.id);
      return r.status === 'poked' ? r : null;
    });
    expect(poked.version).toBe(target.version + 1);
    const history = await clerk.history(target.id);
    expect(history.at(-1)).toMatchObject({ version: 2, eventType: 'poke', actor: 'system', fromStates: ['open'], toStates: ['poked'] });

    const row = await eventually(async () => {
      const r = server.outboxOf(source.id).find((x) => x.kind === 'send');
      return r?.status === 'done' ? r : null;
    });
    expect(row).toMatchObject({ status: 'done', attempts: 1, lastError: null, payload: expect.objectContaining({ event: 'poke', to: target.id }) });
    // The target's own step sent nothing further.
    expect(server.outboxOf(target.id)).toEqual([]);
  });

  it('is the only way a clerk can poke a case: the event itself is reserved to admins', async () => {
    const target = await clerk.create({ subject: 'Réservé' }, 'case');
    const res = await clerk.event(target.id, 'poke');
    expect(res.status).toBe(403);
    expect((await clerk.record(target.id)).status).toBe('open');
  });

  it('keeps the row pending with the reason when the target record does not exist', async () => {
    const source = await clerk.create({ subject: 'Cible absente', peer: 'no-such-record' }, 'case');
    await clerk.send(source.id, 'ping');

    const row = await eventually(async () => {
      const r = server.outboxOf(source.id).find((x) => x.kind === 'send');
      return r && r.attempts >= 1 ? r : null;
    });
    expect(row.status).toBe('pending');
    expect(row.lastError).toContain('no-such-record');
  });

  it('stays pending for a retry, and leaves the target unchanged, when the target cannot take the event now', async () => {
    const target = await clerk.create({ subject: 'Déjà relancé' }, 'case');
    const first = await clerk.create({ subject: 'Premier', peer: target.id }, 'case');
    const second = await clerk.create({ subject: 'Second', peer: target.id }, 'case');
    await clerk.send(first.id, 'ping');
    await eventually(async () => ((await clerk.record(target.id)).status === 'poked' ? true : null));

    // `poked` has no `poke`: the second delivery fails, is kept, and changes nothing.
    await clerk.send(second.id, 'ping');
    const row = await eventually(async () => {
      const r = server.outboxOf(second.id).find((x) => x.kind === 'send');
      return r && r.attempts >= 1 ? r : null;
    });
    expect(row.status).toBe('pending');
    expect(row.lastError).toContain('poke');
    const after: RecordView = await clerk.record(target.id);
    expect(after.version).toBe(2);
  });
});

describe('an event delivered twice under one outbox key (a retry after a crash)', () => {
  let server: EffectsServer;
  let clerk: ApiClient;

  beforeAll(async () => {
    server = await startEffectsServer();
    clerk = await server.login('clerk');
  });

  afterAll(async () => {
    await server.close();
  });

  it('is applied once: the second delivery changes nothing', async () => {
    const target = await clerk.create({ subject: 'Une seule fois', email: 'citoyen@example.be' }, 'case');
    const system = { id: 'system', roles: ['system'] };
    const input = { type: 'welcome', idempotencyKey: 'outbox:test-row-1' };
    await server.runtime.records.send(system, target.id, input);
    await server.runtime.records.send(system, target.id, input);
    const after = await clerk.record(target.id);
    expect(after.version).toBe(target.version + 1);
    expect(after.fields['welcomes']).toBe(1);
    expect((await clerk.history(target.id)).filter((h) => h.eventType === 'welcome')).toHaveLength(1);
  });
});
