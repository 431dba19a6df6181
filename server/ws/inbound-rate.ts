/**
 * How fast one socket's text messages are handled: a token bucket of INBOUND_BURST messages
 * refilled at INBOUND_MESSAGES_PER_S. Every text message costs the server a parse, a validation
 * and usually an answer; without a rate, one socket sending tiny messages as fast as TCP carries
 * them keeps a core busy (tens of thousands a second) even when every answer is an error.
 * Working clients send a few a second (chat, typing, presence, screen requests); binary
 * data-plane frames are not charged (the relay paces them by their destination).
 *
 * Past the bucket a socket is slowed, not cut, and nothing is dropped: its reading stops (TCP
 * slows the sender) and the messages already read meanwhile wait, in order, to be handled as
 * tokens come back; reading resumes once they are all handled. Binary frames that arrive behind
 * waiting text wait too, so a connection's order is kept. What waits is what the socket had
 * already read when reading paused (ws parses a whole read at once), copied out of the read
 * buffer so that buffer can go; past INBOUND_WAITING_MAX messages or INBOUND_WAITING_MAX_BYTES
 * the rest of that read is dropped, with one `backpressure` notice saying how many (a working
 * client never sends that many at once: hundreds of requests fit).
 */

/** Text messages a socket may send per second, sustained. */
export const INBOUND_MESSAGES_PER_S = 100;
/** Text messages a socket may send in a burst. */
export const INBOUND_BURST = 200;
/** Messages waiting for their turn past which more are dropped. */
export const INBOUND_WAITING_MAX = 1000;
/** Bytes of messages waiting for their turn past which more are dropped. */
export const INBOUND_WAITING_MAX_BYTES = 256 * 1024;

export class InboundRate {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number = INBOUND_MESSAGES_PER_S,
    private readonly burst: number = INBOUND_BURST,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }

  /** Counts one message; false when there is no token for it now. */
  take(now: number = performance.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  waitMs(now: number = performance.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

export interface InboundGateHooks {
  /** Handles one message, in arrival order. */
  handle(data: Buffer, isBinary: boolean): void;
  pause(): void;
  resume(): void;
  /** Messages were dropped past the waiting limits (told once per slowdown). */
  dropped(count: number): void;
}

/** One socket's messages on their way in: handled at once while under the rate, else in turn. */
export class InboundGate {
  private readonly waiting: { data: Buffer; isBinary: boolean; charged: boolean }[] = [];
  private waitingBytes = 0;
  private dropCount = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly hooks: InboundGateHooks,
    private readonly rate: InboundRate = new InboundRate(),
    private readonly maxWaitingBytes: number = INBOUND_WAITING_MAX_BYTES,
    private readonly maxWaiting: number = INBOUND_WAITING_MAX,
  ) {}

  /** A message arrived; `charged`: it costs a token (text, or anything before the hello). */
  push(data: Buffer, isBinary: boolean, charged: boolean): void {
    if (this.closed) return;
    if (this.waiting.length === 0 && (!charged || this.rate.take())) {
      this.hooks.handle(data, isBinary);
      return;
    }
    if (this.waiting.length >= this.maxWaiting || this.waitingBytes + data.length > this.maxWaitingBytes) {
      this.dropCount++;
      return;
    }
    // A copy: `data` may be a view of the whole socket read, which must not stay alive for it.
    this.waiting.push({ data: Buffer.from(data), isBinary, charged });
    this.waitingBytes += data.length;
    if (this.timer === null) {
      this.hooks.pause();
      this.schedule();
    }
  }

  /** The socket closed: nothing more is handled. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.drain(), Math.max(1, this.rate.waitMs()));
    this.timer.unref();
  }

  private drain(): void {
    this.timer = null;
    if (this.closed) return;
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (next.charged && !this.rate.take()) break;
      this.waiting.shift();
      this.waitingBytes -= next.data.length;
      this.hooks.handle(next.data, next.isBinary);
      if (this.closed) return;
    }
    if (this.waiting.length > 0) {
      this.schedule();
      return;
    }
    if (this.dropCount > 0) {
      this.hooks.dropped(this.dropCount);
      this.dropCount = 0;
    }
    this.hooks.resume();
  }
}
