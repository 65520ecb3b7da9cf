/**
 * Mail to a business from its census dossier (TR-16, TR-19) through a real SMTP relay
 * (MAIL_RELAY_URL). The relay is a local smtp-server on 127.0.0.1 standing for the commune's
 * mail relay (see smtp-sink.ts); the app is the real server on its own SQLite file.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import type { MessageRow, OutboxRow } from '../../runtime/ports/record-store.port';
import { ApiClient, PACK_DIR, REPO_ROOT, dutchBakery, eventually, frenchGarage, type ErrorBody, type LocalizedText } from '../api/api-harness';
import { SmtpSink } from './smtp-sink';

const TAX_MAILBOX = 'taxes@commune.example.brussels';

/** A server on `root`'s data folder (kept across restarts), with the demo users and the shipped pack. */
async function boot(root: string, env: Record<string, string>): Promise<RunningServer> {
  const demoDir = join(root, 'demo');
  mkdirSync(demoDir, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demoDir, 'users.yaml'));
  const config = loadConfig({ DATA_DIR: join(root, 'data'), PACK_DIR, DEMO_DIR: demoDir, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', TIMER_POLL_MS: '50', OUTBOX_POLL_MS: '50', ...env }, REPO_ROOT);
  return startServer(config);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mailRows = (rt: RunningServer, recordId: string): OutboxRow[] => rt.store.listOutbox(null, 10_000).filter((r) => r.instanceId === recordId && r.kind === 'mail-out');

interface ReplyBody { message: MessageRow; delivered: boolean }
interface Preview { from: string; to: string; subject: string; body: string; language: string }
interface TemplateItem { id: string; subject: LocalizedText; recordTypes: string[] }

describe('mail from a dossier through the SMTP relay', () => {
  const sink = new SmtpSink();
  let root: string;
  let rt: RunningServer;
  let agent: ApiClient;
  let agentNl: ApiClient;

  beforeAll(async () => {
    await sink.start();
    root = mkdtempSync(join(tmpdir(), 'civic-flow-relay-'));
    rt = await boot(root, { MAIL_RELAY_URL: sink.url });
    agent = await new ApiClient(rt.url).login('agent', 'agent-demo');
    agentNl = await new ApiClient(rt.url).login('agent-nl', 'agent-demo');
  });

  afterAll(async () => {
    await rt.close();
    await sink.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('offers the census templates for dossiers only, and previews the mail in the dossier’s language', async () => {
    const forDossiers = await agent.get<{ items: TemplateItem[] }>('/api/mail-templates?recordType=dossier');
    expect(forDossiers.status).toBe(200);
    const ids = forDossiers.body.items.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['census-reminder', 'census-information-request']));
    expect(ids).not.toContain('reply-answer');
    const forCases = await agent.get<{ items: TemplateItem[] }>('/api/mail-templates?recordType=case');
    expect(forCases.body.items.map((t) => t.id)).toContain('reply-answer');
    expect(forCases.body.items.map((t) => t.id)).not.toContain('census-reminder');

    const d = await agent.create({ ...dutchBakery, contact_email: 'boekhouding@bakkerij-peeters.be' });
    const preview = await agent.post<Preview>(`/api/records/${d.id}/reply/preview`, { template: 'census-reminder' });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ from: TAX_MAILBOX, to: 'boekhouding@bakkerij-peeters.be', language: 'nl' });
    expect(preview.body.subject).toBe(`Herinnering: belastingaangifte terug te sturen – Bakkerij Peeters BV [CF-${d.id}]`);
    expect(preview.body.body).toContain('Betreft: Bakkerij Peeters BV – ondernemingsnummer 0403.170.701');
    // A preview sends nothing.
    await sleep(300);
    expect(sink.to('boekhouding@bakkerij-peeters.be')).toEqual([]);
    expect(rt.store.listMessages(d.id)).toEqual([]);
  });

  it('sends the reminder over SMTP once, from the tax mailbox, and threads the business’s answer back to the dossier', async () => {
    const d = await agent.create({ ...dutchBakery, company_name: 'Bakkerij Janssens BV', contact_email: 'info@bakkerij-janssens.be' });
    const res = await agent.post<ReplyBody>(`/api/records/${d.id}/reply`, { template: 'census-reminder', idempotencyKey: 'reminder-1' });
    expect(res.status).toBe(201);
    expect(res.body.delivered).toBe(true);

    const [mail] = await eventually(async () => (sink.to('info@bakkerij-janssens.be').length ? sink.to('info@bakkerij-janssens.be') : null), 10_000);
    expect(mail?.envelopeFrom).toBe(TAX_MAILBOX);
    expect(mail?.subject).toBe(`Herinnering: belastingaangifte terug te sturen – Bakkerij Janssens BV [CF-${d.id}]`);
    expect(mail?.text).toContain('Geachte mevrouw, geachte heer');
    expect(mail?.messageId).toBe(res.body.message.messageId);
    expect(mail?.headers.get('content-language')).toBe('nl');

    // A double click (same key) sends nothing more, and neither does the outbox once settled.
    const again = await agent.post<ReplyBody>(`/api/records/${d.id}/reply`, { template: 'census-reminder', idempotencyKey: 'reminder-1' });
    expect(again.status).toBe(201);
    expect(again.body.delivered).toBe(false);
    await eventually(async () => (mailRows(rt, d.id).every((r) => r.status === 'done') ? true : null), 5000);
    await sleep(300);
    expect(sink.to('info@bakkerij-janssens.be')).toHaveLength(1);
    expect(rt.store.listMessages(d.id).filter((m) => m.direction === 'out')).toHaveLength(1);

    // The bakery answers from its mail client: the token brings it to the dossier, not a new case.
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: Number(rt.channels['smtpPort']), secure: false, ignoreTLS: true });
    await client.sendMail({ from: 'info@bakkerij-janssens.be', to: TAX_MAILBOX, subject: `Re: ${mail?.subject ?? ''}`, text: 'De formulieren volgen morgen.', inReplyTo: mail?.messageId ?? '' });
    client.close();
    const messages = await eventually(async () => {
      const r = await agent.get<{ items: MessageRow[] }>(`/api/records/${d.id}/messages`);
      return r.body.items.some((m) => m.direction === 'in') ? r.body.items : null;
    }, 5000);
    expect(messages.find((m) => m.direction === 'in')).toMatchObject({ from: 'info@bakkerij-janssens.be', text: expect.stringContaining('De formulieren volgen morgen.') });
  });

  it('refuses a dossier without contact email in French and Dutch, and stores or sends nothing', async () => {
    const d = await agent.create(frenchGarage);
    const fr = await agent.post<ErrorBody>(`/api/records/${d.id}/reply`, { template: 'census-information-request', idempotencyKey: 'x' });
    expect(fr.status).toBe(422);
    expect(fr.body.code).toBe('no-recipient');
    expect(fr.body.message).toContain('n’a pas d’adresse e-mail');
    const nl = await agentNl.post<ErrorBody>(`/api/records/${d.id}/reply/preview`, { template: 'census-information-request' });
    expect(nl.status).toBe(422);
    expect(nl.body.message).toContain('heeft geen e-mailadres');
    expect(rt.store.listMessages(d.id)).toEqual([]);
    expect(mailRows(rt, d.id)).toEqual([]);
    expect(rt.store.listDeliveries('mail', 10_000).filter((m) => m['recordId'] === d.id)).toEqual([]);
  });

  it('refuses an unknown template and a wrong language, clearly', async () => {
    const d = await agent.create({ ...frenchGarage, contact_email: 'garage@midi.be' });
    const unknown = await agent.post<ErrorBody>(`/api/records/${d.id}/reply`, { template: 'no-such-template' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('Modèle d’e-mail inconnu');
    const lang = await agentNl.post<ErrorBody>(`/api/records/${d.id}/reply`, { template: 'census-reminder', language: 'de' });
    expect(lang.status).toBe(422);
    expect(lang.body.message).toBe('Taal: fr, nl of en.');
    expect(rt.store.listMessages(d.id)).toEqual([]);
  });
});

