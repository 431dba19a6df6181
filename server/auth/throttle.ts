/**
 * Login throttling: per account (e-mail) and per client address, exponential backoff once the
 * free failures are used up. A success clears the account's count.
 *
 * An agent's usual addresses (where they signed in successfully in the last USUAL_ADDRESS_MS;
 * the caller asks the store) have a count of their own for the account: a stranger's wrong
 * passwords from anywhere else lock the account for everyone else, never for the agent at
 * their usual address, so throttling cannot be turned into a tool to lock an agent out. Wrong
 * passwords from a usual address (the agent's typos, or someone behind the same office NAT) are
 * throttled on that count the same way.
 *
 * Attempts are counted while they run, not only when they fail: a password check takes tens of
 * milliseconds, so an attacker firing 100 guesses in parallel would otherwise get all 100 past
 * the check before the first failure is recorded. An account therefore has at most as many
 * attempts in flight as it has free failures left (and one at a time once they are used up).
 * Addresses are not limited in flight: an office behind one NAT signs its agents in together.
 *
 * Memory is bounded: the oldest entries are evicted past MAX_ENTRIES, and entries expire after
 * the longest backoff.
 *
 * Several nodes (`--bus`): each verdict is also told to the other nodes (`onVerdict`, carried by
 * cluster/shared-throttles.ts), which count it as theirs (`verdictElsewhere`), so a guesser
 * spreading attempts over the nodes meets one count. Attempts in flight are limited across the
 * nodes too (`shared`: seats in the shared ephemeral store, shared-attempt-slots.ts): a burst
 * sent to every node at once gets the free failures' worth of password checks, not that many per
 * node. The per-address count is not limited in flight, here or there (an office behind one NAT).
 */

import type { AttemptSeat, AttemptSlots } from './shared-attempt-slots';

/** Failures allowed before backoff starts (the next attempt after these waits). */
export const FREE_FAILURES = 5;
/** Backoff after the last free failure, in ms; doubles per further failure. */
export const BASE_BACKOFF_MS = 1_000;
/** Longest backoff, in ms. */
export const MAX_BACKOFF_MS = 15 * 60_000;
/** Per-address failures are allowed more freely (an office behind one NAT shares an address). */
export const ADDRESS_FREE_FAILURES = 30;
/** Wait suggested to an attempt refused because earlier attempts on the account are still running, in ms. */
export const IN_FLIGHT_RETRY_MS = 1_000;
/** An address where the agent signed in within this long counts as theirs (usual), in ms. */
export const USUAL_ADDRESS_MS = 30 * 24 * 3600_000;
/** Tracked keys at most (accounts + addresses). */
const MAX_ENTRIES = 100_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  /** Time of the last failure (or of the entry's creation), for expiry. */
  lastActivity: number;
  /** Attempts that passed the check and have not finished. */
  inFlight: number;
}

/** One attempt that passed the throttle; report how it ended exactly once. */
export interface LoginAttempt {
  /** The password was right (whatever happened next): clears the account's failures. */
  succeeded(): void;
  /** The credentials were wrong: counts against the account and the address. */
  failed(): void;
  /** The attempt ended without a verdict (an internal error): releases its slot only. */
  abandoned(): void;
}

export type ThrottleDecision = { ok: true; attempt: LoginAttempt } | { ok: false; retryAfterMs: number };

