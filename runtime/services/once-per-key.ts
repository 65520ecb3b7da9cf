/**
 * One run at a time per key, within this process: a second call with the same key waits for
 * the first to settle, then runs (and usually finds what the first one made). Two clicks on
 * "create from the register" make one record.
 */
export function oncePerKey(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    for (;;) {
      const pending = inFlight.get(key);
      if (!pending) break;
      await pending.catch(() => undefined);
    }
    const p = fn();
    inFlight.set(key, p);
    try {
      return await p;
    } finally {
      if (inFlight.get(key) === p) inFlight.delete(key);
    }
  };
}
