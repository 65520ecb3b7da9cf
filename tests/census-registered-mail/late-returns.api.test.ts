/**
 * Late returns (TR-45, TR-46): 15 days after the registered letter, a dossier without its forms
 * becomes `late`, is flagged and its agent is told; the pack's `late-returns` view lists it.
 * Over HTTP on a real server whose clock the test moves forward, and across a restart.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { startServer, type RunningServer } from '../../runtime/server';
import { eventually, loggedIn, PACK_DIR, REPO_ROOT, startTestServer, type ApiClient, type RecordPage, type RecordView, type TestServer } from '../api/api-harness';
import { pdf, signedDossier, upload, type Signers } from './registered-mail-helpers';

// Three server starts on a loaded 2-core machine.
jest.setTimeout(90_000);

const DAY = 86_400_000;

interface Delivery { key: string; role?: string; user?: string; recordId: string; lang: string; subject: string }

/** The `late-returns` saved view of the shipped pack, as the list screen applies it. */
function lateReturnsQuery(runtime: RunningServer): string {
  const view = runtime.packs.active().pack.records['dossier']?.list?.views?.find((v) => v.id === 'late-returns');
  if (!view) throw new Error('the pack has no late-returns view');
  const params = new URLSearchParams({ type: 'dossier', limit: '500' });
  for (const [k, v] of Object.entries(view.filters)) params.set(k, String(v));
  return `/api/records?${params.toString()}`;
}

async function notificationsFor(admin: ApiClient, recordId: string): Promise<Delivery[]> {
  const res = await admin.get<{ items: Delivery[] }>('/api/admin/notifications?limit=1000');
  expect(res.status).toBe(200);
  return res.body.items.filter((n) => n.recordId === recordId);
}

async function signers(url: string): Promise<Signers> {
  const [agent, manager, alderman, secretary] = await Promise.all(['agent', 'manager', 'alderman', 'secretary'].map((u) => loggedIn(url, u)));
  return { agent, manager, alderman, secretary } as Signers;
}

describe('the 15-day return deadline', () => {
  let server: TestServer;
  let offset = 0;

  beforeAll(async () => {
    server = await startTestServer({}, () => Date.now() + offset);
  });

  afterAll(async () => {
    await server.close();
  });

  test('a dossier sent 16 days ago without its forms is in the late-returns view with its alert; one whose return arrived is not', async () => {
    const who = await signers(server.url);
    const silent = await who.agent.send((await signedDossier(who, { company_name: 'Snack Le Silencieux', enterprise_number: '0403.170.701' })).id, 'send-registered-mail');
    const answered = await who.agent.send((await signedDossier(who, { company_name: 'Bakkerij Peeters BV', enterprise_number: '0417.497.106' })).id, 'send-registered-mail');
    const returned = await upload(who.agent, '/api/registered-mail/returns', { files: [{ name: 'BE0417497106 aangifte.pdf', data: pdf('peeters') }] });
    expect(returned.body.results[0]).toMatchObject({ outcome: 'applied', dossier: { id: answered.id } });

    // Day 14: nobody is late yet.
    offset = 14 * DAY;
    let agent = await loggedIn(server.url, 'agent');
    const early = await agent.get<RecordPage>(lateReturnsQuery(server.runtime));
    expect(early.body.items.map((r) => r.id)).not.toContain(silent.id);

    offset = 16 * DAY;
    agent = await loggedIn(server.url, 'agent');
    const late = await eventually(async () => {
      const r = await agent.get<RecordView>(`/api/records/${silent.id}`);
      return r.body.states[0] === 'late' ? r.body : null;
    }, 15_000);
    expect(late).toMatchObject({ status: 'pending', step: 'mailing', fields: { late_return: true }, reason: { fr: 'Délai de réponse dépassé', nl: 'Antwoordtermijn verstreken' } });

    const page = await agent.get<RecordPage>(lateReturnsQuery(server.runtime));
    expect(page.status).toBe(200);
    const ids = page.body.items.map((r) => r.id);
    expect(ids).toContain(silent.id);
    expect(ids).not.toContain(answered.id);
    expect((await agent.record(answered.id)).fields['late_return']).toBe(false);

    // The alert: the dossier's agent by name, and the census agents' role, in the dossier's language.
    const admin = await loggedIn(server.url, 'admin');
    const lateAlerts = await eventually(async () => {
      const n = (await notificationsFor(admin, silent.id)).filter((x) => x.subject.includes('délai de réponse dépassé'));
      return n.length >= 2 ? n : null;
    }, 15_000);
    expect(lateAlerts.map((n) => n.user ?? n.role).sort()).toEqual(['census-agent', 'u-agent']);
    expect(lateAlerts[0]?.subject).toBe('Dossier Snack Le Silencieux : délai de réponse dépassé');
    expect((await notificationsFor(admin, answered.id)).filter((n) => n.subject.includes('dépassé'))).toEqual([]);

    // The forms arrive late after all: the dossier goes on to analysis and keeps its flag.
    const lateForms = await upload(agent, '/api/registered-mail/returns', { files: [{ name: `${silent.id}.pdf`, data: pdf('silent, late') }] });
    expect(lateForms.body.results[0]).toMatchObject({ outcome: 'applied', event: 'return-received' });
    expect(await agent.record(silent.id)).toMatchObject({ states: ['analysis'], fields: { late_return: true } });
  });
});