/** A finished attempt's verdict on its two counts (account key, address key), for other nodes. */
export type LoginVerdict = { accountKey: string; addressKey: string; outcome: 'success' | 'failure' };

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  /** Told of each success and failure (several nodes); absent on one node. */
  onVerdict: ((verdict: LoginVerdict) => void) | null = null;
  /** Seats for attempts in flight shared by every node (several nodes); absent on one node. */
  shared: AttemptSlots | null = null;
  /** Told when the shared seats could not be reached (the attempt then runs on local limits). */
  onSharedError: ((err: unknown) => void) | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** How long an attempt for this account from this address must wait now (0: it may go ahead). */
  retryAfterMs(email: string, address: string, usual = false): number {
    const t = this.now();
    const account = this.live(usual ? `a:${email} ip:${address}` : `a:${email}`, t);
    const byAddress = this.live(`ip:${address}`, t);
    return Math.max(
      account ? account.blockedUntil - t : 0,
      byAddress ? byAddress.blockedUntil - t : 0,
      account && account.inFlight > 0 && account.failures + account.inFlight >= FREE_FAILURES
        ? IN_FLIGHT_RETRY_MS
        : 0,
    );
  }

  /**
   * Lets an attempt go ahead (and counts it as running, here and, with several nodes, in the
   * shared seats), or says how long to wait. `usual`: the account signed in from this address
   * recently (the count is then this address's own).
   */
  async begin(email: string, address: string, usual = false): Promise<ThrottleDecision> {
    const t = this.now();
    const accountKey = usual ? `a:${email} ip:${address}` : `a:${email}`;
    const addressKey = `ip:${address}`;
    const wait = this.retryAfterMs(email, address, usual);
    if (wait > 0) return { ok: false, retryAfterMs: wait };

    // Counted here before the shared seat is asked for: attempts arriving on this node while the
    // store answers see this one.
    const entry = this.live(accountKey, t) ?? { failures: 0, blockedUntil: 0, lastActivity: t, inFlight: 0 };
    entry.inFlight += 1;
    this.put(accountKey, entry);
    const release = () => {
      const e = this.entries.get(accountKey);
      if (e) e.inFlight = Math.max(0, e.inFlight - 1);
    };
    let seat: AttemptSeat | null = null;
    if (this.shared) {
      try {
        seat = await this.shared.claim(accountKey, entry.failures, FREE_FAILURES);
        if (!seat) {
          release();
          this.dropIfClear(accountKey);
          return { ok: false, retryAfterMs: IN_FLIGHT_RETRY_MS };
        }
      } catch (err) {
        this.onSharedError?.(err);
      }
    }
    const report = (p: Promise<void> | undefined) => {
      p?.catch((err: unknown) => this.onSharedError?.(err));
    };
    let finished = false;
    const finish = (outcome: 'success' | 'failure' | 'none') => {
      if (finished) return;
      finished = true;
      release();
      if (outcome === 'none') {
        report(seat?.abandoned());
        this.dropIfClear(accountKey);
        return;
      }
      this.apply({ accountKey, addressKey, outcome });
      this.onVerdict?.({ accountKey, addressKey, outcome });
      if (outcome === 'success') report(seat?.succeeded());
      else report(seat?.failed(this.entries.get(accountKey)?.blockedUntil ?? 0));
    };
    return {
      ok: true,
      attempt: {
        succeeded: () => finish('success'),
        failed: () => finish('failure'),
        abandoned: () => finish('none'),
      },
    };
  }

  /** Another node's verdict: counted as if the attempt had run here. */
  verdictElsewhere(verdict: LoginVerdict): void {
    this.apply(verdict);
  }

  private apply({ accountKey, addressKey, outcome }: LoginVerdict): void {
    const at = this.now();
    if (outcome === 'failure') {
      this.bump(accountKey, FREE_FAILURES, at);
      this.bump(addressKey, ADDRESS_FREE_FAILURES, at);
    } else {
      const e = this.entries.get(accountKey);
      if (e) {
        e.failures = 0;
        e.blockedUntil = 0;
      }
    }
    this.dropIfClear(accountKey);
  }

  private dropIfClear(accountKey: string): void {
    const after = this.entries.get(accountKey);
    if (after && after.failures === 0 && after.inFlight === 0) this.entries.delete(accountKey);
  }

  /** The entry for `key` unless it has expired (then it is dropped). */
  private live(key: string, t: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.inFlight === 0 && t - e.lastActivity > MAX_BACKOFF_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private bump(key: string, free: number, t: number): void {
    const e = this.live(key, t) ?? { failures: 0, blockedUntil: 0, lastActivity: t, inFlight: 0 };
    e.failures += 1;
    e.lastActivity = t;
    if (e.failures >= free) {
      const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(30, e.failures - free));
      e.blockedUntil = t + backoff;
    }
    this.put(key, e);
  }

  /** (Re)inserts at the young end of the map, evicting the oldest entry past MAX_ENTRIES. */
  private put(key: string, e: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
