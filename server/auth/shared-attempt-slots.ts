/**
 * Sign-in attempts in flight, counted across every node (`--bus`): the seats an account's running
 * attempts take are keys in the shared ephemeral store (Redis), claimed with its atomic "set when
 * free" (`add`), so a burst sent to several nodes at once meets one limit, not one per node.
 *
 * Layout, per account key (throttle.ts; hashed, so no e-mail address is kept in Redis): seats
 * `<hash>#0` .. `<hash>#<FREE_FAILURES - 1>` while the account has free failures left, and one
 * seat `<hash>#after` once they are used up (one attempt at a time, as on one node). An attempt
 * claims the first free seat from `#<failures known here>` up, so seats below the failures every
 * node already counts are never handed out again.
 *
 * Why a failure keeps its seat for a while (VERDICT_SPREAD_MS) instead of freeing it: the other
 * nodes learn of the failure over the bus a moment later (shared-throttles.ts). A freed seat
 * claimed in that moment by a node that has not heard yet would be one password check more
 * than the free failures. Once every node has heard, the failure is in their counts and the
 * seat is no longer needed. The `#after` seat is kept, after a failure, until the backoff that
 * failure started ends, for the same reason. The price: when seats were freed out of order (an
 * attempt abandoned, a lease lapsed), a kept seat above the failures every node counts can make
 * the account take fewer attempts at once than its free failures for up to VERDICT_SPREAD_MS
 * (the refused attempt is told to retry in IN_FLIGHT_RETRY_MS); never more.
 *
 * A node that dies mid-attempt cannot leave an account blocked: every seat expires on its own
 * (ATTEMPT_LEASE_MS). If the store cannot be reached, the attempt goes ahead under this node's
 * own limits (throttle.ts) and the reason is logged: sign-in must not stop with Redis, and the
 * local limit still holds per node.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../store/ephemeral-store';

/**
 * Longest a running attempt holds its seat, in ms. A password check takes tens of milliseconds
 * (hundreds on a loaded machine) and the HTTP server ends a request after 30 s, so no live
 * attempt comes near this; it only bounds how long a node that died mid-attempt keeps a seat.
 */
export const ATTEMPT_LEASE_MS = 30_000;
/**
 * How long a failed attempt keeps its seat, in ms: far above the milliseconds a verdict takes to
 * reach the other nodes over the bus, short because until then the seat is not reusable.
 */
export const VERDICT_SPREAD_MS = 10_000;

/** One claimed seat; report how the attempt ended exactly once (later reports are ignored). */
export interface AttemptSeat {
  /**
   * Wrong credentials: the seat stays taken VERDICT_SPREAD_MS, and the `#after` seat until
   * `blockedUntil` (the account's backoff after this failure, ms since the epoch; 0 for none).
   */
  failed(blockedUntil: number): Promise<void>;
  /** Right password: every seat of the account is freed, as its failures are cleared. */
  succeeded(): Promise<void>;
  /** No verdict: the seat is freed. */
  abandoned(): Promise<void>;
}

/** What the throttle asks of the shared seats (throttle.ts). */
export interface AttemptSlots {
  /**
   * A seat for an attempt on `accountKey`, given the failures this node counts for it and the
   * number allowed free; null when every seat it may use is taken.
   */
  claim(accountKey: string, knownFailures: number, freeFailures: number): Promise<AttemptSeat | null>;
}

const SPACE = 'login_attempt';
const AFTER = 'after';

export class SharedAttemptSlots implements AttemptSlots {
  constructor(
    private readonly store: EphemeralStore,
    private readonly now: () => number,
  ) {}

  async claim(accountKey: string, knownFailures: number, freeFailures: number): Promise<AttemptSeat | null> {
    const base = createHash('sha256').update(accountKey).digest('hex');
    const seats =
      knownFailures >= freeFailures
        ? [AFTER]
        : Array.from({ length: freeFailures - knownFailures }, (_, i) => String(knownFailures + i));
    // The value names the attempt, for whoever reads the store while debugging.
    const holder = randomBytes(8).toString('hex');
    for (const seat of seats) {
      const t = this.now();
      if (await this.store.add(SPACE, `${base}#${seat}`, holder, t + ATTEMPT_LEASE_MS, t))
        return this.seat(base, seat, freeFailures);
    }
    return null;
  }

  private seat(base: string, seat: string, freeFailures: number): AttemptSeat {
    let done = false;
    const once =
      <A extends unknown[]>(f: (...args: A) => Promise<void>) =>
      async (...args: A) => {
        if (done) return;
        done = true;
        await f(...args);
      };
    const key = (s: string) => `${base}#${s}`;
    return {
      failed: once(async (blockedUntil: number) => {
        const t = this.now();
        const writes: Promise<void>[] = [];
        if (seat !== AFTER) writes.push(this.store.put(SPACE, key(seat), 'failed', t + VERDICT_SPREAD_MS));
        // The backoff this failure started (or lengthened) holds on the nodes that have not heard.
        if (blockedUntil > t) writes.push(this.store.put(SPACE, key(AFTER), 'failed', blockedUntil));
        else if (seat === AFTER) writes.push(this.store.delete(SPACE, key(AFTER)));
        await Promise.all(writes);
      }),
      succeeded: once(async () => {
        const all = [...Array.from({ length: freeFailures }, (_, i) => String(i)), AFTER];
        await Promise.all(all.map((s) => this.store.delete(SPACE, key(s))));
      }),
      abandoned: once(() => this.store.delete(SPACE, key(seat))),
    };
  }
}
