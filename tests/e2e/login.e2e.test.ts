import { startE2E, type E2E } from './browser-harness';

jest.setTimeout(120_000);
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

it('logs an agent in, in French, and shows the navigation of their role', async () => {
  const page = await e2e.login('agent');
  await e2e.shot(page, 'login-agent-fr');
  await expect(page.locator('html')).resolves;
  expect(await page.getAttribute('html', 'lang')).toBe('fr');
  const nav = page.getByRole('navigation');
  expect(await nav.getByRole('link', { name: 'Dossiers de recensement' }).count()).toBe(1);
  // A census agent has no studio.
  expect(await nav.getByRole('link', { name: 'Studio des définitions' }).count()).toBe(0);
});

it('refuses a wrong password with a message, and keeps the user on the login form', async () => {
  const ctx = await e2e.newContext();
  const page = await ctx.newPage();
  await page.goto(`${e2e.url}/`);
  await page.locator('#username').fill('agent');
  await page.locator('#password').fill('wrong');
  await page.locator('form button[type=submit]').click();
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').textContent()).toMatch(/incorrect/);
  await ctx.close();
});

it('switches to Dutch and remembers it for the next login', async () => {
  const ctx = await e2e.newContext();
  const page = await e2e.login('agent', ctx);
  await page.getByRole('button', { name: 'Nederlands' }).click();
  await page.getByRole('button', { name: 'Afmelden' }).waitFor();
  await page.getByRole('button', { name: 'Afmelden' }).click();
  const again = await e2e.login('agent', ctx);
  expect(await again.getAttribute('html', 'lang')).toBe('nl');
  expect(await again.getByRole('link', { name: 'Tellingsdossiers' }).count()).toBe(1);
  // Back to French for the other tests.
  await again.getByRole('button', { name: 'Français' }).click();
  await ctx.close();
});
