/**
 * Throttles wrong guesses per client address (join codes): a few free failures, then an
 * exponential wait. A correct code does not clear the count (an attacker who guesses one right
 * has still been guessing). Memory is bounded: the oldest address is evicted past MAX_ENTRIES,
 * and an address's count is forgotten once it has been quiet for the longest backoff.
 */

/** Wrong codes an address may send before it must wait (the next attempt after these waits). */
export const JOIN_FREE_FAILURES = 5;
/** First wait after the free failures, in ms; doubles with each further failure. */
export const JOIN_BASE_BACKOFF_MS = 1_000;
/** Longest wait, in ms; also how long a quiet address's count is remembered. */
export const JOIN_MAX_BACKOFF_MS = 10 * 60_000;
/** Addresses tracked at most. */
const MAX_ENTRIES = 50_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class AttemptThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  /** Milliseconds this address must wait before its next attempt (0: go ahead). */
  retryAfterMs(address: string): number {
    const e = this.entries.get(address);
    if (!e) return 0;
    const t = this.now();
    if (t - e.lastFailure > JOIN_MAX_BACKOFF_MS) {
      this.entries.delete(address);
      return 0;
    }
    return Math.max(0, e.blockedUntil - t);
  }

  recordFailure(address: string): void {
    const t = this.now();
    const e = this.entries.get(address) ?? { failures: 0, blockedUntil: 0, lastFailure: t };
    if (t - e.lastFailure > JOIN_MAX_BACKOFF_MS) e.failures = 0;
    e.failures += 1;
    e.lastFailure = t;
    if (e.failures >= JOIN_FREE_FAILURES) {
      e.blockedUntil =
        t +
        Math.min(
          JOIN_MAX_BACKOFF_MS,
          JOIN_BASE_BACKOFF_MS * 2 ** Math.min(30, e.failures - JOIN_FREE_FAILURES),
        );
    }
    // Re-insert so Map order is least-recently-failed first (eviction takes the oldest).
    this.entries.delete(address);
    this.entries.set(address, e);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
