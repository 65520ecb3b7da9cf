/**
 * Runs the peer side of the engine benchmark and prints a table plus one JSON line.
 *
 *   npx tsx bench/engine/peers/run-peers.ts [--xstate=20000] [--sqlite=5000] [--bpmn=300] [--no-warmup]
 *
 * Sizes default to ones that finish in well under a minute on a 2-core machine.
 * Each peer gets a short warm-up first (discarded) so the measured run is not
 * dominated by JIT compilation and lazy module initialisation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { runBpmnEngine } from './bpmn-engine.peer';
import type { PeerResult } from './peer-result';
import { runSqliteCommit } from './sqlite-commit.peer';
import { runXStateMemory } from './xstate-memory.peer';

interface Sizes {
  xstate: number;
  sqlite: number;
  bpmn: number;
  warmup: boolean;
}

function parseArgs(argv: readonly string[]): Sizes {
  const sizes: Sizes = { xstate: 20_000, sqlite: 5_000, bpmn: 300, warmup: true };
  for (const arg of argv) {
    if (arg === '--no-warmup') {
      sizes.warmup = false;
      continue;
    }
    const match = /^--(xstate|sqlite|bpmn)=(\d+)$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}; use --xstate=N --sqlite=N --bpmn=N --no-warmup`);
    const n = Number(match[2]);
    if (n < 1) throw new Error(`${arg}: size must be at least 1`);
    const key = match[1];
    if (key === 'xstate' || key === 'sqlite' || key === 'bpmn') sizes[key] = n;
  }
  return sizes;
}

function formatTable(results: readonly PeerResult[]): string {
  const header = ['peer', 'instances', 'events', 'seconds', 'events/s', 'p50 ms', 'p99 ms'];
  const rows = results.map((r) => [
    r.name,
    String(r.instances),
    String(r.events),
    r.seconds.toFixed(2),
    Math.round(r.eventsPerSecond).toLocaleString('en-US'),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  // Names left-aligned, numbers right-aligned so magnitudes line up.
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const sizes = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-flow-peers-'));
  // Each run gets its own directory: the durable peers create their tables fresh.
  let runCount = 0;
  const freshDir = (): string => {
    const dir = path.join(root, `run-${runCount++}`);
    fs.mkdirSync(dir);
    return dir;
  };

  try {
    if (sizes.warmup) {
      await runXStateMemory({ instances: 2_000 });
      await runSqliteCommit({ events: 200, dir: freshDir() });
      await runBpmnEngine({ instances: 20, dir: freshDir() });
    }

    const results: PeerResult[] = [];
    results.push(await runXStateMemory({ instances: sizes.xstate }));
    results.push(await runSqliteCommit({ events: sizes.sqlite, dir: freshDir() }));
    results.push(await runBpmnEngine({ instances: sizes.bpmn, dir: freshDir() }));

    console.log(formatTable(results));
    console.log(JSON.stringify({ bench: 'engine-peers', node: process.version, cpus: os.cpus().length, results }));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
