/**
 * Caps on the queue, so requests cannot pile up without bound (each one alerts every available
 * agent and sits in their list): at most QUEUED_PER_ADDRESS requests from one client address
 * waiting at once, and QUEUED_TOTAL waiting on the whole server. Past either, a new request is
 * refused with a code the support page puts in words (`too_many_waiting`, `queue_full`).
 * Addresses `isExempt` names (loopback while no --trust-proxy is configured) have no per-address
 * cap, only the total. Memory: one set of session ids per address with a request waiting, pruned
 * as requests leave the queue.
 */
import { ProtocolError } from '../../protocol/errors';

/** Requests from one address that may wait at once (an office behind one NAT shares it). */
export const QUEUED_PER_ADDRESS = 10;
/** Requests that may wait at once on the whole server. */
export const QUEUED_TOTAL = 500;
/** Addresses tracked before every entry is pruned at once. */
const PRUNE_AT_ADDRESSES = 10_000;

export interface QueueCapLimits {
  perAddress: number;
  total: number;
}

export class QueueCaps {
  private readonly byAddress = new Map<string, Set<string>>();

  constructor(
    /** Whether a session is still waiting in the queue. */
    private readonly isWaiting: (sessionId: string) => boolean,
    /** How many sessions wait now, in all. */
    private readonly waitingCount: () => number,
    private readonly isExempt: (address: string) => boolean,
    private readonly limits: QueueCapLimits = { perAddress: QUEUED_PER_ADDRESS, total: QUEUED_TOTAL },
  ) {}

  /** Throws when a new request from `address` would pass a cap. */
  check(address: string): void {
    if (this.waitingCount() >= this.limits.total) {
      throw new ProtocolError('queue_full', 'the support queue is full; try again in a few minutes', {
        max: this.limits.total,
      });
    }
    if (this.isExempt(address)) return;
    if (this.waitingFrom(address) >= this.limits.perAddress) {
      throw new ProtocolError(
        'too_many_waiting',
        `${this.limits.perAddress} requests from this address are already waiting for an agent`,
        { max: this.limits.perAddress },
      );
    }
  }

  /** Counts a request that now waits. */
  add(address: string, sessionId: string): void {
    if (this.isExempt(address)) return;
    if (this.byAddress.size >= PRUNE_AT_ADDRESSES) this.pruneAll();
    let set = this.byAddress.get(address);
    if (!set) {
      set = new Set();
      this.byAddress.set(address, set);
    }
    set.add(sessionId);
  }

  private waitingFrom(address: string): number {
    const set = this.byAddress.get(address);
    if (!set) return 0;
    for (const id of set) if (!this.isWaiting(id)) set.delete(id);
    if (set.size === 0) this.byAddress.delete(address);
    return set.size;
  }

  private pruneAll(): void {
    for (const address of [...this.byAddress.keys()]) this.waitingFrom(address);
  }
}
