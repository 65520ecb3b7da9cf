/**
 * The dossier's map (TR-44): GET /api/records/:id/location geocodes the registered office on
 * the server through a Nominatim-protocol endpoint and names the configured tile server.
 * Stand-ins on 127.0.0.1, named as such: `nominatimStandIn` answers Nominatim's documented
 * /search (q, format=jsonv2, limit) with a fixed gazetteer, and can fail or hang on demand.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import { ApiClient, PACK_DIR, REPO_ROOT, frenchGarage, type ErrorBody } from '../api/api-harness';

interface Location { lat: number; lon: number; label: string; address: string; zoom: number; tileUrl: string; attribution: string; osmUrl: string }

const GAZETTEER: Record<string, { lat: string; lon: string; display_name: string }> = {
  'Rue Haute 12, 1000 Bruxelles, BE': { lat: '50.8399', lon: '4.3490', display_name: '12, Rue Haute, Marolles, Bruxelles, 1000, België / Belgique' },
  'Hoogstraat 3, 1000 Brussel, BE': { lat: '50.8420', lon: '4.3510', display_name: '3, Hoogstraat, Brussel, 1000, België / Belgique' },
};

/** A local stand-in for a Nominatim server (search endpoint only). */
class NominatimStandIn {
  readonly requests: Array<{ q: string; format: string | null; limit: string | null; userAgent: string | undefined }> = [];
  mode: 'ok' | 'error' | 'hang' = 'ok';
  private server: Server | null = null;
  port = 0;

  async start(): Promise<this> {
    const server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/search') {
        res.writeHead(404).end();
        return;
      }
      const q = url.searchParams.get('q') ?? '';
      this.requests.push({ q, format: url.searchParams.get('format'), limit: url.searchParams.get('limit'), userAgent: req.headers['user-agent'] });
      if (this.mode === 'hang') return; // never answers: the app's timeout must end it
      if (this.mode === 'error') {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
        return;
      }
      const hit = GAZETTEER[q];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hit ? [{ place_id: 1, ...hit }] : []));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }
}

const office = (street: string, number: string, postalCode: string, city: string) => ({ street, number, postalCode, city, country: 'BE' });

