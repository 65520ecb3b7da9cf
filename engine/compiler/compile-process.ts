/**
 * Compiles a process definition into an XState v5 machine. Every state gets an explicit id
 * (its unique name) so persisted snapshots survive edits of the pack; timers become delayed
 * `raise` actions with ids, which the runtime turns into durable timer rows (XState's own
 * delayed events do not survive a restore, and Node clamps timers over 24.8 days).
 */
import { assign, cancel, raise, setup, type AnyStateMachine } from 'xstate';
import { compileExpression, evaluateGuard, type CompiledExpression, type ExpressionContext } from '../expressions';
import type {
  ActionDefinition,
  ApprovalDefinition,
  ApproverDefinition,
  Pack,
  ProcessDefinition,
  RecordTypeDefinition,
  StateDefinition,
  TimerDefinition,
} from '../pack/pack-types';
import { collectStates, normaliseTransitions, type StateInfo } from '../pack/semantic-checks';
import type { EngineEvent, InstanceContext, Effect } from './instance-types';

export interface CompiledTimer {
  id: string;
  state: string;
  spec: TimerDefinition;
  at: CompiledExpression | null;
  /** Where a `delay` counts from, when not from entering the state. */
  from: CompiledExpression | null;
}

export interface CompiledProcess {
  id: string;
  packId: string;
  packVersion: number;
  definition: ProcessDefinition;
  record: RecordTypeDefinition;
  pack: Pack;
  machine: AnyStateMachine;
  states: Map<string, StateInfo>;
  timers: Map<string, CompiledTimer>;
}

export function expressionContext(context: InstanceContext, event: EngineEvent | null, recordFields: readonly string[]): ExpressionContext {
  // Every declared field is present (null when unset), so `record.x != null` never fails.
  const record: Record<string, unknown> = {};
  for (const f of recordFields) record[f] = context.fields[f] ?? null;
  return {
    record,
    event: event?.data ?? {},
    actor: event?.actor ?? { id: 'system', roles: ['system'] },
    now: event?.at ?? new Date(0).toISOString(),
  };
}

type XAction = Parameters<typeof assign>[0] | { type: 'effect'; params: (a: { context: InstanceContext; event: EngineEvent }) => Effect };

export function timerId(state: string, index: number): string {
  return `timer:${state}:${index}`;
}

function approverMatches(ap: ApproverDefinition, event: EngineEvent, context: InstanceContext): boolean {
  if (ap.role) return event.actor.roles.includes(ap.role);
  if (ap.user) return event.actor.id === ap.user;
  if (ap.field) return context.fields[ap.field] === event.actor.id;
  return false;
}

/** Which approvers of the current step this actor may still decide for (none when already decided). */
export function pendingApproverIndexes(approval: ApprovalDefinition, context: InstanceContext, event: EngineEvent): number[] {
  const progress = context.approval;
  if (!progress) return [];
  const step = approval.steps[progress.step];
  if (!step) return [];
  const list = step['all-of'] ?? step['any-of'] ?? [];
  const decidedBy = new Set(progress.decisions.filter((d) => d.step === progress.step).map((d) => d.by));
  if (decidedBy.has(event.actor.id)) return [];
  return list.map((ap, i) => (approverMatches(ap, event, context) ? i : -1)).filter((i) => i >= 0);
}

function approvalCompletesStep(approval: ApprovalDefinition, context: InstanceContext): boolean {
  const progress = context.approval;
  if (!progress) return false;
  const step = approval.steps[progress.step];
  if (!step) return false;
  if (step['any-of']) return true;
  const list = step['all-of'] ?? [];
  // One approval per listed approver: count distinct approvers covered after this decision.
  const approvedBy = progress.decisions.filter((d) => d.step === progress.step && d.decision === 'approved').length;
  return approvedBy + 1 >= list.length;
}

