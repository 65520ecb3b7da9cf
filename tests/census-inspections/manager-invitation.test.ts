/**
 * The appointment request to the manager (TR-32): when an agent plans a visit and asks the
 * manager to join, every tax manager gets an invitation (iCalendar METHOD:REQUEST attached) in
 * their own language, through the real SMTP relay; a move sends an update of the same event, a
 * withdrawal a cancellation; and a plan committed by a process that died before mailing is
 * still sent after the restart.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime, startServer, type RunningServer } from '../../runtime/server';
import { ApiClient, PACK_DIR, REPO_ROOT, eventually, type RecordView } from '../api/api-harness';
import { SmtpSink } from '../census-dossier/smtp-sink';
import { dossierToInspect, events, parseIcs, prop, rawProblems, unescapeText, value, type Clients, type IcsComponent } from './inspection-helpers';

jest.setTimeout(90_000);

const MARC = 'marc.responsable@commune.example.brussels';
const GRIET = 'griet.verantwoordelijke@commune.example.brussels';
const KARIM = 'karim.recenseur@commune.example.brussels';
const PUBLIC_URL = 'https://civic-flow.commune.example.brussels';

const sink = new SmtpSink();
let root: string;
let rt: RunningServer;
let c: Clients;

function env(): Record<string, string> {
  return { MAIL_RELAY_URL: sink.url, PUBLIC_URL };
}

function configFor(dir: string) {
  const demoDir = join(dir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'examples', 'brussels-demo', 'users.yaml'), join(demoDir, 'users.yaml'));
  return loadConfig({ DATA_DIR: join(dir, 'data'), PACK_DIR, DEMO_DIR: demoDir, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', TIMER_POLL_MS: '50', OUTBOX_POLL_MS: '50', ...env() }, REPO_ROOT);
}

async function boot(): Promise<void> {
  rt = await startServer(configFor(root));
  // A second manager, who reads Dutch.
  await rt.auth.ensureUser({ id: 'u-manager-nl', username: 'manager-nl', displayName: 'Griet Verantwoordelijke', password: 'manager-demo', roles: ['tax-manager'], language: 'nl', email: GRIET });
  const [agent, manager, alderman, secretary] = await Promise.all([['agent', 'agent-demo'], ['manager', 'manager-demo'], ['alderman', 'alderman-demo'], ['secretary', 'secretary-demo']].map(([u, p]) => new ApiClient(rt.url).login(u as string, p as string)));
  c = { agent: agent as ApiClient, manager: manager as ApiClient, alderman: alderman as ApiClient, secretary: secretary as ApiClient };
}

beforeAll(async () => {
  await sink.start();
  root = mkdtempSync(join(tmpdir(), 'civic-flow-invitation-'));
  await boot();
});

afterAll(async () => {
  await rt?.close();
  await sink.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Invitation {
  to: string;
  mail: ParsedMail;
  contentType: string;
  ics: string;
  cal: IcsComponent;
  event: IcsComponent;
}

/** The invitations that reached the relay for a dossier, parsed. */
async function arrived(recordId: string): Promise<Invitation[]> {
  const out: Invitation[] = [];
  for (const m of sink.arrived) {
    if (!m.subject.includes(`[CF-${recordId}]`)) continue;
    const mail = await simpleParser(m.raw);
    const att = mail.attachments.find((a) => a.contentType === 'text/calendar');
    // The dossier's other alerts (signatures asked…) reach the relay too.
    if (!att) continue;
    const ics = att.content.toString('utf8');
    const cal = parseIcs(ics);
    const event = events(cal)[0] as IcsComponent;
    const header = String((att.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined)?.params?.['method'] ?? '');
    out.push({ to: m.envelopeTo.join(','), mail, contentType: `text/calendar; method=${header}`, ics, cal, event });
  }
  return out;
}

