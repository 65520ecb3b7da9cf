/**
 * Returned forms mailed to the tax mailbox (channels.yaml, taxes@…: `attach:` block), over a
 * real SMTP conversation on 127.0.0.1 with the shipped pack: matched to the dossier by its
 * token or the enterprise number, attachments into `returned_forms`, "return received" sent
 * once; anything else becomes a case, as for every mailbox.
 */
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { loggedIn, startTestServer, type ApiClient, type RecordView, type TestServer } from '../api/api-harness';
import type { MessageRow } from '../../runtime/ports/record-store.port';
import { filesIn, pdf, signedDossier, type Signers } from './registered-mail-helpers';

const TAXES = 'taxes@commune.example.brussels';

let server: TestServer;
let agent: ApiClient;
let admin: ApiClient;
let who: Signers;
let transport: ReturnType<typeof nodemailer.createTransport>;

beforeAll(async () => {
  server = await startTestServer();
  [agent, admin] = await Promise.all(['agent', 'admin'].map((u) => loggedIn(server.url, u)));
  who = { agent, manager: await loggedIn(server.url, 'manager'), alderman: await loggedIn(server.url, 'alderman'), secretary: await loggedIn(server.url, 'secretary') };
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: Number(server.runtime.channels['smtpPort']), secure: false, ignoreTLS: true, pool: false });
});

afterAll(async () => {
  transport.close();
  await server.close();
});

async function send(mail: Mail.Options): Promise<string> {
  const info = (await transport.sendMail({ from: '"Comptabilité" <compta@bakkerij-peeters.example>', to: TAXES, ...mail })) as { response: string };
  return info.response;
}

async function awaitingReturn(fields: Record<string, unknown>): Promise<RecordView> {
  const d = await signedDossier(who, fields);
  return agent.send(d.id, 'send-registered-mail');
}

