import { describe, expect, it } from 'vitest';
import {
  RECONNECT_INITIAL_MS,
  RECONNECT_JITTER,
  RECONNECT_MAX_MS,
  reconnectDelayMs,
} from '../../../ui/support/reconnect-backoff';

describe('reconnectDelayMs', () => {
  it('doubles from the first delay and stops at the cap', () => {
    const mid = () => 0.5; // no spread
    expect(reconnectDelayMs(0, mid)).toBe(RECONNECT_INITIAL_MS);
    expect(reconnectDelayMs(1, mid)).toBe(RECONNECT_INITIAL_MS * 2);
    expect(reconnectDelayMs(2, mid)).toBe(RECONNECT_INITIAL_MS * 4);
    expect(reconnectDelayMs(50, mid)).toBe(RECONNECT_MAX_MS);
  });

  it('spreads each delay within the jitter bounds, so pages do not all retry at once', () => {
    const low = reconnectDelayMs(3, () => 0);
    const high = reconnectDelayMs(3, () => 0.999999);
    const base = RECONNECT_INITIAL_MS * 8;
    expect(low).toBe(Math.round(base * (1 - RECONNECT_JITTER)));
    expect(high).toBeLessThanOrEqual(Math.round(base * (1 + RECONNECT_JITTER)));
    expect(high).toBeGreaterThan(low);
    const samples = new Set(Array.from({ length: 50 }, () => reconnectDelayMs(2)));
    expect(samples.size).toBeGreaterThan(10);
  });
});
