/**
 * Packs operations into screen UPDATE messages of at most SCREEN_MESSAGE_MAX_BYTES. Operation
 * headers and JPEG bytes go in as they come; PALETTE/RAW data is written straight into the
 * message's lossless section, which is deflated (persistent stream) when the message closes. A
 * message closes when the next operation could push its worst-case size over the limit, so the
 * limit holds even for incompressible data. The last message of an update carries END. One
 * builder serves a whole stream (its buffers are reused): `finish` leaves it empty.
 *
 * A message also closes once it holds MESSAGE_PART_INPUT_BYTES of input, and with `streamTo` the
 * messages that are complete and not the update's last leave at once, while the rest of the
 * update is still being encoded: a large update (the first full picture) then crosses the link
 * and is decoded by the viewer in parts, instead of everything waiting for the whole encode and
 * the viewer's decode waiting for the whole message (measured by bench/screen/first-picture-bench.ts).
 */
import {
  ByteWriter,
  SCREEN_MAX_INFLATED_BYTES,
  SCREEN_MAX_OPS_PER_MESSAGE,
  SCREEN_MESSAGE_MAX_BYTES,
  writeOperation,
  writeUpdateHeader,
  type ScreenOperation,
} from '../../protocol/screen';
import type { DeflateStream } from './deflate-stream';

/** Worst-case bytes of an operation header (op, 4 varints, extra fields). */
const OP_HEADER_MAX_BYTES = 40;
/** Room for the message header and the zlib length. */
const MESSAGE_OVERHEAD_BYTES = 32;

/**
 * Input (operation headers, JPEG bytes, lossless data before deflate) at which a message closes
 * even below the size limit, in bytes. Big enough that the per-message costs (a sync flush, a
 * header, the seal and the ack: ~50 bytes) stay under 0.1% of a full picture; small enough that a
 * 1080p first picture leaves in several parts (its lossless data is 1-8 MB before deflate).
 */
export const MESSAGE_PART_INPUT_BYTES = 256 * 1024;

/** Deflate's worst case for `n` stored bytes: 5 bytes per 16 KiB block plus the flush marker. */
function deflateBound(n: number): number {
  return n + Math.ceil(n / 16_384) * 5 + 16;
}

interface ClosedPart {
  ops: Uint8Array;
  opCount: number;
  zlib: Uint8Array;
}

export class MessageBuilder {
  private ops = new ByteWriter(4096);
  private opCount = 0;
  /** Lossless section input; zlib has consumed it when `compress` resolves, so it is reused. */
  private readonly lossless = new ByteWriter(64 * 1024);
  private readonly parts: ClosedPart[] = [];
  /** Bytes of the open message's lossless section that are GRADIENT residuals. */
  private residualBytes = 0;

  /** Where complete messages that are not an update's last go at once (null: they wait for finish). */
  private sink: { nextSeq: () => number; send: (message: Uint8Array) => void } | null = null;

  constructor(
    private readonly deflate: DeflateStream,
    private readonly partInputBytes = MESSAGE_PART_INPUT_BYTES,
  ) {}

  /**
   * From now on, every message known not to be its update's last (another operation follows it)
   * is numbered by `nextSeq` and given to `send` as soon as it is closed; null: they wait for
   * finish. Messages keep their order and numbering either way.
   */
  streamTo(nextSeq: () => number, send: ((message: Uint8Array) => void) | null): void {
    this.sink = send ? { nextSeq, send } : null;
  }

  private worstCase(extraOps: number, extraLossless: number): number {
    return (
      MESSAGE_OVERHEAD_BYTES + this.ops.length + extraOps + deflateBound(this.lossless.length + extraLossless)
    );
  }

  /**
   * Adds an operation. For PALETTE/RAW, `dataBytes` is the size of its lossless data and the
   * returned view must be filled with exactly that data; otherwise the result is null.
   */
  async add(op: ScreenOperation, dataBytes = 0): Promise<Uint8Array | null> {
    const opBytes = OP_HEADER_MAX_BYTES + (op.op === 'jpeg' ? op.data.byteLength : 0);
    if (
      this.opCount > 0 &&
      (this.worstCase(opBytes, dataBytes) > SCREEN_MESSAGE_MAX_BYTES ||
        this.lossless.length + dataBytes > SCREEN_MAX_INFLATED_BYTES ||
        this.opCount + 1 > SCREEN_MAX_OPS_PER_MESSAGE ||
        this.ops.length + this.lossless.length + opBytes + dataBytes > this.partInputBytes)
    ) {
      await this.close();
      // This operation follows them: the messages closed so far are not the update's last.
      if (this.sink) for (const m of this.take(false)) this.sink.send(m);
    }
    if (
      this.worstCase(opBytes, dataBytes) > SCREEN_MESSAGE_MAX_BYTES ||
      dataBytes > SCREEN_MAX_INFLATED_BYTES
    ) {
      throw new RangeError(`operation too large for one message (${opBytes} + ${dataBytes} bytes)`);
    }
    writeOperation(this.ops, op);
    this.opCount++;
    if (op.op === 'gradient') this.residualBytes += dataBytes;
    return dataBytes > 0 ? this.lossless.reserve(dataBytes) : null;
  }

  get empty(): boolean {
    return this.opCount === 0 && this.parts.length === 0;
  }

  /** Closes the open message, if any (deflating its lossless section). */
  private async close(): Promise<void> {
    if (this.opCount === 0) return;
    const input = this.lossless.view();
    const content = this.residualBytes * 2 > input.byteLength ? 'residuals' : 'indices';
    const zlib = input.byteLength > 0 ? await this.deflate.compress(input, content) : new Uint8Array(0);
    this.residualBytes = 0;
    this.parts.push({ ops: this.ops.toBytes(), opCount: this.opCount, zlib });
    this.ops.reset();
    this.opCount = 0;
    this.lossless.reset();
  }

  /**
   * Ends the update: the messages not streamed yet (at least the last, kept for END), in order,
   * sequence numbers from `nextSeq()` after the streamed ones, END on the last.
   */
  async finish(nextSeq: () => number): Promise<Uint8Array[]> {
    await this.close();
    return this.take(true, nextSeq);
  }

  /** Writes out the closed parts (END on the last when `end`) and forgets them. */
  private take(end: boolean, nextSeq = this.sink?.nextSeq): Uint8Array[] {
    if (!nextSeq) return [];
    const out: Uint8Array[] = [];
    this.parts.forEach((part, i) => {
      const w = new ByteWriter(part.ops.byteLength + part.zlib.byteLength + 16);
      writeUpdateHeader(w, nextSeq(), end && i === this.parts.length - 1, part.opCount);
      w.bytes(part.ops);
      w.varint(part.zlib.byteLength);
      w.bytes(part.zlib);
      out.push(w.toBytes());
    });
    this.parts.length = 0;
    return out;
  }
}
