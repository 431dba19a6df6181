/**
 * Delay before the next reconnect attempt: exponential from RECONNECT_INITIAL_MS, capped at
 * RECONNECT_MAX_MS, each spread by +-RECONNECT_JITTER so that a server restart is not met by every
 * page at the same instant.
 */

/** First retry after a drop, in ms. */
export const RECONNECT_INITIAL_MS = 1000;
/** Longest wait between two attempts, in ms (short enough that a customer never waits long). */
export const RECONNECT_MAX_MS = 15_000;
/** Growth of the delay per failed attempt. */
export const RECONNECT_FACTOR = 2;
/** Spread of each delay, as a fraction of it (0.3 = +-30 %). */
export const RECONNECT_JITTER = 0.3;

/** `attempt` counts from 0 (the first retry); `random` returns [0, 1). */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_INITIAL_MS * RECONNECT_FACTOR ** Math.max(0, attempt));
  const spread = 1 - RECONNECT_JITTER + 2 * RECONNECT_JITTER * random();
  return Math.round(base * spread);
}
