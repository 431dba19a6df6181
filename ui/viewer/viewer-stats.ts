/**
 * The numbers behind the viewer's quality indicator: round-trip time (from ping/pong on the
 * control channel), frame rate (presented updates per second), throughput (data-plane bytes
 * received per second) and the main thread's time per painted update (p50/p95). Pure: the clock
 * is passed in, so tests drive it.
 *
 * Quality: `good` below GOOD_RTT_MS, `fair` below FAIR_RTT_MS, `poor` above, or when a ping has
 * waited longer than PING_LOST_MS (a stalled link shows at once, not after its next answer).
 */

/** Time window of the rate figures, in ms. */
export const RATE_WINDOW_MS = 2000;
/** Round trips kept for the median. */
export const RTT_SAMPLES = 10;
/** Paint times kept for the percentiles. */
export const PAINT_SAMPLES = 600;
/** Round trip under which the link is "good", in ms. */
export const GOOD_RTT_MS = 120;
/** Round trip under which the link is "fair", in ms. */
export const FAIR_RTT_MS = 400;
/** A ping unanswered this long makes the link "poor", in ms. */
export const PING_LOST_MS = 3000;

export type Quality = 'unknown' | 'good' | 'fair' | 'poor';

/**
 * Whether the link counts as slow for the customer's advice (`viewer.link`), given what was last
 * said: slow from `poor`, fine again only at `good`. A link hovering between fair and poor would
 * otherwise flash the advice on and off on the customer's screen.
 */
export function linkSlow(quality: Quality, wasSlow: boolean): boolean {
  if (quality === 'poor') return true;
  if (quality === 'good') return false;
  return wasSlow;
}

export interface StatsSnapshot {
  /** Median of the recent round trips, in ms (null before the first pong). */
  rttMs: number | null;
  fps: number;
  /** Bytes received per second. */
  bytesPerSecond: number;
  paintP50Ms: number | null;
  paintP95Ms: number | null;
  quality: Quality;
}

/** The p-th percentile (0..100) of `values` by nearest rank; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export class ViewerStats {
  private readonly rtts: number[] = [];
  private readonly pings = new Map<number, number>();
  private readonly presents: number[] = [];
  private readonly bytes: { at: number; n: number }[] = [];
  private readonly paints: number[] = [];
  private nextPing = 0;

  /** Registers a ping sent now; returns its id. */
  pingSent(now: number): number {
    const id = this.nextPing;
    this.nextPing = (this.nextPing + 1) >>> 0;
    this.pings.set(id, now);
    // Never keep more than a few unanswered pings (a helper that never answers).
    if (this.pings.size > RTT_SAMPLES) this.pings.delete(this.pings.keys().next().value!);
    return id;
  }

  /** A pong arrived; unknown ids (late or forged) are ignored. */
  pongReceived(id: number, now: number): void {
    const sent = this.pings.get(id);
    if (sent === undefined) return;
    this.pings.delete(id);
    this.rtts.push(now - sent);
    if (this.rtts.length > RTT_SAMPLES) this.rtts.shift();
  }

  /** Forget pending pings (after a reconnect: their answers will never come). */
  resetPings(): void {
    this.pings.clear();
  }

  bytesReceived(n: number, now: number): void {
    this.bytes.push({ at: now, n });
    this.trim(now);
  }

  /** An update was presented; `paintMs` is the main thread's time for it. */
  presented(now: number, paintMs: number): void {
    this.presents.push(now);
    this.paints.push(paintMs);
    if (this.paints.length > PAINT_SAMPLES) this.paints.shift();
    this.trim(now);
  }

  snapshot(now: number): StatsSnapshot {
    this.trim(now);
    const rttMs = percentile(this.rtts, 50);
    let oldestPing = Infinity;
    for (const at of this.pings.values()) oldestPing = Math.min(oldestPing, at);
    const stalled = now - oldestPing > PING_LOST_MS;
    const quality: Quality = stalled
      ? 'poor'
      : rttMs === null
        ? 'unknown'
        : rttMs < GOOD_RTT_MS
          ? 'good'
          : rttMs < FAIR_RTT_MS
            ? 'fair'
            : 'poor';
    let total = 0;
    for (const b of this.bytes) total += b.n;
    return {
      rttMs,
      fps: (this.presents.length * 1000) / RATE_WINDOW_MS,
      bytesPerSecond: (total * 1000) / RATE_WINDOW_MS,
      paintP50Ms: percentile(this.paints, 50),
      paintP95Ms: percentile(this.paints, 95),
      quality,
    };
  }

  /** Every paint time kept (benchmarks read them). */
  paintTimes(): readonly number[] {
    return this.paints;
  }

  private trim(now: number): void {
    const from = now - RATE_WINDOW_MS;
    while (this.presents.length > 0 && this.presents[0]! <= from) this.presents.shift();
    while (this.bytes.length > 0 && this.bytes[0]!.at <= from) this.bytes.shift();
  }
}
