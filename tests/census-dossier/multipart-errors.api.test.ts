/**
 * A broken multipart body on the upload routes (documents, registered mail proofs) is a clear
 * 400 in the user's language, never a server error, and leaves no temporary file behind.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, loggedIn, startTestServer, type TestServer } from '../api/api-harness';

let server: TestServer;
let agent: ApiClient;
let agentNl: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  [agent, agentNl] = await Promise.all([loggedIn(server.url, 'agent'), loggedIn(server.url, 'agent-nl')]);
});

afterAll(async () => {
  await server.close();
});

/** A multipart body cut in the middle of a file part: no closing boundary ever comes. */
function truncatedBody(boundary: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nsending\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 half a scan`);
}

/** The message is in the user's language (the Dutch agent's for `nl`). */
async function post(path: string, lang: 'fr' | 'nl'): Promise<{ status: number; body: { code: string; message: string } }> {
  const boundary = 'civicflowtestboundary';
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { cookie: (lang === 'nl' ? agentNl : agent).cookie ?? '', 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: new Uint8Array(truncatedBody(boundary)),
  });
  return { status: res.status, body: (await res.json()) as { code: string; message: string } };
}

describe('broken multipart bodies', () => {
  it.each(['/api/registered-mail/proofs', '/api/records/{id}/files/documents'])('answer 400 in French and Dutch on %s and keep no temporary file', async (route) => {
    const d = await agent.create({ company_name: 'Scans Brisés SRL', language: 'fr' });
    const path = route.replace('{id}', d.id);
    const fr = await post(path, 'fr');
    expect(fr.status).toBe(400);
    expect(fr.body.code).toBe('malformed-multipart');
    expect(fr.body.message).toContain('Rien n’a été ajouté');
    const nl = await post(path, 'nl');
    expect(nl.status).toBe(400);
    expect(nl.body.message).toContain('Er werd niets toegevoegd');
    const tmp = join(server.dataDir, 'upload-tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
    // Nothing reached the dossier.
    expect((await agent.record(d.id)).version).toBe(d.version);
  });
});

describe('the upload size limit', () => {
  it('follows UPLOAD_MAX_FILE_BYTES, refusing a larger file with the limit named', async () => {
    const small = await startTestServer({ UPLOAD_MAX_FILE_BYTES: '4096' });
    try {
      const me = await loggedIn(small.url, 'agent');
      const d = await me.create({ company_name: 'Petits Fichiers SRL', language: 'fr' });
      const form = (bytes: number) => {
        const f = new FormData();
        f.append('file', new Blob([new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(bytes - 9, 0x20)]))], { type: 'application/pdf' }), 'scan.pdf');
        return f;
      };
      const post = (bytes: number) => fetch(`${small.url}/api/records/${d.id}/files/documents`, { method: 'POST', headers: { cookie: me.cookie ?? '' }, body: form(bytes) });
      const big = await post(8192);
      expect(big.status).toBe(413);
      expect((await me.record(d.id)).fields['documents'] ?? []).toEqual([]);
      expect((await post(2048)).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});
