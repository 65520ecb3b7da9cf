/**
 * Registered-mail proofs and returned forms uploaded in batches (TR-45; issue 5 parts 6 and 7),
 * over HTTP on a real server and SQLite store: POST /api/registered-mail/proofs and /returns.
 */
import { loggedIn, startTestServer, type ApiClient, type ErrorBody, type HistoryItem, type RecordView, type TestServer } from '../api/api-harness';
import { brusselsDate } from '../../runtime/services/dossier-matching';
import { filesIn, jpeg, pdf, signedDossier, upload, type BatchResult, type FileResult, type Signers } from './registered-mail-helpers';

let server: TestServer;
let agent: ApiClient;
let agentNl: ApiClient;
let alderman: ApiClient;
let who: Signers;

beforeAll(async () => {
  server = await startTestServer();
  [agent, agentNl, alderman] = await Promise.all(['agent', 'agent-nl', 'alderman'].map((u) => loggedIn(server.url, u)));
  const [secretary, manager] = await Promise.all(['secretary', 'manager'].map((u) => loggedIn(server.url, u)));
  who = { agent, manager: manager as ApiClient, alderman, secretary: secretary as ApiClient };
});

afterAll(async () => {
  await server.close();
});

const PROOFS = '/api/registered-mail/proofs';
const RETURNS = '/api/registered-mail/returns';

function resultFor(body: BatchResult, file: string): FileResult {
  const r = body.results.find((x) => x.file === file);
  if (!r) throw new Error(`no result for ${file}: ${JSON.stringify(body.results.map((x) => x.file))}`);
  return r;
}

