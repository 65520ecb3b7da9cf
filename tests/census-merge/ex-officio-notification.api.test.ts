/**
 * The registered notification before an ex officio taxation (Brussels ordinance of 3 April
 * 2014 on communal taxes): merged from the dossier in its language, it states the reasons, the
 * basis, the amount with the regulation's increase and the 30-day period for observations.
 * Needs poppler-utils (pdftotext).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggedIn, startTestServer, type ApiClient, type TestServer } from '../api/api-harness';

interface FileValue { id: string; name: string; size: number; contentType: string }

let server: TestServer;
let agent: ApiClient;
let work: string;

beforeAll(async () => {
  server = await startTestServer();
  agent = await loggedIn(server.url, 'agent');
  work = mkdtempSync(join(tmpdir(), 'civic-flow-exofficio-'));
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

async function pdfTextOf(file: FileValue): Promise<string> {
  const res = await fetch(`${server.url}/api/files/${file.id}`, { headers: { cookie: agent.cookie ?? '' } });
  expect(res.status).toBe(200);
  const path = join(work, `${file.id}.pdf`);
  writeFileSync(path, Buffer.from(await res.arrayBuffer()));
  return execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

describe('the ex officio notification letter', () => {
  it.each([
    ['fr', 'Enseignes Lumière SRL', ['Notification de taxation d', 'ordonnance du 3 avril 2014', 'Aucune déclaration renvoyée', 'Deux enseignes de 3 m²', '1 800,00 €', '3 600,00 €', 'trente jours calendrier à compter du troisième jour ouvrable']],
    ['nl', 'Lichtreclame Peeters BV', ['Kennisgeving van ambtshalve belasting', 'ordonnantie van 3 april 2014', 'Aucune déclaration renvoyée', 'Deux enseignes de 3 m²', '1.800,00', '3.600,00', 'dertig kalenderdagen vanaf de derde werkdag']],
  ])('states the reasons, the basis, the amount with the increase and the observation period (%s)', async (language, company, expected) => {
    // The signage regulation doubles an ex officio tax (the table is in the pack).
    const d = await agent.create({
      company_name: company, enterprise_number: '0403.170.701', tax_regulation: 'signage', language,
      ex_officio_reasons: 'Aucune déclaration renvoyée', ex_officio_basis: 'Deux enseignes de 3 m² constatées', assessed_amount: 1800,
    });
    expect(d.fields).toMatchObject({ ex_officio_increase: 2, total_tax: 3600 });
    const res = await agent.post<{ files: FileValue[] }>(`/api/records/${d.id}/merge`, { template: 'ex-officio-notification', formats: ['pdf'] });
    expect(res.status).toBe(201);
    const [pdf] = res.body.files;
    if (!pdf) throw new Error('no PDF');
    const text = await pdfTextOf(pdf);
    for (const s of [company, '0403.170.701', ...expected]) expect(text).toContain(s);
  });
});
