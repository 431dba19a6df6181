/**
 * Byte-level reader and writer for the binary screen, cursor and ack payloads: big-endian fixed
 * fields and unsigned LEB128 varints (at most 32 bits). The reader never reads past its end: every
 * overrun throws ScreenFormatError('truncated'), so a decoder built on it cannot crash on short
 * input.
 */
import { ScreenFormatError } from './screen-format-error';

/** Longest varint we accept, in bytes (32-bit values). */
const VARINT_MAX_BYTES = 5;

export class ByteReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.byteLength - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.byteLength) throw new ScreenFormatError('truncated', 'payload ends early');
    return this.buf[this.pos++]!;
  }

  u16(): number {
    return (this.u8() << 8) | this.u8();
  }

  i16(): number {
    const v = this.u16();
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  /** Unsigned LEB128, at most 32 bits. */
  varint(): number {
    let result = 0;
    for (let i = 0; i < VARINT_MAX_BYTES; i++) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new ScreenFormatError('bad_value', 'varint larger than 32 bits');
        return result;
      }
    }
    throw new ScreenFormatError('bad_value', 'varint longer than 5 bytes');
  }

  /** A view (not a copy) of the next `n` bytes. */
  bytes(n: number): Uint8Array {
    if (n > this.remaining)
      throw new ScreenFormatError('truncated', `needs ${n} bytes, has ${this.remaining}`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Throws unless every byte was consumed (trailing garbage is a format error, not ignored). */
  end(): void {
    if (this.remaining !== 0) throw new ScreenFormatError('bad_value', `${this.remaining} trailing bytes`);
  }
}

/** Growable writer; `reset()` keeps the buffer so steady-state encoding allocates nothing. */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.byteLength) return;
    let size = this.buf.byteLength * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
  }

  i16(v: number): void {
    this.u16(v < 0 ? v + 0x10000 : v);
  }

  varint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`varint out of range: ${v}`);
    this.ensure(VARINT_MAX_BYTES);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** Reserves `n` bytes and returns a view to fill in place (valid until the next write). */
  reserve(n: number): Uint8Array {
    this.ensure(n);
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** A view of what was written (valid until the next write or reset). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Bytes a varint of `v` takes. */
export function varintBytes(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}
