/**
 * Contact-centre journeys in the browser: a walk-in at the desk becomes a case with channel
 * "visit" from the pack's desk form; a website chat in opening hours reaches the agent's case
 * page, who answers in the chat.
 */
import { io, type Socket } from 'socket.io-client';
import { startE2E, type E2E } from './browser-harness';

jest.setTimeout(180_000);
let e2e: E2E;
// The contact centre is open: a Tuesday, 10:00 in Brussels (the server's clock runs from there).
const OPEN = Date.parse('2026-12-01T09:00:00Z');
const started = Date.now();
beforeAll(async () => {
  e2e = await startE2E({ clock: () => OPEN + (Date.now() - started) });
});
afterAll(async () => {
  await e2e?.close();
});

it('records a walk-in at the desk as a case with channel visit, routed by the rules', async () => {
  const page = await e2e.login('line1');
  await page.getByRole('navigation').getByRole('link', { name: 'Visite au guichet' }).click();
  await page.getByRole('heading', { name: 'Visite au guichet' }).waitFor();
  // The preset channel is not asked.
  expect(await page.getByLabel('Canal').count()).toBe(0);
  await page.getByLabel('Objet').fill('Changement d’adresse');
  await page.getByLabel('Thème').selectOption({ label: 'Population' });
  await page.locator('form').getByLabel('Langue', { exact: true }).selectOption({ label: 'Français' });
  await page.getByRole('button', { name: 'Créer' }).click();
  await page.locator('.progress-path, [data-testid="record-events"]').first().waitFor();
  const id = decodeURIComponent(page.url().split('#/record/')[1] ?? '');
  const row = e2e.server.store.getInstance(id);
  expect(row?.snapshot.context.fields).toMatchObject({ channel: 'visit', topic: 'population' });
  expect(row?.queue).not.toBeNull();
  await e2e.shot(page, 'contact-centre-walk-in');
});

it('brings a website chat to the agent, who answers from the case page', async () => {
  const visitor: Socket = io(`${e2e.url}/chat`, { path: '/socket.io', transports: ['websocket'] });
  const received: Array<{ from: string; text: string; reference?: string }> = [];
  visitor.on('chat:message', (m: { from: string; text: string; reference?: string }) => received.push(m));
  await new Promise<void>((r) => {
    visitor.on('chat:welcome', () => r());
    visitor.on('connect', () => visitor.emit('chat:hello', { language: 'fr' }));
  });
  visitor.emit('chat:message', { text: 'Bonjour, je cherche les horaires de l’état civil.' });
  for (let i = 0; i < 50 && !received.some((m) => m.reference); i++) await new Promise((r) => setTimeout(r, 100));
  const recordId = received.find((m) => m.reference)?.reference ?? '';
  expect(recordId).not.toBe('');

  const page = await e2e.login('supervisor');
  await page.goto(`${e2e.url}/#/record/${encodeURIComponent(recordId)}`);
  await page.getByTestId('messages').getByText('je cherche les horaires').waitFor();
  await page.getByTestId('chat-reply').getByLabel('Votre réponse').fill('Du lundi au vendredi, de 8 h à 16 h.');
  await page.getByTestId('chat-reply').getByRole('button', { name: 'Envoyer' }).click();
  for (let i = 0; i < 50 && !received.some((m) => m.from === 'agent'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(received.find((m) => m.from === 'agent')?.text).toBe('Du lundi au vendredi, de 8 h à 16 h.');
  // The visitor's next line appears on the agent's page without a reload.
  visitor.emit('chat:message', { text: 'Merci beaucoup !' });
  await page.getByTestId('messages').getByText('Merci beaucoup !').waitFor();
  await e2e.shot(page, 'contact-centre-chat');
  visitor.close();
});
