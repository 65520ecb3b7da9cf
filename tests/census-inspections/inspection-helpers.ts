/**
 * Shared steps of the inspection tests: a dossier taken over HTTP to its on-site inspection,
 * and a small RFC 5545 reader (unfolding, CRLF and line-length checks) to read the feeds and
 * invitations as a calendar app would.
 */
import { signedDossier, type ApiClient, type RecordView } from '../api/api-harness';

export interface Clients {
  agent: ApiClient;
  /** Approves the letter before the signatories see it (TR-23). */
  manager: ApiClient;
  alderman: ApiClient;
  secretary: ApiClient;
}

/** A new dossier walked to `inspection / visit-planned` (manager's approval, signatures, registered mail, unclear analysis). */
export async function dossierToInspect(c: Clients, fields: Record<string, unknown>, by: ApiClient = c.agent): Promise<RecordView> {
  const d = await signedDossier(c, fields, by);
  await by.send(d.id, 'send-registered-mail');
  await by.send(d.id, 'return-received', { declared_amount: '100' });
  const r = await by.send(d.id, 'conclude-analysis', { outcome: 'unclear' });
  if (r.states.join('/') !== 'inspection/visit-planned') throw new Error(`dossier ${d.id} is in ${r.states.join('/')}`);
  return r;
}

export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

export interface IcsComponent {
  type: string;
  props: IcsProperty[];
  children: IcsComponent[];
}

/** Problems of the raw text as RFC 5545 §3.1 sees them: bare LF/CR, lines over 75 octets. */
export function rawProblems(raw: string): string[] {
  const problems: string[] = [];
  if (!raw.endsWith('\r\n')) problems.push('does not end with CRLF');
  if (/\r(?!\n)|(?<!\r)\n/.test(raw)) problems.push('has a line break that is not CRLF');
  raw.split('\r\n').forEach((line, i) => {
    const octets = Buffer.byteLength(line, 'utf8');
    if (octets > 75) problems.push(`line ${i + 1} has ${octets} octets`);
  });
  return problems;
}

/** Unfolds (CRLF + one space or tab) and parses into components. */
export function parseIcs(raw: string): IcsComponent {
  const lines = raw.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '');
  const root: IcsComponent = { type: 'ROOT', props: [], children: [] };
  const stack: IcsComponent[] = [root];
  for (const line of lines) {
    const prop = parseLine(line);
    const top = stack[stack.length - 1] as IcsComponent;
    if (prop.name === 'BEGIN') {
      const c: IcsComponent = { type: prop.value, props: [], children: [] };
      top.children.push(c);
      stack.push(c);
    } else if (prop.name === 'END') {
      if (top.type !== prop.value) throw new Error(`END:${prop.value} closes ${top.type}`);
      stack.pop();
    } else {
      top.props.push(prop);
    }
  }
  if (stack.length !== 1) throw new Error('unclosed component');
  const cal = root.children[0];
  if (!cal || cal.type !== 'VCALENDAR' || root.children.length !== 1) throw new Error('not one VCALENDAR');
  return cal;
}

function parseLine(line: string): IcsProperty {
  // Name, then ;param=value (values may be quoted and hold ':' ';' ','), then ':' value.
  const m = /^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)$/.exec(line);
  if (!m) throw new Error(`not a content line: ${line}`);
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').match(/;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:]*)/g) ?? []) {
    const [k, ...v] = p.slice(1).split('=');
    params[(k as string).toUpperCase()] = v.join('=').replace(/^"|"$/g, '');
  }
  return { name: (m[1] as string).toUpperCase(), params, value: m[3] as string };
}

/** TEXT value as written, back to the text (RFC 5545 §3.3.11). */
export function unescapeText(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

export function prop(c: IcsComponent, name: string): IcsProperty | undefined {
  return c.props.find((p) => p.name === name);
}

export function value(c: IcsComponent, name: string): string {
  const p = prop(c, name);
  if (!p) throw new Error(`${c.type} has no ${name}`);
  return p.value;
}

export function events(cal: IcsComponent): IcsComponent[] {
  return cal.children.filter((c) => c.type === 'VEVENT');
}

/** 20270302T083000Z → epoch ms. */
export function utcMs(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) throw new Error(`not a UTC date-time: ${v}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Properties every VEVENT of ours carries (RFC 5545 requires UID and DTSTAMP). */
export const REQUIRED_EVENT_PROPS = ['UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY', 'SEQUENCE'];
