/**
 * Applying an event to an instance, as a pure function: the snapshot and the event in, the
 * next snapshot and everything the runtime must write in the same transaction out (history
 * changes, timer rows to set and cancel, outbox effects). No clock, no I/O.
 */
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { pureInitialTransition, pureTransition } from './pure-transition';
import { addBusinessDuration, addCalendarDuration, parseIsoDuration } from '../calendar';
import { ConflictError, ValidationError, type LocalizedText } from '../errors';
import { validateRecordWrite, type FieldDefinition } from '../fields';
import { compileExpression } from '../expressions';
import { assignRecord } from '../routing';
import {
  expressionContext,
  pendingApproverIndexes,
  type CompiledProcess,
} from '../compiler/compile-process';
import type { Effect, EngineEvent, InstanceContext } from '../compiler/instance-types';

/** What the store keeps of an instance's machine: enough to resume it with any engine process. */
export interface InstanceSnapshot {
  status: 'active' | 'done';
  value: StateValue;
  context: InstanceContext;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface TimerPlan {
  /** Unique per instance: the timer id of the compiled machine. */
  key: string;
  eventType: string;
  dueAt: number;
}

export interface InstanceSummary {
  /** Active state names, outermost first. */
  states: string[];
  status: string;
  statusLabel: LocalizedText | null;
  reason: LocalizedText | null;
  step: string | null;
  owner: string | null;
  queue: string | null;
  team: string | null;
  done: boolean;
}

export interface StepOutcome {
  snapshot: InstanceSnapshot;
  summary: InstanceSummary;
  changes: FieldChange[];
  timersSet: TimerPlan[];
  timersCancelled: string[];
  effects: Effect[];
}

export const BUILTIN_EVENTS = ['update', 'take', 'approve', 'reject', 'recall'] as const;

function text(fr: string, nl: string, en: string): LocalizedText {
  return { fr, nl, en };
}

/** Active state names from a state value, outermost first, in document order. */
export function activeStates(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    out.push(k);
    if (v !== undefined) out.push(...activeStates(v as StateValue));
  }
  return out;
}

export function summarise(p: CompiledProcess, snap: InstanceSnapshot): InstanceSummary {
  const names = activeStates(snap.value);
  let status = '';
  let reason: LocalizedText | null = null;
  let step: string | null = null;
  // The deepest state that declares a value wins: children refine their parent.
  for (const name of names) {
    const def = p.states.get(name)?.def;
    if (!def) continue;
    if (def.status !== undefined) {
      status = def.status;
      reason = def.reason ?? null;
    } else if (def.reason !== undefined) {
      // A child may refine only the reason and keep its parent's status (e.g. "PV being written").
      reason = def.reason;
    }
    if (def.step !== undefined) step = def.step;
  }
  return {
    states: names,
    status,
    statusLabel: p.definition.statuses[status] ?? null,
    reason,
    step,
    owner: snap.context.owner,
    queue: snap.context.queue,
    team: snap.context.team,
    done: snap.status === 'done',
  };
}

function restore(p: CompiledProcess, snap: InstanceSnapshot): AnyMachineSnapshot {
  return p.machine.resolveState({ value: snap.value, context: snap.context });
}

function dueTime(p: CompiledProcess, key: string, context: InstanceContext, now: number, at: string): number {
  const timer = p.timers.get(key);
  if (!timer) return now;
  const { spec } = timer;
  if (timer.at) {
    const v = timer.at.evaluate(expressionContext(context, null, Object.keys(p.record.fields)));
    const ms = typeof v === 'string' ? dateValueToMs(v, p.pack.manifest.timezone) : NaN;
    // A missing or unreadable date must not fire at once and close a record by mistake.
    return Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER;
  }
  const duration = parseIsoDuration(spec.delay ?? 'PT0S');
  // `from`: the delay counts from a recorded moment (e.g. the posting of a registered letter),
  // not from entering the state; when that value is empty, from now. A date counts from the end
  // of that day, as periods in days do in law (the day of the act is not counted).
  let start = now;
  if (timer.from) {
    const v = timer.from.evaluate(expressionContext(context, null, Object.keys(p.record.fields)));
    const ms = typeof v !== 'string' ? NaN : /^\d{4}-\d{2}-\d{2}$/.test(v)
      ? addCalendarDuration(dateValueToMs(v, p.pack.manifest.timezone), parseIsoDuration('P1D'), p.pack.manifest.timezone)
      : dateValueToMs(v, p.pack.manifest.timezone);
    if (Number.isFinite(ms)) start = ms;
  }
  if (spec.calendar) {
    const cal = p.pack.calendars[spec.calendar];
    if (cal) return addBusinessDuration(start, duration, cal);
  }
  void at;
  return addCalendarDuration(start, duration, p.pack.manifest.timezone);
}

