/**
 * Limits how many support requests one client address may open in a window, so a script cannot
 * flood a portal's queue (and every agent's alert list). Generous on purpose: an office behind
 * one NAT address shares the budget. Addresses `isExempt` names are not limited (loopback while
 * no --trust-proxy is configured: client-address.ts isSharedAddress). Memory is bounded: at most
 * MAX_ADDRESSES tracked, oldest evicted first, each with at most `perWindow` timestamps.
 */
import { ProtocolError } from '../../protocol/errors';
import { isLoopback } from '../http/client-address';

export { isLoopback } from '../http/client-address';

/** New requests one address may open per window. */
export const REQUESTS_PER_ADDRESS = 30;
/** The window, in ms. */
export const REQUEST_WINDOW_MS = 10 * 60_000;
const MAX_ADDRESSES = 50_000;

export class RequestLimit {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly perWindow: number = REQUESTS_PER_ADDRESS,
    private readonly windowMs: number = REQUEST_WINDOW_MS,
    private readonly isExempt: (address: string) => boolean = isLoopback,
  ) {}

  /** Counts one request from `address`, or throws `too_many_attempts` with retryAfterSeconds. */
  take(address: string): void {
    if (this.isExempt(address)) return;
    const t = this.now();
    const times = (this.recent.get(address) ?? []).filter((at) => t - at < this.windowMs);
    if (times.length >= this.perWindow) {
      const retryMs = this.windowMs - (t - times[0]!);
      throw new ProtocolError(
        'too_many_attempts',
        'too many support requests from this address; try again later',
        {
          retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)),
        },
      );
    }
    times.push(t);
    this.recent.delete(address);
    this.recent.set(address, times);
    if (this.recent.size > MAX_ADDRESSES) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
