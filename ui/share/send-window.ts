/**
 * Flow control of one watcher's screen stream, on the sharer's side: every screen message is
 * recorded with its sequence number and size; the watcher's ack for sequence `s` retires `s` and
 * everything before it (acks are cumulative: messages apply in order). A new update may start
 * only while the bytes in flight are under the window, so a slow link gets fewer, fresher
 * pictures and never a backlog. The acks also give the round-trip time and the delivery rate,
 * which set the window (WINDOW_TARGET_MS of the measured rate) and the JPEG quality
 * (jpeg-quality.ts). At most MAX_IN_FLIGHT_MESSAGES are remembered: past that the stream is
 * treated as full, so a watcher that never acks cannot grow this list.
 */

/** Window before anything is measured, in bytes. */
export const WINDOW_INITIAL_BYTES = 256 * 1024;
/** Smallest window, in bytes: a full 800x600 picture of JPEG strips fits. */
export const WINDOW_MIN_BYTES = 96 * 1024;
/** Largest window, in bytes. */
export const WINDOW_MAX_BYTES = 4 * 1024 * 1024;
/** The window holds this much time of the measured delivery rate, in ms. */
export const WINDOW_TARGET_MS = 250;
/** Most unacknowledged messages remembered; at this count the window counts as full. */
export const MAX_IN_FLIGHT_MESSAGES = 512;
/** Weight of a new sample in the moving averages. */
const EWMA_WEIGHT = 0.25;
/** A delivery-rate sample needs at least this many bytes to mean anything. */
const RATE_MIN_SAMPLE_BYTES = 8 * 1024;

interface InFlight {
  seq: number;
  /** Bytes sent up to and including this message. */
  endBytes: number;
  sentAt: number;
}

export interface WindowSnapshot {
  inFlightBytes: number;
  windowBytes: number;
  /** Smoothed round trip from send to ack, ms (null until the first ack). */
  rttMs: number | null;
  /** Smoothed delivery rate, bytes per second (null until measured). */
  rateBps: number | null;
}

export class SendWindow {
  private pending: InFlight[] = [];
  private sent = 0;
  private acked = 0;
  private rtt: number | null = null;
  private rate: number | null = null;
  private window = WINDOW_INITIAL_BYTES;

  get inFlightBytes(): number {
    return this.sent - this.acked;
  }

  /** True when a new update may start. */
  canSend(): boolean {
    return this.inFlightBytes < this.window && this.pending.length < MAX_IN_FLIGHT_MESSAGES;
  }

  onSent(seq: number, bytes: number, now: number): void {
    this.sent += bytes;
    this.pending.push({ seq, endBytes: this.sent, sentAt: now });
  }

  /** Applies a cumulative ack; false (nothing changes) for a sequence number not in flight. */
  onAck(seq: number, now: number): boolean {
    const k = this.pending.findIndex((p) => p.seq === seq);
    if (k < 0) return false;
    const entry = this.pending[k]!;
    const before = this.acked;
    this.pending = this.pending.slice(k + 1);
    this.acked = entry.endBytes;
    const elapsed = Math.max(1, now - entry.sentAt);
    this.rtt = this.rtt === null ? elapsed : this.rtt + EWMA_WEIGHT * (elapsed - this.rtt);
    const delivered = this.acked - before;
    if (delivered >= RATE_MIN_SAMPLE_BYTES) {
      const sample = (delivered * 1000) / elapsed;
      this.rate = this.rate === null ? sample : this.rate + EWMA_WEIGHT * (sample - this.rate);
      const target = (this.rate * WINDOW_TARGET_MS) / 1000;
      this.window = Math.round(Math.min(WINDOW_MAX_BYTES, Math.max(WINDOW_MIN_BYTES, target)));
    }
    return true;
  }

  /** Forgets everything in flight (the stream starts over with a RESET). */
  clear(): void {
    this.pending = [];
    this.acked = this.sent;
  }

  snapshot(): WindowSnapshot {
    return {
      inFlightBytes: this.inFlightBytes,
      windowBytes: this.window,
      rttMs: this.rtt,
      rateBps: this.rate,
    };
  }
}