/** `YYYY-MM-DD` is midnight in the pack's time zone; a datetime is taken as written. */
function dateValueToMs(v: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const utcMidnight = Date.parse(`${v}T00:00:00Z`);
    // Offset of the zone at that moment, from Intl (pure).
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utcMidnight));
    const get = (t: string): number => Number(parts.find((x) => x.type === t)?.value ?? 0);
    const asLocal = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return utcMidnight - (asLocal - utcMidnight);
  }
  return Date.parse(v);
}

function computeFields(p: CompiledProcess, context: InstanceContext, event: EngineEvent | null): InstanceContext {
  const computed = Object.entries(p.record.fields).filter(([, f]) => f.computed);
  if (computed.length === 0) return context;
  const fields = { ...context.fields };
  for (const [name, f] of computed) {
    try {
      fields[name] = compileExpression(f.computed as string).evaluate(expressionContext({ ...context, fields }, event, Object.keys(p.record.fields)));
    } catch {
      // A computed value that cannot be computed yet (a missing input) is empty, not an error.
      fields[name] = null;
    }
  }
  return { ...context, fields };
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[k] ?? null;
    const b = after[k] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: k, before: a, after: b });
  }
  return out;
}

function collect(p: CompiledProcess, actions: ReadonlyArray<{ type: string; params?: unknown }>, context: InstanceContext, now: number, at: string) {
  const timersSet: TimerPlan[] = [];
  const timersCancelled: string[] = [];
  const effects: Effect[] = [];
  for (const a of actions) {
    const params = (a.params ?? {}) as Record<string, unknown>;
    if (a.type === 'xstate.raise' && typeof params['id'] === 'string' && params['delay'] !== undefined) {
      const key = params['id'];
      timersSet.push({ key, eventType: key, dueAt: dueTime(p, key, context, now, at) });
    } else if (a.type === 'xstate.cancel' && typeof params['sendId'] === 'string') {
      timersCancelled.push(params['sendId']);
    } else if (a.type === 'effect') {
      effects.push(params as unknown as Effect);
    }
  }
  // A timer cancelled and set again in one step (re-entering a state) ends up set.
  const setKeys = new Set(timersSet.map((t) => t.key));
  return { timersSet, timersCancelled: timersCancelled.filter((k) => !setKeys.has(k)), effects };
}

function toInstanceSnapshot(s: AnyMachineSnapshot): InstanceSnapshot {
  return { status: s.status === 'done' ? 'done' : 'active', value: s.value, context: s.context as InstanceContext };
}

function validationError(errors: Record<string, { code: string; fr: string; nl: string; en: string }>): ValidationError {
  const n = Object.keys(errors).length;
  return new ValidationError(text(`${n} champ(s) invalide(s).`, `${n} ongeldig(e) veld(en).`, `${n} invalid field(s).`), errors);
}

