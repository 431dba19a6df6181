/**
 * Reconnection delays: exponential backoff with "equal jitter" (half fixed, half random), so a
 * server restart does not get every agent's extension back in the same millisecond, yet no agent
 * waits longer than RECONNECT_MAX_MS to be online again.
 */

/** First retry after a drop waits about this long, in ms. */
export const RECONNECT_BASE_MS = 1000;
/** No retry waits longer than this, in ms (an agent offline longer misses customers). */
export const RECONNECT_MAX_MS = 30_000;

/** Delay before retry number `attempt` (0 = first retry); `random` returns [0, 1). */
export function reconnectDelayMs(attempt: number, random: () => number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 16);
  const cap = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** exponent);
  return Math.round(cap / 2 + random() * (cap / 2));
}
