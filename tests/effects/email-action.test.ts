/**
 * The `email` action: `welcome` on a case mails the `welcome` template, rendered in the
 * case's language, to the local mail sink (GET /api/admin/mail), once per outbox row however
 * often the handler runs. The outbox is driven by hand on a fake clock.
 */
import { effectHandlers } from '../../runtime/services/effect-handlers';
import type { OutboxRow } from '../../runtime/ports/record-store.port';
import { FakeClock, only, startEffectsServer, type ApiClient, type EffectsServer, type MailItem } from './effects-harness';

describe('the email action', () => {
  const clock = new FakeClock(Date.now());
  let server: EffectsServer;
  let clerk: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startEffectsServer({ clock });
    clerk = await server.login('clerk');
    admin = await server.login('admin');
  });

  afterAll(async () => {
    await server.close();
  });

  const mails = async (): Promise<MailItem[]> => {
    const res = await admin.get<{ items: MailItem[] }>('/api/admin/mail?limit=1000');
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const mailsFor = async (recordId: string) => (await mails()).filter((m) => m.recordId === recordId);
  const emailRow = (recordId: string): OutboxRow => only(server.outboxOf(recordId).filter((r) => r.kind === 'email'), 'email row');

  /** A case that asked for its welcome mail; the mail is in the outbox, not yet sent. */
  const welcomed = async (fields: Record<string, unknown>) => {
    const c = await clerk.create(fields, 'case');
    await clerk.send(c.id, 'welcome');
    return c;
  };

  it('renders the template in the record language, French or Dutch, whatever the sender speaks', async () => {
    const fr = await welcomed({ subject: 'Garage du Midi', language: 'fr', email: 'garage@example.be' });
    const nl = await welcomed({ subject: 'Bakkerij Peeters', language: 'nl', email: 'bakkerij@example.be' });
    expect(await mailsFor(fr.id)).toEqual([]);

    expect(await server.runtime.outbox.tick()).toBe(2);

    expect(await mailsFor(fr.id)).toEqual([
      expect.objectContaining({ to: 'garage@example.be', lang: 'fr', subject: 'Bienvenue : Garage du Midi', body: 'Bonjour, votre dossier « Garage du Midi » est ouvert.' }),
    ]);
    expect(await mailsFor(nl.id)).toEqual([
      expect.objectContaining({ to: 'bakkerij@example.be', lang: 'nl', subject: 'Welkom: Bakkerij Peeters', body: 'Goedendag, uw dossier „Bakkerij Peeters” is geopend.' }),
    ]);
    expect(emailRow(fr.id)).toMatchObject({ status: 'done', attempts: 1, lastError: null });
    expect(emailRow(nl.id)).toMatchObject({ status: 'done', attempts: 1, lastError: null });
  });

  it('lands in the mail list exactly once when the handler runs twice for the same row', async () => {
    const c = await welcomed({ subject: 'Deux fois', language: 'fr', email: 'deux@example.be' });
    await server.runtime.outbox.tick();
    const row = emailRow(c.id);
    expect(row.status).toBe('done');

    // The worker's own handler, run again on the very same row (an at-least-once redelivery).
    const { store, packs, records } = server.runtime;
    const handlers = effectHandlers({ store, packs, records, adapters: {} });
    await handlers['email']?.(row);
    await handlers['email']?.(row);

    const sent = await mailsFor(c.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.key).toBe(row.idempotencyKey);
  });

  it('is not sent again when a worker died after sending and the row is claimed anew after its lease', async () => {
    const c = await welcomed({ subject: 'Relance après panne', language: 'nl', email: 'panne@example.be' });
    const { store, packs, records } = server.runtime;

    // A worker claims the row, sends the mail, and dies before marking the row done.
    const claimed = store.claimOutbox(clock.now(), 'dead-worker', 60_000, 100).filter((r) => r.instanceId === c.id);
    const row = only(claimed, 'claimed row');
    await effectHandlers({ store, packs, records, adapters: {} })['email']?.(row);
    expect(await mailsFor(c.id)).toHaveLength(1);

    // Leased: the live worker leaves it alone until the lease runs out.
    expect(await server.runtime.outbox.tick()).toBe(0);
    clock.advance(60_001);
    expect(await server.runtime.outbox.tick()).toBe(1);

    expect(emailRow(c.id)).toMatchObject({ status: 'done', attempts: 1 });
    const sent = await mailsFor(c.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ lang: 'nl', subject: 'Welkom: Relance après panne' });
  });

  it('keeps one mail per event: a second welcome is a second mail', async () => {
    const c = await welcomed({ subject: 'Deux accueils', email: 'accueil@example.be' });
    await clerk.send(c.id, 'welcome');
    expect(await server.runtime.outbox.tick()).toBe(2);

    const sent = await mailsFor(c.id);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((m) => m.key)).size).toBe(2);
    // No language on the case: the default, French.
    expect(sent.every((m) => m.lang === 'fr' && m.subject === 'Bienvenue : Deux accueils')).toBe(true);
  });
});
