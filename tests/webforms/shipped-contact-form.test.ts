/**
 * The commune's own contact form (definitions/brussels-commune, channels.yaml → forms.contact):
 * it renders in both languages from the shipped pack, starts on the page's language, and a
 * submission becomes a web case, routed by the pack's rules, with the form-confirmation mail.
 */
import { startTestServer, type TestServer } from '../api/api-harness';
import { eventually, getPage, postForm } from './webforms-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ FORMS_PER_MINUTE: '100' });
});
afterAll(async () => {
  await server?.close();
});

it('renders the shipped form in French and Dutch with the pack’s labels', async () => {
  const fr = await getPage(`${server.url}/forms/contact?lang=fr`);
  expect(fr.status).toBe(200);
  expect(fr.html).toContain('<h1>Contacter la commune</h1>');
  expect(fr.html).toContain('<option value="civil-status">État civil</option>');
  expect(fr.html).toContain('<option value="fr" selected>Français</option>');
  const nl = await getPage(`${server.url}/forms/contact`, 'nl-BE');
  expect(nl.html).toContain('<h1>Contact opnemen met de gemeente</h1>');
  expect(nl.html).toContain('<option value="civil-status">Burgerlijke stand</option>');
  expect(nl.html).toContain('<option value="nl" selected>Nederlands</option>');
});

it('turns a Dutch submission into a web case with the confirmation in Dutch', async () => {
  const res = await postForm(`${server.url}/forms/contact?lang=nl`, {
    subject: 'Uittreksel uit de geboorteakte', description: 'Ik heb een uittreksel nodig voor mijn huwelijk.',
    from_name: 'Joris Claes', from_email: 'joris.claes@example.be', topic: 'civil-status', language: 'nl', website: '',
  });
  expect(res.status).toBe(201);
  const reference = /<span class="reference">([^<]+)<\/span>/.exec(res.html)?.[1] ?? '';
  const row = server.runtime.store.getInstance(reference);
  expect(row?.snapshot.context.fields).toMatchObject({ channel: 'web', topic: 'civil-status', language: 'nl', from_email: 'joris.claes@example.be' });
  // Civil status in Dutch goes to the second line (rules.yaml).
  expect(row?.queue).toBe('line-2');
  expect(server.runtime.store.listMessages(reference)).toEqual([expect.objectContaining({ channel: 'web', direction: 'in' })]);
  const mail = await eventually(async () => (server.runtime.store.listDeliveries('mail', 100) as Array<{ recordId: string; subject: string; to: string }>).find((m) => m.recordId === reference && m.subject.startsWith('Bevestiging')));
  expect(mail).toMatchObject({ to: 'joris.claes@example.be', subject: 'Bevestiging van uw aanvraag: Uittreksel uit de geboorteakte' });
});