export function startInstance(p: CompiledProcess, fields: Record<string, unknown>, event: EngineEvent): StepOutcome {
  const write = validateRecordWrite(p.record.fields, {}, fields, { creating: true });
  if (!write.ok) throw validationError(write.errors);
  const now = Date.parse(event.at);
  const input = computeFields(p, { fields: write.values, owner: null, queue: null, team: null, approval: null, approvals: [] }, event);
  const [next, actions] = pureInitialTransition(p.machine, input);
  const snapshot = toInstanceSnapshot(next);
  snapshot.context = computeFields(p, snapshot.context, event);
  // A record the process did not place itself goes where the pack's assignment rules say.
  if (snapshot.context.queue === null) {
    const assigned = assignRecord(p.pack, p.record.record, snapshot.context.fields, event.at);
    if (assigned) snapshot.context = { ...snapshot.context, queue: assigned.queue, team: snapshot.context.team ?? assigned.team };
  }
  const { timersSet, timersCancelled, effects } = collect(p, actions, snapshot.context, now, event.at);
  return { snapshot, summary: summarise(p, snapshot), changes: diff({}, snapshot.context.fields), timersSet, timersCancelled, effects };
}

/** The events that exist in the current state (before roles and guards). */
export function availableEvents(p: CompiledProcess, snap: InstanceSnapshot): string[] {
  if (snap.status === 'done') return closedUpdatable(p, snap).length > 0 ? ['update'] : [];
  const out = new Set<string>(['update']);
  if (snap.context.queue) out.add('take');
  for (const name of activeStates(snap.value)) {
    const def = p.states.get(name)?.def;
    if (!def) continue;
    for (const ev of Object.keys(def.on ?? {})) out.add(ev);
    if (def.approval) ['approve', 'reject', 'recall'].forEach((e) => out.add(e));
  }
  return [...out];
}

/** Whether the event would change anything now for this actor (guards included, payload as given). */
export function canApply(p: CompiledProcess, snap: InstanceSnapshot, event: EngineEvent): boolean {
  if (!availableEvents(p, snap).includes(event.type)) return false;
  if (event.type === 'update') return true;
  const current = restore(p, snap);
  if (event.type === 'approve' || event.type === 'reject') {
    const name = activeStates(snap.value).find((n) => p.states.get(n)?.def.approval);
    const approval = name ? p.states.get(name)?.def.approval : undefined;
    if (!approval || pendingApproverIndexes(approval, snap.context, event).length === 0) return false;
    if (event.type === 'reject') return true;
  }
  return current.can(event);
}

/** The payload fields of an event: declared ones, or the comment of the built-in approval events. */
export function eventFieldDefs(p: CompiledProcess, type: string): Record<string, FieldDefinition> {
  if (type === 'reject') {
    return { comment: { type: 'long-text', label: { fr: 'Motif du refus', nl: 'Reden van weigering' }, required: true } };
  }
  if (type === 'take') return {};
  if (type === 'approve' || type === 'recall') {
    return { comment: { type: 'long-text', label: { fr: 'Commentaire', nl: 'Opmerking' } } };
  }
  return p.definition.events?.[type]?.fields ?? {};
}

/** The fields a closed record still accepts (its final state's `updatable`), none otherwise. */
export function closedUpdatable(p: CompiledProcess, snap: InstanceSnapshot): string[] {
  if (snap.status !== 'done') return [];
  return activeStates(snap.value).flatMap((n) => p.states.get(n)?.def.updatable ?? []);
}

/**
 * An `update` of a closed record: the machine is done and takes no more events, so the fields
 * its final state lists are written directly; any other field is refused, naming it.
 */
function applyClosedUpdate(p: CompiledProcess, snap: InstanceSnapshot, event: EngineEvent): StepOutcome {
  const allowed = new Set(closedUpdatable(p, snap));
  const changes = (event.data['fields'] ?? {}) as Record<string, unknown>;
  const refused = Object.keys(changes).filter((k) => !allowed.has(k) && p.record.fields[k] !== undefined);
  if (refused.length > 0) {
    const errors: Record<string, { code: string; fr: string; nl: string; en: string }> = {};
    for (const k of refused) {
      errors[k] = { code: 'closed-record', fr: `Le dossier est clôturé : « ${k} » ne peut plus être modifié.`, nl: `Het dossier is afgesloten: "${k}" kan niet meer worden gewijzigd.`, en: `The record is closed: "${k}" can no longer be changed.` };
    }
    throw validationError(errors);
  }
  const write = validateRecordWrite(p.record.fields, snap.context.fields, changes, { creating: false });
  if (!write.ok) throw validationError(write.errors);
  const full: EngineEvent = { ...event, data: { fields: write.values } };
  const snapshot: InstanceSnapshot = { ...snap, context: computeFields(p, { ...snap.context, fields: write.values }, full) };
  return { snapshot, summary: summarise(p, snapshot), changes: diff(snap.context.fields, snapshot.context.fields), timersSet: [], timersCancelled: [], effects: [] };
}

