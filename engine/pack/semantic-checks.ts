/**
 * Checks beyond the JSON Schema: references between definitions, reachability, labels in
 * every official language, and the expressions (syntax, types, unknown fields).
 */
import { checkExpression, type ExpressionScope } from '../expressions';
import { validateFieldValue } from '../fields';
import { validateCalendar } from '../calendar';
import { BUILTIN_COLUMNS, type ActionDefinition, type Pack, type ProcessDefinition, type StateDefinition, type TransitionDefinition, type TransitionSpec } from './pack-types';
import type { ProblemCollector } from './load-pack';
import type { ParsedYaml } from './yaml-source';
import { toPointer } from './yaml-source';

/** Events the engine defines itself; packs may not declare them. */
export const RESERVED_EVENTS: Record<string, string> = {
  update: 'field edits',
  take: 'taking a record from its queue',
  approve: 'approvals',
  reject: 'approvals',
  recall: 'approvals',
};

export interface StateInfo {
  name: string;
  def: StateDefinition;
  parent: string | null;
  pointer: string;
}

/** Every state of a process by its (unique) name, in document order. */
export function collectStates(process: ProcessDefinition): Map<string, StateInfo> {
  const out = new Map<string, StateInfo>();
  const walk = (states: Record<string, StateDefinition>, parent: string | null, base: Array<string | number>): void => {
    for (const [name, def] of Object.entries(states)) {
      const path = [...base, name];
      if (!out.has(name)) out.set(name, { name, def, parent, pointer: toPointer(path) });
      if (def.states) walk(def.states, name, [...path, 'states']);
    }
  };
  walk(process.states, null, ['states']);
  return out;
}

export function normaliseTransitions(spec: TransitionSpec): TransitionDefinition[] {
  if (typeof spec === 'string') return [{ to: spec }];
  return Array.isArray(spec) ? spec : [spec];
}

function known(ids: Iterable<string>): string {
  const list = [...ids];
  return list.length ? list.join(', ') : '(none)';
}

