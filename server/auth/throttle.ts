/**
 * Login throttling: per account (e-mail) and per client address, exponential backoff after a few
 * free failures. A success clears the account's count. Memory is bounded: the oldest entries are
 * evicted past MAX_ENTRIES, and entries expire after the longest backoff.
 */

/** Failures allowed before backoff starts. */
export const FREE_FAILURES = 5;
/** First backoff after the free failures, in ms; doubles per further failure. */
export const BASE_BACKOFF_MS = 1_000;
/** Longest backoff, in ms. */
export const MAX_BACKOFF_MS = 15 * 60_000;
/** Per-address failures are allowed more freely (an office behind one NAT shares an address). */
export const ADDRESS_FREE_FAILURES = 30;
/** Tracked keys at most (accounts + addresses). */
const MAX_ENTRIES = 100_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds the caller must wait, or 0 when the attempt may go ahead. */
  retryAfterMs(email: string, address: string): number {
    const t = this.now();
    return Math.max(this.wait(`a:${email}`, t), this.wait(`ip:${address}`, t), 0);
  }

  recordFailure(email: string, address: string): void {
    const t = this.now();
    this.bump(`a:${email}`, FREE_FAILURES, t);
    this.bump(`ip:${address}`, ADDRESS_FREE_FAILURES, t);
  }

  recordSuccess(email: string): void {
    this.entries.delete(`a:${email}`);
  }

  private wait(key: string, t: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (t - e.lastFailure > MAX_BACKOFF_MS) {
      this.entries.delete(key);
      return 0;
    }
    return e.blockedUntil - t;
  }

  private bump(key: string, free: number, t: number): void {
    const e = this.entries.get(key) ?? { failures: 0, blockedUntil: 0, lastFailure: t };
    if (t - e.lastFailure > MAX_BACKOFF_MS) e.failures = 0;
    e.failures += 1;
    e.lastFailure = t;
    if (e.failures > free) {
      const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (e.failures - free - 1));
      e.blockedUntil = t + backoff;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