export function applyEvent(p: CompiledProcess, snap: InstanceSnapshot, event: EngineEvent): StepOutcome {
  if (snap.status === 'done' && event.type === 'update' && closedUpdatable(p, snap).length > 0) return applyClosedUpdate(p, snap, event);
  const now = Date.parse(event.at);
  const isTimer = event.type.startsWith('timer:');
  let data = event.data;
  if (event.type === 'update') {
    const changes = (event.data['fields'] ?? {}) as Record<string, unknown>;
    const write = validateRecordWrite(p.record.fields, snap.context.fields, changes, { creating: false });
    if (!write.ok) throw validationError(write.errors);
    data = { fields: write.values };
  } else if (!isTimer) {
    const defs = eventFieldDefs(p, event.type);
    const unknownKeys = Object.keys(event.data).filter((k) => !(k in defs));
    const write = validateRecordWrite(defs, {}, event.data, { creating: true });
    if (!write.ok || unknownKeys.length) {
      const errors: Record<string, { code: string; fr: string; nl: string; en: string }> = write.ok ? {} : { ...write.errors };
      for (const k of unknownKeys) {
        errors[k] = { code: 'unknown-field', fr: `L’événement n’a pas de champ « ${k} ».`, nl: `De gebeurtenis heeft geen veld "${k}".`, en: `The event has no field "${k}".` };
      }
      throw validationError(errors);
    }
    // Declared but absent payload fields are null, so `event.x != null` works in expressions.
    data = {};
    for (const k of Object.keys(defs)) data[k] = write.values[k] ?? null;
  }
  const full: EngineEvent = { ...event, data };
  const notAllowed = (): ConflictError => {
    const state = summarise(p, snap);
    const available = availableEvents(p, snap);
    const why = available.includes(event.type)
      ? text('les conditions ne sont pas remplies', 'de voorwaarden zijn niet vervuld', 'its conditions are not met')
      : text(`il n’existe pas à l’état « ${state.states.join(' / ')} »`, `ze bestaat niet in toestand "${state.states.join(' / ')}"`, `it does not exist in state "${state.states.join(' / ')}"`);
    return new ConflictError(
      'event-not-allowed',
      text(`L’événement « ${event.type} » n’est pas permis maintenant : ${why.fr}.`, `De gebeurtenis "${event.type}" is nu niet toegestaan: ${why.nl}.`, `Event "${event.type}" is not allowed now: ${why.en ?? ''}.`),
      { event: event.type, states: state.states },
    );
  };
  const available = isTimer ? activeStates(snap.value).includes(p.timers.get(event.type)?.state ?? '') : availableEvents(p, snap).includes(event.type);
  if (!available) throw notAllowed();
  const before = restore(p, snap);
  const [next, actions] = pureTransition(p.machine, before, full);
  // XState returns the very same snapshot when no transition was enabled (a guard said no),
  // so one transition both decides and applies.
  if (next === before && event.type !== 'update') throw notAllowed();
  const snapshot = toInstanceSnapshot(next);
  snapshot.context = computeFields(p, snapshot.context, full);
  const { timersSet, timersCancelled, effects } = collect(p, actions, snapshot.context, now, event.at);
  if (event.type === 'update') {
    // A date a timer waits for (`at: record.expires_on`) may just have changed: move the timer.
    const active = new Set(activeStates(snapshot.value));
    for (const t of p.timers.values()) {
      if ((t.at || t.from) && active.has(t.state)) timersSet.push({ key: t.id, eventType: t.id, dueAt: dueTime(p, t.id, snapshot.context, now, event.at) });
    }
  }
  return { snapshot, summary: summarise(p, snapshot), changes: diff(snap.context.fields, snapshot.context.fields), timersSet, timersCancelled, effects };
}
