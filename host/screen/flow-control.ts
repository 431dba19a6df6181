/**
 * Per-viewer flow control of the screen stream. Every screen message is recorded with its
 * sequence number and size; an ack for sequence `s` (ack-message.ts) retires `s` and everything
 * before it. An update may START only while the bytes in flight are under the window; while it
 * is not, the encoder coalesces damage instead of queueing frames, so a slow link gets fewer,
 * fresher frames and never a backlog. Acks also give the round trip, the base round trip and the
 * delivery rate (protocol/data/delivery-rate.ts, shared with the file window): the window holds
 * the rate for the base round trip plus SCREEN_QUEUE_TARGET_MS, so the screen never builds more
 * than about that much queue on the link, which is what the next update (a keystroke's echo)
 * waits behind. An update always starts when nothing is in flight, however small the window.
 */
import { DeliveryRate, type WindowPolicy } from '../../protocol/data/delivery-rate';

/** Window when nothing is known about the link yet, in bytes. */
export const WINDOW_INITIAL_BYTES = 512 * 1024;
/** Smallest window, in bytes (an update larger than this still starts once nothing is in flight). */
export const WINDOW_MIN_BYTES = 16 * 1024;
/** Largest window, in bytes. */
export const WINDOW_MAX_BYTES = 8 * 1024 * 1024;
/** Queue the screen may build on top of the base round trip, in ms. */
export const SCREEN_QUEUE_TARGET_MS = 100;

const SCREEN_WINDOW_POLICY: WindowPolicy = {
  initialBytes: WINDOW_INITIAL_BYTES,
  minBytes: WINDOW_MIN_BYTES,
  maxBytes: WINDOW_MAX_BYTES,
  queueTargetMs: SCREEN_QUEUE_TARGET_MS,
  // Typing and scrolling send a few hundred bytes at a time: they say how little there was to
  // send, not how fast the link is.
  minSampleBytes: 16 * 1024,
};

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
  /** Smallest round trip since the stream started, ms. */
  baseRttMs: number | null;
  /** Measured delivery rate, bytes per second (null until measured). */
  rateBps: number | null;
  sentBytes: number;
  ackedBytes: number;
}

export class FlowControl {
  private readonly pending: InFlight[] = [];
  private sent = 0;
  private acked = 0;
  private readonly link = new DeliveryRate();
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

  /**
   * True when a new update may start. `floorBytes` raises the window for this question (a playing
   * video keeps a few frames in flight: see ScreenEncoder.videoFloor).
   */
  canSend(floorBytes = 0): boolean {
    return this.inFlightBytes < Math.max(this.window, floorBytes);
  }

  onSent(seq: number, bytes: number, now: number): void {
    if (this.pending.length === 0) this.link.busyFrom(now);
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
    const stillBusy = this.pending.length > 0;
    const sampled = this.link.onAck(
      now - entry.sentAt,
      this.acked - before,
      now,
      stillBusy,
      SCREEN_WINDOW_POLICY,
    );
    if (sampled && this.fixedWindowBytes === undefined) this.window = this.link.window(SCREEN_WINDOW_POLICY);
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
      rttMs: this.link.rtt,
      baseRttMs: this.link.baseRtt,
      rateBps: this.link.rate,
      sentBytes: this.sent,
      ackedBytes: this.acked,
    };
  }
}
