/**
 * XState's `transition()` and `initialTransition()`, with one inert actor scope per machine
 * instead of one per call. XState builds that scope by constructing an Actor, which computes
 * the machine's whole initial snapshot each time: a third of the cost of a step here.
 * Our machines spawn no child actors, so a shared scope changes nothing but the cost.
 * (Same algorithm as xstate 5.33 `transition` in xstate.cjs.js; revisit when upgrading.)
 */
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type ExecutableActionsFrom } from 'xstate';

type Action = ExecutableActionsFrom<AnyStateMachine>;

interface SharedScope {
  scope: AnyActorScope;
  collected: Action[];
}

const scopes = new WeakMap<AnyStateMachine, SharedScope>();

function scopeFor(machine: AnyStateMachine): SharedScope {
  let shared = scopes.get(machine);
  if (shared) return shared;
  const self = createActor(machine);
  const collected: Action[] = [];
  const scope = {
    self,
    defer: () => undefined,
    id: '',
    logger: () => undefined,
    sessionId: '',
    stopChild: () => undefined,
    system: self.system,
    emit: () => undefined,
    actionExecutor: (action: Action) => {
      collected.push(action);
    },
  } as unknown as AnyActorScope;
  shared = { scope, collected };
  scopes.set(machine, shared);
  return shared;
}

function take(shared: SharedScope): Action[] {
  return shared.collected.splice(0, shared.collected.length);
}

export function pureTransition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: { type: string }): [AnyMachineSnapshot, Action[]] {
  const shared = scopeFor(machine);
  take(shared);
  const next = machine.transition(snapshot, event, shared.scope) as AnyMachineSnapshot;
  return [next, take(shared)];
}

export function pureInitialTransition(machine: AnyStateMachine, input: unknown): [AnyMachineSnapshot, Action[]] {
  const shared = scopeFor(machine);
  take(shared);
  const next = machine.getInitialSnapshot(shared.scope, input) as AnyMachineSnapshot;
  return [next, take(shared)];
}
