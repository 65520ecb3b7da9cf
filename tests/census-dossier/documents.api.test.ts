/**
 * Documents and scans added to a dossier, several at once (TR-11, TR-12), over real multipart
 * uploads: one history entry per upload, downloads byte for byte, refusals (type, size, count,
 * rights) in French and Dutch that store nothing, and two uploads at once that both stay.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { attachFiles, type AttachResult, type FileValue } from '../../runtime/services/record-files.service';
import { ApiClient, frenchGarage, loggedIn, startTestServer, type ErrorBody, type TestServer } from '../api/api-harness';

let server: TestServer;
let agent: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  agent = await loggedIn(server.url, 'agent');
});

afterAll(async () => {
  await server.close();
});

interface Upload {
  name: string;
  type: string;
  data: Buffer;
}

const pdf = (body: string): Buffer => Buffer.from(`%PDF-1.4\n% ${body}\n%%EOF\n`);
const png = (seed: string): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(seed)]);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A real multipart/form-data request, as a browser's FormData sends it. */
async function upload(client: ApiClient, recordId: string, field: string, files: Upload[], headers: Record<string, string> = {}): Promise<{ status: number; body: AttachResult & ErrorBody }> {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
  const res = await fetch(`${server.url}/api/records/${recordId}/files/${field}`, { method: 'POST', body: form, headers: { cookie: client.cookie ?? '', ...headers } });
  return { status: res.status, body: (await res.json()) as AttachResult & ErrorBody };
}

async function download(client: ApiClient, recordId: string, file: FileValue): Promise<{ status: number; data: Buffer; disposition: string | null; type: string | null }> {
  const res = await fetch(`${server.url}/api/files/${file.id}?record=${recordId}`, { headers: { cookie: client.cookie ?? '' } });
  return { status: res.status, data: Buffer.from(await res.arrayBuffer()), disposition: res.headers.get('content-disposition'), type: res.headers.get('content-type') };
}

