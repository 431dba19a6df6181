/**
 * The order check of a screen stream as a viewer receives it (the agent's viewer, the customer
 * watching the agent's screen): a RESET starts a stream, then each message must carry the next
 * sequence number. A gap or a message without a sequence number breaks the stream, and nothing
 * more may be applied until the next RESET (which the owner asks for): the picture is either
 * right or visibly being repaired, never silently wrong.
 */
import { SCREEN_KIND, screenMessageSeq } from '../../protocol/screen/screen-message';

export type ScreenOrderVerdict =
  /** A RESET: a new stream starts with this message. */
  | { kind: 'reset'; seq: number }
  /** The message due next in the stream: apply it. */
  | { kind: 'next'; seq: number }
  /** No stream (not started yet, or broken): not applied, the owner waits for its RESET. */
  | { kind: 'waiting'; seq: number }
  /** Out of order: the stream is broken. */
  | { kind: 'gap'; seq: number; expected: number }
  /** No sequence number could be read: the stream is broken. */
  | { kind: 'malformed' };

export class ScreenOrder {
  /** Sequence number due next; null while there is no stream. */
  private expected: number | null = null;

  /** A stream is running (from a RESET on, unbroken). */
  get inStream(): boolean {
    return this.expected !== null;
  }

  /** Checks one screen message (plaintext) and moves the stream on. */
  check(payload: Uint8Array): ScreenOrderVerdict {
    let seq: number;
    try {
      seq = screenMessageSeq(payload);
    } catch {
      this.expected = null;
      return { kind: 'malformed' };
    }
    if (payload[0] === SCREEN_KIND.reset) {
      this.expected = (seq + 1) >>> 0;
      return { kind: 'reset', seq };
    }
    if (this.expected === null) return { kind: 'waiting', seq };
    if (seq !== this.expected) {
      const expected = this.expected;
      this.expected = null;
      return { kind: 'gap', seq, expected };
    }
    this.expected = (seq + 1) >>> 0;
    return { kind: 'next', seq };
  }

  /** Ends the stream: nothing is applied until the next RESET. */
  drop(): void {
    this.expected = null;
  }
}
