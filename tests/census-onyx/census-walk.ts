/**
 * Walks census dossiers through their states over HTTP, as the people who do it would: the agent
 * prepares and mails, the manager approves the letter, the alderman and the secretary sign, the
 * manager reviews and taxes. Time is moved forward through the server's clock for the ex officio
 * deadlines (3 working days, 30 days).
 */
import { eventually, loggedIn, signedDossier, startTestServer, type ApiClient, type RecordView, type TestServer } from '../api/api-harness';

export interface Census {
  server: TestServer;
  agent: ApiClient;
  manager: ApiClient;
  alderman: ApiClient;
  secretary: ApiClient;
  admin: ApiClient;
  /** Moves the server's clock forward; sessions are opened again (they expire with the jump). */
  advance(ms: number): Promise<void>;
  now(): number;
}

/** A server whose clock starts at `start` (when given) and runs at real speed from there. */
export async function censusServer(start?: number): Promise<Census> {
  let offset = start === undefined ? 0 : start - Date.now();
  const clock = (): number => Date.now() + offset;
  const server = await startTestServer({}, clock);
  const users = ['agent', 'manager', 'alderman', 'secretary', 'admin'] as const;
  const login = async (): Promise<ApiClient[]> => Promise.all(users.map((u) => loggedIn(server.url, u)));
  const [agent, manager, alderman, secretary, admin] = await login();
  const c: Census = {
    server, agent: agent!, manager: manager!, alderman: alderman!, secretary: secretary!, admin: admin!,
    now: clock,
    advance: async (ms: number) => {
      offset += ms;
      const fresh = await login();
      [c.agent, c.manager, c.alderman, c.secretary, c.admin] = fresh as [ApiClient, ApiClient, ApiClient, ApiClient, ApiClient];
    },
  };
  return c;
}

/** Created, prepared, approved by the manager, signed by both, mailed: waiting for the return. */
export async function toAwaitingReturn(c: Census, fields: Record<string, unknown>): Promise<RecordView> {
  const d = await signedDossier(c, fields);
  return c.agent.send(d.id, 'send-registered-mail', { registered_number: `RR${d.id.slice(-8)}BE` });
}

/** The return came back: in analysis. */
export async function toAnalysis(c: Census, fields: Record<string, unknown>, declared = 1000): Promise<RecordView> {
  const d = await toAwaitingReturn(c, fields);
  return c.agent.send(d.id, 'return-received', { declared_amount: declared });
}

export async function toClosedMatching(c: Census, fields: Record<string, unknown>, declared = 1000): Promise<RecordView> {
  const d = await toAnalysis(c, fields, declared);
  return c.agent.send(d.id, 'conclude-analysis', { outcome: 'matches' });
}

/** Unclear, inspected (one visit), PV approved by the manager, closed as compliant. */
export async function toClosedCompliant(c: Census, fields: Record<string, unknown>): Promise<RecordView> {
  const d = await toAnalysis(c, fields);
  await c.agent.send(d.id, 'conclude-analysis', { outcome: 'unclear' });
  await c.agent.send(d.id, 'plan-visit', { inspection_at: new Date(c.now() + 86_400_000).toISOString(), district: 'pentagone' });
  await c.agent.send(d.id, 'record-visit');
  await c.agent.send(d.id, 'update', { fields: { pv_summary: 'Situation conforme à la déclaration.' } });
  await c.agent.send(d.id, 'submit-pv');
  await c.manager.send(d.id, 'approve');
  return c.manager.send(d.id, 'close-compliant');
}

/** A false declaration taxed ex officio at `assessed` (doubled for signage): notified, now waiting for the deadlines. */
export async function toNotified(c: Census, fields: Record<string, unknown>, assessed: number): Promise<RecordView> {
  const d = await toAnalysis(c, fields);
  await c.agent.send(d.id, 'conclude-analysis', { outcome: 'false-declaration' });
  await c.manager.send(d.id, 'update', { fields: { ex_officio_reasons: 'Déclaration inexacte.', ex_officio_basis: 'Constat sur place.', assessed_amount: assessed } });
  return c.manager.send(d.id, 'send-notification');
}

/** Lets the 3 working days and the 30 days of observations run out (for every notified dossier), then sets the taxes. */
export async function setTaxesAfterDeadlines(c: Census, ids: string[]): Promise<RecordView[]> {
  await c.advance(6 * 86_400_000);
  for (const id of ids) await waitForState(c, id, 'observation-period');
  await c.advance(31 * 86_400_000);
  for (const id of ids) await waitForState(c, id, 'ready-to-tax');
  const out: RecordView[] = [];
  for (const id of ids) out.push(await c.manager.send(id, 'set-tax'));
  return out;
}

export async function waitForState(c: Census, id: string, state: string): Promise<RecordView> {
  return eventually(async () => {
    const v = await c.manager.get<RecordView>(`/api/records/${id}`);
    return v.body.states.includes(state) ? v.body : null;
  }, 5000);
}

/** A valid enterprise number (mod 97) from a small integer: 05xx.xxx.xcc. */
export function enterpriseNumber(i: number): string {
  const first8 = 5_000_000 + i;
  const check = 97 - (first8 % 97);
  const d = `${String(first8).padStart(8, '0')}${String(check).padStart(2, '0')}`;
  return `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`;
}

export function company(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    company_name: `Société ${i} SRL`, enterprise_number: enterpriseNumber(i), legal_form: 'SRL', tax_regulation: 'signage', language: i % 2 ? 'nl' : 'fr',
    registered_office: { street: 'Rue de la Loi', number: String(i), postalCode: '1000', city: 'Bruxelles', country: 'BE' },
    ...extra,
  };
}
