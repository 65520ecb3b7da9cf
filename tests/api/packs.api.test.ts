import { readPackDir } from '../../runtime/packs/pack-files';
import { ApiClient, PACK_DIR, frenchGarage, loggedIn, startTestServer, type ErrorBody, type RecordView, type TestServer } from './api-harness';

let server: TestServer;
let admin: ApiClient;
let agent: ApiClient;
let manager: ApiClient;
let alderman: ApiClient;
let secretary: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [admin, agent, manager, alderman, secretary] = await Promise.all(['admin', 'agent', 'manager', 'alderman', 'secretary'].map((u) => loggedIn(server.url, u)));
});

afterAll(async () => {
  await server.close();
});

const CENSUS = 'processes/census-dossier.yaml';
const shipped = (): Record<string, string> => readPackDir(PACK_DIR);

/** The shipped pack with the request-signature transition pointing to a state that does not exist. */
function brokenPack(): { files: Record<string, string>; line: number; col: number } {
  const files = shipped();
  const text = files[CENSUS] ?? '';
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes('request-signature: { to: manager-approval,'));
  expect(i).toBeGreaterThan(0);
  lines[i] = lines[i]!.replace('to: manager-approval,', 'to: signin,');
  files[CENSUS] = lines.join('\n');
  return { files, line: i + 1, col: lines[i]!.indexOf('signin') + 1 };
}

/** The shipped pack with the "prepare" button relabelled. */
function relabelledPack(): Record<string, string> {
  const files = shipped();
  const text = files[CENSUS] ?? '';
  expect(text).toContain('fr: Commencer la préparation,');
  files[CENSUS] = text.replace('fr: Commencer la préparation,', 'fr: Démarrer la préparation,');
  return files;
}

interface Problem { file: string; line: number; col: number; path: string; code: string; message: string; text?: { fr: string; nl: string }; severity: string }
interface Versions { packId: string; versions: Array<{ version: number; status: string; files: string[] }> }

const publishedVersion = async (): Promise<number | undefined> =>
  (await admin.get<Versions>('/api/packs')).body.versions.find((v) => v.status === 'published')?.version;

const prepareLabel = (r: RecordView): string | undefined => r.events?.find((e) => e.type === 'prepare')?.label.fr;

