/**
 * What a sender learns about its link from acknowledgements, and the window that follows from it.
 * Shared by the file window (file-window.ts, both directions) and the helper's screen flow control
 * (host/screen/flow-control.ts); each gives its own WindowPolicy.
 *
 * Delivery rate: the bytes acknowledged over a span of busy time (a span starts when something is
 * sent on an idle link, so idle time never dilutes it), averaged. Measured this way, not as "one
 * message's size over its own round trip", it stays right when many messages are in flight: a
 * message queued behind others is acknowledged late, but so are the bytes before it.
 *
 * Base round trip: the smallest sample since the link came up, i.e. the link without our own
 * queue (a base that forgot old samples would, under a queue that never drains, take the queue
 * for the base and let the window ratchet up).
 *
 * Window: rate x (base round trip + queueTargetMs). Larger than the link needs, the round trip
 * grows by the queue while the rate stays, so the window comes down to base + target; smaller,
 * the rate grows with it. queueTargetMs is thus the most queue this sender builds on the link,
 * which is what anything behind it (a screen update, a keystroke's echo) waits.
 */

export interface WindowPolicy {
  /** Window before anything is measured, in bytes. */
  initialBytes: number;
  minBytes: number;
  maxBytes: number;
  /** Queue the window may add on top of the base round trip, in ms. */
  queueTargetMs: number;
  /** A rate sample needs at least this many bytes (fewer only say how little there was to send). */
  minSampleBytes: number;
}

/** Weight of a new sample in the moving averages. */
const EWMA_WEIGHT = 0.25;
/** A rate sample spans at least this long, in ms (acks of one burst arrive together). */
const SAMPLE_MIN_MS = 10;

export class DeliveryRate {
  private rateValue: number | null = null;
  private rttValue: number | null = null;
  private base = Infinity;
  private sampleStart: number | null = null;
  private sampleBytes = 0;

  /** Bytes per second, null until measured. */
  get rate(): number | null {
    return this.rateValue;
  }

  /** Smoothed round trip, ms, null until measured. */
  get rtt(): number | null {
    return this.rttValue;
  }

  /** Smallest round trip since the link came up, ms, null until measured. */
  get baseRtt(): number | null {
    return Number.isFinite(this.base) ? this.base : null;
  }

  /** Something was sent on an idle link (nothing in flight before it): a busy span starts. */
  busyFrom(now: number): void {
    this.sampleStart = now;
    this.sampleBytes = 0;
  }

  /**
   * An ack freed `bytes`; `rttMs` is the round trip of the newest message it acknowledged.
   * `stillBusy`: something is still in flight. Returns true when a rate sample closed (the
   * window may have changed).
   */
  onAck(rttMs: number, bytes: number, now: number, stillBusy: boolean, policy: WindowPolicy): boolean {
    const rtt = Math.max(0.1, rttMs);
    this.rttValue = this.rttValue === null ? rtt : this.rttValue + EWMA_WEIGHT * (rtt - this.rttValue);
    this.base = Math.min(this.base, rtt);
    this.sampleBytes += bytes;
    this.sampleStart ??= now - rtt;
    const span = now - this.sampleStart;
    if (span < SAMPLE_MIN_MS || this.sampleBytes < policy.minSampleBytes) {
      if (!stillBusy) {
        // The span ends with the busy time; one too short to mean anything is dropped.
        this.sampleStart = null;
        this.sampleBytes = 0;
      }
      return false;
    }
    const rate = (this.sampleBytes * 1000) / span;
    this.rateValue = this.rateValue === null ? rate : this.rateValue + EWMA_WEIGHT * (rate - this.rateValue);
    this.sampleBytes = 0;
    this.sampleStart = stillBusy ? now : null;
    return true;
  }

  /** The window for this link under `policy` (the initial one until the rate is measured). */
  window(policy: WindowPolicy): number {
    if (this.rateValue === null || !Number.isFinite(this.base)) return policy.initialBytes;
    const target = (this.rateValue * (this.base + policy.queueTargetMs)) / 1000;
    return Math.round(Math.min(policy.maxBytes, Math.max(policy.minBytes, target)));
  }

  /** The link went away: the next one is measured afresh. */
  reset(): void {
    this.rateValue = null;
    this.rttValue = null;
    this.base = Infinity;
    this.sampleStart = null;
    this.sampleBytes = 0;
  }
}