export function compileProcess(pack: Pack, processId: string, packVersion: number): CompiledProcess {
  const definition = pack.processes[processId];
  if (!definition) throw new Error(`Process "${processId}" is not in pack "${pack.manifest.id}"`);
  const record = pack.records[definition.record];
  if (!record) throw new Error(`Record type "${definition.record}" of process "${processId}" is not in the pack`);
  const recordFields = Object.keys(record.fields);
  const states = collectStates(definition);
  const timers = new Map<string, CompiledTimer>();

  const ctxOf = (context: InstanceContext, event: EngineEvent | null): ExpressionContext => expressionContext(context, event, recordFields);
  const evalMap = (map: Record<string, string> | undefined, context: InstanceContext, event: EngineEvent): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, src] of Object.entries(map ?? {})) out[k] = compileExpression(src).evaluate(ctxOf(context, event));
    return out;
  };

  const compileActions = (actions: ActionDefinition[] | undefined): XAction[] =>
    (actions ?? []).map((a): XAction => {
      if ('set' in a) {
        return assign(({ context, event }: { context: InstanceContext; event: EngineEvent }) => ({
          fields: { ...context.fields, ...evalMap(a.set, context, event) },
        }));
      }
      if ('assign' in a) {
        const spec = a.assign;
        const owner = spec.owner ? compileExpression(spec.owner) : null;
        return assign(({ context, event }: { context: InstanceContext; event: EngineEvent }) => {
          const patch: Partial<InstanceContext> = {};
          if (owner) {
            const v = owner.evaluate(ctxOf(context, event));
            patch.owner = v === null || v === undefined ? null : String(v);
          }
          if (spec.queue !== undefined) patch.queue = spec.queue;
          if (spec.team !== undefined) patch.team = spec.team;
          return patch;
        });
      }
      if ('create' in a) {
        const spec = a.create;
        return { type: 'effect', params: ({ context, event }) => ({ kind: 'create', record: spec.record, fields: evalMap(spec.fields, context, event) }) };
      }
      if ('email' in a) {
        const to = compileExpression(a.email.to);
        const template = a.email.template;
        return { type: 'effect', params: ({ context, event }) => ({ kind: 'email', template, to: to.evaluate(ctxOf(context, event)) }) };
      }
      if ('notify' in a) {
        const spec = a.notify;
        const user = spec.user ? compileExpression(spec.user) : null;
        return { type: 'effect', params: ({ context, event }) => ({ kind: 'notify', template: spec.template, role: spec.role ?? null, user: user ? user.evaluate(ctxOf(context, event)) : null }) };
      }
      if ('call' in a) {
        const spec = a.call;
        return { type: 'effect', params: ({ context, event }) => ({ kind: 'call', adapter: spec.adapter, with: evalMap(spec.with, context, event) }) };
      }
      if ('send' in a) {
        const spec = a.send;
        const to = compileExpression(spec.to);
        return { type: 'effect', params: ({ context, event }) => ({ kind: 'send', event: spec.event, to: to.evaluate(ctxOf(context, event)), data: evalMap(spec.data, context, event) }) };
      }
      throw new Error(`Unknown action ${Object.keys(a).join(',')}`);
    });

  const guardOf = (source: string | undefined) => {
    if (!source) return undefined;
    const expr = compileExpression(source);
    return ({ context, event }: { context: InstanceContext; event: EngineEvent }) => evaluateGuard(expr, ctxOf(context, event));
  };

  const buildState = (name: string, s: StateDefinition): Record<string, unknown> => {
    const node: Record<string, unknown> = { id: name, meta: { status: s.status, reason: s.reason, step: s.step, label: s.label } };
    if (s.type) node['type'] = s.type;
    if (s.states) {
      const children: Record<string, unknown> = {};
      for (const [child, def] of Object.entries(s.states)) children[child] = buildState(child, def);
      node['states'] = children;
      if (s.initial) node['initial'] = s.initial;
    }
    const on: Record<string, unknown> = {};
    for (const [ev, spec] of Object.entries(s.on ?? {})) {
      on[ev] = normaliseTransitions(spec).map((t) => ({
        target: t.to ? `#${t.to}` : undefined,
        guard: guardOf(t.if),
        actions: compileActions(t.do),
        // An internal self-transition: actions only, no exit/entry of the state.
        reenter: false,
      }));
    }
    const entry: XAction[] = [];
    const exit: XAction[] = [];
    (s.after ?? []).forEach((t, i) => {
      const id = timerId(name, i);
      timers.set(id, { id, state: name, spec: t, at: t.at ? compileExpression(t.at) : null, from: t.from ? compileExpression(t.from) : null });
      // The delay is a placeholder: the runtime computes the due time from the spec with
      // the engine's calendars, and keeps it as a durable timer row.
      entry.push(raise({ type: id } as EngineEvent, { id, delay: 1 }) as XAction);
      exit.push(cancel(id) as XAction);
      on[id] = [{ target: t.to ? `#${t.to}` : undefined, guard: guardOf(t.if), actions: compileActions(t.do), reenter: false }];
    });
    if (s.approval) {
      const approval = s.approval;
      const stepGuards = approval.steps.map((st) => (st.if ? compileExpression(st.if) : null));
      /** The first step at or after `from` whose condition holds; -1 when none is left. */
      const applicableStep = (from: number, context: InstanceContext, event: EngineEvent): number => {
        for (let i = from; i < approval.steps.length; i++) {
          const g = stepGuards[i];
          if (!g || evaluateGuard(g, ctxOf(context, event))) return i;
        }
        return -1;
      };
      entry.push(
        assign(({ context, event }: { context: InstanceContext; event: EngineEvent }) => ({
          approval: { state: name, step: Math.max(applicableStep(0, context, event), 0), submitter: event.actor?.id ?? null, decisions: [] },
        })),
      );
      const decide = (decision: 'approved' | 'rejected' | 'recalled') =>
        assign(({ context, event }: { context: InstanceContext; event: EngineEvent }) => {
          const progress = context.approval;
          if (!progress) return {};
          const comment = typeof event.data['comment'] === 'string' ? event.data['comment'] : null;
          const d = { step: progress.step, by: event.actor.id, decision, comment, at: event.at };
          return { approval: { ...progress, decisions: [...progress.decisions, d] }, approvals: [...context.approvals, d] };
        });
      const nextStep = assign(({ context, event }: { context: InstanceContext; event: EngineEvent }) =>
        context.approval ? { approval: { ...context.approval, step: applicableStep(context.approval.step + 1, context, event) } } : {},
      );
      const eligible = ({ context, event }: { context: InstanceContext; event: EngineEvent }) => pendingApproverIndexes(approval, context, event).length > 0;
      on['approve'] = [
        {
          target: `#${approval.approved}`,
          guard: ({ context, event }: { context: InstanceContext; event: EngineEvent }) =>
            eligible({ context, event }) && approvalCompletesStep(approval, context) && applicableStep((context.approval?.step ?? 0) + 1, context, event) < 0,
          actions: [decide('approved')],
        },
        {
          guard: ({ context, event }: { context: InstanceContext; event: EngineEvent }) => eligible({ context, event }) && approvalCompletesStep(approval, context),
          actions: [decide('approved'), nextStep],
          reenter: false,
        },
        { guard: eligible, actions: [decide('approved')], reenter: false },
      ];
      on['reject'] = [
        {
          target: `#${approval.rejected}`,
          guard: ({ context, event }: { context: InstanceContext; event: EngineEvent }) => eligible({ context, event }) && typeof event.data['comment'] === 'string' && event.data['comment'].trim() !== '',
          actions: [decide('rejected')],
        },
      ];
      on['recall'] = [
        {
          target: `#${approval.recalled ?? approval.rejected}`,
          guard: ({ context, event }: { context: InstanceContext; event: EngineEvent }) => context.approval?.submitter === event.actor.id,
          actions: [decide('recalled')],
        },
      ];
      // No clean-up on exit: XState runs exit actions before the transition's own, and the
      // deciding approval must still see its progress. The next approval state resets it.
    }
    entry.push(...compileActions(s.entry));
    exit.push(...compileActions(s.exit));
    if (Object.keys(on).length) node['on'] = on;
    if (entry.length) node['entry'] = entry;
    if (exit.length) node['exit'] = exit;
    return node;
  };

  const rootStates: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(definition.states)) rootStates[name] = buildState(name, def);

  const machine = setup({
    types: {} as { context: InstanceContext; events: EngineEvent; input: InstanceContext },
    actions: {
      // Effects are not executed by XState: `transition()` returns them and the runtime
      // writes them to the outbox in the same store transaction.
      effect: () => undefined,
    },
  }).createMachine({
    id: processId,
    initial: definition.initial,
    context: ({ input }: { input: InstanceContext }) => input,
    states: rootStates,
    on: {
      // Field edits go through the machine too, so they share the history and the outbox.
      update: { actions: assign(({ context, event }: { context: InstanceContext; event: EngineEvent }) => ({ fields: { ...context.fields, ...(event.data['fields'] as Record<string, unknown>) } })) },
      // Any member of the record's queue may take it (CC-5): it becomes theirs.
      take: {
        guard: ({ context, event }: { context: InstanceContext; event: EngineEvent }) => {
          const queue = context.queue ? pack.queues[context.queue] : undefined;
          return !!queue && context.owner !== event.actor.id && queue.roles.some((r) => event.actor.roles.includes(r));
        },
        actions: assign(({ event }: { event: EngineEvent }) => ({ owner: event.actor.id })),
      },
    },
    // The config is built from the pack at run time, so XState cannot infer its state
    // schema; the machine is used through the untyped AnyStateMachine surface.
  } as never) as unknown as AnyStateMachine;

  return { id: processId, packId: pack.manifest.id, packVersion, definition, record, pack, machine, states, timers };
}
