import { describe, expect, it } from 'vitest';
import { downscaleBgrx } from '../../../host/screen/downscale';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { PixelViewer } from '../../../host/screen/pixel-view';
import {
  ByteWriter,
  parseScreenMessage,
  ScreenFormatError,
  writeOperation,
  writeReset,
  writeUpdateHeader,
  type ScreenOperation,
} from '../../../protocol/screen';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { stretchRgba } from '../../../ui/decoder/stretch';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { blank, fill } from './synthetic';

const FRAME = { width: 64, height: 48 };

function update(op: ScreenOperation): Uint8Array {
  const w = new ByteWriter();
  writeUpdateHeader(w, 2, true, 1);
  writeOperation(w, op);
  w.varint(0);
  return w.toBytes();
}

function reset(): Uint8Array {
  const w = new ByteWriter();
  writeReset(w, 1, FRAME.width, FRAME.height);
  return w.toBytes();
}

/** A JPEG of a flat colour, `w` x `h`. */
function jpegOf(w: number, h: number, rgb: number): Uint8Array {
  const pb = blank(w, h, rgb);
  return new TurboJpegEncoder().encode(new PixelViewer().view(pb), { x: 0, y: 0, width: w, height: h }, 95);
}

describe('JPEG_SCALED on the wire', () => {
  it('round-trips its fields', () => {
    const data = jpegOf(16, 12, 0x336699);
    const op: ScreenOperation = { op: 'jpegScaled', x: 8, y: 4, w: 32, h: 24, sw: 16, sh: 12, data };
    const parsed = parseScreenMessage(update(op), FRAME);
    expect(parsed.kind === 'update' && parsed.ops).toEqual([op]);
  });

  it('refuses a scaled JPEG larger than its rectangle or empty, on both sides', () => {
    const data = jpegOf(16, 12, 0x336699);
    for (const [sw, sh] of [
      [33, 24],
      [32, 25],
      [0, 12],
      [16, 0],
    ] as const) {
      expect(() => update({ op: 'jpegScaled', x: 8, y: 4, w: 32, h: 24, sw, sh, data })).toThrow(RangeError);
      // The same operation written by hand, as a hostile helper would.
      const w = new ByteWriter();
      writeUpdateHeader(w, 2, true, 1);
      for (const v of [7, 8, 4, 32, 24, sw, sh, data.byteLength]) w.varint(v);
      w.bytes(data);
      w.varint(0);
      expect(() => parseScreenMessage(w.toBytes(), FRAME)).toThrow(ScreenFormatError);
    }
  });

  it('is decoded and stretched over its rectangle; a JPEG of another size than announced is refused', async () => {
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    await dec.apply(reset());
    const data = jpegOf(16, 12, 0x336699);
    const r = await dec.apply(update({ op: 'jpegScaled', x: 8, y: 4, w: 32, h: 24, sw: 16, sh: 12, data }));
    expect(r.rects).toEqual([{ x: 8, y: 4, width: 32, height: 24 }]);
    const fb = dec.framebuffer!;
    const at = (x: number, y: number) =>
      Array.from(fb.data.subarray((y * fb.width + x) * 4, (y * fb.width + x) * 4 + 4));
    for (const [x, y] of [
      [8, 4],
      [39, 27],
      [20, 15],
    ] as const) {
      const [red, g, b, a] = at(x, y);
      expect(Math.abs(red! - 0x33) + Math.abs(g! - 0x66) + Math.abs(b! - 0x99)).toBeLessThan(8);
      expect(a).toBe(255);
    }
    expect(at(7, 4)).toEqual([0, 0, 0, 0]); // nothing outside the rectangle
    expect(at(40, 4)).toEqual([0, 0, 0, 0]);
    const wrong = await dec
      .apply(update({ op: 'jpegScaled', x: 8, y: 4, w: 32, h: 24, sw: 16, sh: 10, data }))
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ScreenFormatError);
    expect((wrong as ScreenFormatError).code).toBe('bad_jpeg');
  });
});

describe('downscaleBgrx and stretchRgba', () => {
  it('averages each footprint when reducing', () => {
    const pb = blank(4, 2, 0x000000);
    fill(pb, { x: 0, y: 0, width: 1, height: 2 }, 0x646464); // 100
    fill(pb, { x: 1, y: 0, width: 1, height: 2 }, 0xc8c8c8); // 200
    fill(pb, { x: 2, y: 0, width: 2, height: 1 }, 0x0a0a0a); // 10 over 0
    const out = new Uint32Array(2);
    downscaleBgrx(new PixelViewer().view(pb), { x: 0, y: 0, width: 4, height: 2 }, 2, 1, out);
    expect(out[0]! & 255).toBe(150);
    expect(out[1]! & 255).toBe(5);
    expect(() =>
      downscaleBgrx(new PixelViewer().view(pb), { x: 0, y: 0, width: 4, height: 2 }, 5, 1, out),
    ).toThrow(RangeError);
  });

  it('interpolates between source pixels and keeps the ends', () => {
    // 2x1 source: 0 and 200 -> 4x1: ends take the end values, the middle is blended.
    const src = new Uint8Array([0, 0, 0, 255, 200, 200, 200, 255]);
    const dst = new Uint8ClampedArray(4 * 4);
    stretchRgba(src, 2, 1, dst, 4, 0, 0, 4, 1);
    const red = [0, 1, 2, 3].map((i) => dst[i * 4]!);
    expect(red[0]).toBe(0);
    expect(red[3]).toBe(200);
    expect(red[1]).toBe(50);
    expect(red[2]).toBe(150);
    expect(dst[3]).toBe(255);
  });
});
