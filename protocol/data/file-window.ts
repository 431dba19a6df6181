/**
 * The sender's window for file chunks (both directions use it: the viewer when it uploads, the
 * helper when it sends a file). A chunk may be sent while the bytes sent and not yet acknowledged
 * are under the window; acknowledgements (`file.ack`, cumulative per transfer) free them, and
 * give round-trip and delivery-rate samples.
 *
 * The window (delivery-rate.ts) holds the measured delivery rate for the base round trip plus
 * FILE_QUEUE_TARGET_MS: enough to keep the link busy (several MiB on a fast link, never one chunk
 * per round trip), but no more than about FILE_QUEUE_TARGET_MS of queue ahead of anything else on
 * the link. Files share the link with the screen, input and acks: that queue is the delay a screen
 * update waits behind file data. Several transfers on one link share one window.
 */
import { DeliveryRate, type WindowPolicy } from './delivery-rate';

/** Window before anything is measured, in bytes. */
export const FILE_WINDOW_INITIAL_BYTES = 2 * 1024 * 1024;
/** Smallest window, in bytes: two chunks, so one is on its way while the other's ack returns. */
export const FILE_WINDOW_MIN_BYTES = 512 * 1024;
/** Largest window, in bytes (also what a receiver tolerates queued before it calls the sender broken). */
export const FILE_WINDOW_MAX_BYTES = 16 * 1024 * 1024;
/** Queue the window may add on top of the base round trip, in ms. */
export const FILE_QUEUE_TARGET_MS = 40;

const FILE_WINDOW_POLICY: WindowPolicy = {
  initialBytes: FILE_WINDOW_INITIAL_BYTES,
  minBytes: FILE_WINDOW_MIN_BYTES,
  maxBytes: FILE_WINDOW_MAX_BYTES,
  queueTargetMs: FILE_QUEUE_TARGET_MS,
  minSampleBytes: 0,
};

interface Sent {
  id: string;
  end: number;
  bytes: number;
  at: number;
}

export interface FileWindowSnapshot {
  inFlightBytes: number;
  windowBytes: number;
  baseRttMs: number | null;
  rttMs: number | null;
  /** Delivery rate, bytes per second (null until measured). */
  rateBps: number | null;
}

export class FileWindow {
  private readonly sent: Sent[] = [];
  private inFlight = 0;
  private window = FILE_WINDOW_INITIAL_BYTES;
  private readonly link = new DeliveryRate();

  /** @param fixedBytes a fixed window (tests); omitted, the window adapts as above. */
  constructor(private readonly fixedBytes?: number) {
    if (fixedBytes !== undefined) this.window = fixedBytes;
  }

  get inFlightBytes(): number {
    return this.inFlight;
  }

  get windowBytes(): number {
    return this.window;
  }

  /** True while another chunk may go. */
  canSend(): boolean {
    return this.inFlight < this.window;
  }

  /** Records a chunk of transfer `id` that ends at file offset `end`. */
  onSent(id: string, end: number, bytes: number, now: number): void {
    this.sent.push({ id, end, bytes, at: now });
    this.inFlight += bytes;
    // Idle until now: the rate sample starts with this chunk, not at the last ack.
    if (this.sent.length === 1) this.link.busyFrom(now);
  }

  /** A cumulative ack of transfer `id` up to `offset`; returns the bytes it freed. */
  onAck(id: string, offset: number, now: number): number {
    let freed = 0;
    let newest: Sent | null = null;
    for (let i = 0; i < this.sent.length; ) {
      const s = this.sent[i]!;
      if (s.id === id && s.end <= offset) {
        freed += s.bytes;
        newest = s;
        this.sent.splice(i, 1);
      } else i++;
    }
    if (freed === 0 || newest === null) return 0;
    this.inFlight -= freed;
    const sampled = this.link.onAck(now - newest.at, freed, now, this.sent.length > 0, FILE_WINDOW_POLICY);
    if (sampled && this.fixedBytes === undefined) this.window = this.link.window(FILE_WINDOW_POLICY);
    return freed;
  }

  /** Forgets what is in flight for `id` (done, cancelled, or rewound to an earlier offset). */
  forget(id: string): void {
    for (let i = 0; i < this.sent.length; ) {
      const s = this.sent[i]!;
      if (s.id === id) {
        this.inFlight -= s.bytes;
        this.sent.splice(i, 1);
      } else i++;
    }
  }

  /** The link went away: nothing is in flight; the next link is measured afresh. */
  clear(): void {
    this.sent.length = 0;
    this.inFlight = 0;
    this.link.reset();
    if (this.fixedBytes === undefined) this.window = FILE_WINDOW_INITIAL_BYTES;
  }

  snapshot(): FileWindowSnapshot {
    return {
      inFlightBytes: this.inFlight,
      windowBytes: this.window,
      baseRttMs: this.link.baseRtt,
      rttMs: this.link.rtt,
      rateBps: this.link.rate,
    };
  }
}
