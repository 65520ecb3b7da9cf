/**
 * The dossier screen's map and mail (TR-44, TR-16): in Chromium, the registered office's map is
 * drawn from the configured tile server, and the agent previews and sends a census template to
 * the business. Stand-ins on 127.0.0.1, named as such: a tile server speaking the XYZ
 * /{z}/{x}/{y}.png protocol (it logs what the browser asks), and a Nominatim-protocol /search.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import { ApiClient } from '../api/api-harness';
import { ARTIFACTS, CHROMIUM, PASSWORDS, REPO_ROOT, ensureUiBuilt } from './browser-harness';

jest.setTimeout(180_000);

const PLACE = { lat: 50.8466, lon: 4.3528 };
// A 1×1 PNG: the browser must be able to decode what the tile server sends.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** OSM's tile numbering (wiki.openstreetmap.org/wiki/Slippy_map_tilenames), computed here on its own. */
function osmTile(lat: number, lon: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * n) };
}

let root: string;
let server: RunningServer;
let browser: Browser;
let tiles: Server;
let nominatim: Server;
const tileRequests: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  tiles = createServer((req, res) => {
    tileRequests.push(req.url ?? '');
    if (/^\/osm\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else res.writeHead(404).end();
  });
  nominatim = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('q') ?? '';
    const hit = q.startsWith('Grand-Place 1, 1000 Bruxelles') ? [{ lat: String(PLACE.lat), lon: String(PLACE.lon), display_name: 'Grand-Place 1, Bruxelles' }] : [];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hit));
  });
  const tilePort = await listen(tiles);
  const geoPort = await listen(nominatim);
  root = mkdtempSync(join(tmpdir(), 'civic-flow-e2e-map-'));
  const demo = join(root, 'demo');
  mkdirSync(demo);
  copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demo, 'users.yaml'));
  server = await startServer(loadConfig({
    DATA_DIR: join(root, 'data'), DEMO_DIR: demo, PORT: '0', SMTP_PORT: '-1', LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '100',
    MAP_TILE_URL: `http://127.0.0.1:${tilePort}/osm/{z}/{x}/{y}.png`, MAP_ATTRIBUTION: '© OpenStreetMap contributors',
    GEOCODER_URL: `http://127.0.0.1:${geoPort}/search`, GEOCODER_MIN_INTERVAL_MS: '0',
  }, REPO_ROOT));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  tiles?.closeAllConnections();
  nominatim?.closeAllConnections();
  await new Promise((r) => tiles?.close(r));
  await new Promise((r) => nominatim?.close(r));
  rmSync(root, { recursive: true, force: true });
});

async function login(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORDS[username] ?? '');
  await page.locator('form button[type=submit]').click();
  await page.locator('header.top').waitFor();
  return page;
}

it('draws the registered office from the configured tile server, with a marker and a link to OpenStreetMap', async () => {
  const api = await new ApiClient(server.url).login('agent', 'agent-demo');
  const d = await api.create({ company_name: 'Maison du Roi SA', tax_regulation: 'signage', language: 'fr', registered_office: { street: 'Grand-Place', number: '1', postalCode: '1000', city: 'Bruxelles', country: 'BE' } });

  const page = await login('agent');
  await page.goto(`${server.url}/#/record/${encodeURIComponent(d.id)}`);
  const map = page.getByTestId('map');
  await map.getByRole('heading', { name: 'Siège social sur la carte' }).waitFor();
  await map.getByRole('img', { name: 'Carte du quartier autour de Grand-Place 1, 1000 Bruxelles, avec un repère à l’adresse' }).waitFor();
  // Every tile decoded: the CSP let the browser load them from the tile server's origin.
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid="map-tile"]')];
    return imgs.length === 9 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, undefined, { timeout: 10_000 });

  const { x, y } = osmTile(PLACE.lat, PLACE.lon, 17);
  const expected = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => `/osm/17/${x + dx}/${y + dy}.png`));
  expect([...new Set(tileRequests)].sort()).toEqual(expected.sort());
  await expect(map.getByTestId('map-marker').isVisible()).resolves.toBe(true);
  expect(await map.getByText('Fond de carte : © OpenStreetMap contributors').count()).toBe(1);
  const link = map.getByRole('link', { name: 'Ouvrir dans OpenStreetMap (nouvel onglet)' });
  expect(await link.getAttribute('href')).toBe(`https://www.openstreetmap.org/?mlat=${PLACE.lat}&mlon=${PLACE.lon}#map=17/${PLACE.lat}/${PLACE.lon}`);
  await page.screenshot({ path: join(ARTIFACTS, 'census-map-01-registered-office.png'), fullPage: true });
  await page.context().close();
});

it('says so, in Dutch for a Dutch-speaking agent, when the address is not on the map', async () => {
  const api = await new ApiClient(server.url).login('agent', 'agent-demo');
  const d = await api.create({ company_name: 'Nergens BV', tax_regulation: 'signage', language: 'nl', registered_office: { street: 'Onbestaandestraat', number: '9', postalCode: '1000', city: 'Brussel', country: 'BE' } });
  const page = await login('agent-nl');
  await page.goto(`${server.url}/#/record/${encodeURIComponent(d.id)}`);
  await page.getByTestId('map-error').getByText('Adres niet gevonden op de kaart: "Onbestaandestraat 9, 1000 Brussel".', { exact: false }).waitFor();
  expect(await page.locator('[data-testid="map-tile"]').count()).toBe(0);
  await page.context().close();
});

it('lets the agent preview a census reminder in the dossier’s language and send it to the business', async () => {
  const api = await new ApiClient(server.url).login('agent', 'agent-demo');
  const d = await api.create({ company_name: 'Bakkerij Peeters BV', enterprise_number: '0403.170.701', tax_regulation: 'signage', language: 'nl', contact_email: 'info@bakkerij-peeters.be' });
  const page = await login('agent');
  await page.goto(`${server.url}/#/record/${encodeURIComponent(d.id)}`);
  const form = page.getByRole('form', { name: 'Écrire à l’entreprise' });
  await form.getByLabel('Modèle').selectOption({ label: 'Rappel : déclaration de taxe à renvoyer – {{company_name}}' });
  await form.getByRole('button', { name: 'Aperçu' }).click();
  const preview = page.getByTestId('mail-preview');
  await preview.getByText('info@bakkerij-peeters.be').waitFor();
  expect(await preview.getByText('taxes@commune.example.brussels').count()).toBe(1);
  expect(await preview.getByText(`Herinnering: belastingaangifte terug te sturen – Bakkerij Peeters BV [CF-${d.id}]`).count()).toBe(1);
  await page.screenshot({ path: join(ARTIFACTS, 'census-map-02-mail-preview.png'), fullPage: true });

  await form.getByRole('button', { name: 'Envoyer l’e-mail' }).click();
  await form.getByText('E-mail envoyé à l’entreprise.').waitFor();
  await page.getByTestId('messages').locator('.message-out').getByText(`Herinnering: belastingaangifte terug te sturen – Bakkerij Peeters BV [CF-${d.id}]`).waitFor();
  const kept = server.store.listDeliveries('mail', 100).filter((m) => m['recordId'] === d.id);
  expect(kept).toHaveLength(1);
  expect(kept[0]).toMatchObject({ to: 'info@bakkerij-peeters.be', from: 'taxes@commune.example.brussels', lang: 'nl' });
  await page.context().close();
});