async function messagesOf(id: string): Promise<MessageRow[]> {
  const res = await agent.get<{ items: MessageRow[] }>(`/api/records/${id}/messages`);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function casesWithSubject(subject: string): Promise<RecordView[]> {
  const res = await admin.get<{ items: RecordView[] }>(`/api/records?type=case&limit=500`);
  expect(res.status).toBe(200);
  return res.body.items.filter((c) => c.fields['subject'] === subject);
}

describe('a returned form mailed to the tax mailbox', () => {
  test('with the dossier token in the subject: kept on the dossier, form in returned_forms, return received — once, even delivered twice', async () => {
    const d = await awaitingReturn({ company_name: 'Bakkerij Peeters BV', enterprise_number: '0403.170.701', language: 'nl' });
    const form = pdf('aangifte Peeters');
    const subject = `Re: Aangifte uithangborden [CF-${d.id}]`;
    const mail: Mail.Options = {
      subject, messageId: `<aangifte-${d.id}@bakkerij-peeters.example>`,
      text: 'Goedendag, in bijlage onze ingevulde aangifte.',
      attachments: [{ filename: 'aangifte.pdf', content: form, contentType: 'application/pdf' }, { filename: 'agenda.ics', content: 'BEGIN:VCALENDAR', contentType: 'text/calendar' }],
    };
    expect(await send(mail)).toMatch(/^250/);

    // The 250 comes after the commit: everything is there at once.
    const after = await agent.record(d.id);
    expect(after).toMatchObject({ states: ['analysis'], step: 'analysis', status: 'open' });
    expect(typeof after.fields['return_received_on']).toBe('string');
    const forms = filesIn(after, 'returned_forms');
    expect(forms).toEqual([expect.objectContaining({ name: 'aangifte.pdf', contentType: 'application/pdf', size: form.length })]);
    const res = await fetch(`${server.url}/api/files/${forms[0]?.id}?record=${d.id}`, { headers: { cookie: agent.cookie ?? '' } });
    expect(Buffer.from(await res.arrayBuffer()).equals(form)).toBe(true);
    const msgs = await messagesOf(d.id);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ direction: 'in', channel: 'email', subject, from: 'compta@bakkerij-peeters.example' });
    // The mail keeps both attachments; only the document went to the forms.
    expect(msgs[0]?.attachments.map((a) => a.name).sort()).toEqual(['aangifte.pdf', 'agenda.ics']);
    const history = await agent.history(d.id);
    expect(history.slice(-2).map((h) => [h.eventType, h.actor])).toEqual([['update', 'system'], ['return-received', 'system']]);
    expect(await casesWithSubject(subject)).toEqual([]);

    // The sender did not get our 250 and sends it again: nothing more happens.
    expect(await send(mail)).toMatch(/^250/);
    const again = await agent.record(d.id);
    expect(again.version).toBe(after.version);
    expect(await messagesOf(d.id)).toHaveLength(1);
    expect(await casesWithSubject(subject)).toEqual([]);
  });

  test('without a token: found by the enterprise number in the body, however it is written', async () => {
    const d = await awaitingReturn({ company_name: 'Garage du Midi SA', enterprise_number: '0417.497.106' });
    const subject = 'Déclaration taxe sur les enseignes';
    expect(await send({ subject, text: 'Bonjour,\nVeuillez trouver notre déclaration (TVA BE 0417.497.106).\nCordialement', attachments: [{ filename: 'declaration.pdf', content: pdf('garage'), contentType: 'application/pdf' }] })).toMatch(/^250/);
    const after = await agent.record(d.id);
    expect(after.states).toEqual(['analysis']);
    expect(filesIn(after, 'returned_forms').map((f) => f.name)).toEqual(['declaration.pdf']);
    expect((await messagesOf(d.id)).map((m) => m.subject)).toEqual([subject]);
    expect(await casesWithSubject(subject)).toEqual([]);
  });

  test('a dossier no longer waiting keeps the mail and the form, without a second "return received"', async () => {
    const d = await awaitingReturn({ company_name: 'Librairie Tropismes SRL', enterprise_number: '0888.000.158' });
    await agent.send(d.id, 'return-received', { declared_amount: 120 });
    const before = await agent.record(d.id);
    expect(await send({ subject: 'Complément 0888 000 158', text: 'Une page oubliée.', attachments: [{ filename: 'page-3.pdf', content: pdf('page 3'), contentType: 'application/pdf' }] })).toMatch(/^250/);
    const after = await agent.record(d.id);
    expect(after.states).toEqual(['analysis']);
    expect(after.fields['declared_amount']).toBe(120);
    expect(filesIn(after, 'returned_forms').map((f) => f.name)).toEqual(['page-3.pdf']);
    expect(after.version).toBe(before.version + 1);
    expect((await agent.history(d.id)).filter((h) => h.eventType === 'return-received')).toHaveLength(1);
    expect(await messagesOf(d.id)).toHaveLength(1);
  });
});

describe('mail the tax mailbox cannot place', () => {
  test('naming no dossier becomes a case, as for any other mailbox', async () => {
    const subject = 'Question sur la taxe de séjour';
    expect(await send({ subject, text: 'Notre numéro d’entreprise est 0450.000.024. Sommes-nous concernés ?' })).toMatch(/^250/);
    const cases = await casesWithSubject(subject);
    expect(cases).toHaveLength(1);
    expect(cases[0]?.fields).toMatchObject({ mailbox: TAXES, channel: 'email' });
  });

  test('naming a company with two dossiers waiting for forms becomes a case: no guessing', async () => {
    const a = await awaitingReturn({ company_name: 'Imprimerie Duo', enterprise_number: '0777.777.771', tax_regulation: 'surface' });
    const b = await awaitingReturn({ company_name: 'Imprimerie Duo', enterprise_number: '0777.777.771', tax_regulation: 'parking' });
    const subject = 'Nos déclarations 0777.777.771';
    expect(await send({ subject, text: 'Ci-joint.', attachments: [{ filename: 'decl.pdf', content: pdf('duo'), contentType: 'application/pdf' }] })).toMatch(/^250/);
    expect(await casesWithSubject(subject)).toHaveLength(1);
    for (const d of [a, b]) {
      const now = await agent.record(d.id);
      expect(now.version).toBe(d.version);
      expect(now.states).toEqual(['awaiting-return']);
    }
  });
});
