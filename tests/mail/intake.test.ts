/**
 * Email intake over a real SMTP conversation on 127.0.0.1 (issue "Contact centre intake",
 * part 2): cases from mails, threading, refusals, auto-responses and their guards, agent
 * replies, duplicates.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, refusal, startMailServer, type MailServer } from './mail-harness';
import type { RecordView } from '../../runtime/services/records.service';
import type { MessageRow } from '../../runtime/ports/record-store.port';

let srv: MailServer;

beforeAll(async () => {
  srv = await startMailServer({ MAX_MAIL_BYTES: '200000' });
});

afterAll(async () => {
  await srv.close();
});

let seq = 0;
/** A subject nobody else uses, to find the case again. */
const unique = (what: string) => `${what} #${++seq}-${Date.now()}`;

function caseWithSubject(subject: string): RecordView | undefined {
  return srv.cases().find((c) => c.fields['subject'] === subject);
}

async function caseFor(subject: string): Promise<RecordView> {
  return eventually(async () => caseWithSubject(subject));
}

function mailsTo(address: string): Array<Record<string, unknown>> {
  return srv.mails().filter((m) => m['to'] === address);
}

/** Waits for the outbox to settle: the auto-responses queued so far are delivered. */
async function outboxIdle(): Promise<void> {
  await eventually(async () => (srv.runtime.store.listOutbox('pending', 10).length === 0 ? true : null), 5000);
}

function tmpFiles(): string[] {
  const dir = join(srv.dataDir, 'mail-tmp');
  return existsSync(dir) ? readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub))) : [];
}

