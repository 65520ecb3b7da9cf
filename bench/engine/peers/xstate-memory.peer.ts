/**
 * Peer: the approval flow as a plain XState v5 machine, in memory only.
 * This is the ceiling for "what does a transition cost without durability":
 * our engine compiles packs to XState, so the gap between this number and ours
 * is the price of persistence and bookkeeping.
 */
import { assign, createActor, setup } from 'xstate';

import { amountFor, DIRECTOR_THRESHOLD } from './approval-shape';
import { latencyRecorder, stopwatch, toPeerResult, type PeerResult } from './peer-result';

type ApprovalEvent = { type: 'submit' } | { type: 'approve'; by: 'manager' | 'director' };

interface ApprovalContext {
  amount: number;
  approvals: Array<'manager' | 'director'>;
}

export const approvalMachine = setup({
  types: {
    context: {} as ApprovalContext,
    events: {} as ApprovalEvent,
    input: {} as { amount: number },
  },
  guards: {
    // The guard reads the instance field, like the exclusive gateway in the BPMN peer.
    needsDirector: ({ context }) => context.amount > DIRECTOR_THRESHOLD,
  },
  actions: {
    // Recording the approver keeps the machine from being a bare state counter:
    // a real instance carries an audit trail, and this costs an assign per approval.
    recordApproval: assign({
      approvals: ({ context, event }) =>
        event.type === 'approve' ? [...context.approvals, event.by] : context.approvals,
    }),
  },
}).createMachine({
  id: 'approval',
  initial: 'draft',
  context: ({ input }) => ({ amount: input.amount, approvals: [] }),
  states: {
    draft: { on: { submit: 'submitted' } },
    submitted: {
      on: {
        approve: [
          { guard: 'needsDirector', target: 'awaitingDirector', actions: 'recordApproval' },
          { target: 'approved', actions: 'recordApproval' },
        ],
      },
    },
    awaitingDirector: { on: { approve: { target: 'approved', actions: 'recordApproval' } } },
    approved: { type: 'final' },
  },
});

export async function runXStateMemory(opts: { instances: number }): Promise<PeerResult> {
  const latencies = latencyRecorder();
  let events = 0;
  const elapsed = stopwatch();

  for (let i = 0; i < opts.instances; i++) {
    const amount = amountFor(i);
    const actor = createActor(approvalMachine, { input: { amount } }).start();

    const steps: ApprovalEvent[] = [{ type: 'submit' }, { type: 'approve', by: 'manager' }];
    if (amount > DIRECTOR_THRESHOLD) steps.push({ type: 'approve', by: 'director' });

    for (const step of steps) {
      const mark = latencies.begin();
      actor.send(step);
      latencies.end(mark);
      events++;
    }

    // Verify outside the timed region: the check is the benchmark's, not the peer's cost.
    const snapshot = actor.getSnapshot();
    const expectedApprovals = amount > DIRECTOR_THRESHOLD ? 2 : 1;
    if (snapshot.status !== 'done' || !snapshot.matches('approved')) {
      throw new Error(`xstate instance ${i} ended in ${JSON.stringify(snapshot.value)} (${snapshot.status})`);
    }
    if (snapshot.context.approvals.length !== expectedApprovals) {
      throw new Error(`xstate instance ${i} (amount ${amount}) has ${snapshot.context.approvals.length} approvals`);
    }
    actor.stop();
  }

  return toPeerResult('xstate-memory', opts.instances, events, elapsed(), latencies);
}
