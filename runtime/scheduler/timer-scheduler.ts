/**
 * Fires due timers. Timers are rows, never setTimeout: a claim takes a lease so that two
 * processes sharing the store never fire the same one, and the row is deleted in the same
 * transaction that applies its event, so each fires exactly once. Overdue timers (the
 * server was down) fire on the first poll.
 */
import type { RecordStore } from '../ports/record-store.port';
import type { RecordsService } from '../services/records.service';

export class TimerScheduler {
  private handle: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  readonly stats = { fired: 0, stale: 0, failed: 0 };

  constructor(
    private readonly store: RecordStore,
    private readonly records: RecordsService,
    private readonly clock: () => number,
    private readonly owner: string,
    private readonly options: { pollMs: number; leaseMs: number; batch: number; log: (msg: string, err?: unknown) => void },
  ) {}

  start(): void {
    if (this.handle) return;
    this.handle = setInterval(() => void this.tick(), this.options.pollMs);
    this.handle.unref();
    void this.tick();
  }

  /** Stops polling and waits for a tick in flight, so the store is not closed under it. */
  async stop(): Promise<void> {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
    this.stopped = true;
    await this.current;
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
      const due = this.store.claimDueTimers(this.clock(), this.owner, this.options.leaseMs, this.options.batch);
      const results = await Promise.allSettled(due.map((t) => this.records.fireTimer(t)));
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') this.stats[r.value]++;
        else {
          // The lease expires and another poll retries it; the instance is untouched.
          this.stats.failed++;
          this.options.log(`timer ${due[i]?.key} on ${due[i]?.instanceId} failed`, r.reason);
        }
      });
      return due.length;
    } finally {
      this.running = false;
    }
  }
}
