/**
 * The one timer that owns reconnection after the helper's socket is lost. Attempts are spaced by
 * exponential backoff with jitter (so many helpers cut by the same outage do not come back in
 * lockstep), and stop once RECONNECT_GRACE_MS has passed since the loss: the server ends sharing
 * then anyway. Only one attempt is ever scheduled; `schedule` while one is pending is ignored.
 */
import { RECONNECT_GRACE_MS } from '../../protocol/limits';

/** Wait before the first attempt, in ms. */
export const RECONNECT_FIRST_DELAY_MS = 250;
/**
 * Longest wait between two attempts, in ms. Short, because it is also how long a customer may wait
 * for the picture after the server is back from a restart (an attempt at a closed port costs a
 * refused connection, nothing more); jitter still spreads a crowd of helpers coming back at once.
 */
export const RECONNECT_MAX_DELAY_MS = 5_000;
/** Each attempt waits this many times longer than the one before (before jitter). */
const BACKOFF_FACTOR = 2;
/** Jitter: the wait is drawn between this fraction of the backoff and the full backoff. */
const JITTER_FLOOR = 0.5;

export interface ReconnectTimerOptions {
  /** How long after the loss attempts may go on, in ms (default RECONNECT_GRACE_MS). */
  graceMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  /** Uniform in [0, 1) (injectable for tests). */
  random?: () => number;
}

/** The wait before attempt `attempt` (0-based), jitter from `r` in [0, 1). */
export function backoffDelay(attempt: number, r: number, firstMs: number, maxMs: number): number {
  const base = Math.min(maxMs, firstMs * BACKOFF_FACTOR ** Math.min(attempt, 30));
  return Math.round(base * (JITTER_FLOOR + (1 - JITTER_FLOOR) * r));
}

export class ReconnectTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private lostAt: number | null = null;
  private readonly graceMs: number;
  private readonly firstMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: ReconnectTimerOptions = {}) {
    this.graceMs = options.graceMs ?? RECONNECT_GRACE_MS;
    this.firstMs = options.firstDelayMs ?? RECONNECT_FIRST_DELAY_MS;
    this.maxMs = options.maxDelayMs ?? RECONNECT_MAX_DELAY_MS;
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  /** Attempts made since the loss. */
  get attempts(): number {
    return this.attempt;
  }

  /**
   * Schedules the next attempt. Returns false (and schedules nothing) when the grace period is
   * over: the caller gives up.
   */
  schedule(attemptFn: () => void): boolean {
    if (this.timer !== null) return true;
    const now = this.now();
    this.lostAt ??= now;
    const left = this.lostAt + this.graceMs - now;
    if (left <= 0) return false;
    const delay = Math.min(left, backoffDelay(this.attempt, this.random(), this.firstMs, this.maxMs));
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      attemptFn();
    }, delay);
    return true;
  }

  /** The link is back: the next loss starts a fresh grace period. */
  reset(): void {
    this.cancel();
    this.attempt = 0;
    this.lostAt = null;
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