describe('across a restart', () => {
  const root = mkdtempSync(join(tmpdir(), 'civic-flow-late-'));
  const dataDir = join(root, 'data');
  const demoDir = join(root, 'demo');
  let offset = 0;
  let running: RunningServer | null = null;

  beforeAll(() => {
    mkdirSync(demoDir);
    copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demoDir, 'users.yaml'));
  });

  afterAll(async () => {
    if (running) await running.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A server process's worth of runtime on the same DATA_DIR, with the test's clock. */
  function start(): Promise<RunningServer> {
    const config = loadConfig({ DATA_DIR: dataDir, PACK_DIR, DEMO_DIR: demoDir, PORT: '0', SMTP_PORT: '-1', LOG_LEVEL: 'silent', TIMER_POLL_MS: '50', OUTBOX_POLL_MS: '50' }, REPO_ROOT);
    return startServer(config, () => Date.now() + offset);
  }

  test('a deadline that passed while the server was down makes the dossier late exactly once after the restart', async () => {
    running = await start();
    const who = await signers(running.url);
    const d = await who.agent.send((await signedDossier(who, { company_name: 'Quincaillerie Centrale', enterprise_number: '0888.000.158' })).id, 'send-registered-mail');
    expect(d.states).toEqual(['awaiting-return']);
    await running.close();
    running = null;

    offset = 16 * DAY;
    running = await start();
    const url = running.url;
    const agent = await loggedIn(url, 'agent');
    await eventually(async () => ((await agent.record(d.id)).states[0] === 'late' ? true : null), 15_000);
    const admin = await loggedIn(url, 'admin');
    await eventually(async () => ((await notificationsFor(admin, d.id)).filter((n) => n.subject.includes('dépassé')).length >= 2 ? true : null), 15_000);

    // Several polls of the scheduler and the outbox later: still once.
    await new Promise((r) => setTimeout(r, 400));
    const history = await agent.history(d.id);
    expect(history.filter((h) => h.eventType.startsWith('timer:'))).toEqual([expect.objectContaining({ actor: 'system', fromStates: ['awaiting-return'], toStates: ['late'] })]);
    expect((await notificationsFor(admin, d.id)).filter((n) => n.subject.includes('dépassé')).map((n) => n.user ?? n.role).sort()).toEqual(['census-agent', 'u-agent']);
    const page = await agent.get<RecordPage>(lateReturnsQuery(running));
    expect(page.body.items.filter((r) => r.id === d.id)).toHaveLength(1);

    // And once more after a second restart.
    await running.close();
    running = await start();
    const again = await loggedIn(running.url, 'agent');
    await new Promise((r) => setTimeout(r, 300));
    expect((await again.history(d.id)).filter((h) => h.eventType.startsWith('timer:'))).toHaveLength(1);
    expect(await again.record(d.id)).toMatchObject({ states: ['late'], fields: { late_return: true } });
  });
});
