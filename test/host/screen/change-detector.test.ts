/**
 * The scan must find every changed pixel (a missed one stays wrong on the viewer's screen until
 * the next full refresh) and keep each dirty tile's box tight (a keystroke is a glyph, not a tile).
 * Rows wider than the JS walk exercise the native skip over long equal stretches: a change at
 * the far end of a row, several far apart, and scans of a region that starts mid-row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChangeDetector, TILE_SIZE } from '../../../host/screen/change-detector';
import { PixelViewer } from '../../../host/screen/pixel-view';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { fewColours } from './synthetic';

const W = 1500;
const H = 40;

function inside(rects: readonly Rect[], x: number, y: number): boolean {
  return rects.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
}

/** A detector whose copy holds `f`, and a copy of `f` with `changes` (x, y) altered. */
function scanned(changes: readonly [number, number][], region: Rect): Rect[] {
  const viewer = new PixelViewer();
  const d = new ChangeDetector(W, H);
  const f = fewColours(W, H, 11);
  d.commit(viewer.view(f), { x: 0, y: 0, width: W, height: H });
  const g: PixelBuffer = { ...f, data: f.data.slice() };
  const gu = new Uint32Array(g.data.buffer);
  // Each pixel once (a pixel listed twice would be flipped back).
  for (const i of new Set(changes.map(([x, y]) => y * W + x))) gu[i] = ~gu[i]! >>> 0;
  d.scan(viewer.view(g), [region]);
  return d.takeRects();
}

describe('ChangeDetector.scan', () => {
  it('finds a single changed pixel anywhere in a long row as a 1x1 rectangle', () => {
    for (const x of [0, 1, 127, 128, 255, 256, 257, 700, W - 65, W - 64, W - 2, W - 1]) {
      expect(scanned([[x, 9]], { x: 0, y: 0, width: W, height: H })).toEqual([
        { x, y: 9, width: 1, height: 1 },
      ]);
    }
  });

  it('finds every changed pixel, and only changes, in whole and partial regions', () => {
    const point = fc.tuple(fc.nat(W - 1), fc.nat(H - 1));
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 12 }), fc.nat(W - TILE_SIZE), (changes, x0) => {
        const region = { x: x0, y: 0, width: W - x0, height: H };
        const rects = scanned(changes, region);
        const inRegion = changes.filter(([x]) => x >= x0);
        if (!inRegion.every(([x, y]) => inside(rects, x, y))) return false;
        if (inRegion.length === 0) return rects.length === 0;
        // Nothing outside the region, and every rectangle touches a change's tile row.
        return rects.every(
          (r) =>
            r.x >= x0 && inRegion.some(([, y]) => Math.floor(y / TILE_SIZE) === Math.floor(r.y / TILE_SIZE)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the boxes tight when a row changes at both ends only', () => {
    const rects = scanned(
      [
        [3, 20],
        [W - 1, 20],
      ],
      { x: 0, y: 0, width: W, height: H },
    );
    expect(rects).toEqual([
      { x: 3, y: 20, width: 1, height: 1 },
      { x: W - 1, y: 20, width: 1, height: 1 },
    ]);
  });
});
