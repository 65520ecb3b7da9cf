/**
 * Census letters by mail merge over HTTP (TR-8..10, TR-20, TR-27): the cover letter in the
 * dossier's language as DOCX and PDF, attached to the dossier with the regulation; 404 of an
 * unknown template in FR/NL; bulk merge with a combined PDF to print.
 * Needs poppler-utils (pdftotext, pdfinfo).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ApiClient, loggedIn, REPO_ROOT, startTestServer, type ErrorBody, type TestServer } from '../api/api-harness';
import { MailMergeService } from '../../runtime/services/mail-merge.service';

interface FileValue { id: string; name: string; size: number; contentType: string }

let server: TestServer;
let agent: ApiClient;
let work: string;

beforeAll(async () => {
  server = await startTestServer();
  agent = await loggedIn(server.url, 'agent');
  work = mkdtempSync(join(tmpdir(), 'civic-flow-merge-'));
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

/** One entry of a zip (DOCX), read through the central directory. */
function unzipEntry(zip: Buffer, wanted: string): Buffer {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (name === wanted) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${wanted} not in the zip`);
}

function docxText(docx: Buffer): string {
  return unzipEntry(docx, 'word/document.xml').toString('utf8').replace(/<\/w:p>/g, '\n').replace(/<[^>]+>/g, '').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

let n = 0;
function saved(data: Buffer, ext: string): string {
  const p = join(work, `f${++n}.${ext}`);
  writeFileSync(p, data);
  return p;
}
const pdfText = (pdf: Buffer): string => execFileSync('pdftotext', ['-enc', 'UTF-8', saved(pdf, 'pdf'), '-'], { encoding: 'utf8' });
function pdfPages(pdf: Buffer): number {
  const info = execFileSync('pdfinfo', [saved(pdf, 'pdf')], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
}

async function download(file: FileValue): Promise<{ data: Buffer; res: Response }> {
  const res = await fetch(`${server.url}/api/files/${file.id}`, { headers: { cookie: agent.cookie ?? '' } });
  expect(res.status).toBe(200);
  return { data: Buffer.from(await res.arrayBuffer()), res };
}

const office = { street: 'Rue de la Loi', number: '16', postalCode: '1000', city: 'Bruxelles', country: 'BE' };

describe('census letters by mail merge', () => {
  it.each([
    ['fr', 'Garage du Midi SA', '0403.170.701', 'Recensement des taxes communales', 'Taxe sur les parkings', 'parking'],
    ['nl', 'Bakkerij Peeters BV', '0403.170.701', 'Telling van de gemeentebelastingen', 'Belasting op uithangborden', 'signage'],
  ])('renders the cover letter in %s as DOCX and PDF with the company and its number, and attaches it with the regulation', async (language, company, number, heading, regulationLabel, regulation) => {
    const d = await agent.create({ company_name: company, enterprise_number: number, tax_regulation: regulation, language, registered_office: office });
    const res = await agent.post<{ files: FileValue[]; regulation: FileValue | null }>(`/api/records/${d.id}/merge`, { template: 'census-cover-letter', formats: ['docx', 'pdf'], regulation: true });
    expect(res.status).toBe(201);
    const [docx, pdf] = res.body.files;
    if (!docx || !pdf) throw new Error('two files expected');
    expect(docx.name).toMatch(/\.docx$/);
    expect(pdf.contentType).toBe('application/pdf');

    const word = await download(docx);
    expect(word.res.headers.get('content-type')).toContain('wordprocessingml');
    expect(word.res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(docx.name)}`);
    const wordText = docxText(word.data);
    for (const s of [company, number, heading, regulationLabel, 'Rue de la Loi 16, 1000 Bruxelles']) expect(wordText).toContain(s);

    const printed = pdfText((await download(pdf)).data);
    for (const s of [company, number, heading, regulationLabel, language === 'nl' ? 'Pagina 1 / 1' : 'Page 1 / 1']) expect(printed).toContain(s);
    expect(printed).toContain(language === 'nl' ? 'Gemeente Brussel' : 'Commune de Bruxelles');

    const reg = res.body.regulation;
    if (!reg) throw new Error('regulation expected');
    expect(pdfText((await download(reg)).data)).toContain(regulationLabel);

    // Attached to the dossier: the field and its history.
    const after = await agent.record(d.id);
    expect((after.fields['letters'] as FileValue[]).map((f) => f.id)).toEqual([docx.id, pdf.id, reg.id]);
    const history = await agent.history(d.id);
    expect(JSON.stringify(history)).toContain(docx.id);

    // Through the dossier (as after a restart): its file values, and nothing else.
    const viaRecord = await fetch(`${server.url}/api/files/${reg.id}?record=${d.id}`, { headers: { cookie: agent.cookie ?? '' } });
    expect(viaRecord.status).toBe(200);
    expect(viaRecord.headers.get('content-type')).toBe('application/pdf');
    const restarted = new MailMergeService(server.runtime, join(REPO_ROOT, 'examples', 'regulations'));
    const actor = { id: 'u-agent', roles: ['census-agent'] };
    expect(restarted.file(actor, reg.id)).toBeNull();
    expect(restarted.file(actor, reg.id, d.id)?.name).toBe(reg.name);
    expect(restarted.file({ id: 'u-author', roles: ['knowledge-author'] }, reg.id, d.id)).toBeNull();
  });

  it('fills a declaration form with money in the language and enum labels', async () => {
    const d = await agent.create({ company_name: 'Terrasse Flagey SRL', tax_regulation: 'terraces', language: 'fr', declared_amount: 1234.5 });
    const res = await agent.post<{ files: FileValue[] }>(`/api/records/${d.id}/merge`, { template: 'declaration-terraces', formats: ['pdf'] });
    expect(res.status).toBe(201);
    expect(res.body.files).toHaveLength(1);
    const file = res.body.files[0];
    if (!file) throw new Error('no file');
    const printed = pdfText((await download(file)).data).replace(/\s+/g, ' ');
    expect(printed).toContain('Terrasse Flagey SRL');
    expect(printed).toContain('1 234,50 €');
    expect(printed).toContain('taxe sur les terrasses');
  });

  it('answers 404 in French and Dutch for an unknown template or file, 401 without a session', async () => {
    const d = await agent.create({ company_name: 'Nowhere SA', language: 'fr' });
    const fr = await new ApiClient(server.url, 'fr').login('agent');
    const nl = await new ApiClient(server.url, 'nl').login('agent-nl');
    const a = await fr.post<ErrorBody>(`/api/records/${d.id}/merge`, { template: 'no-such-letter' });
    expect(a.status).toBe(404);
    expect(a.body.message).toContain('modèle de document');
    const b = await nl.post<ErrorBody>(`/api/records/${d.id}/merge`, { template: 'no-such-letter' });
    expect(b.status).toBe(404);
    expect(b.body.message).toContain('documentsjabloon');
    // An email template is not a document template.
    expect((await fr.post(`/api/records/${d.id}/merge`, { template: 'late-return' })).status).toBe(404);
    expect((await fr.post('/api/merge/bulk', { template: 'no-such-letter', recordIds: [d.id] })).status).toBe(404);
    expect((await fr.get(`/api/files/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/files/${'0'.repeat(64)}`)).status).toBe(401);
  });

  it('bulk-merges 5 dossiers into 5 DOCX, 5 PDF and one combined PDF of at least 5 pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await agent.create({ company_name: `Entreprise ${i} SA`, enterprise_number: '0403.170.701', tax_regulation: 'surface', language: i % 2 ? 'nl' : 'fr' });
      ids.push(d.id);
    }
    const res = await agent.post<{ files: Array<FileValue & { recordId: string }>; combined: FileValue }>('/api/merge/bulk', { template: 'census-cover-letter', recordIds: ids });
    expect(res.status).toBe(201);
    expect(res.body.files.filter((f) => f.name.endsWith('.docx'))).toHaveLength(5);
    expect(res.body.files.filter((f) => f.name.endsWith('.pdf'))).toHaveLength(5);
    expect(res.body.files.map((f) => f.recordId)).toEqual(ids.flatMap((id) => [id, id]));
    const combined = (await download(res.body.combined)).data;
    expect(pdfPages(combined)).toBeGreaterThanOrEqual(5);
    const printed = pdfText(combined);
    for (let i = 0; i < 5; i++) expect(printed).toContain(`Entreprise ${i} SA`);
    expect(printed).toContain('Telling van de gemeentebelastingen');
    for (const id of ids) expect(((await agent.record(id)).fields['letters'] as FileValue[])).toHaveLength(2);

    // Files are read only by those who may read all their dossiers.
    const author = await loggedIn(server.url, 'author');
    expect((await author.get(`/api/files/${res.body.combined.id}`)).status).toBe(404);
    expect((await author.post('/api/merge/bulk', { template: 'census-cover-letter', recordIds: ids })).status).toBe(404);
  });
});
