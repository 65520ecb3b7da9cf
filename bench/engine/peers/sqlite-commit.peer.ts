/**
 * Peer: raw better-sqlite3, one durable commit per event and nothing else.
 * This is the floor cost of "every event is durable before it is acknowledged"
 * on this disk: no engine could commit events one at a time faster than this
 * with the same journal and sync settings.
 */
import path from 'node:path';

import { openDurableDb } from './durable-db';
import { latencyRecorder, stopwatch, toPeerResult, type PeerResult } from './peer-result';

/** Target size of the JSON row; about what an event record with a small payload weighs. */
const PAYLOAD_BYTES = 300;

/** An event-like JSON document padded to about PAYLOAD_BYTES, distinct per event. */
function eventPayload(seq: number): string {
  const base = {
    instanceId: `inst-${Math.floor(seq / 3)}`,
    seq,
    type: seq % 3 === 0 ? 'submit' : 'approve',
    actor: seq % 3 === 2 ? 'director' : 'manager',
    at: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    data: { amount: seq % 2 ? 500 : 5000, comment: '' },
  };
  const bare = JSON.stringify(base).length;
  base.data.comment = 'x'.repeat(Math.max(0, PAYLOAD_BYTES - bare));
  return JSON.stringify(base);
}

export async function runSqliteCommit(opts: { events: number; dir: string }): Promise<PeerResult> {
  const db = openDurableDb(path.join(opts.dir, 'sqlite-commit.db'));
  try {
    db.exec(`CREATE TABLE event (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
    const insert = db.prepare('INSERT INTO event (seq, body) VALUES (?, ?)');
    // An explicit BEGIN/COMMIT per event, as an engine wrapping each step in a
    // transaction would do; the extra statements cost microseconds next to the fsync.
    const commitOne = db.transaction((seq: number, body: string) => {
      insert.run(seq, body);
    });

    // Payloads are built before timing: only the commit is being measured.
    const payloads = Array.from({ length: opts.events }, (_, seq) => eventPayload(seq));

    const latencies = latencyRecorder();
    const elapsed = stopwatch();
    for (let seq = 0; seq < opts.events; seq++) {
      const mark = latencies.begin();
      commitOne(seq, payloads[seq]);
      latencies.end(mark);
    }
    const seconds = elapsed();

    // Verify every commit landed; pluck() returns the single column, typed unknown.
    const rows = db.prepare('SELECT count(*) FROM event').pluck().get();
    if (rows !== opts.events) throw new Error(`sqlite-commit: ${String(rows)} rows for ${opts.events} events`);

    return toPeerResult('sqlite-commit', 0, opts.events, seconds, latencies);
  } finally {
    db.close();
  }
}