export function checkPackSemantics(pack: Pack, c: ProblemCollector, sources: Map<string, ParsedYaml>): void {
  checkLabels(pack, c, sources);

  for (const [id, cal] of Object.entries(pack.calendars)) {
    const file = pack.sources[`calendar:${id}`] ?? '';
    for (const detail of validateCalendar(cal)) c.add(file, `/calendars/${id}`, 'invalid-calendar', { detail });
  }

  for (const [qid, q] of Object.entries(pack.queues)) {
    const file = pack.sources[`queue:${qid}`] ?? '';
    q.roles.forEach((r, i) => {
      if (!pack.roles[r]) c.add(file, `/queues/${qid}/roles/${i}`, 'unknown-reference', { kind: 'role', id: r, known: known(Object.keys(pack.roles)) });
    });
  }
  for (const [rid, role] of Object.entries(pack.roles)) {
    const file = pack.sources[`role:${rid}`] ?? '';
    for (const rt of Object.keys(role.records ?? {})) {
      if (!pack.records[rt]) c.add(file, `/roles/${rid}/records/${rt}`, 'unknown-reference', { kind: 'record type', id: rt, known: known(Object.keys(pack.records)) });
    }
  }

  for (const [rid, rec] of Object.entries(pack.records)) {
    const file = pack.sources[`record:${rid}`] ?? '';
    const fieldNames = Object.keys(rec.fields);
    if (rec.title && !rec.fields[rec.title]) c.add(file, '/title', 'unknown-field', { record: rid, field: rec.title });
    const columns = new Set<string>([...fieldNames, ...BUILTIN_COLUMNS]);
    const column = (path: string, name: string): void => {
      if (!columns.has(name)) c.add(file, path, 'unknown-field', { record: rid, field: name });
    };
    rec.list?.columns?.forEach((col, i) => column(`/list/columns/${i}`, col));
    rec.list?.filters?.forEach((col, i) => column(`/list/filters/${i}`, col));
    if (rec.list?.sort) column('/list/sort/by', rec.list.sort.by);
    rec.list?.views?.forEach((v, vi) => {
      for (const col of Object.keys(v.filters)) column(`/list/views/${vi}/filters/${col}`, col);
    });
    const stateNames = new Set<string>();
    for (const proc of Object.values(pack.processes)) if (proc.record === rid) for (const n of collectStates(proc).keys()) stateNames.add(n);
    rec.layout?.sections.forEach((sec, si) => {
      sec.fields.forEach((f, i) => {
        if (!rec.fields[f]) c.add(file, `/layout/sections/${si}/fields/${i}`, 'unknown-field', { record: rid, field: f });
      });
      (sec.roles ?? []).forEach((r, i) => {
        if (!pack.roles[r]) c.add(file, `/layout/sections/${si}/roles/${i}`, 'unknown-reference', { kind: 'role', id: r, known: known(Object.keys(pack.roles)) });
      });
      // A process file that failed validation declares states we cannot see: no false alarms.
      const processesKnown = !c.someFileUnreadable && ![...c.unavailable].some((k) => k.startsWith('process:'));
      if (processesKnown) for (const key of ['states', 'read-only-in'] as const) {
        (sec[key] ?? []).forEach((st, i) => {
          if (!stateNames.has(st)) c.add(file, `/layout/sections/${si}/${key}/${i}`, 'unknown-state', { state: st, known: known(stateNames) });
        });
      }
    });
    for (const [fname, f] of Object.entries(rec.fields)) {
      const base = `/fields/${fname}`;
      if (f.type === 'enum' && (!f.values || Object.keys(f.values).length === 0)) c.add(file, base, 'enum-without-values');
      if (f.type === 'reference' && f.to && !pack.records[f.to]) c.add(file, `${base}/to`, 'unknown-reference', { kind: 'record type', id: f.to, known: known(Object.keys(pack.records)) });
      if (f.default !== undefined) {
        const r = validateFieldValue(f, f.default);
        if (!r.ok) c.add(file, `${base}/default`, 'invalid-default', { detail: r.error.en });
      }
      if (f.computed) expression(c, file, `${base}/computed`, f.computed, { recordType: rid, recordFields: fieldNames, event: null }, rid);
    }
  }

  for (const [pid, process] of Object.entries(pack.processes)) checkProcess(pack, pid, process, c);
  checkChannelsAndRules(pack, c);
  checkLinks(pack, c);
}

function checkLinks(pack: Pack, c: ProblemCollector): void {
  for (const [rt, list] of Object.entries(pack.links ?? {})) {
    const file = pack.sources[`links:${rt}`] ?? '';
    const record = pack.records[rt];
    if (!record) {
      c.add(file, `/links/${rt}`, 'unknown-reference', { kind: 'record type', id: rt, known: known(Object.keys(pack.records)) });
      continue;
    }
    list.forEach((l, i) => {
      for (const m of l.url.matchAll(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g)) {
        const field = m[1] ?? '';
        if (!record.fields[field]) c.add(file, `/links/${rt}/${i}/url`, 'unknown-field', { record: rt, field });
      }
    });
  }
}

