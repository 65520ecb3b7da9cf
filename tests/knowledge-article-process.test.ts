import { join } from 'node:path';
import { loadPack } from '../engine/pack/load-pack';
import { compileProcess, type EngineEvent } from '../engine/compiler';
import { applyEvent, startInstance } from '../engine/instance';
import { readPackDir } from '../runtime/packs/pack-files';

const loaded = loadPack(readPackDir(join(__dirname, '..', 'definitions', 'brussels-commune')));
if (!loaded.pack) throw new Error('shipped pack does not load');
const articles = compileProcess(loaded.pack, 'knowledge-article', 1);

const author = { id: 'author-1', roles: ['knowledge-author'] };
const km = { id: 'km-1', roles: ['knowledge-manager'] };
const ev = (type: string, actor: EngineEvent['actor'], data: Record<string, unknown> = {}): EngineEvent => ({ type, actor, data, at: '2026-11-27T10:00:00.000Z' });

describe('the shipped knowledge-article lifecycle (CC-30, CC-31)', () => {
  const draft = startInstance(articles, { title: 'Demander une carte d’identité', language: 'fr', body: 'Prenez rendez-vous.', expires_on: '2027-06-30' }, ev('create', author));

  it('cannot be submitted without a body', () => {
    const empty = startInstance(articles, { title: 'Vide', language: 'nl' }, ev('create', author));
    expect(() => applyEvent(articles, empty.snapshot, ev('submit', author))).toThrow(/conditions/);
  });

  it('goes to review in the knowledge-review queue, and the knowledge manager is notified', () => {
    const review = applyEvent(articles, draft.snapshot, ev('submit', author));
    expect(review.summary).toMatchObject({ status: 'review', queue: 'knowledge-review' });
    expect(review.effects).toEqual([expect.objectContaining({ kind: 'notify', role: 'knowledge-manager', template: 'article-review' })]);
  });

  it('is published only after the knowledge manager approves, with its expiry timer set', () => {
    const review = applyEvent(articles, draft.snapshot, ev('submit', author));
    expect(() => applyEvent(articles, review.snapshot, ev('approve', author))).toThrow(/not allowed/);
    const published = applyEvent(articles, review.snapshot, ev('approve', km));
    expect(published.summary).toMatchObject({ status: 'published', queue: null });
    expect(published.snapshot.context.fields['published_on']).toBe('2026-11-27T10:00:00.000Z');
    // 30 June 2027, midnight in Brussels (UTC+2 in summer).
    expect(new Date(published.timersSet[0]!.dueAt).toISOString()).toBe('2027-06-29T22:00:00.000Z');
    const archived = applyEvent(articles, published.snapshot, { ...ev(published.timersSet[0]!.eventType, { id: 'system', roles: ['system'] }) });
    expect(archived.summary.status).toBe('archived');
    expect(archived.effects).toEqual([expect.objectContaining({ kind: 'notify', template: 'article-expired' })]);
  });

  it('goes back to draft when the knowledge manager rejects it with a reason', () => {
    const review = applyEvent(articles, draft.snapshot, ev('submit', author));
    const back = applyEvent(articles, review.snapshot, ev('reject', km, { comment: 'Ajouter les horaires' }));
    expect(back.summary.status).toBe('draft');
  });

  it('never expires when it has no expiry date', () => {
    const noDate = startInstance(articles, { title: 'Permanent', language: 'nl', body: 'Tekst' }, ev('create', author));
    const published = [ev('submit', author), ev('approve', km)].reduce((s, e) => applyEvent(articles, s.snapshot, e), noDate);
    expect(published.summary.status).toBe('published');
    expect(published.timersSet[0]!.dueAt).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('changing the expiry date of a published article', () => {
  it('moves its archiving timer to the new date', () => {
    const a = startInstance(articles, { title: 'Horaires', language: 'fr', body: 'Lundi-vendredi', expires_on: '2027-06-30' }, ev('create', author));
    const published = [ev('submit', author), ev('approve', km)].reduce((s, e) => applyEvent(articles, s.snapshot, e), a);
    const moved = applyEvent(articles, published.snapshot, ev('update', km, { fields: { expires_on: '2027-01-15' } }));
    expect(moved.timersSet.map((t) => [t.key, new Date(t.dueAt).toISOString()])).toEqual([[published.timersSet[0]!.key, '2027-01-14T23:00:00.000Z']]);
  });
});
