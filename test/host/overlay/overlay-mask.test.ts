/**
 * The capture mask on synthetic frames: clean pixels are written exactly over the covered pixels
 * of any capture (full or partial, padded rows) and nowhere else; older clean copies win over
 * newer captures of already covered pixels; pixels taken off the screen are still masked for a
 * capture that began before (it may have been served while the overlay showed them) but not for
 * later ones, and are forgotten once no such capture is in flight; exposed areas are reported
 * as one box per band of rows; pixels covered again within RELEASE_SETTLE_MS of their release
 * (the application may not have repainted them yet) keep their earlier copy, later ones the capture.
 */
import { describe, expect, it } from 'vitest';
import {
  bandBoxes,
  EXPOSE_BAND_ROWS,
  OverlayMask,
  RELEASE_SETTLE_MS,
  type CleanImage,
} from '../../../host/overlay/overlay-mask';
import { RegionBuilder, SpanRegion } from '../../../host/overlay/span-region';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { blank, clone, fill, getPixel, setPixel } from '../screen/synthetic';

const W = 200;
const H = 150;
const DESK: Rect = { x: 0, y: 0, width: W, height: H };
const CLEAN = 0x3366cc;
const INK = 0xe53935;

/** A clean capture of `r` of a desktop whose every pixel is `rgb` ... with a per-pixel pattern. */
function cleanImage(r: Rect, pattern: (x: number, y: number) => number): CleanImage {
  const pb = blank(r.width, r.height, 0);
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) setPixel(pb, x, y, pattern(r.x + x, r.y + y));
  return { ...r, stride: pb.stride, data: pb.data };
}

function diag(): SpanRegion {
  const b = new RegionBuilder(DESK);
  for (let y = 10; y < 90; y++) b.add(y, y, y + 6);
  return b.build();
}

const pattern = (x: number, y: number) => (CLEAN + x * 7 + y * 131) & 0xffffff;

/** The desktop with the overlay's ink on `region`. */
function inked(region: SpanRegion, base: PixelBuffer): PixelBuffer {
  const pb = clone(base);
  region.forEachSpan((y, x0, x1) => {
    for (let x = x0; x < x1; x++) setPixel(pb, x, y, INK);
  });
  return pb;
}

function desktop(): PixelBuffer {
  const pb = blank(W, H, 0);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) setPixel(pb, x, y, pattern(x, y));
  return pb;
}

/** A partial capture of `r` from a full frame, rows padded by `pad` pixels. */
function crop(full: PixelBuffer, r: Rect, pad = 0): PixelBuffer {
  const pb = blank(r.width, r.height, 0x010203, pad);
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) setPixel(pb, x, y, getPixel(full, r.x + x, r.y + y));
  return pb;
}

