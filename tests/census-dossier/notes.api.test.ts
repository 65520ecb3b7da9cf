/**
 * Work notes on the dossier screen over HTTP (TR-6, TR-7): add, list, edit with the earlier
 * text kept, stale edits refused in French and Dutch, who may do what, retried adds stored
 * once, and notes still there after the server restarts on the same data directory.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer } from '../../runtime/server';
import type { NoteView } from '../../runtime/services/record-notes.service';
import { ApiClient, frenchGarage, loggedIn, PACK_DIR, REPO_ROOT, startTestServer, type ErrorBody, type TestServer } from '../api/api-harness';

let server: TestServer;
let agent: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  agent = await loggedIn(server.url, 'agent');
});

afterAll(async () => {
  await server.close();
});

interface NoteList {
  items: NoteView[];
  mayAdd: boolean;
}

const notesOf = async (client: ApiClient, id: string): Promise<NoteList> => {
  const res = await client.get<NoteList>(`/api/records/${id}/notes`);
  expect(res.status).toBe(200);
  return res.body;
};

const addNote = async (client: ApiClient, id: string, text: string): Promise<NoteView> => {
  const res = await client.post<{ note: NoteView }>(`/api/records/${id}/notes`, { text });
  expect(res.status).toBe(201);
  return res.body.note;
};

describe('work notes on a dossier', () => {
  it('adds a note that the dossier screen lists with its author and time, without moving the dossier’s version', async () => {
    const d = await agent.create(frenchGarage);
    const note = await addNote(agent, d.id, '  Appelé le gérant : il renvoie le formulaire cette semaine.  ');
    expect(note).toMatchObject({ recordId: d.id, author: 'u-agent', text: 'Appelé le gérant : il renvoie le formulaire cette semaine.', version: 1, edited: false, mayEdit: true, revisions: [] });
    expect(Date.parse(note.createdAt)).not.toBeNaN();

    const list = await notesOf(agent, d.id);
    expect(list.mayAdd).toBe(true);
    expect(list.items.map((n) => n.text)).toEqual([note.text]);

    // A colleague's note does not make an agent's pending field edit stale.
    expect((await agent.record(d.id)).version).toBe(d.version);
    const edited = await agent.event(d.id, 'update', { fields: { company_name: 'Garage du Midi SRL' } }, d.version);
    expect(edited.status).toBe(200);
  });

  it('edits a note, keeps the earlier text and marks it as edited', async () => {
    const d = await agent.create(frenchGarage);
    const note = await addNote(agent, d.id, 'Visite prévue mardi.');
    const res = await agent.request<{ note: NoteView }>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Visite prévue jeudi.', version: 1 });
    expect(res.status).toBe(200);
    expect(res.body.note).toMatchObject({ text: 'Visite prévue jeudi.', version: 2, edited: true, updatedBy: 'u-agent' });
    expect(res.body.note.revisions).toEqual([{ text: 'Visite prévue mardi.', at: note.createdAt, by: 'u-agent', version: 1 }]);
    const [listed] = (await notesOf(agent, d.id)).items;
    expect(listed?.text).toBe('Visite prévue jeudi.');
    expect(listed?.edited).toBe(true);
    expect(listed?.revisions.map((r) => r.text)).toEqual(['Visite prévue mardi.']);
  });

  it('refuses a stale edit with 409 in French and Dutch and changes nothing; of two edits at once, one wins', async () => {
    const d = await agent.create(frenchGarage);
    const note = await addNote(agent, d.id, 'Version de départ.');
    const admin = await loggedIn(server.url, 'admin');
    // Two users save the same version at the same moment.
    const [a, b] = await Promise.all([
      agent.request<{ note: NoteView } & ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Texte de l’agent.', version: 1 }),
      admin.request<{ note: NoteView } & ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Texte de l’administrateur.', version: 1 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a.body.note.text : b.body.note.text;
    const loser = a.status === 409 ? a.body : b.body;
    expect(loser.code).toBe('stale-version');
    expect((loser.details['note'] as NoteView).text).toBe(winner);

    const fr = await agent.request<ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Trop tard.', version: 1 });
    expect(fr.status).toBe(409);
    expect(fr.body.message).toContain('modifiée entre-temps');
    const nlAgent = await loggedIn(server.url, 'agent-nl');
    const notMine = await nlAgent.request<ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Te laat.', version: 2 });
    // agent-nl is not the author: refused in Dutch.
    expect(notMine.status).toBe(403);
    expect(notMine.body.message).toContain('Alleen de auteur');
    const own = await addNote(nlAgent, d.id, 'Eerste versie.');
    expect((await nlAgent.request('PUT', `/api/records/${d.id}/notes/${own.id}`, { text: 'Tweede versie.', version: 1 })).status).toBe(200);
    const nl = await nlAgent.request<ErrorBody>('PUT', `/api/records/${d.id}/notes/${own.id}`, { text: 'Te laat.', version: 1 });
    expect(nl.status).toBe(409);
    expect(nl.body.message).toContain('intussen door iemand anders gewijzigd');

    const [after, nlNote] = (await notesOf(agent, d.id)).items;
    expect(after?.text).toBe(winner);
    expect(after?.version).toBe(2);
    expect(after?.revisions).toHaveLength(1);
    expect(nlNote?.text).toBe('Tweede versie.');
  });

  it('refuses an empty note or one over 20,000 characters in French and Dutch, storing nothing', async () => {
    const d = await agent.create(frenchGarage);
    const nl = await new ApiClient(server.url, 'nl').login('agent-nl');
    const empty = await agent.post<ErrorBody>(`/api/records/${d.id}/notes`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('Écrivez le texte de la note.');
    expect(empty.body.details['messages']).toMatchObject({ nl: 'Schrijf de tekst van de notitie.' });
    const missing = await nl.post<ErrorBody>(`/api/records/${d.id}/notes`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('Schrijf de tekst van de notitie.');
    const long = await nl.post<ErrorBody>(`/api/records/${d.id}/notes`, { text: 'é'.repeat(20_001) });
    expect(long.status).toBe(400);
    expect(long.body.message).toContain('20001 tekens');
    expect(long.body.code).toBe('note-too-long');
    expect((await notesOf(agent, d.id)).items).toHaveLength(0);
    // The limit itself is accepted.
    expect((await agent.post(`/api/records/${d.id}/notes`, { text: 'x'.repeat(20_000) })).status).toBe(201);

    const note = (await notesOf(agent, d.id)).items[0];
    if (!note) throw new Error('note expected');
    const badEdit = await agent.request<ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: '', version: 1 });
    expect(badEdit.status).toBe(400);
    const noVersion = await agent.request<ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Nouveau' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.message).toContain('version');
    expect((await notesOf(agent, d.id)).items[0]?.version).toBe(1);
  });

  it('lets readers read, those with update rights add, and only the author or an admin edit', async () => {
    const d = await agent.create(frenchGarage);
    const note = await addNote(agent, d.id, 'Note de l’agent.');

    // The alderman reads dossiers but does not update them.
    const alderman = await loggedIn(server.url, 'alderman');
    const seen = await notesOf(alderman, d.id);
    expect(seen.mayAdd).toBe(false);
    expect(seen.items[0]?.mayEdit).toBe(false);
    const refused = await alderman.post<ErrorBody>(`/api/records/${d.id}/notes`, { text: 'Mag niet.' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('notities');

    // The manager updates dossiers: adds notes, but does not rewrite the agent's.
    const manager = await loggedIn(server.url, 'manager');
    expect((await notesOf(manager, d.id)).items[0]?.mayEdit).toBe(false);
    await addNote(manager, d.id, 'Vu, à relancer.');
    const notTheirs = await manager.request<ErrorBody>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Réécrit.', version: 1 });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.message).toContain('Seul l’auteur');

    const admin = await loggedIn(server.url, 'admin');
    const moderated = await admin.request<{ note: NoteView }>('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Note de l’agent (données personnelles retirées).', version: 1 });
    expect(moderated.status).toBe(200);
    expect(moderated.body.note.updatedBy).toBe('u-admin');
    expect(moderated.body.note.author).toBe('u-agent');

    // Someone who cannot read the dossier does not learn it exists.
    const author = await loggedIn(server.url, 'author');
    expect((await author.get(`/api/records/${d.id}/notes`)).status).toBe(404);
    expect((await author.post(`/api/records/${d.id}/notes`, { text: 'x' })).status).toBe(404);
    // A note id of another dossier is not found through this one.
    const other = await agent.create(frenchGarage);
    expect((await agent.request('PUT', `/api/records/${other.id}/notes/${note.id}`, { text: 'x', version: 2 })).status).toBe(404);
    expect((await fetch(`${server.url}/api/records/${d.id}/notes`)).status).toBe(401);
    expect((await notesOf(agent, d.id)).items.map((n) => n.author)).toEqual(['u-agent', 'u-manager']);
  });

  it('stores a retried add with the same idempotency key once', async () => {
    const d = await agent.create(frenchGarage);
    const body = { text: 'Saisie hors ligne sur la tablette.', idempotencyKey: 'tablet-7:note-1' };
    const first = await agent.post<{ note: NoteView }>(`/api/records/${d.id}/notes`, body);
    const again = await agent.post<{ note: NoteView }>(`/api/records/${d.id}/notes`, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.note.id).toBe(first.body.note.id);
    expect((await notesOf(agent, d.id)).items).toHaveLength(1);
    const bad = await agent.post<ErrorBody>(`/api/records/${d.id}/notes`, { text: 'x', idempotencyKey: 42 });
    expect(bad.status).toBe(400);
  });
});

it('keeps notes and their earlier texts when the server restarts on the same data', async () => {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-notes-'));
  const demo = join(root, 'demo');
  mkdirSync(demo);
  copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demo, 'users.yaml'));
  const config = loadConfig({ DATA_DIR: join(root, 'data'), PACK_DIR, DEMO_DIR: demo, PORT: '0', SMTP_PORT: '-1', LOG_LEVEL: 'silent' }, REPO_ROOT);
  try {
    const first = await startServer(config);
    const a = await loggedIn(first.url, 'agent');
    const d = await a.create(frenchGarage);
    const note = await addNote(a, d.id, 'Avant redémarrage.');
    expect((await a.request('PUT', `/api/records/${d.id}/notes/${note.id}`, { text: 'Avant redémarrage, corrigé.', version: 1 })).status).toBe(200);
    await first.close();

    const second = await startServer(config);
    try {
      const b = await loggedIn(second.url, 'agent');
      const [kept] = (await notesOf(b, d.id)).items;
      expect(kept).toMatchObject({ id: note.id, text: 'Avant redémarrage, corrigé.', version: 2, edited: true });
      expect(kept?.revisions.map((r) => r.text)).toEqual(['Avant redémarrage.']);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