describe('a new mail', () => {
  test('becomes a case in the right queue, with its body, sender, language and attachment (blob retrievable)', async () => {
    const subject = unique('Carte d’identité perdue');
    const pdf = Buffer.from(`%PDF-1.4 fake ${'x'.repeat(5000)}`);
    const info = await srv.send({
      from: '"Jan Peeters" <jan.peeters@example.org>',
      to: 'bevolking@commune.test',
      subject,
      text: 'Ik ben mijn identiteitskaart verloren.\nWat moet ik doen?',
      attachments: [{ filename: 'aangifte.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    expect(info.response).toMatch(/^250/);
    // The 250 comes after the commit: the case is there at once.
    const c = caseWithSubject(subject);
    expect(c).toBeDefined();
    if (!c) return;
    expect(c.recordType).toBe('case');
    expect(c.queue).toBe('population');
    expect(c.fields).toMatchObject({ topic: 'population', language: 'nl', channel: 'email', from_email: 'jan.peeters@example.org', from_name: 'Jan Peeters' });
    expect(String(c.fields['description'])).toContain('identiteitskaart verloren');
    const [msg] = srv.messages(c.id);
    expect(msg).toMatchObject({ direction: 'in', channel: 'email', from: 'jan.peeters@example.org', subject });
    expect(msg?.messageId).toMatch(/^<.+@.+>$/);
    expect(msg?.attachments).toHaveLength(1);
    const att = msg?.attachments[0];
    expect(att).toMatchObject({ name: 'aangifte.pdf', size: pdf.length, contentType: 'application/pdf' });

    const agent = await srv.login('agent');
    const res = await fetch(`${srv.runtime.url}/api/records/${c.id}/attachments/${att?.id}`, { headers: { cookie: agent.cookie ?? '' } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    // Not an attachment of this record: not served.
    const other = await fetch(`${srv.runtime.url}/api/records/${c.id}/attachments/${'0'.repeat(64)}`, { headers: { cookie: agent.cookie ?? '' } });
    expect(other.status).toBe(404);
    // The agent's messages endpoint shows it.
    const listed = await agent.get<{ items: MessageRow[] }>(`/api/records/${c.id}/messages`);
    expect(listed.body.items[0]?.attachments[0]?.id).toBe(att?.id);
    expect(tmpFiles()).toEqual([]);
  });

  test('HTML is sanitised: no script, no on* attributes, no javascript: URLs', async () => {
    const subject = unique('Question HTML');
    await srv.send({
      from: 'html.sender@example.org',
      to: 'info@commune.test',
      subject,
      html: '<p onclick="steal()">Bonjour <b>madame</b></p><script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">clic</a><style>body{display:none}</style><iframe src="https://evil.example"></iframe>',
    });
    const c = await caseFor(subject);
    const [msg] = srv.messages(c.id);
    const html = msg?.html ?? '';
    expect(html).toContain('<b>madame</b>');
    expect(html).not.toMatch(/<script|alert\(1\)|onerror|onclick|javascript:|<style|display:none|<iframe/i);
    // The text version (made by the parser from the HTML) is the description.
    expect(String(c.fields['description'])).toContain('Bonjour');
  });

  test('language: the mailbox’s, else Content-Language, else French', async () => {
    const en = unique('Opening hours');
    await srv.send({ from: 'lang.en@example.org', to: 'info@commune.test', subject: en, text: 'When are you open?', headers: { 'Content-Language': 'en' } });
    const fr = unique('Horaires');
    await srv.send({ from: 'lang.fr@example.org', to: 'info@commune.test', subject: fr, text: 'Quand êtes-vous ouverts ?' });
    expect((await caseFor(en)).fields['language']).toBe('en');
    expect((await caseFor(fr)).fields['language']).toBe('fr');
  });
});

describe('refusals', () => {
  test('an unknown mailbox is refused at RCPT TO with 550 5.1.1, in English with French and Dutch', async () => {
    const before = srv.cases().length;
    const e = await refusal(srv.send({ from: 'someone@example.org', to: 'nobody@commune.test', subject: 'Hello', text: 'x' }));
    expect(e.responseCode).toBe(550);
    expect(e.response).toMatch(/5\.1\.1/);
    expect(e.response).toMatch(/unknown mailbox/);
    expect(e.response).toMatch(/adresse inconnue/);
    expect(e.response).toMatch(/onbekend adres/);
    expect(srv.cases().length).toBe(before);
  });

  test('an oversized mail is refused with 552 and nothing is stored (no case, no blob, no temp file)', async () => {
    const before = srv.cases().length;
    const blobs = srv.blobCount();
    const subject = unique('Trop gros');
    const e = await refusal(
      srv.send({
        from: 'big.sender@example.org',
        to: 'info@commune.test',
        subject,
        text: 'Voici le scan.',
        attachments: [{ filename: 'scan.bin', content: Buffer.alloc(400_000, 7) }],
      }),
    );
    expect(e.responseCode).toBe(552);
    expect(e.response).toMatch(/too big|limit/i);
    expect(srv.cases().length).toBe(before);
    expect(caseWithSubject(subject)).toBeUndefined();
    expect(srv.blobCount()).toBe(blobs);
    await eventually(async () => (tmpFiles().length === 0 ? true : null));
    // The listener is still fine afterwards.
    const ok = unique('Petit');
    await srv.send({ from: 'big.sender@example.org', to: 'info@commune.test', subject: ok, text: 'ok' });
    expect(caseWithSubject(ok)).toBeDefined();
  });

  test('malformed MIME still makes a case (raw text kept) and nothing is half-stored', async () => {
    const before = srv.cases().length;
    const subject = unique('Mauvais MIME');
    const raw = [
      'From: broken@example.org',
      'To: info@commune.test',
      `Subject: ${subject}`,
      'Message-ID: <broken-mime-1@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Texte avec =ZZ un encodage cass=C3=A9 =',
      '--never-closed',
      'Content-Type: application/octet-stream; name="x.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="x.bin"',
      '',
      '!!!! not base64 at all ####',
      '',
    ].join('\r\n');
    let accepted = true;
    try {
      await srv.send({ envelope: { from: 'broken@example.org', to: ['info@commune.test'] }, raw });
    } catch (e) {
      accepted = false;
      expect((e as { responseCode?: number }).responseCode).toBeGreaterThanOrEqual(500);
    }
    if (accepted) {
      const c = await caseFor(subject);
      const msgs = srv.messages(c.id).filter((m) => m.direction === 'in');
      expect(msgs).toHaveLength(1);
      expect(msgs[0]?.text).toContain('Texte avec');
      expect(srv.cases().length).toBe(before + 1);
    } else {
      expect(srv.cases().length).toBe(before);
    }
    expect(tmpFiles()).toEqual([]);
  });

  test('a failed commit answers 451 and stores nothing; the retried mail is then accepted once', async () => {
    const store = srv.runtime.store;
    const writeBatch = store.writeBatch.bind(store);
    const subject = unique('Commit raté');
    const mail = { from: 'retry@example.org', to: 'info@commune.test', subject, text: 'x', messageId: '<retry-1@example.org>', attachments: [{ filename: 'a.txt', content: 'pièce' }] };
    const before = srv.cases().length;
    store.writeBatch = () => {
      throw new Error('disk full');
    };
    try {
      const e = await refusal(srv.send(mail));
      expect(e.responseCode).toBe(451);
      expect(e.response).toMatch(/4\.3\.0/);
    } finally {
      store.writeBatch = writeBatch;
    }
    expect(srv.cases().length).toBe(before);
    expect(tmpFiles()).toEqual([]);
    await srv.send(mail);
    await srv.send(mail);
    expect(srv.cases().length).toBe(before + 1);
    expect(srv.messages((await caseFor(subject)).id).filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  test('a mail without any MIME structure or headers still makes a case', async () => {
    const before = srv.cases().length;
    await srv.send({ envelope: { from: 'bare@example.org', to: ['info@commune.test'] }, raw: 'just some words\r\nwithout headers\r\n' });
    expect(srv.cases().length).toBe(before + 1);
  });
});

describe('threading', () => {
  test('a reply with the case token in the subject goes to the case (and sends citizen-replied once)', async () => {
    const subject = unique('Permis de stationnement');
    await srv.send({ from: 'thread.token@example.org', to: 'info@commune.test', subject, text: 'Première question' });
    const c = await caseFor(subject);
    const count = srv.cases().length;
    const reply = { from: 'thread.token@example.org', to: 'info@commune.test', subject: `RE: autre chose [CF-${c.id}]`, text: 'Voici la pièce demandée', messageId: `<token-reply-${c.id}@example.org>` };
    await srv.send(reply);
    expect(srv.cases().length).toBe(count);
    const msgs = srv.messages(c.id).filter((m) => m.direction === 'in');
    expect(msgs.map((m) => m.text.trim())).toEqual(['Première question', 'Voici la pièce demandée']);
    const after = srv.runtime.store.getInstance(c.id);
    expect(after?.snapshot.context.fields['replies']).toBe(1);
    // Replayed: nothing changes twice.
    await srv.send(reply);
    expect(srv.messages(c.id).filter((m) => m.direction === 'in')).toHaveLength(2);
    expect(srv.runtime.store.getInstance(c.id)?.snapshot.context.fields['replies']).toBe(1);
    expect(srv.cases().length).toBe(count);
  });

  test('a reply with In-Reply-To (our auto-response’s Message-ID) goes to the case', async () => {
    const subject = unique('Déménagement');
    await srv.send({ from: 'thread.irt@example.org', to: 'info@commune.test', subject, text: 'Je déménage' });
    const c = await caseFor(subject);
    const auto = await eventually(async () => mailsTo('thread.irt@example.org')[0]);
    const count = srv.cases().length;
    await srv.send({ from: 'thread.irt@example.org', to: 'info@commune.test', subject: 'Re: sans jeton', text: 'Ma nouvelle adresse', inReplyTo: String(auto['messageId']), references: [String(auto['messageId'])] });
    expect(srv.cases().length).toBe(count);
    expect(srv.messages(c.id).some((m) => m.direction === 'in' && m.text.includes('Ma nouvelle adresse'))).toBe(true);
  });

  test('a reply whose References name the citizen’s first mail goes to the case', async () => {
    const subject = unique('Naturalisation');
    await srv.send({ from: 'thread.refs@example.org', to: 'info@commune.test', subject, text: 'Q1', messageId: '<refs-first@example.org>' });
    const c = await caseFor(subject);
    const count = srv.cases().length;
    await srv.send({ from: 'thread.refs@example.org', to: 'info@commune.test', subject: 'Complément', text: 'Q2', references: ['<unknown@example.org>', '<refs-first@example.org>'] });
    expect(srv.cases().length).toBe(count);
    expect(srv.messages(c.id).filter((m) => m.direction === 'in')).toHaveLength(2);
  });
});

describe('auto-responses', () => {
  test('sent once, in the citizen’s language, with the case token, threading headers and Auto-Submitted', async () => {
    const subject = unique('Vraag over afval');
    await srv.send({ from: 'auto.nl@example.org', to: 'bevolking@commune.test', subject, text: 'Wanneer?', messageId: '<auto-nl-1@example.org>' });
    const c = await caseFor(subject);
    await outboxIdle();
    const mails = mailsTo('auto.nl@example.org');
    expect(mails).toHaveLength(1);
    const m = mails[0] ?? {};
    expect(m['lang']).toBe('nl');
    expect(m['subject']).toBe(`Wij hebben uw bericht goed ontvangen: ${subject} [CF-${c.id}]`);
    expect(m['from']).toBe('bevolking@commune.test');
    const raw = String(m['raw']);
    expect(raw).toMatch(/^Auto-Submitted: auto-replied$/m);
    expect(raw).toMatch(/^In-Reply-To: <auto-nl-1@example\.org>$/m);
    expect(raw).toMatch(/^Message-ID: <[0-9a-f]+@commune\.test>$/m);
    // Kept on the case as an outgoing message.
    expect(srv.messages(c.id).filter((x) => x.direction === 'out')).toHaveLength(1);

    const fr = unique('Taxe de séjour');
    await srv.send({ from: 'auto.fr@example.org', to: 'taxes@commune.test', subject: fr, text: 'Combien ?' });
    await outboxIdle();
    expect(mailsTo('auto.fr@example.org').map((x) => x['subject'])).toEqual([`Taxes : votre demande ${fr} [CF-${(await caseFor(fr)).id}]`]);
  });

  test.each([
    ['Auto-Submitted: auto-replied', { headers: { 'Auto-Submitted': 'auto-replied' } }],
    ['Auto-Submitted: auto-generated', { headers: { 'Auto-Submitted': 'auto-generated' } }],
    ['Precedence: bulk', { headers: { Precedence: 'bulk' } }],
    ['Precedence: list', { headers: { Precedence: 'list' } }],
    ['Precedence: junk', { headers: { Precedence: 'junk' } }],
    ['List-Id', { headers: { 'List-Id': '<news.example.org>' } }],
    ['List-Unsubscribe', { list: { unsubscribe: 'https://example.org/unsub' } }],
  ])('none to a mail with %s (the case is still made)', async (_name, extra) => {
    const sender = `robot.${++seq}@example.org`;
    const subject = unique('Robot');
    await srv.send({ from: sender, to: 'info@commune.test', subject, text: 'auto', ...extra });
    await caseFor(subject);
    await outboxIdle();
    expect(mailsTo(sender)).toHaveLength(0);
  });

  test.each([
    ['the null sender <>', { envelope: { from: '', to: ['info@commune.test'] }, from: 'someone.null@example.org' }],
    ['MAILER-DAEMON', { from: 'MAILER-DAEMON@mx.example.org' }],
    ['postmaster', { from: 'postmaster@example.org' }],
    ['no-reply', { from: 'no-reply@shop.example.org' }],
    ['our own mailbox (loop)', { from: 'taxes@commune.test' }],
  ])('none to %s', async (_name, extra) => {
    const subject = unique('Sender');
    const before = srv.mails().length;
    await srv.send({ to: 'info@commune.test', subject, text: 'x', ...extra });
    await caseFor(subject);
    await outboxIdle();
    expect(srv.mails().length).toBe(before);
  });

  test('our own auto-response sent back to us (a loop) threads to the case and is not answered', async () => {
    const subject = unique('Boucle');
    await srv.send({ from: 'loop.back@example.org', to: 'info@commune.test', subject, text: 'Bonjour' });
    const c = await caseFor(subject);
    const auto = await eventually(async () => mailsTo('loop.back@example.org')[0]);
    const count = srv.cases().length;
    const before = srv.mails().length;
    for (let i = 0; i < 5; i++) {
      // The very same message, returned to the mailbox (a forwarding loop).
      await srv.send({ envelope: { from: 'info@commune.test', to: ['info@commune.test'] }, raw: String(auto['raw']) });
    }
    await outboxIdle();
    expect(srv.cases().length).toBe(count);
    expect(srv.mails().length).toBe(before);
    // It carries our own Message-ID: recognised as the message we sent, kept once.
    expect(srv.messages(c.id).filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(srv.messages(c.id).filter((m) => m.direction === 'out')).toHaveLength(1);
  });

  test('our auto-response answered by a robot with a new Message-ID threads by its token and is not answered', async () => {
    const subject = unique('Boucle 2');
    await srv.send({ from: 'loop.robot@example.org', to: 'info@commune.test', subject, text: 'Bonjour' });
    const c = await caseFor(subject);
    const auto = await eventually(async () => mailsTo('loop.robot@example.org')[0]);
    for (let i = 0; i < 5; i++) {
      await srv.send({ from: 'loop.robot@example.org', to: 'info@commune.test', subject: `Re: ${String(auto['subject'])}`, text: `Réponse automatique ${i}`, headers: { 'Auto-Submitted': 'auto-replied' } });
    }
    await outboxIdle();
    expect(mailsTo('loop.robot@example.org')).toHaveLength(1);
    expect(srv.messages(c.id).filter((m) => m.direction === 'in')).toHaveLength(6);
  });

  test('a badly behaved auto-responder ping-pong is bounded: at most 3 auto-responses per sender per hour', async () => {
    const robot = 'vacation.robot@example.org';
    const loops = 12;
    let previous = 'Première demande';
    for (let i = 0; i < loops; i++) {
      // A robot that answers everything, drops our token, threading and Auto-Submitted headers.
      await srv.send({ from: robot, to: 'info@commune.test', subject: `Absent: ${previous.replace(/\[CF-[^\]]+\]/g, '')} ${i}`, text: 'Je suis absent.' });
      await outboxIdle();
      const last = mailsTo(robot).at(-1);
      previous = last ? String(last['subject']) : previous;
    }
    expect(mailsTo(robot).length).toBe(3);
  });

  test('rate limit per sender: the 4th new case of the hour gets no auto-response; another sender still does', async () => {
    for (let i = 0; i < 5; i++) await srv.send({ from: 'busy.citizen@example.org', to: 'info@commune.test', subject: unique('Encore une question'), text: 'q' });
    await srv.send({ from: 'calm.citizen@example.org', to: 'info@commune.test', subject: unique('Une question'), text: 'q' });
    await outboxIdle();
    expect(mailsTo('busy.citizen@example.org')).toHaveLength(3);
    expect(mailsTo('calm.citizen@example.org')).toHaveLength(1);
  });
});

describe('agent replies', () => {
  test('stored as an outgoing message and delivered to the local outbox with threading headers; the citizen’s answer threads back', async () => {
    const subject = unique('Extrait de casier');
    await srv.send({ from: '"Marie Dubois" <marie.dubois@example.org>', to: 'info@commune.test', subject, text: 'Comment obtenir un extrait ?', messageId: '<marie-1@example.org>' });
    const c = await caseFor(subject);
    const agent = await srv.login('agent');
    const res = await agent.post<{ message: MessageRow; delivered: boolean }>(`/api/records/${c.id}/reply`, { template: 'reply-answer', idempotencyKey: 'k1' });
    expect(res.status).toBe(201);
    expect(res.body.delivered).toBe(true);
    const out = res.body.message;
    expect(out).toMatchObject({ direction: 'out', channel: 'email', to: ['marie.dubois@example.org'], from: 'info@commune.test', inReplyTo: '<marie-1@example.org>' });
    expect(out.subject).toBe(`Réponse à votre demande : ${subject} [CF-${c.id}]`);
    expect(out.text).toBe('Bonjour Marie Dubois, voici la réponse à votre question.');
    const delivered = srv.mails().filter((m) => m['messageId'] === out.messageId);
    expect(delivered).toHaveLength(1);
    const raw = String(delivered[0]?.['raw']);
    expect(raw).toMatch(/^In-Reply-To: <marie-1@example\.org>$/m);
    expect(raw).toMatch(/^References: .*<marie-1@example\.org>/m);
    expect(raw).not.toMatch(/^Auto-Submitted/m);

    // The same request again (same key): sent once, stored once.
    const again = await agent.post<{ message: MessageRow; delivered: boolean }>(`/api/records/${c.id}/reply`, { template: 'reply-answer', idempotencyKey: 'k1' });
    expect(again.status).toBe(201);
    expect(again.body.delivered).toBe(false);
    expect(srv.mails().filter((m) => m['messageId'] === out.messageId)).toHaveLength(1);
    expect(srv.messages(c.id).filter((m) => m.messageId === out.messageId)).toHaveLength(1);

    // A free text reply in Dutch, then the citizen answers it.
    const nl = await agent.post<{ message: MessageRow }>(`/api/records/${c.id}/reply`, { body: 'Tot uw dienst.', language: 'nl' });
    expect(nl.status).toBe(201);
    expect(nl.body.message.subject).toBe(`Re: ${subject} [CF-${c.id}]`);
    const count = srv.cases().length;
    await srv.send({ from: 'marie.dubois@example.org', to: 'info@commune.test', subject: 'Merci', text: 'Merci beaucoup', inReplyTo: nl.body.message.messageId ?? '' });
    expect(srv.cases().length).toBe(count);
    expect(srv.messages(c.id).some((m) => m.direction === 'in' && m.text.includes('Merci beaucoup'))).toBe(true);

    const messages = await agent.get<{ items: MessageRow[] }>(`/api/records/${c.id}/messages`);
    expect(messages.body.items.map((m) => m.direction)).toEqual(['in', 'out', 'out', 'out', 'in']);
  });

  test('refused without the right to update the record, without a body or template, or unauthenticated', async () => {
    const subject = unique('Droits');
    await srv.send({ from: 'rights@example.org', to: 'info@commune.test', subject, text: 'x' });
    const c = await caseFor(subject);
    const reader = await srv.login('reader');
    expect((await reader.post(`/api/records/${c.id}/reply`, { body: 'hi' })).status).toBe(403);
    const agent = await srv.login('agent');
    expect((await agent.post(`/api/records/${c.id}/reply`, {})).status).toBe(422);
    expect((await agent.post(`/api/records/${c.id}/reply`, { template: 'nope' })).status).toBe(422);
    const anon = await fetch(`${srv.runtime.url}/api/records/${c.id}/reply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":"x"}' });
    expect(anon.status).toBe(401);
    const templates = await agent.get<{ items: Array<{ id: string }> }>('/api/mail-templates');
    expect(templates.body.items.map((t) => t.id).sort()).toEqual(['ack-general', 'ack-taxes', 'reply-answer']);
  });
});

describe('duplicates', () => {
  test('the same mail delivered twice (same Message-ID) is stored once, even at the same time', async () => {
    const subject = unique('Doublon');
    const mail = { from: 'dup@example.org', to: 'info@commune.test', subject, text: 'une fois', messageId: `<dup-${seq}@example.org>` };
    const before = srv.cases().length;
    await srv.send(mail);
    await srv.send(mail);
    await Promise.all([srv.send({ ...mail, messageId: `<dup2-${seq}@example.org>` }), srv.send({ ...mail, messageId: `<dup2-${seq}@example.org>` })]);
    expect(srv.cases().length).toBe(before + 2);
    await outboxIdle();
    expect(mailsTo('dup@example.org')).toHaveLength(2);
  });
});
