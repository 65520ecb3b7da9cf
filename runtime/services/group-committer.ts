/**
 * Group commit (DESIGN.md, durable instances): work submitted in the same tick is applied in
 * one store transaction, each piece in its own savepoint so a rejected event undoes only
 * itself; one durable commit then acknowledges them all. Nothing resolves before its commit.
 */
import type { RecordStore, StoreTx } from '../ports/record-store.port';

interface Pending {
  work: (tx: StoreTx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  /** Batches and events committed, for the benchmark and /healthz. */
  readonly stats = { batches: 0, events: 0 };

  constructor(private readonly store: RecordStore, options: { maxBatch?: number } = {}) {
    this.maxBatch = options.maxBatch ?? 256;
  }

  submit<T>(work: (tx: StoreTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate lets every request that arrived in this turn of the event loop join.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        this.store.writeBatch((tx) => {
          for (const p of batch) {
            try {
              outcomes.push({ ok: true, value: tx.savepoint(() => p.work(tx)) });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        });
      } catch (error) {
        // The commit itself failed: nothing of the batch is durable, so nothing is acknowledged.
        for (const p of batch) p.reject(error);
        continue;
      }
      this.stats.batches++;
      this.stats.events += batch.length;
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o?.ok) p.resolve(o.value);
        else p.reject(o?.error);
      });
    }
  }
}
