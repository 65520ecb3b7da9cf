import { ApiClient, sessionCookie, startTestServer, type TestServer } from './api-harness';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

describe('logging in and out', () => {
  it('refuses a wrong password with 401 invalid-credentials and a French message by default', async () => {
    const res = await new ApiClient(server.url).post('/api/auth/login', { username: 'agent', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'invalid-credentials', message: 'Nom d’utilisateur ou mot de passe incorrect.', details: {} });
    expect(sessionCookie(res.headers)).toBeUndefined();
  });

  it('says the same in Dutch when the browser asks for Dutch', async () => {
    const res = await new ApiClient(server.url, 'nl-BE,nl;q=0.9,fr;q=0.8').post('/api/auth/login', { username: 'agent', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid-credentials');
    expect(res.body.message).toBe('Onjuiste gebruikersnaam of wachtwoord.');
  });

  it('does not reveal whether the user name exists', async () => {
    const res = await new ApiClient(server.url).post('/api/auth/login', { username: 'nobody', password: 'agent-demo' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid-credentials');
  });

  it('asks for both a user name and a password', async () => {
    const res = await new ApiClient(server.url).post('/api/auth/login', { username: 'agent' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-body');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie on a good login', async () => {
    const res = await new ApiClient(server.url).post<{ user: { id: string; roles: string[] } }>('/api/auth/login', { username: 'agent', password: 'agent-demo' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'u-agent', roles: ['census-agent'] });
    const cookie = sessionCookie(res.headers);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
  });

  it('answers /api/me with 401 without a session cookie', async () => {
    const res = await new ApiClient(server.url).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
    expect(res.body.message).toBe('Connectez-vous d’abord.');
  });

  it('answers /api/me with the user, roles and readable record types once logged in', async () => {
    const agent = await new ApiClient(server.url).login('agent');
    const res = await agent.get<{ user: { id: string; displayName: string; roles: string[] }; admin: boolean; recordTypes: string[] }>('/api/me');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'u-agent', displayName: 'Karim Recenseur', roles: ['census-agent'] });
    expect(res.body.admin).toBe(false);
    expect(res.body.recordTypes.sort()).toEqual(['article', 'business', 'business-contact', 'dossier']);
  });

  it('tells an admin they are an admin', async () => {
    const admin = await new ApiClient(server.url).login('admin');
    const res = await admin.get<{ admin: boolean }>('/api/me');
    expect(res.body.admin).toBe(true);
  });

  it('ends the session on logout, so the old cookie no longer works', async () => {
    const agent = await new ApiClient(server.url).login('agent');
    const oldCookie = agent.cookie;
    expect((await agent.get('/api/me')).status).toBe(200);

    const out = await agent.post('/api/auth/logout');
    expect(out.status).toBe(204);
    // The browser is told to drop the cookie…
    expect(sessionCookie(out.headers)).toMatch(/Expires=Thu, 01 Jan 1970/i);
    // …and even a client that kept it is no longer logged in.
    agent.cookie = oldCookie;
    const after = await agent.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthenticated');
  });

  it('keeps other sessions of the same user alive after one logs out', async () => {
    const laptop = await new ApiClient(server.url).login('manager');
    const phone = await new ApiClient(server.url).login('manager');
    await laptop.post('/api/auth/logout');
    expect((await phone.get('/api/me')).status).toBe(200);
  });

  it('answers errors of a logged-in user in the language stored for them, whatever the browser says', async () => {
    // The alderman's account is in Dutch; the browser asks for French.
    const alderman = await new ApiClient(server.url, 'fr').login('alderman');
    const res = await alderman.get('/api/records/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Record does-not-exist bestaat niet.');
  });
});

describe('service description and health', () => {
  it('serves an OpenAPI 3.1 document that lists the events endpoint', async () => {
    const res = await new ApiClient(server.url).get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(res.body.paths['/api/records/{id}/events']).toHaveProperty('post');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/records', '/api/records/{id}', '/api/packs/validate']));
  });

  it('reports a healthy server with the active pack on /healthz, without logging in', async () => {
    const res = await new ApiClient(server.url).get<{ status: string; packId: string; packVersion: number }>('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', packId: 'brussels-commune', packVersion: 1 });
  });
});
