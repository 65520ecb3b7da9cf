/**
 * Shared result shape and latency bookkeeping for the peer side of the engine
 * benchmark. Every peer reports the same fields so run-peers (and the engine
 * side of the benchmark) can print them in one table.
 */

export interface PeerResult {
  name: string;
  /** Workflow instances driven to completion (0 for peers without instances, e.g. raw commits). */
  instances: number;
  /** Counted events: submit + approval(s); instance creation is not an event. */
  events: number;
  /** Wall-clock seconds for the whole run, including instance creation and setup per instance. */
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Nearest-rank percentile of an ascending-sorted array.
 * Nearest-rank (not interpolation) so the answer is always a latency that was
 * actually observed, which is what a p99 of a benchmark should mean.
 *
 * @param sortedMs latencies in milliseconds, sorted ascending
 * @param p percentile in [0, 100]
 */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) {
    // A silent 0 or NaN would end up in a results table looking like a real number.
    throw new RangeError('percentile of an empty sample');
  }
  if (!(p >= 0 && p <= 100)) {
    throw new RangeError(`percentile p must be in [0, 100], got ${p}`);
  }
  const rank = Math.ceil((p / 100) * sortedMs.length);
  const index = Math.min(sortedMs.length - 1, Math.max(0, rank - 1));
  return sortedMs[index];
}

export interface LatencyRecorder {
  /** Number of latencies recorded so far. */
  readonly count: number;
  /** Start timing one event; pass the returned mark to end(). */
  begin(): bigint;
  /** Finish timing one event started with begin(). */
  end(mark: bigint): void;
  /** Record a latency measured elsewhere, in milliseconds. */
  record(ms: number): void;
  /** p50/p99 over everything recorded; throws when nothing was recorded. */
  summary(): { p50Ms: number; p99Ms: number };
}

/**
 * Collects per-event latencies. Uses process.hrtime.bigint() because it is
 * monotonic and has ns resolution: an in-memory XState transition takes about
 * ten microseconds, below what Date.now() can resolve.
 */
export function latencyRecorder(): LatencyRecorder {
  const samples: number[] = [];
  return {
    get count(): number {
      return samples.length;
    },
    begin(): bigint {
      return process.hrtime.bigint();
    },
    end(mark: bigint): void {
      samples.push(Number(process.hrtime.bigint() - mark) / 1e6);
    },
    record(ms: number): void {
      samples.push(ms);
    },
    summary(): { p50Ms: number; p99Ms: number } {
      // Sort a copy so the recorder can keep collecting after a summary.
      const sorted = Float64Array.from(samples).sort();
      const asArray = Array.from(sorted);
      return { p50Ms: percentile(asArray, 50), p99Ms: percentile(asArray, 99) };
    },
  };
}

/** Wall-clock stopwatch in seconds, on the same monotonic clock as the recorder. */
export function stopwatch(): () => number {
  const startedAt = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** Assemble a PeerResult so every peer derives eventsPerSecond the same way. */
export function toPeerResult(
  name: string,
  instances: number,
  events: number,
  seconds: number,
  latencies: LatencyRecorder,
): PeerResult {
  if (latencies.count !== events) {
    // Guards against a peer timing fewer (or more) events than it claims.
    throw new Error(`${name}: recorded ${latencies.count} latencies for ${events} events`);
  }
  const { p50Ms, p99Ms } = latencies.summary();
  return { name, instances, events, seconds, eventsPerSecond: events / seconds, p50Ms, p99Ms };
}