function checkChannelsAndRules(pack: Pack, c: ProblemCollector): void {
  const recordRef = (file: string, path: string, rt: string): boolean => {
    if (pack.records[rt]) return true;
    c.add(file, path, 'unknown-reference', { kind: 'record type', id: rt, known: known(Object.keys(pack.records)) });
    return false;
  };
  const fieldsOf = (rt: string): string[] => Object.keys(pack.records[rt]?.fields ?? {});
  const setFields = (file: string, base: string, rt: string, set: Record<string, unknown> | undefined): void => {
    for (const f of Object.keys(set ?? {})) if (!pack.records[rt]?.fields[f]) c.add(file, `${base}/set/${f}`, 'unknown-field', { record: rt, field: f });
  };
  for (const [addr, m] of Object.entries(pack.channels.mailboxes)) {
    const file = pack.sources[`mailbox:${addr}`] ?? '';
    const base = `/channels/mailboxes/${addr}`;
    if (recordRef(file, `${base}/record`, m.record)) setFields(file, base, m.record, m.set);
    const a = m.attach;
    if (a && recordRef(file, `${base}/attach/record`, a.record)) {
      const fields = pack.records[a.record]?.fields ?? {};
      a.match.forEach((f, i) => {
        if (!fields[f]) c.add(file, `${base}/attach/match/${i}`, 'unknown-field', { record: a.record, field: f });
      });
      const target = a.field === undefined ? undefined : fields[a.field];
      if (a.field !== undefined && (!target || !(target.type === 'file' || (target.type === 'list' && target.of === 'file')))) {
        c.add(file, `${base}/attach/field`, 'unknown-field', { record: `${a.record} (file fields)`, field: a.field });
      }
      const events = new Set<string>(['update']);
      for (const proc of Object.values(pack.processes)) if (proc.record === a.record) for (const e of Object.keys(proc.events ?? {})) events.add(e);
      // A process file that failed validation declares events we cannot see: no false alarms.
      const processesKnown = !c.someFileUnreadable && ![...c.unavailable].some((k) => k.startsWith('process:'));
      if (processesKnown && a.event !== undefined && !events.has(a.event)) c.add(file, `${base}/attach/event`, 'unknown-reference', { kind: 'event', id: a.event, known: known(events) });
    }
  }
  for (const [id, f] of Object.entries(pack.channels.forms)) {
    const file = pack.sources[`form:${id}`] ?? '';
    const base = `/channels/forms/${id}`;
    if (!recordRef(file, `${base}/record`, f.record)) continue;
    f.fields.forEach((name, i) => {
      if (!pack.records[f.record]?.fields[name]) c.add(file, `${base}/fields/${i}`, 'unknown-field', { record: f.record, field: name });
    });
    (f.required ?? []).forEach((name, i) => {
      if (!f.fields.includes(name)) c.add(file, `${base}/required/${i}`, 'unknown-field', { record: `${f.record} (form ${id})`, field: name });
    });
    setFields(file, base, f.record, f.set);
    if (f.confirmation && !pack.templates[f.confirmation]) c.add(file, `${base}/confirmation`, 'unknown-reference', { kind: 'template', id: f.confirmation, known: known(Object.keys(pack.templates)) });
  }
  for (const [id, d] of Object.entries(pack.channels.desk)) {
    const file = pack.sources[`desk:${id}`] ?? '';
    const base = `/channels/desk/${id}`;
    if (recordRef(file, `${base}/record`, d.record)) setFields(file, base, d.record, d.set);
  }
  const chat = pack.channels.chat;
  if (chat) {
    const file = pack.sources['chat:chat'] ?? '';
    if (recordRef(file, '/channels/chat/record', chat.record)) setFields(file, '/channels/chat', chat.record, chat.set);
    if (!pack.calendars[chat.calendar]) c.add(file, '/channels/chat/calendar', 'unknown-reference', { kind: 'calendar', id: chat.calendar, known: known(Object.keys(pack.calendars)) });
    if (chat.articles) recordRef(file, '/channels/chat/articles', chat.articles);
    if (chat.form && !pack.channels.forms[chat.form]) c.add(file, '/channels/chat/form', 'unknown-reference', { kind: 'form', id: chat.form, known: known(Object.keys(pack.channels.forms)) });
  }
  const phone = pack.channels.phone;
  if (phone) {
    const file = pack.sources['phone:phone'] ?? '';
    if (recordRef(file, '/channels/phone/record', phone.record)) {
      setFields(file, '/channels/phone', phone.record, phone.set);
      const keys = new Set<string>();
      phone.menu.forEach((choice, i) => {
        if (keys.has(choice.key)) c.add(file, `/channels/phone/menu/${i}/key`, 'duplicate-id', { kind: 'IVR key', id: choice.key, other: file });
        keys.add(choice.key);
        setFields(file, `/channels/phone/menu/${i}`, phone.record, choice.set);
      });
    }
  }
  const queueRef = (file: string, path: string, q: string | undefined): void => {
    if (q !== undefined && !pack.queues[q]) c.add(file, path, 'unknown-reference', { kind: 'queue', id: q, known: known(Object.keys(pack.queues)) });
  };
  const teamRef = (file: string, path: string, t: string | undefined): void => {
    if (t !== undefined && !pack.teams[t]) c.add(file, path, 'unknown-reference', { kind: 'team', id: t, known: known(Object.keys(pack.teams)) });
  };
  for (const [rt, a] of Object.entries(pack.assignment)) {
    const file = pack.sources[`assignment:${rt}`] ?? '';
    const base = `/assignment/${rt}`;
    if (!recordRef(file, base, rt)) continue;
    a.rules.forEach((r, i) => {
      expression(c, file, `${base}/rules/${i}/if`, r.if, { recordType: rt, recordFields: fieldsOf(rt), event: null }, rt);
      queueRef(file, `${base}/rules/${i}/queue`, r.queue);
      teamRef(file, `${base}/rules/${i}/team`, r.team);
    });
    queueRef(file, `${base}/default/queue`, a.default.queue);
    teamRef(file, `${base}/default/team`, a.default.team);
  }
  for (const [rt, a] of Object.entries(pack.autoResponses)) {
    const file = pack.sources[`auto-responses:${rt}`] ?? '';
    const base = `/auto-responses/${rt}`;
    if (!recordRef(file, base, rt)) continue;
    const tpl = (path: string, id: string): void => {
      if (!pack.templates[id]) c.add(file, path, 'unknown-reference', { kind: 'template', id, known: known(Object.keys(pack.templates)) });
    };
    a.rules.forEach((r, i) => {
      expression(c, file, `${base}/rules/${i}/if`, r.if, { recordType: rt, recordFields: fieldsOf(rt), event: null }, rt);
      tpl(`${base}/rules/${i}/template`, r.template);
    });
    if (a.default) tpl(`${base}/default`, a.default);
  }
  for (const [id, exp] of Object.entries(pack.exports ?? {})) {
    const file = pack.sources[`export:${id}`] ?? '';
    const base = `/exports/${id}`;
    if (!recordRef(file, `${base}/record`, exp.record)) continue;
    const fields = pack.records[exp.record]?.fields ?? {};
    exp.columns.forEach((col, i) => {
      if (col.field.startsWith('$')) return;
      const [field = '', part] = col.field.split('.');
      const def = fields[field];
      if (!def) c.add(file, `${base}/columns/${i}/field`, 'unknown-field', { record: exp.record, field });
      else if (part !== undefined && def.type !== 'address') c.add(file, `${base}/columns/${i}/field`, 'import-column-part', { value: col.header, field, detail: part });
    });
    const states = new Set<string>();
    for (const proc of Object.values(pack.processes)) if (proc.record === exp.record) for (const n of collectStates(proc).keys()) states.add(n);
    // A process file that failed validation declares states we cannot see: no false alarms.
    const processesKnown = !c.someFileUnreadable && ![...c.unavailable].some((k) => k.startsWith('process:'));
    if (processesKnown) (exp.states ?? []).forEach((st, i) => {
      if (!states.has(st)) c.add(file, `${base}/states/${i}`, 'unknown-state', { state: st, known: known(states) });
    });
    if (exp.update) {
      if (!fields[exp.update.key.field]) c.add(file, `${base}/update/key/field`, 'unknown-field', { record: exp.record, field: exp.update.key.field });
      for (const [header, f] of Object.entries(exp.update.columns)) {
        if (f !== null && !fields[f]) c.add(file, `${base}/update/columns/${header.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'unknown-field', { record: exp.record, field: f });
        else if (f !== null && fields[f]?.computed) c.add(file, `${base}/update/columns/${header.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'unknown-field', { record: `${exp.record} (writable fields)`, field: f });
      }
    }
  }
  // Agendas: the runtime reads these fields as the types named here, and filters on these states.
  for (const [id, ag] of Object.entries(pack.agendas ?? {})) {
    const file = pack.sources[`agenda:${id}`] ?? '';
    const base = `/agendas/${id}`;
    ag.roles.forEach((r, i) => {
      if (!pack.roles[r]) c.add(file, `${base}/roles/${i}`, 'unknown-reference', { kind: 'role', id: r, known: known(Object.keys(pack.roles)) });
    });
    if (ag.invite && !pack.roles[ag.invite.role]) c.add(file, `${base}/invite/role`, 'unknown-reference', { kind: 'role', id: ag.invite.role, known: known(Object.keys(pack.roles)) });
    if (!recordRef(file, `${base}/record`, ag.record)) continue;
    const fields = pack.records[ag.record]?.fields ?? {};
    const typed = (path: string, field: string | undefined, types: readonly string[]): void => {
      if (field === undefined) return;
      const def = fields[field];
      if (!def) c.add(file, path, 'unknown-field', { record: ag.record, field });
      else if (!types.includes(def.type)) c.add(file, path, 'field-wrong-type', { record: ag.record, field, type: def.type, expected: types.join(' / ') });
    };
    typed(`${base}/at`, ag.at, ['datetime']);
    typed(`${base}/group`, ag.group, ['enum']);
    // The person is a user id, kept in a text field by the process (`inspector: actor.id`).
    typed(`${base}/person`, ag.person, ['text']);
    typed(`${base}/place`, ag.place, ['address']);
    typed(`${base}/doneAt`, ag.doneAt, ['datetime', 'date']);
    typed(`${base}/invite/if`, ag.invite?.if, ['boolean']);
    const states = new Set<string>();
    for (const proc of Object.values(pack.processes)) if (proc.record === ag.record) for (const n of collectStates(proc).keys()) states.add(n);
    // A process file that failed validation declares states we cannot see: no false alarms.
    const processesKnown = !c.someFileUnreadable && ![...c.unavailable].some((k) => k.startsWith('process:'));
    if (processesKnown) for (const key of ['planned', 'done'] as const) (ag[key] ?? []).forEach((st, i) => {
      if (!states.has(st)) c.add(file, `${base}/${key}/${i}`, 'unknown-state', { state: st, known: known(states) });
    });
  }
  for (const [id, imp] of Object.entries(pack.imports ?? {})) {
    const file = pack.sources[`import:${id}`] ?? '';
    const base = `/imports/${id}`;
    if (imp.notify !== undefined && !pack.roles[imp.notify]) c.add(file, `${base}/notify`, 'unknown-reference', { kind: 'role', id: imp.notify, known: known(Object.keys(pack.roles)) });
    if (!recordRef(file, `${base}/record`, imp.record)) continue;
    const fields = pack.records[imp.record]?.fields ?? {};
    if (!fields[imp.key]) c.add(file, `${base}/key`, 'unknown-field', { record: imp.record, field: imp.key });
    for (const [column, target] of Object.entries(imp.columns)) {
      if (target === null) continue;
      const [field = '', part] = target.split('.');
      const def = fields[field];
      if (!def) c.add(file, `${base}/columns/${column.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'unknown-field', { record: imp.record, field });
      else if (part !== undefined && def.type !== 'address') c.add(file, `${base}/columns/${column.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'import-column-part', { value: column, field, detail: part });
    }
    setFields(file, base, imp.record, imp.set);
  }
}

function expression(c: ProblemCollector, file: string, path: string, source: string, scope: ExpressionScope, recordType: string): void {
  const r = checkExpression(source, scope);
  if (r.ok) {
    // A condition (`if:`) must be true or false; `dyn` (a field) is decided at run time.
    if (path.endsWith('/if') && r.type !== undefined && r.type !== 'bool' && r.type !== 'dyn') c.add(file, path, 'cel-not-boolean', { type: r.type });
    return;
  }
  if (r.code === 'cel-unknown-field') c.add(file, path, 'cel-unknown-field', { field: r.field ?? '', record: recordType });
  else if (r.code === 'cel-unknown-event-field') c.add(file, path, 'cel-unknown-event-field', { field: r.field ?? '', event: scope.event?.name ?? '' });
  else c.add(file, path, r.code, { detail: r.detail });
}

function checkProcess(pack: Pack, pid: string, p: ProcessDefinition, c: ProblemCollector): void {
  const file = pack.sources[`process:${pid}`] ?? '';
  const record = pack.records[p.record];
  if (!record) {
    c.add(file, '/record', 'unknown-reference', { kind: 'record type', id: p.record, known: known(Object.keys(pack.records)) });
    return;
  }
  const recordFields = Object.keys(record.fields);
  const states = collectStates(p);
  const stepIds = new Set((p.steps ?? []).map((s) => s.id));
  const events = p.events ?? {};

  // Duplicate names anywhere in the tree: targets are by name, so they must be unique.
  const seen = new Set<string>();
  const dupWalk = (defs: Record<string, StateDefinition>, base: Array<string | number>): void => {
    for (const [name, def] of Object.entries(defs)) {
      const path = [...base, name];
      if (seen.has(name)) c.add(file, toPointer(path), 'duplicate-state', { state: name });
      seen.add(name);
      if (def.states) dupWalk(def.states, [...path, 'states']);
    }
  };
  dupWalk(p.states, ['states']);

  for (const [ev, def] of Object.entries(events)) {
    if (RESERVED_EVENTS[ev]) c.add(file, `/events/${ev}`, 'reserved-event', { event: ev, why: RESERVED_EVENTS[ev] ?? '' });
    (def.roles ?? []).forEach((r, i) => {
      if (!pack.roles[r]) c.add(file, `/events/${ev}/roles/${i}`, 'unknown-reference', { kind: 'role', id: r, known: known(Object.keys(pack.roles)) });
    });
  }

  const stateRef = (path: string, target: string | undefined): void => {
    if (target !== undefined && !states.has(target)) c.add(file, path, 'unknown-state', { state: target, known: known(states.keys()) });
  };
  stateRef('/initial', p.initial);
  if (!p.states[p.initial] && states.has(p.initial)) c.add(file, '/initial', 'bad-initial', { state: p.initial, known: known(Object.keys(p.states)) });

  const checkActions = (actions: ActionDefinition[] | undefined, base: string, scope: ExpressionScope): void => {
    (actions ?? []).forEach((a, i) => {
      const path = `${base}/${i}`;
      if ('set' in a) {
        for (const [f, expr] of Object.entries(a.set)) {
          if (!record.fields[f]) c.addAtKey(file, `${path}/set/${f}`, 'unknown-field', { record: p.record, field: f });
          expression(c, file, `${path}/set/${f}`, expr, scope, p.record);
        }
      } else if ('assign' in a) {
        if (a.assign.owner) expression(c, file, `${path}/assign/owner`, a.assign.owner, scope, p.record);
        if (a.assign.queue && !pack.queues[a.assign.queue]) c.add(file, `${path}/assign/queue`, 'unknown-reference', { kind: 'queue', id: a.assign.queue, known: known(Object.keys(pack.queues)) });
        if (a.assign.team && !pack.teams[a.assign.team]) c.add(file, `${path}/assign/team`, 'unknown-reference', { kind: 'team', id: a.assign.team, known: known(Object.keys(pack.teams)) });
      } else if ('create' in a) {
        const target = pack.records[a.create.record];
        if (!target) c.add(file, `${path}/create/record`, 'unknown-reference', { kind: 'record type', id: a.create.record, known: known(Object.keys(pack.records)) });
        for (const [f, expr] of Object.entries(a.create.fields ?? {})) {
          if (target && !target.fields[f]) c.addAtKey(file, `${path}/create/fields/${f}`, 'unknown-field', { record: a.create.record, field: f });
          expression(c, file, `${path}/create/fields/${f}`, expr, scope, p.record);
        }
      } else if ('email' in a) {
        if (!pack.templates[a.email.template]) c.add(file, `${path}/email/template`, 'unknown-reference', { kind: 'template', id: a.email.template, known: known(Object.keys(pack.templates)) });
        expression(c, file, `${path}/email/to`, a.email.to, scope, p.record);
      } else if ('notify' in a) {
        if (!pack.templates[a.notify.template]) c.add(file, `${path}/notify/template`, 'unknown-reference', { kind: 'template', id: a.notify.template, known: known(Object.keys(pack.templates)) });
        if (a.notify.role && !pack.roles[a.notify.role]) c.add(file, `${path}/notify/role`, 'unknown-reference', { kind: 'role', id: a.notify.role, known: known(Object.keys(pack.roles)) });
        if (a.notify.user) expression(c, file, `${path}/notify/user`, a.notify.user, scope, p.record);
      } else if ('call' in a) {
        for (const [k, expr] of Object.entries(a.call.with ?? {})) expression(c, file, `${path}/call/with/${k}`, expr, scope, p.record);
      } else if ('send' in a) {
        expression(c, file, `${path}/send/to`, a.send.to, scope, p.record);
        for (const [k, expr] of Object.entries(a.send.data ?? {})) expression(c, file, `${path}/send/data/${k}`, expr, scope, p.record);
      }
    });
  };

  const noEvent: ExpressionScope = { recordType: p.record, recordFields, event: null };
  const eventScope = (ev: string): ExpressionScope => ({ recordType: p.record, recordFields, event: { name: ev, fields: Object.keys(events[ev]?.fields ?? {}) } });

  for (const info of states.values()) {
    const s = info.def;
    const base = info.pointer;
    if (s.states && s.type !== 'parallel') {
      if (!s.initial) c.add(file, base, 'missing-initial', { state: info.name });
      else if (!s.states[s.initial]) c.add(file, `${base}/initial`, 'bad-initial', { state: s.initial, known: known(Object.keys(s.states)) });
    }
    if (s.status !== undefined && !p.statuses[s.status]) c.add(file, `${base}/status`, 'unknown-reference', { kind: 'status', id: s.status, known: known(Object.keys(p.statuses)) });
    (s.updatable ?? []).forEach((f, i) => {
      if (s.type !== 'final') c.add(file, `${base}/updatable`, 'updatable-not-final', { state: info.name });
      else if (!record?.fields[f] || record.fields[f]?.computed !== undefined) c.add(file, `${base}/updatable/${i}`, 'unknown-field', { record: `${p.record} (writable fields)`, field: f });
    });
    if (!s.states) {
      let cur: StateInfo | undefined = info;
      let status: string | undefined;
      while (cur && status === undefined) {
        status = cur.def.status;
        cur = cur.parent ? states.get(cur.parent) : undefined;
      }
      if (status === undefined) c.add(file, base, 'missing-status', { state: info.name });
    }
    if (s.step !== undefined && !stepIds.has(s.step)) c.add(file, `${base}/step`, 'unknown-reference', { kind: 'step', id: s.step, known: known(stepIds) });
    checkActions(s.entry, `${base}/entry`, noEvent);
    checkActions(s.exit, `${base}/exit`, noEvent);
    for (const [ev, spec] of Object.entries(s.on ?? {})) {
      const evPath = `${base}/on/${ev}`;
      if (!events[ev]) c.addAtKey(file, evPath, 'unknown-event', { event: ev });
      const scope = events[ev] ? eventScope(ev) : noEvent;
      const list = normaliseTransitions(spec);
      list.forEach((t, i) => {
        const tPath = typeof spec === 'string' ? evPath : Array.isArray(spec) ? `${evPath}/${i}` : evPath;
        stateRef(typeof spec === 'string' ? evPath : `${tPath}/to`, t.to);
        if (t.if) expression(c, file, `${tPath}/if`, t.if, scope, p.record);
        checkActions(t.do, `${tPath}/do`, scope);
      });
    }
    (s.after ?? []).forEach((t, i) => {
      const tPath = `${base}/after/${i}`;
      stateRef(`${tPath}/to`, t.to);
      if (t.calendar && !pack.calendars[t.calendar]) c.add(file, `${tPath}/calendar`, 'unknown-reference', { kind: 'calendar', id: t.calendar, known: known(Object.keys(pack.calendars)) });
      if (t.at) expression(c, file, `${tPath}/at`, t.at, noEvent, p.record);
      if (t.from) expression(c, file, `${tPath}/from`, t.from, noEvent, p.record);
      if (t.if) expression(c, file, `${tPath}/if`, t.if, noEvent, p.record);
      checkActions(t.do, `${tPath}/do`, noEvent);
    });
    if (s.approval) {
      const a = s.approval;
      stateRef(`${base}/approval/approved`, a.approved);
      stateRef(`${base}/approval/rejected`, a.rejected);
      stateRef(`${base}/approval/recalled`, a.recalled);
      a.steps.forEach((step, si) => {
        if (step.if) expression(c, file, `${base}/approval/steps/${si}/if`, step.if, noEvent, p.record);
        const list = step['all-of'] ?? step['any-of'] ?? [];
        const key = step['all-of'] ? 'all-of' : 'any-of';
        list.forEach((ap, ai) => {
          const apPath = `${base}/approval/steps/${si}/${key}/${ai}`;
          if (ap.role && !pack.roles[ap.role]) c.add(file, `${apPath}/role`, 'unknown-reference', { kind: 'role', id: ap.role, known: known(Object.keys(pack.roles)) });
          if (ap.field && !record.fields[ap.field]) c.add(file, `${apPath}/field`, 'unknown-field', { record: p.record, field: ap.field });
        });
      });
    }
  }

  // Reachability: entering a state enters its ancestors, its initial child, or every region.
  const reached = new Set<string>();
  const queue: string[] = [];
  const reach = (name: string | undefined): void => {
    if (!name || reached.has(name) || !states.has(name)) return;
    reached.add(name);
    queue.push(name);
  };
  reach(p.initial);
  while (queue.length) {
    const name = queue.shift() as string;
    const info = states.get(name);
    if (!info) continue;
    const s = info.def;
    reach(info.parent ?? undefined);
    if (s.states) {
      if (s.type === 'parallel') Object.keys(s.states).forEach(reach);
      else reach(s.initial);
    }
    for (const spec of Object.values(s.on ?? {})) normaliseTransitions(spec).forEach((t) => reach(t.to));
    (s.after ?? []).forEach((t) => reach(t.to));
    if (s.approval) {
      reach(s.approval.approved);
      reach(s.approval.rejected);
      reach(s.approval.recalled);
    }
  }
  for (const info of states.values()) {
    if (!reached.has(info.name)) c.add(file, info.pointer, 'unreachable-state', { state: info.name });
  }
}

const TEXT_KEYS = new Set(['fr', 'nl', 'en']);

/** Every bilingual text (an object of fr/nl/en keys) must carry each language the pack declares. */
function checkLabels(pack: Pack, c: ProblemCollector, sources: Map<string, ParsedYaml>): void {
  const required = pack.manifest.languages.filter((l) => l === 'fr' || l === 'nl');
  const langs = required.length ? required : (['fr', 'nl'] as const);
  const names: Record<string, string> = { fr: 'français / Frans', nl: 'néerlandais / Nederlands' };
  for (const [file, src] of sources) {
    if (src.errors.length) continue;
    const walk = (v: unknown, path: Array<string | number>): void => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
      if (v === null || typeof v !== 'object') return;
      const keys = Object.keys(v);
      if (keys.length > 0 && keys.every((k) => TEXT_KEYS.has(k))) {
        for (const l of langs) if (!(l in v)) c.add(file, toPointer(path), 'missing-label', { lang: names[l] ?? l });
        return;
      }
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(src.value, []);
  }
}
