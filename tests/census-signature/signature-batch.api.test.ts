/**
 * Census letters signed in a batch over the API (TR-23, TR-26): the demo certificates are made
 * once at set-up, the alderman signs five dossiers in one action with the third letter damaged,
 * the secretary adds the second signature, and a census agent may not sign.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime } from '../../runtime/server';
import { certificatePath } from '../../runtime/services/demo-certificates';
import type { SignatureBatch } from '../../runtime/services/signature.service';
import { loggedIn, PACK_DIR, REPO_ROOT, startTestServer, type ApiClient, type TestServer } from '../api/api-harness';
import { letterPdf, pdfsig } from './pdf-helpers';

describe('demo certificates at set-up', () => {
  it('are created on first start and kept on restart', async () => {
    const root = mkdtempSync(join(tmpdir(), 'civic-flow-certs-'));
    try {
      const demoDir = join(root, 'demo');
      mkdirSync(demoDir);
      copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demoDir, 'users.yaml'));
      const config = loadConfig({ DATA_DIR: join(root, 'data'), PACK_DIR, DEMO_DIR: demoDir, LOG_LEVEL: 'silent' }, REPO_ROOT);
      expect(config.certificatesDir).toBe(join(root, 'data', 'certificates'));
      const first = await createRuntime(config);
      await first.close();
      const alderman = readFileSync(certificatePath(config.certificatesDir, 'u-alderman'));
      const secretary = readFileSync(certificatePath(config.certificatesDir, 'u-secretary'));
      const again = await createRuntime(config);
      await again.close();
      expect(readFileSync(certificatePath(config.certificatesDir, 'u-alderman')).equals(alderman)).toBe(true);
      expect(readFileSync(certificatePath(config.certificatesDir, 'u-secretary')).equals(secretary)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    // Two full start-ups (the demo users' password hashes): slow on a loaded machine.
  }, 90_000);
});

describe('POST /api/signatures/batch', () => {
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

  /** A dossier awaiting signatures (the manager approved it), its letter stored as a blob in `letters`. */
  async function dossierToSign(company: string, pdf: Buffer): Promise<string> {
    const blob = await server.runtime.blobs.put(pdf);
    const letter = { id: blob.id, name: `recensement-${company.replace(/\W+/g, '-').toLowerCase()}.pdf`, size: blob.size, contentType: 'application/pdf' };
    const created = await agent.create({ company_name: company, tax_regulation: 'signage', language: 'fr', letters: [letter] });
    await agent.send(created.id, 'prepare');
    await agent.send(created.id, 'request-signature');
    const signing = await manager.send(created.id, 'approve');
    expect(signing.states).toContain('signing');
    return created.id;
  }

  async function signedLetter(client: ApiClient, id: string): Promise<Buffer> {
    const res = await fetch(`${server.url}/api/records/${id}/signed-letter`, { headers: { cookie: client.cookie ?? '' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/pdf/);
    return Buffer.from(await res.arrayBuffer());
  }

  const approvalsBy = async (client: ApiClient, id: string, user: string) => (await client.history(id)).filter((h) => h.eventType === 'approve' && h.actor === user);

  it('signs dossiers 1-2, stops at the damaged 3rd letter, leaves 3-5 unsigned; the secretary then co-signs', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const pdf = await letterPdf(`Entreprise ${i} SPRL`, i);
      ids.push(await dossierToSign(`Entreprise ${i} SPRL`, i === 3 ? pdf.subarray(0, Math.floor(pdf.length / 2)) : pdf));
    }

    const res = await alderman.post<SignatureBatch>('/api/signatures/batch', { recordIds: ids });
    expect(res.status).toBe(200);
    const batch = res.body;
    expect(batch.signer).toEqual({ id: 'u-alderman', commonName: 'Sofie Schepen' });
    expect(batch.results.map((r) => r.status)).toEqual(['signed', 'signed', 'failed', 'not-processed', 'not-processed']);
    expect(batch.summary).toEqual({ signed: 2, failed: 1, 'not-processed': 2 });
    const failure = batch.results[2];
    expect(failure?.error?.code).toBe('unsignable-pdf');
    expect(failure?.error?.message.fr).toContain(ids[2]);
    expect(failure?.error?.message.nl).toContain('kon niet worden ondertekend');

    // 1-2: approved by the alderman, with the stored signed PDF; still awaiting the secretary.
    for (const [i, id] of ids.slice(0, 2).entries()) {
      const approvals = await approvalsBy(alderman, id, 'u-alderman');
      expect(approvals).toHaveLength(1);
      expect(String(approvals[0]?.data['comment'])).toContain(`[signed-pdf:${batch.results[i]?.signedFile?.id}]`);
      expect((await alderman.record(id)).states).toContain('signing');
      const report = pdfsig(await signedLetter(alderman, id));
      expect(report.signatures.map((s) => [s.commonName, s.valid])).toEqual([['Sofie Schepen', true]]);
    }
    // 3-5: untouched.
    for (const id of ids.slice(2)) {
      expect(await approvalsBy(alderman, id, 'u-alderman')).toHaveLength(0);
      const rec = await alderman.record(id);
      expect(rec.states).toContain('signing');
      expect(rec.events?.map((e) => e.type)).toContain('approve');
    }

    // The results can be read again.
    const again = await alderman.get<SignatureBatch>(`/api/signatures/batch/${batch.id}`);
    expect(again.status).toBe(200);
    expect(again.body.results).toEqual(batch.results);
    expect((await secretary.get(`/api/signatures/batch/${batch.id}`)).status).toBe(404);

    // The secretary signs dossier 1 over the alderman's signature: both valid, the dossier is signed.
    const second = await secretary.post<SignatureBatch>('/api/signatures/batch', { recordIds: [ids[0]] });
    expect(second.status).toBe(200);
    expect(second.body.results[0]).toMatchObject({ status: 'signed', completed: true });
    expect((await agent.record(ids[0] ?? '')).states).toEqual(['signed']);
    const report = pdfsig(await signedLetter(agent, ids[0] ?? ''));
    expect(report.signatures.map((s) => [s.commonName, s.valid, s.subFilter])).toEqual([
      ['Sofie Schepen', true, 'ETSI.CAdES.detached'],
      ['Paul Secrétaire', true, 'ETSI.CAdES.detached'],
    ]);

    // Signing again what this signer already approved is refused per dossier, nothing changes.
    const twice = await alderman.post<SignatureBatch>('/api/signatures/batch', { recordIds: [ids[1]] });
    expect(twice.body.results[0]).toMatchObject({ status: 'failed', error: { code: 'not-awaiting-signature' } });
    expect(await approvalsBy(alderman, ids[1] ?? '', 'u-alderman')).toHaveLength(1);
  });

  it('signs the latest letter, not an older one nor the tax regulation the mail merge attaches after it', async () => {
    const file = async (pdf: Buffer, name: string) => {
      const b = await server.runtime.blobs.put(pdf);
      return { id: b.id, name, size: b.size, contentType: 'application/pdf' };
    };
    const letters = [
      await file(await letterPdf('Ancienne version SA'), 'ancienne.pdf'),
      await file(await letterPdf('Nouvelle version SA'), 'nouvelle.pdf'),
      await file(await letterPdf('Règlement-taxe'), 'reglement-taxe-signage.fr.pdf'),
    ];
    const created = await agent.create({ company_name: 'Nouvelle version SA', tax_regulation: 'signage', language: 'fr', letters });
    await agent.send(created.id, 'prepare');
    await agent.send(created.id, 'request-signature');
    await manager.send(created.id, 'approve');
    const res = await alderman.post<SignatureBatch>('/api/signatures/batch', { recordIds: [created.id] });
    expect(res.body.results[0]).toMatchObject({ status: 'signed', sourceFileId: letters[1]?.id, signedFile: { name: 'nouvelle.signed.pdf' } });
  });

  it('refuses a census agent (no signing certificate): 403, nothing signed', async () => {
    const id = await dossierToSign('Garage du Midi SA', await letterPdf('Garage du Midi SA'));
    const res = await agent.post('/api/signatures/batch', { recordIds: [id] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    // The manager's approval (TR-23) is the only one: the agent signed nothing.
    expect((await agent.history(id)).filter((h) => h.eventType === 'approve').map((h) => h.actor)).toEqual(['u-manager']);
  });

  it('refuses, per dossier, a letter the manager has not approved yet (TR-23)', async () => {
    const blob = await server.runtime.blobs.put(await letterPdf('Pas Encore Approuvé SRL'));
    const created = await agent.create({ company_name: 'Pas Encore Approuvé SRL', tax_regulation: 'signage', language: 'fr', letters: [{ id: blob.id, name: 'pas-encore.pdf', size: blob.size, contentType: 'application/pdf' }] });
    await agent.send(created.id, 'prepare');
    expect((await agent.send(created.id, 'request-signature')).states).toEqual(['manager-approval']);
    const res = await alderman.post<SignatureBatch>('/api/signatures/batch', { recordIds: [created.id] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'failed', error: { code: 'not-awaiting-signature' } });
    expect(await approvalsBy(alderman, created.id, 'u-alderman')).toHaveLength(0);
    expect((await agent.record(created.id)).states).toEqual(['manager-approval']);
  });

  it('rejects a malformed request with 400 and an anonymous one with 401', async () => {
    expect((await alderman.post('/api/signatures/batch', { recordIds: [] })).status).toBe(400);
    expect((await alderman.post('/api/signatures/batch', { recordIds: ['a', 'a'] })).status).toBe(400);
    expect((await alderman.post('/api/signatures/batch', { recordIds: ['a'], fileField: '../x' })).status).toBe(400);
    const anonymous = await fetch(`${server.url}/api/signatures/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recordIds: ['x'] }) });
    expect(anonymous.status).toBe(401);
  });
});
