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

  stop(): void {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
  }

  backoff(attempts: number): number {
    return Math.min(this.options.baseDelayMs * 2 ** attempts, 3_600_000);
  }

  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const rows = this.store.claimOutbox(this.clock(), this.owner, this.options.leaseMs, this.options.batch);
      for (const row of rows) {
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
