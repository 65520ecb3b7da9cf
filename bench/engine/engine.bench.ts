/**
 * `npm run bench:engine` — durable events/s and p99 of our engine on the approval shape,
 * driven through the runtime's service layer (group commit, synchronous=FULL) by many
 * concurrent submitters, at 10k and 200k stored instances, beside XState in memory, raw
 * single-row SQLite commits and bpmn-engine persisting getState() (bench/engine/peers).
 *
 *   npm run bench:engine [-- --flows=4000 --concurrency=64 --large=200000 --bpmn=300]
 *
 * Prints a table, then one JSON line (the last line).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config/config';
import { createRuntime, type Runtime } from '../../runtime/server';
import { amountFor, eventsFor } from './peers/approval-shape';
import { runBpmnEngine } from './peers/bpmn-engine.peer';
import { latencyRecorder, stopwatch, toPeerResult, type PeerResult } from './peers/peer-result';
import { runSqliteCommit } from './peers/sqlite-commit.peer';
import { runXStateMemory } from './peers/xstate-memory.peer';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const num = (k: string, d: number): number => (args.has(k) ? Number(args.get(k)) : d);
const FLOWS = num('flows', 4000);
const CONCURRENCY = num('concurrency', 64);
const SMALL = num('small', 10_000);
const LARGE = num('large', 200_000);
const BPMN = num('bpmn', 300);

const requester = { id: 'bench-requester', roles: ['requester'] };
const manager = { id: 'bench-manager', roles: ['manager'] };
const director = { id: 'bench-director', roles: ['director'] };

function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Creates stored instances until the store holds `target`, through the same service. */
async function fillTo(rt: Runtime, target: number): Promise<void> {
  let have = rt.store.countInstances();
  const started = Date.now();
  while (have < target) {
    const n = Math.min(2000, target - have);
    await Promise.all(Array.from({ length: n }, (_, i) => rt.records.create(requester, 'request', { subject: `Filler ${have + i}`, amount: amountFor(have + i) })));
    have += n;
    if (have % 20000 === 0 || have === target) progress(`  stored instances: ${have}/${target} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/** `flows` complete approval flows by `concurrency` submitters; counts submit + approvals. */
async function runFlows(rt: Runtime, label: string, flows: number): Promise<PeerResult> {
  const latencies = latencyRecorder();
  let next = 0;
  let events = 0;
  const timed = async <T>(p: () => Promise<T>): Promise<T> => {
    const mark = latencies.begin();
    const r = await p();
    latencies.end(mark);
    events++;
    return r;
  };
  const elapsed = stopwatch();
  const worker = async (): Promise<void> => {
    while (next < flows) {
      const i = next++;
      const amount = amountFor(i);
      const created = await rt.records.create(requester, 'request', { subject: `Request ${i}`, amount });
      await timed(() => rt.records.send(requester, created.id, { type: 'submit' }));
      let view = await timed(() => rt.records.send(manager, created.id, { type: 'approve' }));
      if (eventsFor(amount) === 3) view = await timed(() => rt.records.send(director, created.id, { type: 'approve' }));
      if (view.status !== 'approved') throw new Error(`flow ${i} ended in ${view.status}, expected approved`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return toPeerResult(label, flows, events, elapsed(), latencies);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  try {
    const config = { ...loadConfig({ DATA_DIR: dir, PACK_DIR: join(__dirname, 'approval-pack'), DEMO_DIR: '', LOG_LEVEL: 'silent' }), synchronous: 'FULL' as const };
    const rt = await createRuntime(config);
    progress(`engine: synchronous=FULL, ${CONCURRENCY} concurrent submitters, ${FLOWS} flows per size`);
    // Warm-up, as the peers do: JIT and caches, not counted.
    await runFlows(rt, 'warm-up', 200);
    await fillTo(rt, SMALL);
    const small = await runFlows(rt, `our engine, durable (${SMALL / 1000}k stored)`, FLOWS);
    progress(`  ${small.name}: ${small.eventsPerSecond.toFixed(0)} events/s, p99 ${small.p99Ms.toFixed(2)} ms`);
    await fillTo(rt, LARGE);
    const large = await runFlows(rt, `our engine, durable (${LARGE / 1000}k stored)`, FLOWS);
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    progress(`  ${large.name}: ${large.eventsPerSecond.toFixed(0)} events/s, p99 ${large.p99Ms.toFixed(2)} ms, RSS ${rssMb.toFixed(0)} MB`);
    const commits = rt.committer.stats;
    await rt.close();

    progress('peers: XState in memory, raw SQLite commits, bpmn-engine durable');
    const xstate = await runXStateMemory({ instances: 20_000 });
    const sqlite = await runSqliteCommit({ events: 5_000, dir });
    const bpmn = await runBpmnEngine({ instances: BPMN, dir });

    const rows = [small, large, xstate, sqlite, bpmn];
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`\n${pad('run', 44)}${pad('events', 10)}${pad('events/s', 12)}${pad('p50 ms', 10)}p99 ms`);
    for (const r of rows) console.log(`${pad(r.name, 44)}${pad(String(r.events), 10)}${pad(r.eventsPerSecond.toFixed(0), 12)}${pad(r.p50Ms.toFixed(3), 10)}${r.p99Ms.toFixed(3)}`);
    console.log(`\ngroup commit: ${commits.events} writes in ${commits.batches} transactions (${(commits.events / commits.batches).toFixed(1)} per fsync)`);
    console.log(`flatness 10k → ${LARGE / 1000}k: ${(large.eventsPerSecond / small.eventsPerSecond).toFixed(2)}×; RSS at ${LARGE / 1000}k: ${rssMb.toFixed(0)} MB`);
    const eventsPerS = Math.min(small.eventsPerSecond, large.eventsPerSecond);
    console.log(
      JSON.stringify({
        events_per_s: Math.round(eventsPerS),
        p99_ms: Number(Math.max(small.p99Ms, large.p99Ms).toFixed(2)),
        vs_xstate_memory: Number((eventsPerS / xstate.eventsPerSecond).toFixed(3)),
        vs_bpmn_engine: Number((eventsPerS / bpmn.eventsPerSecond).toFixed(1)),
        vs_sqlite_commit: Number((eventsPerS / sqlite.eventsPerSecond).toFixed(2)),
        rss_mb_200k: Math.round(rssMb),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
