/**
 * Recordings of the encoder's work, for a replay that times the encoder alone (encoder-replay-
 * bench.ts). On a machine shared by several engineers, wall-clock and even per-process CPU figures
 * of a live desktop move with the load; replaying the same captured frames through
 * `UpdateEncoder` is deterministic, so two versions of the encoder compare exactly (same frames,
 * same damage, same clock values, same bytes out when nothing changed).
 *
 * `BENCH_RECORD=file` in the helper child (helper-child.ts) wraps `UpdateEncoder.prototype.reset`
 * and `encode` and appends every call to `file`, pixels uncompressed (a write of each capture
 * costs the child a few ms; a deflate of 8 MB cost it 30-100 ms under load and slowed the very
 * updates being recorded: record in a separate run from the one measured all the same). A
 * 4-minute GUI benchmark writes about 1.5 GB.
 *
 * File layout, one record after the other:
 *   u32 LE header length, header JSON (RecordHeader), u32 LE data length, pixels (`encode` only:
 *   the frame's rows, stride = width * 4; empty for `reset`).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { PixelBuffer, Rect } from '../../host/platform/types';
import type { EncodeQuality } from '../../host/screen/rect-encoder';
import { UpdateEncoder, type EncodeOptions } from '../../host/screen/update-encoder';

export type RecordHeader =
  | { kind: 'reset'; width: number; height: number }
  | {
      kind: 'encode';
      width: number;
      height: number;
      damage: Rect[] | null;
      quality: EncodeQuality;
      origin: { x: number; y: number };
      now: number;
      refresh: boolean;
    };

export interface RecordedCall {
  header: RecordHeader;
  frame: PixelBuffer | null;
}

const LEN_BYTES = 4;
/** Largest header accepted when reading, in bytes (a damage list of thousands of rectangles fits). */
const HEADER_MAX_BYTES = 1 << 20;

function writeRecord(fd: number, header: RecordHeader, data: Uint8Array): void {
  const h = Buffer.from(JSON.stringify(header));
  const lens = Buffer.alloc(LEN_BYTES);
  lens.writeUInt32LE(h.byteLength);
  writeSync(fd, lens);
  writeSync(fd, h);
  const d = Buffer.alloc(LEN_BYTES);
  d.writeUInt32LE(data.byteLength);
  writeSync(fd, d);
  if (data.byteLength > 0) writeSync(fd, data);
}

/** Tight rows of `frame` (the capture buffer is reused by the next capture, so it is copied now). */
function tightRows(frame: PixelBuffer): Uint8Array {
  const row = frame.width * 4;
  if (frame.stride === row) return frame.data.subarray(0, row * frame.height);
  const out = new Uint8Array(row * frame.height);
  for (let y = 0; y < frame.height; y++)
    out.set(frame.data.subarray(y * frame.stride, y * frame.stride + row), y * row);
  return out;
}

/** Makes every UpdateEncoder in this process append its calls to `file`. */
export function recordUpdateEncoderCalls(file: string): void {
  const fd = openSync(file, 'w');
  const proto = UpdateEncoder.prototype;
  const reset = proto.reset;
  const encode = proto.encode;
  proto.reset = function (this: UpdateEncoder, width: number, height: number) {
    writeRecord(fd, { kind: 'reset', width, height }, new Uint8Array(0));
    return reset.call(this, width, height);
  };
  proto.encode = function (
    this: UpdateEncoder,
    frame: PixelBuffer,
    damage: readonly Rect[] | null,
    quality: EncodeQuality,
    options: EncodeOptions = {},
  ) {
    writeRecord(
      fd,
      {
        kind: 'encode',
        width: frame.width,
        height: frame.height,
        damage: damage === null ? null : damage.map((r) => ({ ...r })),
        quality: { ...quality },
        origin: options.origin ?? { x: 0, y: 0 },
        now: options.now ?? 0,
        refresh: options.refresh ?? false,
      },
      tightRows(frame),
    );
    return encode.call(this, frame, damage, quality, options);
  };
  process.once('exit', () => closeSync(fd));
}

/** Reads a recording one call at a time; a frame's pixels are valid until the next call is read. */
export function* readRecording(file: string): Generator<RecordedCall> {
  const fd = openSync(file, 'r');
  const lens = Buffer.alloc(LEN_BYTES);
  let scratch = Buffer.alloc(0);
  let pos = 0;
  const readExactly = (buf: Buffer): boolean => {
    let got = 0;
    while (got < buf.byteLength) {
      const n = readSync(fd, buf, got, buf.byteLength - got, pos);
      if (n === 0) return false;
      got += n;
      pos += n;
    }
    return true;
  };
  try {
    for (;;) {
      if (!readExactly(lens)) return;
      const hl = lens.readUInt32LE(0);
      if (hl > HEADER_MAX_BYTES) throw new Error(`recording: header of ${hl} bytes`);
      const h = Buffer.alloc(hl);
      if (!readExactly(h)) throw new Error('recording: truncated header');
      const header = JSON.parse(h.toString()) as RecordHeader;
      if (!readExactly(lens)) throw new Error('recording: truncated record');
      const n = lens.readUInt32LE(0);
      // One buffer for every frame (no garbage for the collector to sweep while the encoder is timed).
      if (scratch.byteLength < n) scratch = Buffer.alloc(n);
      const data = scratch.subarray(0, n);
      if (!readExactly(data)) throw new Error('recording: truncated pixels');
      if (header.kind === 'reset') {
        yield { header, frame: null };
        continue;
      }
      const pixels = data;
      if (pixels.byteLength !== header.width * header.height * 4)
        throw new Error(`recording: ${pixels.byteLength} bytes for ${header.width}x${header.height}`);
      yield {
        header,
        frame: { width: header.width, height: header.height, stride: header.width * 4, data: pixels },
      };
    }
  } finally {
    closeSync(fd);
  }
}
