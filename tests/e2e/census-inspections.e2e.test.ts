/**
 * The inspection agenda in the browser (TR-30): an agent opens it from the menu, goes to next
 * week, finds a planned visit under its day and district, filters by district and subscribes
 * to the .ics feed; WCAG 2.1 AA checked with axe; a Dutch-speaking agent gets it in Dutch.
 */
import { ApiClient } from '../api/api-harness';
import { dossierToInspect } from '../census-inspections/inspection-helpers';
import { wcagViolations } from './axe';
import { PASSWORDS, startE2E, type E2E } from './browser-harness';

jest.setTimeout(240_000);
let e2e: E2E;

/** Monday of next week and the Wednesday after it, as Brussels days. */
function nextWeek(): { monday: string; wednesday: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - weekday + 7);
  const monday = d.toISOString().slice(0, 10);
  d.setUTCDate(d.getUTCDate() + 2);
  return { monday, wednesday: d.toISOString().slice(0, 10) };
}

const { wednesday } = nextWeek();
// 10:00 UTC is 11:00 or 12:00 in Brussels: the screen shows the Brussels time.
const at = `${wednesday}T10:00:00.000Z`;
const brusselsTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));

beforeAll(async () => {
  e2e = await startE2E();
  const client = (u: string) => new ApiClient(e2e.url).login(u, PASSWORDS[u]);
  const c = { agent: await client('agent'), manager: await client('manager'), alderman: await client('alderman'), secretary: await client('secretary') };
  const bakery = await dossierToInspect(c, { company_name: 'Boulangerie Wiertz SRL', registered_office: { street: 'Rue Wiertz', number: '8', postalCode: '1050', city: 'Ixelles' } });
  await c.agent.send(bakery.id, 'plan-visit', { inspection_at: at, district: 'louise', manager_joins: true });
  const garage = await dossierToInspect(c, { company_name: 'Garage Heembeek SA' });
  await c.agent.send(garage.id, 'plan-visit', { inspection_at: `${wednesday}T13:00:00.000Z`, district: 'neder-over-heembeek' });
});

afterAll(async () => {
  await e2e?.close();
});

it('shows an agent next week’s visits by day and district, filters them, and gives the .ics address', async () => {
  const page = await e2e.login('agent');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Agenda des contrôles' }).click();
  await page.getByRole('heading', { level: 1, name: 'Agenda des contrôles' }).waitFor();
  await page.getByRole('link', { name: 'Semaine suivante' }).click();

  const day = page.locator(`section.agenda-day[data-date="${wednesday}"]`);
  await day.waitFor();
  const louise = day.locator('section.agenda-district[data-district="louise"]');
  await louise.getByRole('heading', { name: 'Quartier Louise (1050)' }).waitFor();
  const entry = louise.getByRole('listitem').filter({ hasText: 'Boulangerie Wiertz SRL' });
  await entry.waitFor();
  expect(await entry.innerText()).toContain(brusselsTime);
  expect(await entry.innerText()).toContain('Rue Wiertz 8, 1050 Ixelles');
  expect(await entry.innerText()).toContain('Contrôleur : Karim Recenseur');
  expect(await entry.innerText()).toContain('Avec le responsable');
  await day.getByRole('heading', { name: 'Neder-Over-Heembeek (1120)' }).waitFor();
  expect(await page.getByRole('status').filter({ hasText: '2 contrôles' }).count()).toBe(1);
  expect(await wcagViolations(page)).toEqual([]);
  await e2e.shot(page, 'inspections-01-week');

  await page.getByLabel('Quartier', { exact: true }).selectOption({ label: 'Quartier Louise (1050)' });
  await page.getByRole('status').filter({ hasText: '1 contrôle' }).waitFor();
  expect(await page.locator('section.agenda-district').count()).toBe(1);
  expect(await page.getByText('Garage Heembeek SA').count()).toBe(0);
  // The week and the filter are in the address: a reload keeps them.
  expect(page.url()).toContain('district=louise');
  await page.reload();
  await page.getByRole('status').filter({ hasText: '1 contrôle' }).waitFor();
  await e2e.shot(page, 'inspections-02-filtered');

  await page.getByRole('button', { name: 'S’abonner (.ics)' }).click();
  const address = page.getByLabel('Adresse de l’agenda (.ics)');
  await address.waitFor();
  const url = await address.inputValue();
  expect(url).toMatch(/\/calendar\/inspections\.ics\?token=[A-Za-z0-9_-]+$/);
  const feed = await fetch(url);
  expect(feed.status).toBe(200);
  expect(await feed.text()).toContain('Boulangerie Wiertz SRL');
  expect(await wcagViolations(page)).toEqual([]);
  await e2e.shot(page, 'inspections-03-subscribe');

  // Following the entry opens the dossier.
  await page.getByRole('link', { name: 'Boulangerie Wiertz SRL' }).click();
  await page.locator('.progress-path').waitFor();
  expect(page.url()).toContain('#/record/');
  await page.context().close();
});

it('speaks Dutch to a Dutch-speaking agent', async () => {
  const page = await e2e.login('agent-nl');
  await page.getByRole('link', { name: 'Controleagenda' }).click();
  await page.getByRole('heading', { level: 1, name: 'Controleagenda' }).waitFor();
  await page.getByRole('link', { name: 'Volgende week' }).click();
  const day = page.locator(`section.agenda-day[data-date="${wednesday}"]`);
  await day.getByRole('heading', { name: 'Louizawijk (1050)' }).waitFor();
  const heading = await day.locator('h3').innerText();
  expect(heading).toMatch(/^woensdag \d+ \w+ \d{4}$/);
  expect(await day.getByRole('listitem').filter({ hasText: 'Boulangerie Wiertz SRL' }).innerText()).toContain('Met de verantwoordelijke');
  expect(await page.getByLabel('Wijk', { exact: true }).count()).toBe(1);
  await page.getByRole('button', { name: 'Abonneren (.ics)' }).waitFor();
  const body = await page.locator('main').innerText();
  for (const french of ['Semaine', 'Quartier', 'contrôle', 'S’abonner']) expect(body).not.toContain(french);
  expect(await wcagViolations(page)).toEqual([]);
  await e2e.shot(page, 'inspections-04-dutch');
  await page.context().close();
});
