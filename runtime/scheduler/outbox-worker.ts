/**
 * Runs the side effects written to the outbox: at least once, with exponential backoff,
 * dead-lettered after `maxAttempts` and visible to admins (GET /api/admin/outbox).
 * Handlers must be idempotent by the row's idempotency key.
 */
import type { OutboxRow, RecordStore } from '../ports/record-store.port';

export type OutboxHandler = (row: OutboxRow) => Promise<void>;

export class OutboxWorker {
  private handle: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  readonly stats = { done: 0, retried: 0, dead: 0 };

  constructor(
    private readonly store: RecordStore,
    private readonly handlers: Record<string, OutboxHandler>,
    private readonly clock: () => number,
    private readonly owner: string,
    private readonly options: { pollMs: number; leaseMs: number; batch: number; maxAttempts: number; baseDelayMs: number; log: (msg: string, err?: unknown) => void },
  ) {}

  start(): void {
    if (this.handle) return;
    this.handle = setInterval(() => void this.tick(), this.options.pollMs);
    this.handle.unref();
  }

  /** Stops polling and waits for a tick in flight, so the store is not closed under it. */
  async stop(): Promise<void> {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
    this.stopped = true;
    await this.current;
  }

  backoff(attempts: number): number {
    return Math.min(this.options.baseDelayMs * 2 ** attempts, 3_600_000);
  }

  tick(): Promise<number> {
    if (this.running || this.stopped) return Promise.resolve(0);
    this.running = true;
    const run = this.runTick();
    this.current = run.then(() => undefined, () => undefined);
    return run;
  }

  private async runTick(): Promise<number> {
    try {
      const rows = this.store.claimOutbox(this.clock(), this.owner, this.options.leaseMs, this.options.batch);
      for (const row of rows) {
        // Stopping: the rows left keep their lease and are picked up again when it expires.
        if (this.stopped) break;
        const handler = this.handlers[row.kind];
        try {
          if (!handler) throw new Error(`no handler for outbox effect "${row.kind}"`);
          await handler(row);
          this.store.completeOutbox(row.id);
          this.stats.done++;
        } catch (e) {
          const attempts = row.attempts + 1;
          const dead = attempts >= this.options.maxAttempts;
          this.store.failOutbox(row.id, e instanceof Error ? e.message : String(e), this.clock() + this.backoff(attempts), dead);
          if (dead) this.stats.dead++;
          else this.stats.retried++;
          this.options.log(`outbox ${row.id} (${row.kind}) failed, attempt ${attempts}${dead ? ', dead-lettered' : ''}`, e);
        }
      }
      return rows.length;
    } finally {
      this.running = false;
    }
  }
}
