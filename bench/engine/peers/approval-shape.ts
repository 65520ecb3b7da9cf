/**
 * The "approval shape" every peer runs, kept in one place so the peers cannot
 * drift apart: create(amount) → submit → approve (manager) → [approve (director)
 * when amount > DIRECTOR_THRESHOLD] → approved.
 */

/** Amount above which a director must approve after the manager. */
export const DIRECTOR_THRESHOLD = 1000;

/** Half the instances need the director: odd i → 500, even i → 5000. */
export function amountFor(i: number): number {
  return i % 2 ? 500 : 5000;
}

/** Counted events for one instance (creation is not an event). */
export function eventsFor(amount: number): number {
  return amount > DIRECTOR_THRESHOLD ? 3 : 2;
}
