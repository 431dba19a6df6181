/**
 * The data plane's reconnect timer (ui/data-plane/reconnect-timer.ts): delays double from the
 * first up to the cap, jitter stretches each by up to its fraction, a welcome starts over, and
 * only one attempt is ever pending.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectTimer } from '../../../ui/data-plane/reconnect-timer';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Runs attempts one after the other and returns the delay before each. */
function delays(timer: ReconnectTimer, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let ran = false;
    const start = Date.now();
    timer.schedule(() => (ran = true));
    while (!ran) vi.advanceTimersByTime(1);
    out.push(Date.now() - start);
  }
  return out;
}

describe('ReconnectTimer', () => {
  it('doubles from the first delay up to the cap, and starts over after reset()', () => {
    const timer = new ReconnectTimer({ firstMs: 500, maxMs: 3000 });
    expect(delays(timer, 5)).toEqual([500, 1000, 2000, 3000, 3000]);
    timer.reset();
    expect(delays(timer, 2)).toEqual([500, 1000]);
  });

  it('stretches each delay by up to the jitter fraction', () => {
    const timer = new ReconnectTimer({ firstMs: 1000, maxMs: 10_000, jitter: 0.3, random: () => 0.5 });
    expect(delays(timer, 2)).toEqual([1150, 2300]);
  });

  it('keeps one attempt pending, and cancel() drops it', () => {
    const timer = new ReconnectTimer({ firstMs: 100, maxMs: 1000 });
    const calls: string[] = [];
    timer.schedule(() => calls.push('first'));
    timer.schedule(() => calls.push('second'));
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual(['second']);
    timer.schedule(() => calls.push('third'));
    timer.cancel();
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual(['second']);
  });
});