const documentsOf = async (client: ApiClient, id: string): Promise<FileValue[]> => ((await client.record(id)).fields['documents'] as FileValue[] | undefined) ?? [];
const tmpFiles = (): string[] => {
  const dir = join(server.dataDir, 'upload-tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('documents of a dossier', () => {
  it('adds three files in one upload, as one history entry, each downloadable byte for byte', async () => {
    const d = await agent.create(frenchGarage);
    const files: Upload[] = [
      { name: 'Déclaration signée 2025.pdf', type: 'application/pdf', data: pdf('declaration garage du midi') },
      { name: 'photo-enseigne.png', type: 'image/png', data: png('enseigne') },
      { name: 'notes-visite.txt', type: 'text/plain', data: Buffer.from('Enseigne lumineuse de 2 m², façade rue du Midi.\n') },
    ];
    const res = await upload(agent, d.id, 'documents', files);
    expect(res.status).toBe(201);
    expect(res.body.files.map((f) => [f.name, f.contentType, f.size])).toEqual(files.map((f) => [f.name, f.type, f.data.length]));
    expect(res.body.files.map((f) => f.id)).toEqual(files.map((f) => sha(f.data)));
    expect(res.body.record.version).toBe(d.version + 1);

    expect(await documentsOf(agent, d.id)).toEqual(res.body.files);
    const history = await agent.history(d.id);
    const last = history[history.length - 1];
    expect(history).toHaveLength(2);
    expect(last?.eventType).toBe('update');
    expect(last?.actor).toBe('u-agent');
    expect(last?.changes.map((c) => c.field)).toEqual(['documents']);

    for (const [i, f] of res.body.files.entries()) {
      const got = await download(agent, d.id, f);
      expect(got.status).toBe(200);
      expect(got.data.equals(files[i]?.data ?? Buffer.alloc(0))).toBe(true);
      expect(got.disposition).toContain(`attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`);
    }
    // A user who cannot read the dossier cannot download its files.
    const author = await loggedIn(server.url, 'author');
    expect((await download(author, d.id, res.body.files[0] as FileValue)).status).toBe(404);
    expect(tmpFiles()).toEqual([]);
  });

  it('refuses the whole upload when one file is refused, says which in French and Dutch, and stores nothing', async () => {
    const d = await agent.create(frenchGarage);
    const good = { name: 'bon-document.pdf', type: 'application/pdf', data: pdf(`good ${Date.now()}`) };
    // A program renamed to .pdf: the declared type does not match its first bytes.
    const disguised = { name: 'facture.pdf', type: 'application/pdf', data: Buffer.from('MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode') };
    const res = await upload(agent, d.id, 'documents', [good, disguised]);
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported-file-type');
    expect(res.body.message).toContain('« facture.pdf » n’est pas d’un type accepté');
    expect(res.body.message).toContain('Rien n’a été ajouté');
    const perFile = res.body.details['files'] as Array<{ index: number; name: string; messages: { fr: string; nl: string } }>;
    expect(perFile).toHaveLength(1);
    expect(perFile[0]).toMatchObject({ index: 1, name: 'facture.pdf' });
    expect(perFile[0]?.messages.nl).toContain('"facture.pdf" is geen aanvaard type');

    const nl = await loggedIn(server.url, 'agent-nl');
    const exe = await upload(nl, d.id, 'documents', [{ name: 'setup.exe', type: 'application/x-msdownload', data: Buffer.from('MZ\x90\x00') }]);
    expect(exe.status).toBe(415);
    expect(exe.body.message).toContain('Er werd niets toegevoegd');

    const after = await agent.record(d.id);
    expect(after.version).toBe(d.version);
    expect(after.fields['documents'] ?? []).toEqual([]);
    // The accepted file of the refused request was not kept either.
    expect(await server.runtime.blobs.get(sha(good.data))).toBeNull();
    expect(tmpFiles()).toEqual([]);
  });

  it('refuses a file over 25 MB (413), an empty file, more than 20 files, no file, and a body that is not multipart', async () => {
    const d = await agent.create(frenchGarage);
    const big = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    big.write('%PDF-1.7\n');
    const tooBig = await upload(agent, d.id, 'documents', [{ name: 'scan-300dpi.pdf', type: 'application/pdf', data: big }, { name: 'petit.pdf', type: 'application/pdf', data: pdf('petit') }]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toContain('dépasse la taille maximale de 25 Mo');
    expect(await server.runtime.blobs.get(sha(pdf('petit')))).toBeNull();

    const empty = await upload(agent, d.id, 'documents', [{ name: 'vide.pdf', type: 'application/pdf', data: Buffer.alloc(0) }]);
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('empty-file');

    const many = Array.from({ length: 21 }, (_, i) => ({ name: `page-${i}.pdf`, type: 'application/pdf', data: pdf(`page ${i}`) }));
    const tooMany = await upload(agent, d.id, 'documents', many);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toContain('au plus 20 fichiers');

    const none = await upload(agent, d.id, 'documents', []);
    expect(none.status).toBe(400);
    expect(none.body.message).toContain('au moins un fichier');

    const json = await agent.post<ErrorBody>(`/api/records/${d.id}/files/documents`, { files: [] });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('not-multipart');

    expect((await agent.record(d.id)).version).toBe(d.version);
    expect(tmpFiles()).toEqual([]);
  });

  it('stores nothing and leaves no temporary file when the client goes away in the middle of an upload', async () => {
    const d = await agent.create(frenchGarage);
    const boundary = 'civicflowboundary';
    const url = new URL(`${server.url}/api/records/${d.id}/files/documents`);
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { cookie: agent.cookie ?? '', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`);
    req.write(Buffer.alloc(256 * 1024, 0x41));
    // The server has started writing the file when the connection drops.
    const until = Date.now() + 5000;
    while (tmpFiles().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(tmpFiles()).toHaveLength(1);
    req.destroy();
    const gone = Date.now() + 5000;
    while (tmpFiles().length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    expect(tmpFiles()).toEqual([]);
    expect((await agent.record(d.id)).version).toBe(d.version);
  });

  it('takes files only into file fields, from users who may update the dossier', async () => {
    const d = await agent.create(frenchGarage);
    const one = [{ name: 'a.pdf', type: 'application/pdf', data: pdf('a') }];
    const notFile = await upload(agent, d.id, 'company_name', one);
    expect(notFile.status).toBe(400);
    expect(notFile.body.code).toBe('not-a-file-field');
    expect((await upload(agent, d.id, 'no_such_field', one)).status).toBe(404);

    const alderman = await upload(await loggedIn(server.url, 'alderman'), d.id, 'documents', one);
    expect(alderman.status).toBe(403);
    expect(alderman.body.message).toContain('documenten');
    expect((await upload(await loggedIn(server.url, 'author'), d.id, 'documents', one)).status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/records/${d.id}/files/documents`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
    expect((await agent.record(d.id)).version).toBe(d.version);
  });

  it('keeps both of two uploads sent at the same moment, and a field edited meanwhile', async () => {
    const d = await agent.create(frenchGarage);
    const manager = await loggedIn(server.url, 'manager');
    const mine = [{ name: 'agent-1.pdf', type: 'application/pdf', data: pdf('agent 1') }, { name: 'agent-2.pdf', type: 'application/pdf', data: pdf('agent 2') }];
    const theirs = [{ name: 'manager.jpg', type: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]) }];
    const [a, b, edit] = await Promise.all([
      upload(agent, d.id, 'documents', mine),
      upload(manager, d.id, 'documents', theirs),
      manager.event(d.id, 'update', { fields: { company_name: 'Garage du Midi SRL' } }),
    ]);
    expect([a.status, b.status, edit.status]).toEqual([201, 201, 200]);
    const after = await agent.record(d.id);
    expect((after.fields['documents'] as FileValue[]).map((f) => f.name).sort()).toEqual(['agent-1.pdf', 'agent-2.pdf', 'manager.jpg']);
    expect(after.fields['company_name']).toBe('Garage du Midi SRL');
    expect(after.version).toBe(d.version + 3);
  });

  it('does not add the same file twice (a retried upload), with or without an idempotency key', async () => {
    const d = await agent.create(frenchGarage);
    const files = [{ name: 'formulaire.pdf', type: 'application/pdf', data: pdf('formulaire retour') }];
    const headers = { 'idempotency-key': 'upload-42' };
    expect((await upload(agent, d.id, 'returned_forms', files, headers)).status).toBe(201);
    const again = await upload(agent, d.id, 'returned_forms', files, headers);
    expect(again.status).toBe(200);
    expect(again.body.files).toEqual([]);
    expect(again.body.duplicates.map((f) => f.name)).toEqual(['formulaire.pdf']);
    const renamed = await upload(agent, d.id, 'returned_forms', [{ ...files[0] as Upload, name: 'copie.pdf' }]);
    expect(renamed.status).toBe(200);
    const after = await agent.record(d.id);
    expect(after.fields['returned_forms']).toHaveLength(1);
    expect(after.version).toBe(d.version + 1);
  });

  it('accepts a phone’s HEIC photo sent as octet-stream into the inspection photos', async () => {
    const d = await agent.create(frenchGarage);
    const heic = Buffer.concat([Buffer.from([0x00, 0x00, 0x00, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic photo bytes')]);
    const res = await upload(agent, d.id, 'pv_photos', [{ name: 'IMG_0412.HEIC', type: 'application/octet-stream', data: heic }]);
    expect(res.status).toBe(201);
    expect(res.body.files[0]).toMatchObject({ name: 'IMG_0412.HEIC', contentType: 'image/heic' });
    expect((await download(agent, d.id, res.body.files[0] as FileValue)).type).toBe('image/heic');
  });

  it('lets another feature attach files through attachFiles, with the same checks', async () => {
    const d = await agent.create(frenchGarage);
    const actor = { id: 'u-agent', roles: ['census-agent'] };
    const result = await attachFiles(server.runtime, actor, d.id, 'returned_forms', [{ name: 'retour-mail.pdf', contentType: 'application/pdf', data: pdf('via la boîte mail') }]);
    expect(result.files.map((f) => f.name)).toEqual(['retour-mail.pdf']);
    expect(((await agent.record(d.id)).fields['returned_forms'] as FileValue[]).map((f) => f.name)).toEqual(['retour-mail.pdf']);
    // Five at once: each read the same version; those that lost the race are recomputed, none is lost.
    await Promise.all(Array.from({ length: 5 }, (_, i) => attachFiles(server.runtime, actor, d.id, 'returned_forms', [{ name: `retour-${i}.pdf`, contentType: 'application/pdf', data: pdf(`retour ${i}`) }])));
    expect(((await agent.record(d.id)).fields['returned_forms'] as FileValue[]).map((f) => f.name).sort()).toEqual(['retour-0.pdf', 'retour-1.pdf', 'retour-2.pdf', 'retour-3.pdf', 'retour-4.pdf', 'retour-mail.pdf']);
    await expect(attachFiles(server.runtime, actor, d.id, 'returned_forms', [{ name: 'x.html', contentType: 'text/html', data: Buffer.from('<script>') }])).rejects.toMatchObject({ status: 415 });
    expect((await agent.record(d.id)).fields['returned_forms']).toHaveLength(6);
  });
});