describe('changing the pack over the API', () => {
  let oldRecord: RecordView;

  beforeAll(async () => {
    oldRecord = await agent.create(frenchGarage);
  });

  it('starts with the shipped pack published as version 1', async () => {
    const res = await admin.get<Versions>('/api/packs');
    expect(res.status).toBe(200);
    expect(res.body.packId).toBe('brussels-commune');
    expect(res.body.versions).toEqual([expect.objectContaining({ version: 1, status: 'published' })]);
    expect(res.body.versions[0]!.files).toContain(CENSUS);
  });

  it('validates a broken pack without saving it, pointing at the file, line and column of the mistake', async () => {
    const broken = brokenPack();
    const res = await admin.post<{ valid: boolean; problems: Problem[] }>('/api/packs/validate', { files: broken.files });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const unknown = res.body.problems.find((p) => p.code === 'unknown-state');
    expect(unknown).toMatchObject({ file: CENSUS, line: broken.line, col: broken.col, severity: 'error', path: '/states/preparing/on/request-signature/to' });
    // Explained in every language an admin may read.
    expect(unknown?.message).toContain('Unknown state "signin"');
    expect(unknown?.text).toMatchObject({ fr: expect.stringContaining('État inconnu « signin »'), nl: expect.stringContaining('Onbekende toestand "signin"') });
    for (const p of res.body.problems) {
      expect(p.file).toBe(CENSUS);
      expect(p.line).toBeGreaterThan(0);
      expect(p.col).toBeGreaterThan(0);
    }
    expect((await admin.get<Versions>('/api/packs')).body.versions).toHaveLength(1);
  });

  it('says the shipped pack is valid', async () => {
    const res = await admin.post<{ valid: boolean; problems: Problem[] }>('/api/packs/validate', { files: shipped() });
    expect(res.body).toEqual({ valid: true, problems: [] });
  });

  it('keeps a broken draft but refuses to publish it, and the published version keeps running', async () => {
    const draft = await admin.post<{ version: number; status: string; valid: boolean; problems: Problem[] }>('/api/packs/drafts', { files: brokenPack().files });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ version: 2, status: 'draft', valid: false });

    const publish = await admin.post(`/api/packs/${draft.body.version}/publish`);
    expect(publish.status).toBe(422);
    expect(publish.body.code).toBe('definition-invalid');
    const problems = publish.body.details['problems'] as Problem[];
    expect(problems.length).toBeGreaterThan(0);
    const broken = brokenPack();
    // In the admin's language (French).
    expect(problems.find((p) => p.code === 'unknown-state')).toMatchObject({ file: CENSUS, line: broken.line, col: broken.col, message: expect.stringContaining('État inconnu « signin »') });

    expect(await publishedVersion()).toBe(1);
    const health = await admin.get<{ packVersion: number }>('/healthz');
    expect(health.body.packVersion).toBe(1);
    // Records are still created on the running version.
    expect((await agent.create(frenchGarage)).packVersion).toBe(1);
  });

  it('refuses to publish a version that does not exist', async () => {
    const res = await admin.post('/api/packs/99/publish');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not-found');
  });

  it('publishes a valid changed pack as a new version for new records, while existing records stay on theirs and move on', async () => {
    const draft = await admin.post<{ version: number; valid: boolean }>('/api/packs/drafts', { files: relabelledPack() });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ version: 3, valid: true });

    const publish = await admin.post<{ version: number; status: string; publishedAt: string }>(`/api/packs/${draft.body.version}/publish`);
    expect(publish.status).toBe(200);
    expect(publish.body).toMatchObject({ version: 3, status: 'published' });
    expect(await publishedVersion()).toBe(3);
    const versions = (await admin.get<Versions>('/api/packs')).body.versions.map((v) => [v.version, v.status]);
    expect(versions).toEqual([[1, 'superseded'], [2, 'draft'], [3, 'published']]);

    // The dossier created before keeps version 1, its old wording, and still moves through its process.
    const old = await agent.record(oldRecord.id);
    expect(old.packVersion).toBe(1);
    expect(prepareLabel(old)).toBe('Commencer la préparation');
    await agent.send(old.id, 'prepare');
    expect(await agent.send(old.id, 'request-signature')).toMatchObject({ packVersion: 1, states: ['manager-approval'] });
    const signing = await manager.send(old.id, 'approve');
    expect(signing).toMatchObject({ packVersion: 1, states: ['signing'] });
    await alderman.send(old.id, 'approve');
    expect(await secretary.send(old.id, 'approve')).toMatchObject({ packVersion: 1, states: ['signed'] });

    // A new dossier starts on the new version, with the new wording.
    const fresh = await agent.create(frenchGarage);
    expect(fresh.packVersion).toBe(3);
    expect(prepareLabel(fresh)).toBe('Démarrer la préparation');
    expect((await agent.send(fresh.id, 'prepare')).packVersion).toBe(3);
  });

  it('refuses a pack for another commune', async () => {
    const files = shipped();
    files['pack.yaml'] = (files['pack.yaml'] ?? '').replace('pack: brussels-commune', 'pack: ghent-city');
    const res = await admin.post('/api/packs/drafts', { files });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.message).toContain('« brussels-commune »');
  });

  it('refuses files that are not a map of paths to text', async () => {
    const res = await admin.post('/api/packs/validate', { files: { 'pack.yaml': 42 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-body');
  });
});

describe('who may change the pack', () => {
  it('refuses validation, drafts, publication and reading a version to non-admins with 403', async () => {
    const calls: Array<Promise<{ status: number; body: ErrorBody }>> = [
      agent.post('/api/packs/validate', { files: shipped() }),
      agent.post('/api/packs/drafts', { files: relabelledPack() }),
      agent.post('/api/packs/1/publish'),
      alderman.get('/api/packs/1'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await agent.post('/api/packs/1/publish')).body.message).toBe('Réservé aux administrateurs.');
    expect((await alderman.get('/api/packs/1')).body.message).toBe('Alleen voor beheerders.');
    // Nothing was saved.
    expect((await admin.get<Versions>('/api/packs')).body.versions.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('refuses the pack API without a session', async () => {
    const res = await new ApiClient(server.url).post('/api/packs/validate', { files: shipped() });
    expect(res.status).toBe(401);
  });

  it('lets an admin read one version with its files', async () => {
    const res = await admin.get<{ version: number; files: Record<string, string> }>('/api/packs/1');
    expect(res.status).toBe(200);
    expect(res.body.files[CENSUS]).toContain('process: census-dossier');
  });
});