describe('a relay that is down', () => {
  const sink = new SmtpSink();
  let root: string;

  beforeEach(async () => {
    // Reserve a port, then close it: the relay is down until the sink starts again there.
    await sink.start(0);
    await sink.stop();
    root = mkdtempSync(join(tmpdir(), 'civic-flow-relay-down-'));
  });

  afterEach(async () => {
    await sink.stop();
    sink.arrived.length = 0;
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the mail, retries later and delivers it once when the relay is back', async () => {
    const rt = await boot(root, { MAIL_RELAY_URL: sink.url });
    try {
      const agent = await new ApiClient(rt.url).login('agent', 'agent-demo');
      const d = await agent.create({ ...frenchGarage, contact_email: 'compta@garage-du-midi.be' });
      const res = await agent.post<ReplyBody>(`/api/records/${d.id}/reply`, { template: 'census-information-request', idempotencyKey: 'info-1' });
      expect(res.status).toBe(201);

      // The relay refused the connection: the mail stays kept and its outbox row waits for a retry.
      const failed = await eventually(async () => mailRows(rt, d.id).find((r) => r.attempts >= 1 && r.lastError) ?? null, 5000);
      expect(failed.status).toBe('pending');
      expect(rt.store.listDeliveries('mail', 10_000).filter((m) => m['recordId'] === d.id)).toHaveLength(1);

      await sink.start();
      const arrived = await eventually(async () => (sink.to('compta@garage-du-midi.be').length ? sink.to('compta@garage-du-midi.be') : null), 15_000);
      expect(arrived[0]?.subject).toBe(`Demande d'informations – déclaration de taxe de Garage du Midi SA [CF-${d.id}]`);
      await eventually(async () => (mailRows(rt, d.id).every((r) => r.status === 'done') ? true : null), 5000);
      await sleep(500);
      expect(sink.to('compta@garage-du-midi.be')).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });

  it('loses nothing when the server restarts before the relay is back', async () => {
    const first = await boot(root, { MAIL_RELAY_URL: sink.url });
    let recordId: string;
    try {
      const agent = await new ApiClient(first.url).login('agent', 'agent-demo');
      const d = await agent.create({ ...dutchBakery, contact_email: 'zaakvoerder@bakkerij-peeters.be' });
      recordId = d.id;
      expect((await agent.post<ReplyBody>(`/api/records/${d.id}/reply`, { template: 'census-reminder', idempotencyKey: 'restart-1' })).status).toBe(201);
      await eventually(async () => mailRows(first, d.id).find((r) => r.attempts >= 1) ?? null, 5000);
    } finally {
      await first.close();
    }

    await sink.start();
    const second = await boot(root, { MAIL_RELAY_URL: sink.url });
    try {
      const arrived = await eventually(async () => (sink.to('zaakvoerder@bakkerij-peeters.be').length ? sink.to('zaakvoerder@bakkerij-peeters.be') : null), 15_000);
      expect(arrived[0]?.subject).toContain(`[CF-${recordId}]`);
      await eventually(async () => (mailRows(second, recordId).every((r) => r.status === 'done') ? true : null), 5000);
      await sleep(500);
      expect(sink.to('zaakvoerder@bakkerij-peeters.be')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
