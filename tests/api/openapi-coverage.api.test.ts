/**
 * The OpenAPI document against the routes Express really serves, both ways: every registered
 * method and path is documented, and every documented one is registered (the document does
 * not describe routes that are gone). The app is the one the real server built: createApp is
 * watched while startServer runs, so mounts and their order are exactly the server's.
 */
import type express from 'express';
import * as appModule from '../../runtime/http/app';
import { ApiClient, startTestServer, type TestServer } from './api-harness';

/** What a layer of Express 5's router (router@2) exposes; not in @types/express. */
interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle: unknown;
}

interface StackHolder {
  stack: RouterLayer[];
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function isRouter(handle: unknown): handle is StackHolder {
  return typeof handle === 'function' && Array.isArray((handle as Partial<StackHolder>).stack);
}

/** `/records/:id/notes/:noteId` → `/records/{id}/notes/{noteId}`; other path syntax fails loudly. */
function toOpenApiPath(path: string): string {
  if (/[*(){}?]/.test(path)) throw new Error(`route path ${path}: wildcard or optional syntax, teach this test to convert it`);
  return path.replace(/:([A-Za-z_$][A-Za-z0-9_$]*)/g, '{$1}');
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}${path === '/' ? '' : path}`;
  return joined === '' ? '/' : joined;
}

/** Every `METHOD path` of the router and the routers mounted in it, prefixes included. */
function registeredRoutes(router: StackHolder, prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of router.stack) {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') throw new Error(`a route under ${prefix || '/'} has a non-string path: teach this test to read it`);
      const path = toOpenApiPath(join(prefix, layer.route.path));
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (!on) continue;
        // route.all() would answer every method: the document could not say which.
        if (!HTTP_METHODS.has(method)) throw new Error(`${path}: method ${method} (route.all?) cannot be documented`);
        out.push(`${method.toUpperCase()} ${path}`);
      }
    } else if (isRouter(layer.handle)) {
      // A mounted router (app.use('/api', api)): its mount path is the layer's rawPath in router@2.
      if (typeof layer.rawPath !== 'string') throw new Error(`a router mounted under ${prefix || '/'} has no string mount path: teach this test to read it`);
      out.push(...registeredRoutes(layer.handle, join(prefix, layer.rawPath)));
    }
    // Anything else is middleware (helmet, body parsers, the session, error handlers, static files): no route of its own.
  }
  return out;
}

/** Routes of the web app itself, not of the API. */
const NOT_API = new Set([
  // The built web app's index.html (or the page saying how to build it): the UI, not an API.
  'GET /',
]);

let server: TestServer;
let app: express.Express;

beforeAll(async () => {
  const spy = jest.spyOn(appModule, 'createApp');
  try {
    server = await startTestServer();
    const built = spy.mock.results[0];
    if (spy.mock.calls.length !== 1 || built?.type !== 'return') throw new Error(`startServer called createApp ${spy.mock.calls.length} times`);
    app = built.value;
  } finally {
    spy.mockRestore();
  }
});

afterAll(async () => {
  await server?.close();
});

async function documented(): Promise<string[]> {
  const res = await new ApiClient(server.url).get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
  expect(res.status).toBe(200);
  return Object.entries(res.body.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => HTTP_METHODS.has(m)).map((m) => `${m.toUpperCase()} ${path}`));
}

function served(): string[] {
  // Express 5: the app's router is `app.router` (no more app._router).
  const router: unknown = (app as unknown as { router?: unknown }).router;
  if (!isRouter(router)) throw new Error('app.router has no stack: not Express 5?');
  return registeredRoutes(router).filter((r) => !NOT_API.has(r));
}

describe('the OpenAPI document', () => {
  it('sees the routes of the app and of its mounted routers', () => {
    const routes = served();
    // A walk that found nothing would make both checks below pass: make sure it reaches every level.
    expect(routes).toEqual(expect.arrayContaining([
      'GET /healthz', // the app's own route
      'POST /api/records/{type}', // the /api router (app.ts)
      'PUT /api/records/{id}/notes/{noteId}', // a feature mounted on /api
      'GET /forms/{id}', // a router mounted at the root
      'POST /webhooks/cti', // a root router whose route is `/`
      'GET /calendar/inspections.ics', // a public route on the app itself
      'GET /api/exports/{id}.xlsx', // a parameter followed by text
    ]));
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('documents every route the server serves', async () => {
    const docs = new Set(await documented());
    const missing = served().filter((r) => !docs.has(r));
    expect(missing).toEqual([]);
  });

  it('documents no route the server does not serve', async () => {
    const routes = new Set(served());
    const extra = (await documented()).filter((r) => !routes.has(r));
    expect(extra).toEqual([]);
  });

  it('gives every operation a summary and responses, and refers only to schemas it has', async () => {
    const res = await new ApiClient(server.url).get<{ paths: Record<string, Record<string, { summary?: unknown; responses?: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } }>('/api/openapi.json');
    const incomplete: string[] = [];
    for (const [path, ops] of Object.entries(res.body.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (typeof op.summary !== 'string' || !op.summary || !op.responses || Object.keys(op.responses).length === 0) incomplete.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(incomplete).toEqual([]);
    const refs = [...JSON.stringify(res.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.filter((r) => r === undefined || !(r in res.body.components.schemas))).toEqual([]);
  });
});
