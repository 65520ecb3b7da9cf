/**
 * Peer: the approval flow as BPMN 2.0, run by the bpmn-engine npm package, made
 * durable the way its docs suggest: after every step, serialise
 * `engine.getState()` and store it (here: one SQLite row per instance, UPSERT,
 * one commit per step). This is the closest off-the-shelf equivalent of our
 * durable engine.
 *
 * Typed with the declarations bpmn-engine ships (types/bpmn-engine.d.ts); no
 * local `declare module` is needed, and one would shadow the real types.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';

import { Engine } from 'bpmn-engine';

import { amountFor, DIRECTOR_THRESHOLD } from './approval-shape';
import { openDurableDb } from './durable-db';
import { latencyRecorder, stopwatch, toPeerResult, type PeerResult } from './peer-result';

/**
 * How the gateway condition is written.
 * - 'service': `${environment.services.needsDirector(environment.variables.amount)}`.
 *   bpmn-engine's built-in expressions are property paths plus function calls; they
 *   have NO operators, so the obvious `${environment.variables.amount > 1000}`
 *   resolves the property "amount > 1000", gets undefined and is silently false:
 *   every instance would skip the director. A service function does the comparison.
 * - 'javascript': a `language="javascript"` script condition, run by bpmn-engine's
 *   JavaScripts in a fresh node:vm context per evaluation (and compiled per Engine).
 */
export type GatewayCondition = 'service' | 'javascript';

const CONDITIONS: Record<GatewayCondition, { attrs: string; body: string }> = {
  service: { attrs: '', body: '${environment.services.needsDirector(environment.variables.amount)}' },
  javascript: {
    attrs: ' language="javascript"',
    body: `next(null, environment.variables.amount &gt; ${DIRECTOR_THRESHOLD})`,
  },
};

export function approvalBpmn(condition: GatewayCondition): string {
  const { attrs, body } = CONDITIONS[condition];
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
             id="approvalDefinitions" targetNamespace="http://civic-flow/bench">
  <process id="approval" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toSubmit" sourceRef="start" targetRef="submit" />
    <userTask id="submit" name="Submit" />
    <sequenceFlow id="toApprove" sourceRef="submit" targetRef="approve" />
    <userTask id="approve" name="Manager approval" />
    <sequenceFlow id="toGateway" sourceRef="approve" targetRef="amountCheck" />
    <exclusiveGateway id="amountCheck" default="toEndDefault" />
    <sequenceFlow id="toApprove2" sourceRef="amountCheck" targetRef="approve2">
      <conditionExpression xsi:type="tFormalExpression"${attrs}>${body}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toEndDefault" sourceRef="amountCheck" targetRef="end" />
    <userTask id="approve2" name="Director approval" />
    <sequenceFlow id="toEnd" sourceRef="approve2" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;
}

const services = {
  needsDirector: (amount: unknown): boolean => typeof amount === 'number' && amount > DIRECTOR_THRESHOLD,
};

/** Activity ids carried by engine listener events; typed structurally to avoid leaning on bpmn-elements internals. */
function activityId(api: unknown): string | undefined {
  if (typeof api === 'object' && api !== null && 'id' in api && typeof api.id === 'string') return api.id;
  return undefined;
}

export async function runBpmnEngine(opts: {
  instances: number;
  dir: string;
  condition?: GatewayCondition;
}): Promise<PeerResult> {
  const source = approvalBpmn(opts.condition ?? 'service');
  const db = openDurableDb(path.join(opts.dir, 'bpmn-engine.db'));
  try {
    db.exec(`CREATE TABLE instance (id TEXT PRIMARY KEY, state TEXT NOT NULL, step INTEGER NOT NULL)`);
    const upsert = db.prepare(
      `INSERT INTO instance (id, state, step) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET state = excluded.state, step = excluded.step`,
    );
    const persist = db.transaction((id: string, state: string, step: number) => {
      upsert.run(id, state, step);
    });

    const latencies = latencyRecorder();
    let events = 0;
    const elapsed = stopwatch();

    for (let i = 0; i < opts.instances; i++) {
      const id = `inst-${i}`;
      const amount = amountFor(i);
      const expected = amount > DIRECTOR_THRESHOLD ? ['submit', 'approve', 'approve2'] : ['submit', 'approve'];

      // What the engine actually did, for verification after the run.
      const waited: string[] = [];
      let reachedEnd = false;
      const listener = new EventEmitter();
      listener.on('activity.wait', (api: unknown) => {
        const activity = activityId(api);
        if (activity !== undefined) waited.push(activity);
      });
      listener.on('activity.end', (api: unknown) => {
        if (activityId(api) === 'end') reachedEnd = true;
      });

      // A new Engine per instance, from source, as an application without a
      // definition cache would run it; creation is in wall time, not in event latency.
      const engine = new Engine({ name: id, source, services });
      const execution = await engine.execute({ variables: { amount }, listener });
      // Creation is durable too (a crash right after create must not lose the instance).
      persist(id, JSON.stringify(await engine.getState()), 0);

      for (let step = 0; step < expected.length; step++) {
        const taskId = expected[step];
        // Find the waiting task outside the timed region; it is how the caller
        // learns what to signal, and the assertion that the flow took the right branch.
        const waiting = execution.getPostponed().find((api) => api.id === taskId);
        if (!waiting) {
          const ids = execution.getPostponed().map((api) => api.id);
          throw new Error(`bpmn-engine ${id} (amount ${amount}): expected ${taskId} to wait, waiting: [${ids.join(', ')}]`);
        }

        const mark = latencies.begin();
        waiting.signal({ by: taskId === 'approve2' ? 'director' : taskId === 'approve' ? 'manager' : 'applicant' });
        persist(id, JSON.stringify(await engine.getState()), step + 1);
        latencies.end(mark);
        events++;
      }

      // Verify: completed, nothing left waiting, and exactly the expected tasks
      // (so both "skipped the director" and "asked the director for 500" fail).
      const leftover = execution.getPostponed().map((api) => api.id);
      if (!reachedEnd || execution.isRunning || leftover.length > 0) {
        throw new Error(
          `bpmn-engine ${id} (amount ${amount}) did not complete: end=${reachedEnd} running=${execution.isRunning} waiting=[${leftover.join(', ')}]`,
        );
      }
      if (waited.join(',') !== expected.join(',')) {
        throw new Error(`bpmn-engine ${id} (amount ${amount}) waited at [${waited.join(', ')}], expected [${expected.join(', ')}]`);
      }
    }
    const seconds = elapsed();

    const rows = db.prepare('SELECT count(*) FROM instance').pluck().get();
    if (rows !== opts.instances) throw new Error(`bpmn-engine: ${String(rows)} rows for ${opts.instances} instances`);

    return toPeerResult('bpmn-engine-durable', opts.instances, events, seconds, latencies);
  } finally {
    db.close();
  }
}
