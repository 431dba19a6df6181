/**
 * The sharer's picture encoder (ui/share/picture-encoder.ts) against the reference decoder the
 * watcher uses (ui/decoder/screen-decoder.ts), with libjpeg-turbo on both ends: random pictures
 * and random rectangles become UPDATE messages that parse, stay under the size asked for, number
 * themselves in order with END on the last, paint solid rectangles exactly and the rest within
 * JPEG loss, and leave everything else untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScreenMessage } from '../../../protocol/screen/screen-message';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import {
  encodeOperations,
  encodeReset,
  packUpdates,
  type RgbaPicture,
} from '../../../ui/share/picture-encoder';
import type { Rect } from '../../../ui/share/tile-differ';
import { TurboJpegDecoder } from '../decoder/turbo-jpeg-decoder';
import { TurboJpegEncoder } from './support/turbo-jpeg-encoder';

function picture(width: number, height: number, seed: number): RgbaPicture {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      // Smooth, like a photograph or a gradient background (sharp text is not what JPEG is for).
      data[o] = 128 + 100 * Math.sin((x + seed) / 17);
      data[o + 1] = 128 + 100 * Math.cos((y + seed * 3) / 23);
      data[o + 2] = 128 + 90 * Math.sin((x + y) / 31);
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

function fillSolid(p: RgbaPicture, r: Rect, rgb: [number, number, number]): void {
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) p.data.set([...rgb, 255], (y * p.width + x) * 4);
  }
}

function meanError(a: Uint8ClampedArray, b: Uint8ClampedArray, width: number, r: Rect): number {
  let sum = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(a[o + c]! - b[o + c]!);
      n += 3;
    }
  }
  return sum / n;
}

/** Disjoint rectangles: a random subset of a grid of cells. */
const layout = fc
  .record({
    width: fc.integer({ min: 8, max: 200 }),
    height: fc.integer({ min: 8, max: 140 }),
    cell: fc.integer({ min: 8, max: 80 }),
    pick: fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }),
    solid: fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }),
    seed: fc.integer({ min: 0, max: 255 }),
    maxBytes: fc.constantFrom(600, 2000, 256 * 1024),
    quality: fc.constantFrom(0.4, 0.7, 0.9),
  })
  .map((c) => {
    const rects: { r: Rect; solid: boolean }[] = [];
    let k = 0;
    for (let y = 0; y < c.height; y += c.cell) {
      for (let x = 0; x < c.width; x += c.cell) {
        const i = k++;
        if (!c.pick[i % c.pick.length]) continue;
        rects.push({
          r: { x, y, w: Math.min(c.cell, c.width - x), h: Math.min(c.cell, c.height - y) },
          solid: c.solid[i % c.solid.length]!,
        });
      }
    }
    return { ...c, rects };
  });

describe('picture encoder', () => {
  it('makes UPDATE messages the reference decoder paints back (150 cases)', async () => {
    const jpeg = new TurboJpegEncoder();
    await fc.assert(
      fc.asyncProperty(layout, async (c) => {
        const before = picture(c.width, c.height, 0);
        const after = picture(c.width, c.height, c.seed + 1);
        for (const { r, solid } of c.rects) if (solid) fillSolid(after, r, [c.seed, 255 - c.seed, 99]);
        const decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
        await decoder.apply(encodeReset(41, c.width, c.height));
        // Paint `before` everywhere first (one full update), then the changed rectangles of `after`.
        const full = packUpdates(
          await encodeOperations(before, [{ x: 0, y: 0, w: c.width, h: c.height }], jpeg, 1),
          42,
        );
        for (const m of full) await decoder.apply(m);
        const shownBefore = decoder.framebuffer!.data.slice();
        const ops = await encodeOperations(
          after,
          c.rects.map((x) => x.r),
          jpeg,
          c.quality,
          c.maxBytes,
        );
        const messages = packUpdates(ops, 42 + full.length, c.maxBytes);
        expect(messages.length > 0).toBe(c.rects.length > 0);
        const seqs: number[] = [];
        for (const [i, m] of messages.entries()) {
          // A message holds at least one operation; only a lone JPEG may pass the size asked for.
          const parsed = parseScreenMessage(m, { width: c.width, height: c.height });
          if (parsed.kind !== 'update') throw new Error('not an update');
          if (parsed.ops.length > 1) expect(m.byteLength).toBeLessThanOrEqual(c.maxBytes);
          expect(parsed.end).toBe(i === messages.length - 1);
          expect(parsed.zlib.byteLength).toBe(0);
          const result = await decoder.apply(m);
          seqs.push(result.seq);
        }
        expect(seqs).toEqual(messages.map((_, i) => 42 + full.length + i));
        const shown = decoder.framebuffer!.data;
        for (const { r, solid } of c.rects) {
          if (solid) expect(meanError(shown, after.data, c.width, r)).toBe(0);
          else expect(meanError(shown, after.data, c.width, r)).toBeLessThan(c.quality >= 0.7 ? 12 : 24);
        }
        // Outside the rectangles, nothing moved.
        const inside = new Uint8Array(c.width * c.height);
        for (const { r } of c.rects)
          for (let y = r.y; y < r.y + r.h; y++) inside.fill(1, y * c.width + r.x, y * c.width + r.x + r.w);
        for (let i = 0; i < inside.length; i++) {
          if (inside[i]) continue;
          expect(shown[i * 4]).toBe(shownBefore[i * 4]);
        }
      }),
      { numRuns: 150 },
    );
    // 150 JPEG encodes and decodes: ~5 s on a quiet machine, 25-36 s with the machine loaded;
    // the limit guards against a hang, not a speed.
  }, 90_000);

  it('splits a JPEG that would not fit a message, and sends a solid rectangle as a 3-byte fill', async () => {
    const p = picture(128, 64, 3);
    const jpeg = new TurboJpegEncoder();
    const big = await encodeOperations(p, [{ x: 0, y: 0, w: 128, h: 64 }], jpeg, 0.9, 1200);
    expect(big.length).toBeGreaterThan(1);
    const area = big.reduce((s, o) => s + o.w * o.h, 0);
    expect(area).toBe(128 * 64);
    for (const o of big) expect(o.op === 'jpeg' && o.data.byteLength < 1200).toBe(true);

    fillSolid(p, { x: 0, y: 0, w: 64, h: 64 }, [10, 20, 30]);
    const calls = jpeg.calls;
    const fill = await encodeOperations(p, [{ x: 0, y: 0, w: 64, h: 64 }], jpeg, 0.7);
    expect(fill).toEqual([{ op: 'fill', x: 0, y: 0, w: 64, h: 64, r: 10, g: 20, b: 30 }]);
    expect(jpeg.calls).toBe(calls);
  });

  it('numbers messages across the 2^32 wrap', () => {
    const ops = [0, 1, 2].map((i) => ({ op: 'fill' as const, x: i, y: 0, w: 1, h: 1, r: 0, g: 0, b: 0 }));
    const messages = packUpdates(ops, 0xffffffff, 40);
    expect(messages.map((m) => parseScreenMessage(m, { width: 3, height: 1 }).seq)).toEqual([
      0xffffffff, 0, 1,
    ]);
  });
});
