/**
 * Waiting in end-to-end tests for what a person would wait for: a pause, and a probe polled until
 * it answers (a picture lit, a file written, a phase reached).
 */

/** How often `until` asks again, in ms. */
export const POLL_EVERY_MS = 50;

export function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` until it returns a value (not undefined, null, false or ''), and returns it; fails
 * after `timeoutMs` naming `what`, with the last error the probe threw, if any.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false && v !== '') return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await wait(POLL_EVERY_MS);
  }
}