describe('the location of a dossier', () => {
  const nominatim = new NominatimStandIn();
  let root: string;
  let rt: RunningServer;
  let agent: ApiClient;
  let agentNl: ApiClient;
  const TILES = 'http://127.0.0.1:45678/tiles/{z}/{x}/{y}.png';

  const boot = async (): Promise<RunningServer> => {
    const demoDir = join(root, 'demo');
    mkdirSync(demoDir, { recursive: true });
    copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demoDir, 'users.yaml'));
    const config = loadConfig({
      DATA_DIR: join(root, 'data'), PACK_DIR, DEMO_DIR: demoDir, PORT: '0', SMTP_PORT: '-1', LOG_LEVEL: 'silent',
      GEOCODER_URL: `http://127.0.0.1:${nominatim.port}/search`, GEOCODER_TIMEOUT_MS: '400', GEOCODER_MIN_INTERVAL_MS: '0',
      MAP_TILE_URL: TILES, MAP_ATTRIBUTION: '© Contributeurs OpenStreetMap (test)',
    }, REPO_ROOT);
    const server = await startServer(config);
    agent = await new ApiClient(server.url).login('agent', 'agent-demo');
    agentNl = await new ApiClient(server.url).login('agent-nl', 'agent-demo');
    return server;
  };

  beforeAll(async () => {
    await nominatim.start();
    root = mkdtempSync(join(tmpdir(), 'civic-flow-map-'));
    rt = await boot();
  });

  afterAll(async () => {
    await rt.close();
    await nominatim.stop();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => {
    nominatim.mode = 'ok';
    nominatim.requests.length = 0;
  });

  it('places the registered office and names the configured tiles; each address is asked once, even across a restart', async () => {
    const d = await agent.create({ ...frenchGarage, registered_office: office('Rue Haute', '12', '1000', 'Bruxelles') });
    const res = await agent.get<Location>(`/api/records/${d.id}/location`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lat: 50.8399, lon: 4.349, zoom: 17, tileUrl: TILES, attribution: '© Contributeurs OpenStreetMap (test)', address: 'Rue Haute 12, 1000 Bruxelles' });
    expect(res.body.osmUrl).toBe('https://www.openstreetmap.org/?mlat=50.8399&mlon=4.349#map=17/50.8399/4.349');
    expect(nominatim.requests).toEqual([{ q: 'Rue Haute 12, 1000 Bruxelles, BE', format: 'jsonv2', limit: '1', userAgent: expect.stringContaining('civic-flow') }]);

    // Another dossier at the same address, twice at once: the geocoder is not asked again.
    const same = await agent.create({ ...frenchGarage, company_name: 'Voisin SPRL', registered_office: office('Rue Haute', '12', '1000', 'Bruxelles') });
    const both = await Promise.all([agent.get<Location>(`/api/records/${same.id}/location`), agent.get<Location>(`/api/records/${same.id}/location`)]);
    expect(both.map((r) => [r.status, r.body.lat])).toEqual([[200, 50.8399], [200, 50.8399]]);
    expect(nominatim.requests).toHaveLength(1);

    // The cache is on disk (SQLite in DATA_DIR): a restarted server still knows the place.
    await rt.close();
    rt = await boot();
    const after = await agent.get<Location>(`/api/records/${d.id}/location`);
    expect(after.status).toBe(200);
    expect(after.body.lat).toBe(50.8399);
    expect(nominatim.requests).toHaveLength(1);
  });

  it('places a Dutch-named address for a Dutch-speaking agent', async () => {
    const a = await agent.create({ ...frenchGarage, registered_office: office('Hoogstraat', '3', '1000', 'Brussel') });
    const res = await agentNl.get<Location>(`/api/records/${a.id}/location`);
    expect(res.status).toBe(200);
    expect(res.body.lon).toBe(4.351);
  });

  it('says "address not found" in French and Dutch when the geocoder does not know it', async () => {
    const d = await agent.create({ ...frenchGarage, registered_office: office('Rue Imaginaire', '99', '1000', 'Bruxelles') });
    const fr = await agent.get<ErrorBody>(`/api/records/${d.id}/location`);
    expect(fr.status).toBe(404);
    expect(fr.body.code).toBe('address-not-found');
    expect(fr.body.message).toBe('Adresse introuvable sur la carte : « Rue Imaginaire 99, 1000 Bruxelles ». Vérifiez la rue, le numéro et le code postal.');
    const nl = await agentNl.get<ErrorBody>(`/api/records/${d.id}/location`);
    expect(nl.status).toBe(404);
    expect(nl.body.message).toBe('Adres niet gevonden op de kaart: "Rue Imaginaire 99, 1000 Bruxelles". Controleer de straat, het huisnummer en de postcode.');
    // The miss is remembered too: the geocoder was asked once.
    expect(nominatim.requests).toHaveLength(1);
  });

  it('answers 503 in French and Dutch when the geocoder fails or hangs, and asks again once it is back', async () => {
    const d = await agent.create({ ...frenchGarage, registered_office: office('Hoogstraat', '3', '1000', 'Brussel') });
    // Hoogstraat 3 may be cached from the test above: use a fresh address for this one.
    const fresh = await agent.create({ ...frenchGarage, registered_office: office('Rue Haute', '12', '1000', 'Bruxelles-Ville') });
    nominatim.mode = 'error';
    const down = await agent.get<ErrorBody>(`/api/records/${fresh.id}/location`);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('geocoder-unavailable');
    expect(down.body.message).toBe('Le service de cartographie ne répond pas pour le moment : réessayez plus tard.');

    nominatim.mode = 'hang';
    const started = Date.now();
    const slow = await agentNl.get<ErrorBody>(`/api/records/${fresh.id}/location`);
    expect(slow.status).toBe(503);
    expect(slow.body.message).toBe('De kaartdienst antwoordt op dit moment niet: probeer het later opnieuw.');
    expect(Date.now() - started).toBeLessThan(3000);

    // Failures are not cached: the geocoder is asked again, and the gazetteer does not know "Bruxelles-Ville".
    nominatim.mode = 'ok';
    const back = await agent.get<ErrorBody>(`/api/records/${fresh.id}/location`);
    expect(back.status).toBe(404);
    expect(nominatim.requests.map((r) => r.q)).toEqual(['Rue Haute 12, 1000 Bruxelles-Ville, BE', 'Rue Haute 12, 1000 Bruxelles-Ville, BE', 'Rue Haute 12, 1000 Bruxelles-Ville, BE']);
    expect((await agent.get<Location>(`/api/records/${d.id}/location`)).status).toBe(200);

    // And the server kept serving: nothing crashed.
    expect((await agent.get(`/api/records/${d.id}`)).status).toBe(200);
  });

  it('says clearly that a dossier has no address yet, and refuses a field that is no address', async () => {
    const d = await agent.create(frenchGarage);
    const none = await agent.get<ErrorBody>(`/api/records/${d.id}/location`);
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('no-address');
    expect(none.body.message).toContain('n’a pas encore d’adresse');
    const nl = await agentNl.get<ErrorBody>(`/api/records/${d.id}/location?field=company_name`);
    expect(nl.status).toBe(422);
    expect(nl.body.message).toBe('"company_name" is geen adresveld van dit dossier.');
    expect(nominatim.requests).toEqual([]);
  });

  it('lets the browser load images from the tile server (CSP img-src)', async () => {
    const res = await fetch(`${rt.url}/api/health`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/img-src 'self' data: http:\/\/127\.0\.0\.1:45678(;|$)/);
  });
});
