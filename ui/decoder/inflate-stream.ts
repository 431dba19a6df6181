/**
 * The viewer's half of the persistent deflate stream (fflate's streaming Inflate: synchronous,
 * runs in browsers, workers and Node). Output is bounded: input goes in small pieces and the
 * output so far is checked after each, so a zip bomb costs at most one piece's expansion
 * (deflate expands at most ~1032x), never an unbounded allocation.
 */
import { Inflate } from 'fflate';
import { ScreenFormatError } from '../../protocol/screen/screen-format-error';

/** Compressed bytes pushed at a time, so one push can inflate to at most ~4 MiB. */
const PUSH_BYTES = 4096;

export class InflateStream {
  private readonly inflate = new Inflate();
  private chunks: Uint8Array[] = [];
  private produced = 0;

  constructor() {
    this.inflate.ondata = (chunk) => {
      this.chunks.push(chunk);
      this.produced += chunk.byteLength;
    };
  }

  /** Inflates one sync-flushed piece that must yield exactly `expected` bytes. */
  take(data: Uint8Array, expected: number): Uint8Array {
    this.chunks = [];
    this.produced = 0;
    try {
      for (let o = 0; o < data.byteLength; o += PUSH_BYTES) {
        this.inflate.push(data.subarray(o, Math.min(data.byteLength, o + PUSH_BYTES)));
        if (this.produced > expected) break;
      }
    } catch (e) {
      throw new ScreenFormatError(
        'bad_zlib',
        `inflate failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (this.produced !== expected) {
      throw new ScreenFormatError(
        'bad_zlib',
        `zlib section gave ${this.produced} bytes, operations need ${expected}`,
      );
    }
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(expected);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.byteLength;
    }
    return out;
  }
}
