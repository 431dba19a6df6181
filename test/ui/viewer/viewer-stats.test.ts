/** The quality indicator's figures: round trip, frame rate, throughput, paint percentiles. */
import { describe, expect, it } from 'vitest';
import {
  FAIR_RTT_MS,
  linkSlow,
  percentile,
  PING_LOST_MS,
  ViewerStats,
} from '../../../ui/viewer/viewer-stats';

describe('ViewerStats', () => {
  it('measures round trips from matching pongs, median of the recent ones', () => {
    const s = new ViewerStats();
    expect(s.snapshot(0).quality).toBe('unknown');
    for (const [sent, rtt] of [
      [0, 30],
      [1000, 50],
      [2000, 40],
    ]) {
      const id = s.pingSent(sent!);
      s.pongReceived(id, sent! + rtt!);
    }
    s.pongReceived(12345, 9999); // unknown id: ignored
    const snap = s.snapshot(2100);
    expect(snap.rttMs).toBe(40);
    expect(snap.quality).toBe('good');
  });

  it('rates a slow link fair or poor, and a ping unanswered for too long poor at once', () => {
    const s = new ViewerStats();
    s.pongReceived(s.pingSent(0), 200);
    expect(s.snapshot(300).quality).toBe('fair');
    const t = new ViewerStats();
    t.pongReceived(t.pingSent(0), FAIR_RTT_MS + 1);
    expect(t.snapshot(500).quality).toBe('poor');
    const u = new ViewerStats();
    u.pongReceived(u.pingSent(0), 20);
    u.pingSent(1000);
    expect(u.snapshot(1000 + PING_LOST_MS - 1).quality).toBe('good');
    expect(u.snapshot(1000 + PING_LOST_MS + 1).quality).toBe('poor');
    u.resetPings();
    expect(u.snapshot(1000 + PING_LOST_MS + 2).quality).toBe('good');
  });

  it('counts frames and bytes over the last two seconds', () => {
    const s = new ViewerStats();
    for (let t = 0; t < 3000; t += 100) {
      s.presented(t, 1);
      s.bytesReceived(1000, t);
    }
    const snap = s.snapshot(3000);
    // Presents at 1100..2900 are inside (1000, 3000]: 19 in 2 s.
    expect(snap.fps).toBe(9.5);
    expect(snap.bytesPerSecond).toBe(9500);
    expect(s.snapshot(10_000).fps).toBe(0);
  });

  it('gives p50 and p95 of the main-thread paint times', () => {
    const s = new ViewerStats();
    for (let i = 1; i <= 100; i++) s.presented(i, i / 10);
    const snap = s.snapshot(100);
    expect(snap.paintP50Ms).toBe(5);
    expect(snap.paintP95Ms).toBe(9.5);
    expect(s.paintTimes()).toHaveLength(100);
  });
});

describe('percentile', () => {
  it('is the nearest rank, null when empty', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([3, 1, 2], 0)).toBe(1);
  });
});

describe('linkSlow (the customer advice signal)', () => {
  it('turns slow at poor and fine only at good, so fair in between changes nothing', () => {
    // The sequence a wavering link gives: one change to slow, one back; fair and unknown hold.
    const seq = ['good', 'fair', 'poor', 'fair', 'poor', 'unknown', 'fair', 'good', 'fair'] as const;
    let slow = false;
    const said: boolean[] = [];
    for (const q of seq) {
      const next = linkSlow(q, slow);
      if (next !== slow) said.push(next);
      slow = next;
    }
    expect(said).toEqual([true, false]);
    expect(linkSlow('fair', false)).toBe(false);
    expect(linkSlow('fair', true)).toBe(true);
  });
});
