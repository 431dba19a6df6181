/**
 * How fast one socket may send text messages: a token bucket of INBOUND_BURST messages refilled
 * at INBOUND_MESSAGES_PER_S. Every text message costs the server a parse, a validation and
 * usually an answer; without a rate, one socket sending tiny messages as fast as TCP carries
 * them keeps a core busy (tens of thousands a second) even when every answer is an error.
 * Working clients send a few a second (chat, typing, presence, screen requests); binary
 * data-plane frames are not counted (the relay paces them by their destination).
 *
 * Past the bucket, the socket stops being read for INBOUND_PAUSE_MS (TCP slows the sender), and
 * the messages that were already read meanwhile are dropped, not handled, with ONE `backpressure`
 * error saying how many (never silently; one answer, not one per message, so dropping stays
 * cheap). That error counts as a protocol violation, so a client that keeps flooding is closed.
 */

/** Text messages a socket may send per second, sustained. */
export const INBOUND_MESSAGES_PER_S = 100;
/** Text messages a socket may send in a burst. */
export const INBOUND_BURST = 200;
/** How long reading stops once the bucket is empty, in ms. */
export const INBOUND_PAUSE_MS = 1_000;

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

  /** Counts one message; false when the socket has sent too many and this one must be dropped. */
  take(now: number = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
