/**
 * The screen's flow control on simulated links (virtual time, a FIFO bottleneck with a rate and
 * a one-way delay, acks coming back after the same delay), with a sender that always has another
 * update ready, as a changing photo or a video on the customer's screen does: the window must keep
 * the link busy without building a queue that the next update (a keystroke's echo) waits behind.
 */
import { describe, expect, it } from 'vitest';
import { FlowControl, SCREEN_QUEUE_TARGET_MS, WINDOW_INITIAL_BYTES } from '../../../host/screen/flow-control';

interface Link {
  bytesPerSecond: number;
  oneWayMs: number;
}

/** Runs `seconds` of a backlogged sender of `updateBytes` updates; figures from the second half. */
function simulate(link: Link, updateBytes: number, seconds: number) {
  const fc = new FlowControl();
  const acks: { at: number; seq: number; bytes: number }[] = [];
  let now = 0;
  let linkFreeAt = 0;
  let seq = 0;
  let deliveredLate = 0;
  let maxQueueLateMs = 0;
  const half = (seconds * 1000) / 2;
  const send = () => {
    while (fc.canSend()) {
      const startsAt = Math.max(now, linkFreeAt);
      if (now >= half) maxQueueLateMs = Math.max(maxQueueLateMs, startsAt - now);
      linkFreeAt = startsAt + (updateBytes * 1000) / link.bytesPerSecond;
      fc.onSent(++seq, updateBytes, now);
      acks.push({ at: linkFreeAt + 2 * link.oneWayMs, seq, bytes: updateBytes });
    }
  };
  send();
  while (now < seconds * 1000 && acks.length > 0) {
    const ack = acks.shift()!;
    now = ack.at;
    if (now >= half) deliveredLate += ack.bytes;
    fc.onAck(ack.seq, now);
    send();
  }
  return {
    throughputShare: (deliveredLate * 1000) / (seconds * 500) / link.bytesPerSecond,
    maxQueueMs: maxQueueLateMs,
    windowBytes: fc.windowBytes,
    snapshot: fc.snapshot(),
  };
}

describe('screen flow control', () => {
  it('on hotel Wi-Fi (1 Mbit/s, 80 ms) fills the link with at most about one update of queue', () => {
    const link = { bytesPerSecond: 125_000, oneWayMs: 40 };
    const updateBytes = 30_000; // a 480x360 photo as JPEG
    const r = simulate(link, updateBytes, 20);
    expect(r.throughputShare).toBeGreaterThan(0.9);
    // The queue the next update waits behind: about one update on the wire plus the target, not
    // the second of link time a fixed 128 KiB floor gave.
    const oneUpdateMs = (updateBytes * 1000) / link.bytesPerSecond;
    expect(r.maxQueueMs).toBeLessThan(oneUpdateMs + SCREEN_QUEUE_TARGET_MS + 50);
    expect(r.snapshot.rateBps! / link.bytesPerSecond).toBeGreaterThan(0.8);
  });

  it('on a LAN keeps megabytes in flight (never one update per round trip)', () => {
    const link = { bytesPerSecond: 50_000_000, oneWayMs: 1 };
    const r = simulate(link, 100_000, 5);
    expect(r.throughputShare).toBeGreaterThan(0.9);
    expect(r.windowBytes).toBeGreaterThan(WINDOW_INITIAL_BYTES);
  });

  it('on a long fat link (20 MB/s, 150 ms) grows the window past the bandwidth-delay product', () => {
    const link = { bytesPerSecond: 20_000_000, oneWayMs: 75 };
    const r = simulate(link, 200_000, 20);
    expect(r.throughputShare).toBeGreaterThan(0.9);
    expect(r.windowBytes).toBeGreaterThan(link.bytesPerSecond * 0.15);
  });

  it('measures the delivery rate right with many updates in flight', () => {
    const link = { bytesPerSecond: 2_000_000, oneWayMs: 20 };
    const r = simulate(link, 20_000, 10);
    expect(r.snapshot.rateBps! / link.bytesPerSecond).toBeGreaterThan(0.85);
    expect(r.snapshot.rateBps! / link.bytesPerSecond).toBeLessThan(1.1);
    expect(r.snapshot.baseRttMs).toBeCloseTo(40 + 10, 0);
  });
});
