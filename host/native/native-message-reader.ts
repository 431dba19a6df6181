/**
 * Reads native-messaging input: each message is a 4-byte length in the machine's byte order
 * (little-endian on x86 and ARM as browsers run them) followed by that many bytes of UTF-8 JSON.
 * A push-style state machine fed with whatever chunks stdin delivers (a message split over many
 * chunks, or many messages in one chunk).
 *
 * Limits: the length is compared to NATIVE_INBOUND_MAX_BYTES BEFORE a buffer is made for the body.
 * A length over the limit is fatal: we cannot skip up to 4 GiB of input to find the next message,
 * so the reader reports `message_too_large` with `fatal: true` and reads nothing more (the host
 * answers and exits). Bytes that are not UTF-8 spoil only their own message. Input that ends in
 * the middle of a message is reported as truncated.
 */
import { endianness } from 'node:os';
import { NATIVE_INBOUND_MAX_BYTES } from '../../protocol/limits';

export const NATIVE_LENGTH_BYTES = 4;

export type NativeReadEvent =
  | { kind: 'message'; text: string }
  | { kind: 'error'; code: 'message_too_large' | 'invalid_message'; message: string; fatal: boolean };

type ReaderState = 'length' | 'body' | 'closed';

export class NativeMessageReader {
  private state: ReaderState = 'length';
  private readonly lengthBytes = new Uint8Array(NATIVE_LENGTH_BYTES);
  private lengthFilled = 0;
  private body: Uint8Array = new Uint8Array(0);
  private bodyFilled = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly maxBytes: number = NATIVE_INBOUND_MAX_BYTES,
    private readonly littleEndian: boolean = endianness() === 'LE',
  ) {}

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Consumes one chunk; returns the messages and errors it completed, in order. */
  push(chunk: Uint8Array): NativeReadEvent[] {
    const events: NativeReadEvent[] = [];
    let at = 0;
    while (at < chunk.byteLength && this.state !== 'closed') {
      if (this.state === 'length') {
        const take = Math.min(NATIVE_LENGTH_BYTES - this.lengthFilled, chunk.byteLength - at);
        this.lengthBytes.set(chunk.subarray(at, at + take), this.lengthFilled);
        this.lengthFilled += take;
        at += take;
        if (this.lengthFilled < NATIVE_LENGTH_BYTES) break;
        const length = new DataView(this.lengthBytes.buffer).getUint32(0, this.littleEndian);
        this.lengthFilled = 0;
        if (length > this.maxBytes) {
          this.state = 'closed';
          events.push({
            kind: 'error',
            code: 'message_too_large',
            message: `message of ${length} bytes; the limit is ${this.maxBytes}`,
            fatal: true,
          });
          break;
        }
        this.body = new Uint8Array(length);
        this.bodyFilled = 0;
        this.state = 'body';
      }
      if (this.state === 'body') {
        const take = Math.min(this.body.byteLength - this.bodyFilled, chunk.byteLength - at);
        this.body.set(chunk.subarray(at, at + take), this.bodyFilled);
        this.bodyFilled += take;
        at += take;
        if (this.bodyFilled === this.body.byteLength) {
          events.push(this.decode(this.body));
          this.body = new Uint8Array(0);
          this.state = 'length';
        }
      }
    }
    return events;
  }

  /** The input ended: reports a message cut short, if one was in progress. */
  end(): NativeReadEvent[] {
    const where =
      this.state === 'body'
        ? `a message body (${this.bodyFilled} of ${this.body.byteLength} bytes)`
        : this.state === 'length' && this.lengthFilled > 0
          ? `a length prefix (${this.lengthFilled} of ${NATIVE_LENGTH_BYTES} bytes)`
          : null;
    this.state = 'closed';
    if (where === null) return [];
    return [{ kind: 'error', code: 'invalid_message', message: `input ended inside ${where}`, fatal: true }];
  }

  private decode(body: Uint8Array): NativeReadEvent {
    try {
      return { kind: 'message', text: this.decoder.decode(body) };
    } catch {
      return { kind: 'error', code: 'invalid_message', message: 'message is not UTF-8', fatal: false };
    }
  }
}
