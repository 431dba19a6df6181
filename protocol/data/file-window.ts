/**
 * The sender's window for file chunks (both directions use it: the viewer when it uploads, the
 * helper when it sends a file). A chunk may be sent while the bytes sent and not yet acknowledged
 * are under the window; acknowledgements (`file.ack`, cumulative per transfer) free them, and
 * give round-trip and delivery-rate samples.
 *
 * The window holds the measured delivery rate for the base round trip (the smallest one on this
 * link, i.e. the link without our own queue) plus FILE_QUEUE_TARGET_MS: enough to keep the link busy
 * (several MiB on a fast link, never one chunk per round trip), but no more than about
 * FILE_QUEUE_TARGET_MS of queue ahead of anything else on the link. Files share the link with
 * the screen, input and acks: that queue is the delay a screen update waits behind file data.
 * If the window is larger than the link needs, the round trip grows by the queue and the rate
 * stays; so the window follows the rate down to base + target. If it is smaller, the rate grows
 * with it. Several transfers on one link share one window.
 *
 * The base round trip is the smallest sample since the link came up (clear() starts over): a
 * base that forgot old samples would, under a queue that never drains while a file streams,
 * take the queue for the base and let the window ratchet up by the target every period.
 */

/** Window before anything is measured, in bytes. */
export const FILE_WINDOW_INITIAL_BYTES = 2 * 1024 * 1024;
/** Smallest window, in bytes: two chunks, so one is on its way while the other's ack returns. */
export const FILE_WINDOW_MIN_BYTES = 512 * 1024;
/** Largest window, in bytes (also what a receiver tolerates queued before it calls the sender broken). */
export const FILE_WINDOW_MAX_BYTES = 16 * 1024 * 1024;
/** Queue the window may add on top of the base round trip, in ms. */
export const FILE_QUEUE_TARGET_MS = 40;
/** Weight of a new delivery-rate sample. */
const RATE_EWMA_WEIGHT = 0.25;
/** A delivery-rate sample spans at least this long, in ms (acks of one burst arrive together). */
const RATE_SAMPLE_MIN_MS = 10;

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
  private rate: number | null = null;
  private rtt: number | null = null;
  private baseRtt = Infinity;
  private sampleStart: number | null = null;
  private sampleBytes = 0;

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
    if (this.sent.length === 1) {
      this.sampleStart = now;
      this.sampleBytes = 0;
    }
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
    this.sample(now - newest.at, freed, now);
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
    this.sampleStart = null;
    this.sampleBytes = 0;
    this.baseRtt = Infinity;
    this.rate = null;
    this.rtt = null;
    if (this.fixedBytes === undefined) this.window = FILE_WINDOW_INITIAL_BYTES;
  }

  snapshot(): FileWindowSnapshot {
    return {
      inFlightBytes: this.inFlight,
      windowBytes: this.window,
      baseRttMs: Number.isFinite(this.baseRtt) ? this.baseRtt : null,
      rttMs: this.rtt,
      rateBps: this.rate,
    };
  }

  private sample(rttMs: number, bytes: number, now: number): void {
    const rtt = Math.max(0.1, rttMs);
    this.rtt = this.rtt === null ? rtt : this.rtt + RATE_EWMA_WEIGHT * (rtt - this.rtt);
    this.baseRtt = Math.min(this.baseRtt, rtt);
    this.sampleBytes += bytes;
    this.sampleStart ??= now - rtt;
    const span = now - this.sampleStart;
    if (span < RATE_SAMPLE_MIN_MS) return;
    const rate = (this.sampleBytes * 1000) / span;
    this.rate = this.rate === null ? rate : this.rate + RATE_EWMA_WEIGHT * (rate - this.rate);
    this.sampleBytes = 0;
    this.sampleStart = this.sent.length > 0 ? now : null;
    if (this.fixedBytes !== undefined) return;
    const target = (this.rate * (this.baseRtt + FILE_QUEUE_TARGET_MS)) / 1000;
    this.window = Math.round(Math.min(FILE_WINDOW_MAX_BYTES, Math.max(FILE_WINDOW_MIN_BYTES, target)));
  }
}
