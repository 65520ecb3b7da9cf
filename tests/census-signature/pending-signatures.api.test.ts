/**
 * GET /api/signatures/pending: the signing screen's to-do list. Each signer sees the dossiers in
 * the signing state whose approval is still theirs; once they signed, the dossier leaves their
 * list but stays on the other signer's; other users see nothing to sign, and a letter the
 * manager has not approved yet (TR-23) is on no signer's list.
 */
import type { SignatureBatch } from '../../runtime/services/signature.service';
import { loggedIn, startTestServer, type ApiClient, type TestServer } from '../api/api-harness';
import { letterPdf } from './pdf-helpers';

interface Pending {
  items: Array<{ id: string; title: string | null; letter: { id: string; name: string; url: string } | null }>;
  truncated: boolean;
}

let server: TestServer;
let agent: ApiClient;
let manager: ApiClient;
let alderman: ApiClient;
let secretary: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [agent, manager, alderman, secretary] = await Promise.all([loggedIn(server.url, 'agent'), loggedIn(server.url, 'manager'), loggedIn(server.url, 'alderman'), loggedIn(server.url, 'secretary')]);
});
afterAll(async () => server?.close());

/** A dossier with its letter, taken up to `upTo`: still in preparation, awaiting the manager, or awaiting the signatures. */
async function dossier(company: string, upTo: 'preparing' | 'manager-approval' | 'signing'): Promise<string> {
  const blob = await server.runtime.blobs.put(await letterPdf(company));
  const letter = { id: blob.id, name: `${company}.pdf`, size: blob.size, contentType: 'application/pdf' };
  const created = await agent.create({ company_name: company, tax_regulation: 'signage', language: 'fr', letters: [letter] });
  await agent.send(created.id, 'prepare');
  if (upTo !== 'preparing') await agent.send(created.id, 'request-signature');
  if (upTo === 'signing') await manager.send(created.id, 'approve');
  return created.id;
}

const pendingIds = async (client: ApiClient): Promise<string[]> => {
  const res = await client.get<Pending>('/api/signatures/pending');
  expect(res.status).toBe(200);
  return res.body.items.map((i) => i.id);
};

it('lists what awaits each signer, and drops a dossier from a signer’s list once they signed it', async () => {
  const a = await dossier('Atelier Pending A SRL', 'signing');
  const b = await dossier('Atelier Pending B SRL', 'signing');
  const notYet = await dossier('Atelier Pas Encore SRL', 'preparing');
  const awaitingManager = await dossier('Atelier Chez Le Responsable SRL', 'manager-approval');

  const forAlderman = await alderman.get<Pending>('/api/signatures/pending');
  expect(forAlderman.body.items.map((i) => i.id)).toEqual(expect.arrayContaining([a, b]));
  expect(forAlderman.body.items.map((i) => i.id)).not.toContain(notYet);
  // Same step (signature), but the manager has not approved the letter yet.
  expect(forAlderman.body.items.map((i) => i.id)).not.toContain(awaitingManager);
  expect(await pendingIds(secretary)).not.toContain(awaitingManager);
  const itemA = forAlderman.body.items.find((i) => i.id === a);
  expect(itemA?.title).toBe('Atelier Pending A SRL');
  expect(itemA?.letter?.name).toBe('Atelier Pending A SRL.pdf');
  // The letter can be opened from the link given.
  const letter = await fetch(server.url + (itemA?.letter?.url ?? ''), { headers: { cookie: alderman.cookie ?? '' } });
  expect(letter.status).toBe(200);
  expect(Buffer.from(await letter.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

  const batch = await alderman.post<SignatureBatch>('/api/signatures/batch', { recordIds: [a] });
  expect(batch.body.summary.signed).toBe(1);

  const afterAlderman = await pendingIds(alderman);
  expect(afterAlderman).not.toContain(a);
  expect(afterAlderman).toContain(b);
  // Still the secretary's to sign; its letter is now the alderman's signed version.
  const forSecretary = await secretary.get<Pending>('/api/signatures/pending');
  const forSecretaryA = forSecretary.body.items.find((i) => i.id === a);
  expect(forSecretaryA?.letter?.url).toBe(`/api/records/${a}/signed-letter`);
  expect(forSecretary.body.items.map((i) => i.id)).toContain(b);

  // A census agent has no approval to give; the manager's approval is not a signature.
  expect(await pendingIds(agent)).toEqual([]);
  expect(await pendingIds(manager)).toEqual([]);
});

it('answers 401 without a session', async () => {
  const res = await fetch(`${server.url}/api/signatures/pending`);
  expect(res.status).toBe(401);
});