/** Waits until `n` invitations for the dossier arrived, then checks no more come. */
async function exactly(recordId: string, n: number): Promise<Invitation[]> {
  await eventually(async () => ((await arrived(recordId)).length >= n ? true : null), 8000);
  // The outbox keeps polling: a second copy would show up within a few rounds.
  await new Promise((r) => setTimeout(r, 400));
  const all = await arrived(recordId);
  expect(all).toHaveLength(n);
  return all;
}

const byRecipient = (list: Invitation[], to: string): Invitation => {
  const found = list.filter((i) => i.to === to);
  expect(found).toHaveLength(1);
  return found[0] as Invitation;
};

let joined: RecordView;

describe('the invitation to the manager', () => {
  it('mails each tax manager one invitation in their language, with the visit as an iCalendar REQUEST', async () => {
    joined = await dossierToInspect(c, { company_name: 'Imprimerie Vandenbroucke SA', registered_office: { street: 'Rue de Laeken', number: '40', postalCode: '1000', city: 'Bruxelles' } });
    await c.agent.send(joined.id, 'plan-visit', { inspection_at: '2031-02-11T09:00:00Z', district: 'pentagone', manager_joins: true });
    const all = await exactly(joined.id, 2);

    const fr = byRecipient(all, MARC);
    expect(fr.mail.subject).toMatch(/^Invitation : contrôle sur place chez Imprimerie Vandenbroucke SA le mardi 11 février 2031 à 10:00 \[CF-/);
    expect(fr.mail.text).toContain('Karim Recenseur vous demande de l’accompagner');
    expect(fr.contentType).toBe('text/calendar; method=REQUEST');
    expect(rawProblems(fr.ics)).toEqual([]);
    expect(value(fr.cal, 'METHOD')).toBe('REQUEST');
    expect(value(fr.event, 'UID')).toBe(`inspection-${joined.id}@civic-flow`);
    expect(value(fr.event, 'DTSTART')).toBe('20310211T090000Z');
    expect(value(fr.event, 'DTEND')).toBe('20310211T100000Z');
    expect(prop(fr.event, 'ORGANIZER')).toMatchObject({ params: { CN: 'Karim Recenseur' }, value: `mailto:${KARIM}` });
    expect(prop(fr.event, 'ATTENDEE')).toMatchObject({ params: { CN: 'Marc Responsable', RSVP: 'TRUE' }, value: `mailto:${MARC}` });
    expect(unescapeText(value(fr.event, 'SUMMARY'))).toBe('Contrôle sur place : Imprimerie Vandenbroucke SA');
    expect(unescapeText(value(fr.event, 'LOCATION'))).toBe('Rue de Laeken 40, 1000 Bruxelles');
    expect(unescapeText(value(fr.event, 'DESCRIPTION'))).toContain(`${PUBLIC_URL}/#/record/${joined.id}`);

    const nl = byRecipient(all, GRIET);
    expect(nl.mail.subject).toMatch(/^Uitnodiging: controle ter plaatse bij Imprimerie Vandenbroucke SA op dinsdag 11 februari 2031 om 10:00 \[CF-/);
    expect(nl.mail.text).toContain('Beste Griet Verantwoordelijke');
    expect(unescapeText(value(nl.event, 'SUMMARY'))).toBe('Controle ter plaatse: Imprimerie Vandenbroucke SA');
    expect(prop(nl.event, 'ATTENDEE')?.value).toBe(`mailto:${GRIET}`);
    expect(value(nl.event, 'SEQUENCE')).toBe(value(fr.event, 'SEQUENCE'));

    // Kept in the local outbox as well, once per manager.
    const kept = rt.store.listDeliveries('mail', 1000).filter((d) => d['recordId'] === joined.id && String(d['key']).startsWith('inspection-invitation:'));
    expect(kept.map((d) => d['to']).sort()).toEqual([GRIET, MARC]);
  });

  it('sends an update of the same event, with a higher SEQUENCE, when the visit moves', async () => {
    const first = byRecipient(await arrived(joined.id), MARC);
    await c.agent.send(joined.id, 'plan-visit', { inspection_at: '2031-02-13T13:30:00Z', district: 'pentagone', manager_joins: true });
    const all = await exactly(joined.id, 4);
    const updates = all.filter((i) => value(i.event, 'DTSTART') === '20310213T133000Z');
    expect(updates.map((i) => i.to).sort()).toEqual([GRIET, MARC]);
    const fr = byRecipient(updates, MARC);
    expect(fr.mail.subject).toMatch(/^Contrôle déplacé : contrôle sur place chez Imprimerie Vandenbroucke SA le jeudi 13 février 2031 à 14:30/);
    expect(byRecipient(updates, GRIET).mail.subject).toMatch(/^Verplaatst: /);
    expect(value(fr.event, 'UID')).toBe(value(first.event, 'UID'));
    expect(Number(value(fr.event, 'SEQUENCE'))).toBeGreaterThan(Number(value(first.event, 'SEQUENCE')));
  });

  it('cancels the invitation once, when the agent no longer asks the manager to join', async () => {
    await c.agent.send(joined.id, 'plan-visit', { inspection_at: '2031-02-13T13:30:00Z', district: 'pentagone', manager_joins: false });
    const all = await exactly(joined.id, 6);
    const cancels = all.filter((i) => value(i.cal, 'METHOD') === 'CANCEL');
    expect(cancels.map((i) => i.to).sort()).toEqual([GRIET, MARC]);
    const fr = byRecipient(cancels, MARC);
    expect(fr.contentType).toBe('text/calendar; method=CANCEL');
    expect(value(fr.event, 'STATUS')).toBe('CANCELLED');
    expect(fr.mail.subject).toMatch(/^Annulé : contrôle sur place chez Imprimerie Vandenbroucke SA/);
    expect(byRecipient(cancels, GRIET).mail.subject).toMatch(/^Geannuleerd: /);
    // Moving a visit the manager is no longer part of sends them nothing more.
    await c.agent.send(joined.id, 'plan-visit', { inspection_at: '2031-02-14T08:00:00Z', district: 'pentagone', manager_joins: false });
    await exactly(joined.id, 6);
  });

  it('sends nothing when the agent goes alone', async () => {
    const alone = await dossierToInspect(c, { company_name: 'Café du Sablon SRL' });
    await c.agent.send(alone.id, 'plan-visit', { inspection_at: '2031-03-01T09:00:00Z', district: 'pentagone' });
    // Another dossier's invitation going through shows the worker ran meanwhile.
    const other = await dossierToInspect(c, { company_name: 'Brasserie Witloof BV' });
    await c.agent.send(other.id, 'plan-visit', { inspection_at: '2031-03-02T09:00:00Z', district: 'laeken', manager_joins: true });
    await exactly(other.id, 2);
    expect(await arrived(alone.id)).toEqual([]);
  });

  it('still sends the invitation of a plan committed just before the server died', async () => {
    const late = await dossierToInspect(c, { company_name: 'Chocolaterie Mariette SA' });
    // runtime.close() does not wait for a mail being relayed: let the worker finish first.
    await eventually(async () => (rt.store.listOutbox('pending', 1000).length === 0 ? true : null), 8000);
    await rt.close();
    // The plan is committed by a process without the HTTP side (hence without the post-commit
    // listener), standing for a server that crashed right after the commit.
    const bare = await createRuntime(configFor(root));
    await bare.records.send({ id: 'u-agent', roles: ['census-agent'] }, late.id, { type: 'plan-visit', data: { inspection_at: '2031-04-02T08:00:00Z', district: 'haren', manager_joins: true } });
    await bare.close();
    expect(await arrived(late.id)).toEqual([]);
    await boot();
    const all = await exactly(late.id, 2);
    expect(all.map((i) => i.to).sort()).toEqual([GRIET, MARC]);
    expect(value(byRecipient(all, MARC).event, 'DTSTART')).toBe('20310402T080000Z');
    // The restart did not send the earlier invitations again.
    expect(await arrived(joined.id)).toHaveLength(6);
  });
});
