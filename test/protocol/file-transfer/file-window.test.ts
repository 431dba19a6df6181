/**
 * The file window (protocol/data/file-window.ts): bytes in flight never pass it, acks free them
 * per transfer, and on simulated links it settles where it keeps the link busy with about
 * FILE_QUEUE_TARGET_MS of queue: several MiB on a fast link, small on a slow one (so the screen
 * behind it waits little), and growing on a long path instead of stopping and waiting.
 */
import { describe, expect, it } from 'vitest';
import { FILE_CHUNK_BYTES } from '../../../protocol/data/files';
import {
  FILE_QUEUE_TARGET_MS,
  FILE_WINDOW_INITIAL_BYTES,
  FILE_WINDOW_MAX_BYTES,
  FILE_WINDOW_MIN_BYTES,
  FileWindow,
} from '../../../protocol/data/file-window';

describe('FileWindow bookkeeping', () => {
  it('counts bytes in flight, frees them per transfer on cumulative acks, forgets and clears', () => {
    const w = new FileWindow(1000);
    w.onSent('a', 400, 400, 0);
    w.onSent('b', 300, 300, 0);
    w.onSent('a', 700, 300, 1);
    expect(w.inFlightBytes).toBe(1000);
    expect(w.canSend()).toBe(false);
    expect(w.onAck('a', 400, 5)).toBe(400);
    expect(w.onAck('a', 400, 6)).toBe(0); // repeated ack frees nothing
    expect(w.canSend()).toBe(true);
    w.forget('b');
    expect(w.inFlightBytes).toBe(300);
    expect(w.onAck('a', 700, 8)).toBe(300);
    expect(w.inFlightBytes).toBe(0);
    w.onSent('a', 900, 200, 9);
    w.clear();
    expect(w.inFlightBytes).toBe(0);
    expect(w.windowBytes).toBe(1000);
  });

  it('starts at the initial window and measures round trips', () => {
    const w = new FileWindow();
    expect(w.windowBytes).toBe(FILE_WINDOW_INITIAL_BYTES);
    w.onSent('a', 100, 100, 0);
    w.onAck('a', 100, 30);
    expect(w.snapshot()).toMatchObject({ rttMs: 30, baseRttMs: 30 });
  });
});

/**
 * Sends through a link with base round trip `rttMs` and a bottleneck of `bytesPerMs`, as fast as
 * the window allows, for `durationMs`; returns the settled window, the throughput and the queue
 * delay a frame sent behind the file chunks would see.
 */
function simulate(rttMs: number, bytesPerMs: number, durationMs = 20_000) {
  const w = new FileWindow();
  const acks: { at: number; end: number }[] = [];
  let now = 0;
  let sent = 0;
  let linkFreeAt = 0;
  let delivered = 0;
  let maxQueueMs = 0;
  let lastQueueMs = 0;
  while (now < durationMs) {
    while (w.canSend()) {
      const arrive = now + rttMs / 2;
      const start = Math.max(arrive, linkFreeAt);
      lastQueueMs = start - arrive;
      if (now > durationMs / 2) maxQueueMs = Math.max(maxQueueMs, lastQueueMs);
      linkFreeAt = start + FILE_CHUNK_BYTES / bytesPerMs;
      sent += FILE_CHUNK_BYTES;
      w.onSent('f', sent, FILE_CHUNK_BYTES, now);
      acks.push({ at: linkFreeAt + rttMs / 2, end: sent });
      expect(w.inFlightBytes).toBeLessThanOrEqual(w.windowBytes + FILE_CHUNK_BYTES);
    }
    const next = acks.shift()!;
    now = next.at;
    w.onAck('f', next.end, now);
    if (now > durationMs / 2) delivered += FILE_CHUNK_BYTES;
  }
  return { window: w.windowBytes, utilisation: delivered / (bytesPerMs * (durationMs / 2)), maxQueueMs };
}

describe('FileWindow on simulated links', () => {
  it('a fast local link (1 ms, 1 GB/s): several MiB, the link kept busy', () => {
    const r = simulate(1, 1_000_000);
    expect(r.window).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(r.window).toBeLessThanOrEqual(FILE_WINDOW_MAX_BYTES);
    expect(r.utilisation).toBeGreaterThan(0.9);
  });

  it('a fast LAN (2 ms, 100 MB/s): the queue stays near the target', () => {
    const r = simulate(2, 100_000);
    expect(r.utilisation).toBeGreaterThan(0.9);
    expect(r.maxQueueMs).toBeLessThan(FILE_QUEUE_TARGET_MS + 2 * (FILE_CHUNK_BYTES / 100_000));
  });

  it('a slow link (30 ms, 1 MB/s): the smallest window, busy; the queue is that window (a limit)', () => {
    const r = simulate(30, 1000);
    expect(r.window).toBe(FILE_WINDOW_MIN_BYTES);
    expect(r.utilisation).toBeGreaterThan(0.9);
    // Two chunks always fly, so on a slow link the wait behind files is the minimum window's time.
    expect(r.maxQueueMs).toBeLessThanOrEqual(FILE_WINDOW_MIN_BYTES / 1000);
  });

  it('a long path (150 ms, 20 MB/s): grows past the bandwidth-delay product instead of stalling', () => {
    const r = simulate(150, 20_000);
    expect(r.window).toBeGreaterThan(20_000 * 150);
    expect(r.utilisation).toBeGreaterThan(0.85);
    expect(r.maxQueueMs).toBeLessThan(3 * FILE_QUEUE_TARGET_MS + 20);
  });
});