describe('OverlayMask', () => {
  it('writes the clean pixels over exactly the covered pixels of a full capture', () => {
    const mask = new OverlayMask();
    const region = diag();
    mask.cover(region, [cleanImage(region.bounds()!, pattern)]);
    const clean = desktop();
    const frame = inked(region, clean);
    const token = mask.beginCapture();
    mask.apply(frame, DESK, token);
    mask.endCapture(token);
    expect(frame.data).toEqual(clean.data);
  });

  it('touches nothing outside the capture area of a partial, padded capture', () => {
    const mask = new OverlayMask();
    const region = diag();
    mask.cover(region, [cleanImage(region.bounds()!, pattern)]);
    const clean = desktop();
    const screen = inked(region, clean);
    const area = { x: 30, y: 40, width: 50, height: 30 };
    const frame = crop(screen, area, 3);
    const before = frame.data.slice();
    mask.apply(frame, area, mask.beginCapture());
    for (let y = 0; y < area.height; y++) {
      for (let x = 0; x < area.width; x++)
        expect(getPixel(frame, x, y)).toBe(pattern(area.x + x, area.y + y));
      // The padding after each row is never written.
      for (let o = area.width * 4; o < frame.stride; o++)
        expect(frame.data[y * frame.stride + o]).toBe(before[y * frame.stride + o]);
    }
  });

  it('keeps the older clean copy where a new drawing overlaps one already shown', () => {
    const mask = new OverlayMask();
    const first = SpanRegion.fromRect({ x: 10, y: 10, width: 20, height: 10 });
    mask.cover(first, [cleanImage({ x: 10, y: 10, width: 20, height: 10 }, pattern)]);
    // The second capture sees the first drawing's ink where they overlap.
    const second = SpanRegion.fromRect({ x: 20, y: 15, width: 20, height: 10 });
    mask.cover(second, [
      cleanImage({ x: 20, y: 15, width: 20, height: 10 }, (x, y) => (first.has(x, y) ? INK : pattern(x, y))),
    ]);
    const frame = blank(W, H, INK);
    mask.apply(frame, DESK, mask.beginCapture());
    first.union(second).forEachSpan((y, x0, x1) => {
      for (let x = x0; x < x1; x++) expect(getPixel(frame, x, y)).toBe(pattern(x, y));
    });
    expect(mask.covered.pixelCount()).toBe(first.union(second).pixelCount());
  });

  it('keeps its own copy of the clean pixels (the capture buffer is reused, even as a Node Buffer)', () => {
    const mask = new OverlayMask();
    const r = { x: 5, y: 5, width: 30, height: 20 };
    const img = cleanImage(r, pattern);
    const shared = Buffer.from(img.data); // what the MIT-SHM capture hands out
    mask.cover(SpanRegion.fromRect(r), [{ ...img, data: shared }]);
    shared.fill(0); // the next capture overwrites it
    const frame = blank(W, H, INK);
    mask.apply(frame, DESK, mask.beginCapture());
    expect(getPixel(frame, 10, 10)).toBe(pattern(10, 10));
    expect(getPixel(frame, 34, 24)).toBe(pattern(34, 24));
  });

  it('refuses to cover pixels no clean capture holds', () => {
    const mask = new OverlayMask();
    const region = SpanRegion.fromRect({ x: 0, y: 0, width: 10, height: 10 });
    expect(() => mask.cover(region, [cleanImage({ x: 0, y: 0, width: 10, height: 5 }, pattern)])).toThrow(
      RangeError,
    );
    expect(mask.covered.isEmpty).toBe(true);
  });

  it('masks removed pixels for captures begun before the removal only, then forgets them', () => {
    const mask = new OverlayMask();
    const region = diag();
    mask.cover(region, [cleanImage(region.bounds()!, pattern)]);
    const exposed: Rect[][] = [];
    mask.onExposed((r) => exposed.push(r));
    const early = mask.beginCapture(); // requested while the stroke was on screen
    const rects = mask.keepOnly(SpanRegion.empty);
    expect(exposed).toEqual([rects]);
    expect(mask.covered.isEmpty).toBe(true);
    expect(mask.retiredCount).toBe(1);

    const late = mask.beginCapture();
    const fresh = blank(W, H, 0x00ff00); // what the screen shows now
    const lateFrame = clone(fresh);
    mask.apply(lateFrame, DESK, late);
    expect(lateFrame.data).toEqual(fresh.data);
    mask.endCapture(late);

    const earlyFrame = inked(region, desktop());
    mask.apply(earlyFrame, DESK, early);
    expect(earlyFrame.data).toEqual(desktop().data);
    mask.endCapture(early);
    expect(mask.retiredCount).toBe(0);
    expect(mask.idle).toBe(true);
  });

  it('keeps what is still drawn and reports only the removed part as exposed', () => {
    const mask = new OverlayMask();
    const a = SpanRegion.fromRect({ x: 10, y: 10, width: 30, height: 10 });
    const b = SpanRegion.fromRect({ x: 100, y: 100, width: 10, height: 10 });
    const both = a.union(b);
    mask.cover(both, [cleanImage({ x: 10, y: 10, width: 100, height: 100 }, pattern)]);
    const exposed = mask.keepOnly(b);
    expect(exposed).toEqual([{ x: 10, y: 10, width: 30, height: 10 }]);
    expect(mask.covered.equals(b)).toBe(true);
    const frame = blank(W, H, INK);
    mask.apply(frame, DESK, mask.beginCapture());
    expect(getPixel(frame, 105, 105)).toBe(pattern(105, 105));
    expect(getPixel(frame, 15, 15)).toBe(INK);
    expect(mask.keepOnly(b)).toEqual([]);
  });

  it('reports a removed long stroke as one box per band of rows', () => {
    const b = new RegionBuilder({ x: 0, y: 0, width: 1000, height: 1000 });
    for (let y = 0; y < 300; y++) b.add(y, y * 2, y * 2 + 4);
    const boxes = bandBoxes(b.build());
    expect(boxes).toHaveLength(Math.ceil(300 / EXPOSE_BAND_ROWS));
    expect(boxes[0]).toEqual({ x: 0, y: 0, width: 2 * (EXPOSE_BAND_ROWS - 1) + 4, height: EXPOSE_BAND_ROWS });
    // Together the boxes hold every pixel of the stroke.
    const region = b.build();
    region.forEachSpan((y, x0, x1) =>
      expect(boxes.some((r) => y >= r.y && y < r.y + r.height && x0 >= r.x && x1 <= r.x + r.width)).toBe(
        true,
      ),
    );
  });

  it('covers pixels released a moment ago with their earlier copy, not the half-repainted screen', () => {
    let now = 1000;
    const mask = new OverlayMask(() => now);
    const region = diag();
    const box = region.bounds()!;
    mask.cover(region, [cleanImage(box, pattern)]);
    mask.release(region);
    // The X server filled the uncovered pixels white; the application has not repainted yet.
    const white = cleanImage(box, () => 0xffffff);
    now += RELEASE_SETTLE_MS - 1;
    mask.cover(region, [white]);
    const clean = desktop();
    let frame = inked(region, clean);
    let token = mask.beginCapture();
    mask.apply(frame, DESK, token);
    mask.endCapture(token);
    expect(frame.data).toEqual(clean.data);

    // Released long enough ago: what the screen shows now is the truth (the content changed).
    mask.release(region);
    now += RELEASE_SETTLE_MS + 1;
    const changed = (x: number, y: number) => (pattern(x, y) ^ 0x0f0f0f) & 0xffffff;
    mask.cover(region, [cleanImage(box, changed)]);
    frame = inked(region, clean);
    token = mask.beginCapture();
    mask.apply(frame, DESK, token);
    mask.endCapture(token);
    region.forEachSpan((y, x0) => expect(getPixel(frame, x0, y)).toBe(changed(x0, y)));
    expect(getPixel(frame, 100, 5)).toBe(pattern(100, 5));
  });

  it('changes nothing while idle', () => {
    const mask = new OverlayMask();
    const frame = blank(20, 20, 0x123456);
    const copy = frame.data.slice();
    fill(frame, { x: 0, y: 0, width: 1, height: 1 }, 0x123456);
    mask.apply(frame, { x: 0, y: 0, width: 20, height: 20 }, mask.beginCapture());
    expect(frame.data).toEqual(copy);
    expect(mask.clearAll()).toEqual([]);
  });
});