async function download(fileId: string, recordId: string): Promise<Buffer> {
  const res = await fetch(`${server.url}/api/files/${fileId}?record=${recordId}`, { headers: { cookie: agent.cookie ?? '' } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('proofs of sending', () => {
  test('matches each scan to its dossier, attaches it, sets the registered number and starts the 15-day deadline; bad files are refused one by one', async () => {
    const bakery = await signedDossier(who, { company_name: 'Bakkerij Peeters BV', enterprise_number: '0403.170.701' });
    const garage = await signedDossier(who, { company_name: 'Garage du Midi SA', enterprise_number: '0417.497.106' });
    const noNumber = await signedDossier(who, { company_name: 'Librairie Tropismes SRL' });
    const unsigned = await agent.create({ company_name: 'Friterie Martin', enterprise_number: '0888.000.158', tax_regulation: 'signage' });

    const bakeryScan = pdf('bakery deposit');
    // The garage's letter was posted two days ago (the bpost deposit list says so).
    const posted = brusselsDate(Date.now() - 2 * 86_400_000);
    const [py, pm, pd] = posted.split('-');
    const manifest = `Fichier;N° envoi;BCE;Date\ndepot-page-2.pdf;RR123456785BE;0417.497.106;${pd}/${pm}/${py}\n`;
    const res = await upload(agent, PROOFS, {
      kind: 'sending',
      manifest,
      files: [
        { name: 'BE0403170701 RR473124829BE.pdf', data: bakeryScan },
        { name: 'depot-page-2.pdf', data: pdf('garage deposit') },
        { name: `depot ${noNumber.id} RR000000014BE.jpg`, data: jpeg('bookshop deposit'), type: 'image/jpeg' },
        { name: '0888.000.158.pdf', data: pdf('unsigned') },
        { name: 'programme.pdf', data: Buffer.from('MZ\x90\x00 this is not a PDF'), type: 'application/pdf' },
        { name: 'RR473124828BE.pdf', data: pdf('typo') },
        { name: 'scan-sans-nom.pdf', data: pdf('nameless') },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ applied: 3, 'attached-only': 0, 'already-done': 0, refused: 4 });
    expect(res.body.results.map((r) => r.file)).toEqual([
      'BE0403170701 RR473124829BE.pdf', 'depot-page-2.pdf', `depot ${noNumber.id} RR000000014BE.jpg`, '0888.000.158.pdf', 'programme.pdf', 'RR473124828BE.pdf', 'scan-sans-nom.pdf',
    ]);

    expect(resultFor(res.body, 'BE0403170701 RR473124829BE.pdf')).toMatchObject({ outcome: 'applied', dossier: { id: bakery.id, enterpriseNumber: '0403.170.701' }, registeredNumber: 'RR473124829BE', event: 'send-registered-mail' });
    expect(resultFor(res.body, 'depot-page-2.pdf')).toMatchObject({ outcome: 'applied', dossier: { id: garage.id }, registeredNumber: 'RR123456785BE' });
    expect(resultFor(res.body, `depot ${noNumber.id} RR000000014BE.jpg`)).toMatchObject({ outcome: 'applied', dossier: { id: noNumber.id }, registeredNumber: 'RR000000014BE' });
    const applied = resultFor(res.body, 'BE0403170701 RR473124829BE.pdf').message;
    expect(applied.fr).toContain('RR473124829BE');
    expect(applied.fr).toContain('15 jours');
    expect(applied.nl).toContain('15 dagen');

    const wrongState = resultFor(res.body, '0888.000.158.pdf');
    expect(wrongState).toMatchObject({ outcome: 'refused', code: 'wrong-state', dossier: { id: unsigned.id } });
    expect(wrongState.message.fr).toContain('signé');
    expect(wrongState.message.nl).toContain('ondertekend');
    expect(resultFor(res.body, 'programme.pdf')).toMatchObject({ outcome: 'refused', code: 'unsupported-file-type' });
    const typo = resultFor(res.body, 'RR473124828BE.pdf');
    expect(typo).toMatchObject({ outcome: 'refused', code: 'no-match' });
    expect(typo.message.fr).toContain('chiffre de contrôle');
    expect(typo.message.nl).toContain('controlecijfer');
    expect(resultFor(res.body, 'scan-sans-nom.pdf')).toMatchObject({ outcome: 'refused', code: 'no-match' });

    // The dossiers: proof, number and the registered letter marked sent, the deadline running.
    for (const [d, number] of [[bakery, 'RR473124829BE'], [garage, 'RR123456785BE'], [noNumber, 'RR000000014BE']] as const) {
      const now = await agent.record(d.id);
      expect(now).toMatchObject({ states: ['awaiting-return'], status: 'pending', fields: { registered_number: number } });
      expect(typeof now.fields['letter_sent_on']).toBe('string');
      expect(filesIn(now, 'proof_of_sending')).toHaveLength(1);
      // Files and number in one update, then the event: two history entries, nothing else.
      const history = await agent.history(d.id);
      expect(history.slice(-2).map((h) => h.eventType)).toEqual(['update', 'send-registered-mail']);
    }
    const stored = filesIn(await agent.record(bakery.id), 'proof_of_sending')[0];
    expect(stored).toMatchObject({ name: 'BE0403170701 RR473124829BE.pdf', contentType: 'application/pdf', size: bakeryScan.length });
    expect((await download(stored?.id ?? '', bakery.id)).equals(bakeryScan)).toBe(true);
    const admin = await loggedIn(server.url, 'admin');
    const timers = await admin.get<{ items: Array<{ instanceId: string; dueAt: string }> }>('/api/admin/timers');
    const due = timers.body.items.find((t) => t.instanceId === bakery.id);
    expect(due).toBeDefined();
    expect(Math.round((Date.parse(due?.dueAt ?? '') - Date.now()) / 86_400_000)).toBe(15);
    // The garage's 15 days count from its posting date (that day excluded): late from the start
    // of the 16th day after it, midnight in Brussels.
    expect((await agent.record(garage.id)).fields['deposited_on']).toBe(posted);
    const garageDue = timers.body.items.find((t) => t.instanceId === garage.id);
    const brussels = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const sixteenth = new Date(Date.parse(`${posted}T12:00:00Z`) + 16 * 86_400_000).toISOString().slice(0, 10);
    expect(brussels.format(new Date(garageDue?.dueAt ?? ''))).toBe(`${sixteenth}, 00:00`);

    // The refused dossier did not change at all.
    expect((await agent.record(unsigned.id)).version).toBe(unsigned.version);
  });

  test('a proof uploaded after the letter was marked sent by hand is attached, and a number that contradicts the dossier is refused', async () => {
    const d = await signedDossier(who, { company_name: 'Atelier Vélo ASBL', enterprise_number: '0450.000.024' });
    await agent.send(d.id, 'send-registered-mail', { registered_number: 'RR876543216BE' });
    const res = await upload(agent, PROOFS, {
      kind: 'sending',
      files: [
        { name: 'RR876543216BE.pdf', data: pdf('late proof') },
        { name: '0450.000.024 RR111111115BE.pdf', data: pdf('other number') },
      ],
    });
    expect(res.status).toBe(200);
    expect(resultFor(res.body, 'RR876543216BE.pdf')).toMatchObject({ outcome: 'applied', dossier: { id: d.id }, event: null });
    expect(resultFor(res.body, 'RR876543216BE.pdf').message.fr).toContain('déjà marqué envoyé');
    const contradiction = resultFor(res.body, '0450.000.024 RR111111115BE.pdf');
    expect(contradiction).toMatchObject({ outcome: 'refused', code: 'identifiers-disagree' });
    expect(contradiction.message.nl).toContain('RR876543216BE');
    const now = await agent.record(d.id);
    expect(filesIn(now, 'proof_of_sending').map((f) => f.name)).toEqual(['RR876543216BE.pdf']);
    expect(now.fields['registered_number']).toBe('RR876543216BE');
  });

  test('two dossiers of one company: the one waiting for its letter is chosen; when both wait, the scan is refused as ambiguous', async () => {
    const surface = await signedDossier(who, { company_name: 'Brasserie Nova SA', enterprise_number: '0202.020.217', tax_regulation: 'surface' });
    const terraces = await agent.create({ company_name: 'Brasserie Nova SA', enterprise_number: '0202.020.217', tax_regulation: 'terraces' });
    const one = await upload(agent, PROOFS, { kind: 'sending', files: [{ name: '0202020217.pdf', data: pdf('nova 1') }] });
    expect(one.body.results[0]).toMatchObject({ outcome: 'applied', dossier: { id: surface.id } });
    expect((await agent.record(terraces.id)).version).toBe(terraces.version);

    const a = await signedDossier(who, { company_name: 'Imprimerie Duo', enterprise_number: '0777.777.771', tax_regulation: 'surface' });
    const b = await signedDossier(who, { company_name: 'Imprimerie Duo', enterprise_number: '0777.777.771', tax_regulation: 'parking' });
    const both = await upload(agentNl, PROOFS, { kind: 'sending', files: [{ name: 'BE 0777.777.771.pdf', data: pdf('duo') }] });
    const r = both.body.results[0];
    expect(r).toMatchObject({ outcome: 'refused', code: 'several-dossiers', dossier: null });
    expect(r?.message.nl).toContain('2 dossiers');
    expect(r?.message.fr).toContain(a.id);
    expect(r?.message.fr).toContain(b.id);
    expect((await agent.record(a.id)).version).toBe(a.version);
    expect((await agent.record(b.id)).version).toBe(b.version);
  });

  test('a retried request with the same Idempotency-Key, and the same scans sent by two agents at once, are applied once', async () => {
    const d = await signedDossier(who, { company_name: 'Cordonnerie Saint-Géry', enterprise_number: '0600.000.131' });
    const files = [{ name: '0600000131 RR202405012BE.pdf', data: pdf('cordonnerie p1') }, { name: '0600000131 page 2.pdf', data: pdf('cordonnerie p2') }];
    const first = await upload(agent, PROOFS, { kind: 'sending', files, idempotencyKey: 'batch-2026-05-02' });
    expect(first.body.counts.applied).toBe(2);
    const versionAfter = (await agent.record(d.id)).version;
    const again = await upload(agent, PROOFS, { kind: 'sending', files, idempotencyKey: 'batch-2026-05-02' });
    expect(again.status).toBe(200);
    expect(again.body.results.map((r) => r.outcome)).toEqual(['already-done', 'already-done']);
    expect(again.body.results[0]?.message.fr).toContain('rien n’a changé');
    const now = await agent.record(d.id);
    expect(now.version).toBe(versionAfter);
    expect(filesIn(now, 'proof_of_sending')).toHaveLength(2);

    // Two agents drop the same receipt at the same moment: one receipt, one date.
    const receipt = [{ name: 'accuse RR202405012BE.pdf', data: pdf('cordonnerie receipt') }];
    const [x, y] = await Promise.all([
      upload(agent, PROOFS, { kind: 'receipt', files: receipt }),
      upload(agentNl, PROOFS, { kind: 'receipt', files: receipt }),
    ]);
    expect([x.body.results[0]?.outcome, y.body.results[0]?.outcome].sort()).toEqual(['already-done', 'applied']);
    const after = await agent.record(d.id);
    expect(filesIn(after, 'proof_of_receipt')).toHaveLength(1);
    const history: HistoryItem[] = await agent.history(d.id);
    expect(history.filter((h) => h.eventType === 'send-registered-mail')).toHaveLength(1);
  });
});

describe('proofs of receipt', () => {
  test('find the dossier by registered number, set the date from the manifest or today, and are refused before the letter is sent', async () => {
    const sent = await signedDossier(who, { company_name: 'Pharmacie du Sablon', enterprise_number: '0464.000.092' });
    await agent.send(sent.id, 'send-registered-mail', { registered_number: 'RR555555555BE' });
    const other = await signedDossier(who, { company_name: 'Fleuriste Anémone', enterprise_number: '0888.000.158' });
    await agent.send(other.id, 'send-registered-mail', { registered_number: 'RR111111115BE' });
    const notSent = await signedDossier(who, { company_name: 'Opticien Lux' });

    const res = await upload(agent, PROOFS, {
      kind: 'receipt',
      manifest: 'registered_number,date\nRR555555555BE,2026-05-06\n',
      files: [
        { name: 'AR RR555555555BE.png', data: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 1)]), type: 'image/png' },
        { name: 'AR RR111111115BE.pdf', data: pdf('receipt anemone') },
        { name: `AR ${notSent.id}.pdf`, data: pdf('receipt too early') },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => [r.outcome, r.dossier?.id])).toEqual([['applied', sent.id], ['applied', other.id], ['refused', notSent.id]]);
    expect(res.body.results[2]?.code).toBe('wrong-state');
    expect(res.body.results[2]?.message.fr).toContain('Aucun recommandé');
    expect(res.body.results[2]?.message.nl).toContain('nog geen aangetekende zending');

    const a = await agent.record(sent.id);
    expect(a.fields['received_by_taxpayer_on']).toBe('2026-05-06');
    expect(filesIn(a, 'proof_of_receipt').map((f) => f.contentType)).toEqual(['image/png']);
    // No proof of receipt changes the process: the dossier still waits for the forms.
    expect(a.states).toEqual(['awaiting-return']);
    expect((await agent.record(other.id)).fields['received_by_taxpayer_on']).toBe(brusselsDate(Date.now()));
    expect((await agent.record(notSent.id)).fields['proof_of_receipt']).toBeUndefined();
  });
});

describe('returned forms by upload', () => {
  test('are attached; "return received" is sent when the dossier waits for them, otherwise the result says why', async () => {
    const waiting = await signedDossier(who, { company_name: 'Taverne Het Anker', enterprise_number: '0417.497.106', tax_regulation: 'terraces' });
    await agent.send(waiting.id, 'send-registered-mail', { registered_number: 'RR314159268BE' });
    const analysed = await signedDossier(who, { company_name: 'Salon Coiffure Iris' });
    await agent.send(analysed.id, 'send-registered-mail');
    await agent.send(analysed.id, 'return-received');

    const res = await upload(agentNl, RETURNS, {
      files: [
        { name: 'aangifte RR314159268BE.docx', data: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(300, 2)]), type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
        { name: `formulaire ${analysed.id}.pdf`, data: pdf('second copy') },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('return');
    expect(res.body.results[0]).toMatchObject({ outcome: 'applied', dossier: { id: waiting.id }, event: 'return-received' });
    const w = await agent.record(waiting.id);
    expect(w).toMatchObject({ states: ['analysis'], step: 'analysis' });
    expect(typeof w.fields['return_received_on']).toBe('string');
    expect(filesIn(w, 'returned_forms')).toHaveLength(1);

    const second = res.body.results[1];
    expect(second).toMatchObject({ outcome: 'attached-only', dossier: { id: analysed.id }, event: null });
    expect(second?.message.fr).toContain('sans « Retour reçu »');
    expect(second?.message.nl).toContain('zonder "Terugzending ontvangen"');
    expect(filesIn(await agent.record(analysed.id), 'returned_forms')).toHaveLength(1);
  });
});

describe('requests refused as a whole, in French and Dutch, changing nothing', () => {
  test('a missing or unknown kind, a wrong manifest, no files, not multipart, no right', async () => {
    const d = await signedDossier(who, { company_name: 'Quincaillerie Centrale', enterprise_number: '0403.170.701', tax_regulation: 'parking' });
    const file = [{ name: `${d.id}.pdf`, data: pdf('q') }];

    const noKind = await upload<ErrorBody>(agent, PROOFS, { files: file });
    expect(noKind.status).toBe(400);
    expect(noKind.body).toMatchObject({ code: 'bad-kind', details: { messages: { fr: expect.stringContaining('kind'), nl: expect.stringContaining('kind') } } });
    expect((await upload<ErrorBody>(agent, PROOFS, { kind: 'return', files: file })).status).toBe(400);

    const badManifest = await upload<ErrorBody>(agentNl, PROOFS, { kind: 'sending', files: file, manifest: 'bestand;zendingnummer\nx.pdf;RR473124828BE\n' });
    expect(badManifest.status).toBe(400);
    expect(badManifest.body.code).toBe('bad-manifest');
    expect(badManifest.body.message).toContain('Regel 2');
    expect(badManifest.body.details['problems']).toEqual([expect.objectContaining({ line: 2, column: 'registered_number' })]);

    const none = await upload<ErrorBody>(agent, PROOFS, { kind: 'sending', files: [] });
    expect(none).toMatchObject({ status: 400, body: { code: 'no-files' } });

    const json = await agent.post(PROOFS, { kind: 'sending' });
    expect(json).toMatchObject({ status: 400, body: { code: 'not-multipart' } });

    const forbidden = await upload<ErrorBody>(alderman, PROOFS, { kind: 'sending', files: file });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toContain('tellingsdossiers');

    const anonymous = await fetch(`${server.url}${PROOFS}`, { method: 'POST' });
    expect(anonymous.status).toBe(401);

    const now: RecordView = await agent.record(d.id);
    expect(now.version).toBe(d.version);
    expect(now.fields['proof_of_sending']).toBeUndefined();
  });

  test('a scan over 25 MB is refused alone; the others of the batch go through', async () => {
    const d = await signedDossier(who, { company_name: 'Menuiserie Bois Dormant' });
    const big = Buffer.concat([pdf('big'), Buffer.alloc(25 * 1024 * 1024, 0x20)]);
    const res = await upload(agent, PROOFS, { kind: 'sending', files: [{ name: `${d.id} scan HD.pdf`, data: big }, { name: `${d.id} scan.pdf`, data: pdf('small') }] });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => [r.outcome, r.code])).toEqual([['refused', 'file-too-large'], ['applied', 'applied']]);
    expect(res.body.results[0]?.message.nl).toContain('25 MB');
    expect(filesIn(await agent.record(d.id), 'proof_of_sending').map((f) => f.name)).toEqual([`${d.id} scan.pdf`]);
  });
});
