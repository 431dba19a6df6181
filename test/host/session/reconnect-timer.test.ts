/** Reconnection from one timer: backoff with jitter, a single pending attempt, the grace period. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, ReconnectTimer } from '../../../host/session/reconnect-timer';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('backoffDelay', () => {
  it('doubles up to the maximum, with jitter between half and all of it', () => {
    expect(backoffDelay(0, 0, 250, 15_000)).toBe(125);
    expect(backoffDelay(0, 0.999999, 250, 15_000)).toBe(250);
    expect(backoffDelay(3, 1, 250, 15_000)).toBe(2000);
    expect(backoffDelay(40, 1, 250, 15_000)).toBe(15_000);
    expect(backoffDelay(40, 0, 250, 15_000)).toBe(7500);
  });
});

describe('ReconnectTimer', () => {
  it('keeps one attempt pending at a time and spaces attempts out', () => {
    const t = new ReconnectTimer({
      random: () => 1,
      firstDelayMs: 100,
      maxDelayMs: 1000,
      now: () => Date.now(),
    });
    const fn = vi.fn();
    expect(t.schedule(fn)).toBe(true);
    expect(t.schedule(fn)).toBe(true); // ignored: one is pending
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    t.schedule(fn);
    vi.advanceTimersByTime(199);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('gives up once the grace period since the loss has passed, and starts over after reset', () => {
    const t = new ReconnectTimer({
      graceMs: 1000,
      firstDelayMs: 400,
      maxDelayMs: 400,
      random: () => 1,
      now: () => Date.now(),
    });
    const fn = vi.fn();
    expect(t.schedule(fn)).toBe(true);
    vi.advanceTimersByTime(400);
    expect(t.schedule(fn)).toBe(true);
    vi.advanceTimersByTime(400);
    expect(t.schedule(fn)).toBe(true); // 200 ms left: the wait is cut to what is left
    vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(t.schedule(fn)).toBe(false);
    t.reset();
    expect(t.schedule(fn)).toBe(true);
    t.cancel();
    vi.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(3);
  });
});
