/**
 * GET /api/merge/templates: the document templates the web app offers for the mail merge, with
 * a label in French and Dutch (the subject without its placeholders); email templates are not.
 */
import { loggedIn, startTestServer, type TestServer } from '../api/api-harness';

interface Templates { items: Array<{ id: string; label: { fr: string; nl: string; en: string } }> }

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

it('lists the document templates with readable FR/NL labels, and no email template', async () => {
  const agent = await loggedIn(server.url, 'agent');
  const res = await agent.get<Templates>('/api/merge/templates');
  expect(res.status).toBe(200);
  const ids = res.body.items.map((t) => t.id);
  expect(ids).toEqual(expect.arrayContaining(['census-cover-letter', 'declaration-signage', 'declaration-terraces']));
  expect(ids).not.toContain('late-return');
  const cover = res.body.items.find((t) => t.id === 'census-cover-letter');
  expect(cover?.label).toEqual({ fr: 'Recensement des taxes communales', nl: 'Telling van de gemeentebelastingen', en: 'Recensement des taxes communales' });
  for (const t of res.body.items) expect(`${t.label.fr}${t.label.nl}`).not.toContain('{{');
});

it('answers 401 without a session', async () => {
  expect((await fetch(`${server.url}/api/merge/templates`)).status).toBe(401);
});
