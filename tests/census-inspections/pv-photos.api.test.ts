/**
 * The inspection report with its photos (TR-34..38): photos go to `pv_photos` through the
 * generic upload (POST /api/records/:id/files/:field), and stay through the manager's review,
 * a request for adjustments and the approval.
 */
import { createHash } from 'node:crypto';
import { loggedIn, startTestServer, type ApiClient, type ErrorBody, type TestServer } from '../api/api-harness';
import type { FileValue } from '../../runtime/services/record-files.service';
import { dossierToInspect, type Clients } from './inspection-helpers';

jest.setTimeout(60_000);

let server: TestServer;
let c: Clients;
let manager: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  const [agent, alderman, secretary, mgr] = await Promise.all(['agent', 'alderman', 'secretary', 'manager'].map((u) => loggedIn(server.url, u)));
  c = { agent: agent as ApiClient, manager: mgr as ApiClient, alderman: alderman as ApiClient, secretary: secretary as ApiClient };
  manager = mgr as ApiClient;
});

afterAll(async () => {
  await server?.close();
});

const jpeg = (seed: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`photo ${seed}`), Buffer.from([0xff, 0xd9])]);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function uploadPhotos(client: ApiClient, recordId: string, photos: Array<{ name: string; data: Buffer }>): Promise<{ status: number; body: { files: FileValue[] } & ErrorBody }> {
  const form = new FormData();
  for (const p of photos) form.append('files', new Blob([new Uint8Array(p.data)], { type: 'image/jpeg' }), p.name);
  const res = await fetch(`${server.url}/api/records/${recordId}/files/pv_photos`, { method: 'POST', body: form, headers: { cookie: client.cookie ?? '' } });
  return { status: res.status, body: (await res.json()) as { files: FileValue[] } & ErrorBody };
}

async function download(client: ApiClient, recordId: string, f: FileValue): Promise<Buffer> {
  const res = await fetch(`${server.url}/api/files/${f.id}?record=${recordId}`, { headers: { cookie: client.cookie ?? '' } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

it('keeps the PV photos through submission, a request for adjustments, the fix and the approval', async () => {
  let d = await dossierToInspect(c, { company_name: 'Taverne du Marché SRL' });
  d = await c.agent.send(d.id, 'plan-visit', { inspection_at: '2030-09-01T08:00:00Z', district: 'pentagone' });
  d = await c.agent.send(d.id, 'record-visit');
  expect(d.states).toEqual(['inspection', 'pv-draft']);

  const facade = jpeg('façade');
  const terrace = jpeg('terrasse');
  const up = await uploadPhotos(c.agent, d.id, [{ name: 'facade.jpg', data: facade }, { name: 'terrasse.jpg', data: terrace }]);
  expect(up.status).toBe(201);
  expect(up.body.files.map((f) => f.name)).toEqual(['facade.jpg', 'terrasse.jpg']);

  await c.agent.send(d.id, 'update', { fields: { pv_summary: 'Terrasse de 20 m² constatée.' } });
  d = await c.agent.send(d.id, 'submit-pv');
  expect(d.states).toEqual(['inspection', 'pv-review']);

  d = await manager.send(d.id, 'reject', { comment: 'Indiquer le nombre de tables.' });
  expect(d.states).toEqual(['inspection', 'pv-draft']);
  d = await c.agent.send(d.id, 'update', { fields: { pv_summary: 'Terrasse de 20 m², 6 tables et 24 chaises constatées.' } });
  d = await c.agent.send(d.id, 'submit-pv');
  d = await manager.send(d.id, 'approve');
  expect(d).toMatchObject({ states: ['inspection', 'pv-approved'], fields: { pv_summary: 'Terrasse de 20 m², 6 tables et 24 chaises constatées.' } });

  const photos = (await manager.record(d.id)).fields['pv_photos'] as FileValue[];
  expect(photos.map((p) => p.name)).toEqual(['facade.jpg', 'terrasse.jpg']);
  expect(sha(await download(manager, d.id, photos[0]!))).toBe(sha(facade));
  expect(sha(await download(manager, d.id, photos[1]!))).toBe(sha(terrace));
  // Each step is in the history, the photos' arrival included.
  const history = await c.agent.history(d.id);
  expect(history.some((h) => h.changes.some((ch) => ch.field === 'pv_photos'))).toBe(true);
  expect(history.filter((h) => h.eventType === 'submit-pv')).toHaveLength(2);
});
