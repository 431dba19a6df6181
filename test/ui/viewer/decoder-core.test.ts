/** The decoder worker's logic: painted areas out per complete update, failures as codes, restart. */
import { describe, expect, it } from 'vitest';
import { UpdateEncoder } from '../../../host/screen/update-encoder';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { DecoderCore } from '../../../ui/viewer/worker/decoder-core';
import { coalesce, copyRect, MAX_RECTS } from '../../../ui/viewer/worker/dirty-rects';
import { FromDecoder } from '../../../ui/viewer/worker/worker-messages';
import { TurboJpegDecoder } from '../decoder/turbo-jpeg-decoder';
import { blank, clone, countDiff, fill, text } from '../../host/screen/synthetic';

const W = 200;
const H = 120;

function applyRects(
  fb: Uint8ClampedArray,
  rects: { x: number; y: number; width: number; height: number; pixels: ArrayBuffer }[],
) {
  for (const r of rects) {
    const src = new Uint8ClampedArray(r.pixels);
    for (let y = 0; y < r.height; y++)
      fb.set(src.subarray(y * r.width * 4, (y + 1) * r.width * 4), ((r.y + y) * W + r.x) * 4);
  }
}

describe('DecoderCore', () => {
  it('reports the size on RESET and the painted pixels at the end of each update', async () => {
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    const core = new DecoderCore(new TurboJpegDecoder());
    const desk = blank(W, H);
    text(desk, { x: 0, y: 0, width: W, height: 60 }, 3);
    const reset = await core.screen(enc.reset(W, H));
    expect(reset).toMatchObject({ type: 'applied', size: { width: W, height: H }, rects: null });
    const canvas = new Uint8ClampedArray(W * H * 4);
    let presents = 0;
    for (const m of (await enc.encode(desk, null, { lossy: false, jpegQuality: 80 })).messages) {
      const out = await core.screen(m);
      expect(FromDecoder.safeParse(out).success).toBe(true);
      if (out.type === 'applied' && out.rects) {
        presents++;
        applyRects(canvas, out.rects);
      }
    }
    expect(presents).toBe(1);
    expect(countDiff(desk, canvas)).toBe(0);

    // A small change sends back only its area.
    const next = clone(desk);
    fill(next, { x: 150, y: 100, width: 10, height: 10 }, 0xff00ff);
    const upd = await enc.encode(next, [{ x: 150, y: 100, width: 10, height: 10 }], {
      lossy: false,
      jpegQuality: 80,
    });
    const outs = [];
    for (const m of upd.messages) outs.push(await core.screen(m));
    const last = outs.at(-1)!;
    expect(
      last.type === 'applied' && last.rects?.reduce((a, r) => a + r.width * r.height, 0),
    ).toBeLessThanOrEqual(100);
    if (last.type === 'applied' && last.rects) applyRects(canvas, last.rects);
    expect(countDiff(next, canvas)).toBe(0);
  });

  it('answers malformed payloads with a code, and accepts only a RESET after restart', async () => {
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    const core = new DecoderCore(new TurboJpegDecoder());
    expect(await core.screen(new Uint8Array([2, 1, 1, 0, 0]))).toMatchObject({
      type: 'failed',
      code: 'not_ready',
    });
    await core.screen(enc.reset(W, H));
    const [first] = (await enc.encode(blank(W, H), null, { lossy: false, jpegQuality: 80 })).messages;
    core.restart();
    expect((await core.screen(first!)).type).toBe('failed');
    expect(core.framebuffer).toBeNull();
  });
});

describe('dirty rectangles', () => {
  it('keeps a few separate areas apart and merges many, or dense ones, into their bounding box', () => {
    const few = [
      { x: 0, y: 0, width: 5, height: 5 },
      { x: 100, y: 100, width: 5, height: 5 },
    ];
    expect(coalesce(few)).toEqual(few);
    const many = Array.from({ length: MAX_RECTS + 1 }, (_, i) => ({ x: i * 10, y: 0, width: 2, height: 2 }));
    expect(coalesce(many)).toEqual([{ x: 0, y: 0, width: MAX_RECTS * 10 + 2, height: 2 }]);
    const dense = [
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 10, y: 0, width: 10, height: 10 },
    ];
    expect(coalesce(dense)).toEqual([{ x: 0, y: 0, width: 20, height: 10 }]);
  });

  it('copies an area as tight RGBA rows', () => {
    const fb = { width: 4, height: 2, data: new Uint8ClampedArray(32).map((_, i) => i) };
    const r = copyRect(fb, { x: 1, y: 0, width: 2, height: 2 });
    expect([...new Uint8ClampedArray(r.pixels)]).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11, 20, 21, 22, 23, 24, 25, 26, 27,
    ]);
  });
});
