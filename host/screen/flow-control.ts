/**
 * Per-viewer flow control of the screen stream. Every screen message is recorded with its
 * sequence number and size; an ack for sequence `s` (ack-message.ts) retires `s` and everything
 * before it. An update may START only while the bytes in flight are under the window; while it
 * is not, the encoder coalesces damage instead of queueing frames, so a slow link gets fewer,
 * fresher frames and never a backlog. Acks also give the round-trip time and the delivery rate
 * that quality adaptation and the window size follow.
 */

/** Window when nothing is known about the link yet, in bytes. */
export const WINDOW_INITIAL_BYTES = 512 * 1024;
/** Smallest window, in bytes: one typical full text frame fits. */
export const WINDOW_MIN_BYTES = 128 * 1024;
/** Largest window, in bytes. */
export const WINDOW_MAX_BYTES = 8 * 1024 * 1024;
/** The adaptive window holds this much time of the measured delivery rate, in ms. */
const WINDOW_TARGET_MS = 200;
/** Weight of a new sample in the moving averages. */
const EWMA_WEIGHT = 0.25;
/** Delivery-rate samples need at least this many bytes to mean anything. */
const RATE_MIN_SAMPLE_BYTES = 16 * 1024;

interface InFlight {
  seq: number;
  /** Cumulative bytes sent through this message. */
  endBytes: number;
  sentAt: number;
}

export interface FlowSnapshot {
  inFlightBytes: number;
  windowBytes: number;
  rttMs: number | null;
  /** Measured delivery rate, bytes per second (null until measured). */
  rateBps: number | null;
  sentBytes: number;
  ackedBytes: number;
}

export class FlowControl {
  private readonly pending: InFlight[] = [];
  private sent = 0;
  private acked = 0;
  private rtt: number | null = null;
  private rate: number | null = null;
  private window: number;

  /**
   * @param fixedWindowBytes a fixed window (tests, benchmarks); omitted: the window follows the
   *   delivery rate between WINDOW_MIN_BYTES and WINDOW_MAX_BYTES.
   */
  constructor(private readonly fixedWindowBytes?: number) {
    this.window = fixedWindowBytes ?? WINDOW_INITIAL_BYTES;
  }

  get inFlightBytes(): number {
    return this.sent - this.acked;
  }

  get windowBytes(): number {
    return this.window;
  }

  /** True when a new update may start. */
  canSend(): boolean {
    return this.inFlightBytes < this.window;
  }

  onSent(seq: number, bytes: number, now: number): void {
    this.sent += bytes;
    this.pending.push({ seq, endBytes: this.sent, sentAt: now });
  }

  /** Applies an ack; returns false (and changes nothing) for a sequence number not in flight. */
  onAck(seq: number, now: number): boolean {
    const k = this.pending.findIndex((p) => p.seq === seq);
    if (k < 0) return false;
    const entry = this.pending[k]!;
    const before = this.acked;
    this.pending.splice(0, k + 1);
    this.acked = entry.endBytes;
    const elapsed = Math.max(1, now - entry.sentAt);
    this.rtt = this.rtt === null ? elapsed : this.rtt + EWMA_WEIGHT * (elapsed - this.rtt);
    const delivered = this.acked - before;
    if (delivered >= RATE_MIN_SAMPLE_BYTES) {
      const sample = (delivered * 1000) / elapsed;
      this.rate = this.rate === null ? sample : this.rate + EWMA_WEIGHT * (sample - this.rate);
      if (this.fixedWindowBytes === undefined) {
        const target = (this.rate * WINDOW_TARGET_MS) / 1000;
        this.window = Math.round(Math.min(WINDOW_MAX_BYTES, Math.max(WINDOW_MIN_BYTES, target)));
      }
    }
    return true;
  }

  /** Forgets everything in flight (the viewer reset its stream). */
  clear(): void {
    this.pending.length = 0;
    this.acked = this.sent;
  }

  snapshot(): FlowSnapshot {
    return {
      inFlightBytes: this.inFlightBytes,
      windowBytes: this.window,
      rttMs: this.rtt,
      rateBps: this.rate,
      sentBytes: this.sent,
      ackedBytes: this.acked,
    };
  }
}
