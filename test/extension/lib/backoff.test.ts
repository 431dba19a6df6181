import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RECONNECT_BASE_MS, RECONNECT_MAX_MS, reconnectDelayMs } from '../../../extension/lib/backoff';

describe('reconnect backoff', () => {
  it('doubles from about a second, with half of each delay random', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(RECONNECT_BASE_MS / 2);
    expect(reconnectDelayMs(0, () => 0.999999)).toBe(RECONNECT_BASE_MS);
    expect(reconnectDelayMs(1, () => 0)).toBe(RECONNECT_BASE_MS);
    expect(reconnectDelayMs(3, () => 0)).toBe(4 * RECONNECT_BASE_MS);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, r) => {
          const d = reconnectDelayMs(attempt, () => r);
          expect(d).toBeGreaterThanOrEqual(
            Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16)) / 2,
          );
          expect(d).toBeLessThanOrEqual(RECONNECT_MAX_MS);
        },
      ),
    );
  });

  it('spreads many clients over the window (jitter), so a restart is not a stampede', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 1000 }, () => reconnectDelayMs(5, random));
    const distinct = new Set(delays.map((d) => Math.floor(d / 100)));
    expect(distinct.size).toBeGreaterThan(50);
  });
});
