/**
 * The sharer's per-watcher window (ui/share/send-window.ts), the quality steps and the rate meter.
 */
import { describe, expect, it } from 'vitest';
import { jpegQuality, QUALITY_INITIAL, QUALITY_STEPS } from '../../../ui/share/jpeg-quality';
import { RateMeter } from '../../../ui/share/rate-meter';
import {
  MAX_IN_FLIGHT_MESSAGES,
  SendWindow,
  WINDOW_INITIAL_BYTES,
  WINDOW_MAX_BYTES,
  WINDOW_MIN_BYTES,
  WINDOW_TARGET_MS,
} from '../../../ui/share/send-window';

describe('SendWindow', () => {
  it('lets an update start only under the window, and cumulative acks reopen it', () => {
    const w = new SendWindow();
    w.onSent(1, WINDOW_INITIAL_BYTES / 2, 0);
    expect(w.canSend()).toBe(true);
    w.onSent(2, WINDOW_INITIAL_BYTES / 2, 0);
    w.onSent(3, 10, 0);
    expect(w.canSend()).toBe(false);
    expect(w.onAck(2, 50)).toBe(true); // acknowledges 1 and 2
    expect(w.inFlightBytes).toBe(10);
    expect(w.canSend()).toBe(true);
    expect(w.onAck(1, 60)).toBe(false); // already retired
    expect(w.onAck(99, 60)).toBe(false); // never sent
    expect(w.inFlightBytes).toBe(10);
  });

  it('sizes the window from the delivery rate, within its bounds', () => {
    const fast = new SendWindow();
    fast.onSent(1, 4_000_000, 0);
    fast.onAck(1, 100); // 40 MB/s
    expect(fast.snapshot().windowBytes).toBe(WINDOW_MAX_BYTES);
    const slow = new SendWindow();
    slow.onSent(1, 20_000, 0);
    slow.onAck(1, 2000); // 10 kB/s
    expect(slow.snapshot().windowBytes).toBe(WINDOW_MIN_BYTES);
    const mid = new SendWindow();
    mid.onSent(1, 200_000, 0);
    mid.onAck(1, 200); // 1 MB/s
    expect(mid.snapshot().windowBytes).toBe(Math.round((1_000_000 * WINDOW_TARGET_MS) / 1000));
    expect(mid.snapshot().rttMs).toBe(200);
  });

  it('counts as full at MAX_IN_FLIGHT_MESSAGES, so a watcher that never acks cannot grow it', () => {
    const w = new SendWindow();
    for (let i = 0; i < MAX_IN_FLIGHT_MESSAGES; i++) w.onSent(i, 1, 0);
    expect(w.canSend()).toBe(false);
    w.clear();
    expect(w.canSend()).toBe(true);
    expect(w.inFlightBytes).toBe(0);
  });
});

describe('jpegQuality', () => {
  it('starts at the initial quality and never rises as the rate falls', () => {
    expect(jpegQuality(null)).toBe(QUALITY_INITIAL);
    let last = Infinity;
    for (let rate = 10_000_000; rate >= 0; rate -= 50_000) {
      const q = jpegQuality(rate);
      expect(q).toBeLessThanOrEqual(last);
      expect(QUALITY_STEPS.some((s) => s.quality === q)).toBe(true);
      last = q;
    }
    expect(jpegQuality(Number.NaN)).toBe(QUALITY_INITIAL);
  });
});

describe('RateMeter', () => {
  it('measures events and bytes per second over the last two seconds', () => {
    let now = 0;
    const m = new RateMeter(() => now);
    for (let i = 0; i < 20; i++) {
      m.add(1000);
      now += 100;
    }
    expect(m.rates()).toEqual({ perSecond: 10, bytesPerSecond: 10_000 });
    now += 5000;
    expect(m.rates()).toEqual({ perSecond: 0, bytesPerSecond: 0 });
    expect(m.totalEvents).toBe(20);
    expect(m.totalBytes).toBe(20_000);
  });
});
