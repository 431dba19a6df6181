/**
 * The tile differ (ui/share/tile-differ.ts) on random pictures and random changes: the rectangles
 * stay inside the picture, never overlap, cover every changed pixel, contain only tiles that
 * changed, respect the run limit, and copying them from the new picture onto the old one gives
 * the new picture exactly. Plus the edge cases by hand: nothing changed, everything (no previous
 * picture), one pixel in a corner, a picture smaller than a tile.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedRects, MAX_RUN_TILES, TILE_PX, type Rect } from '../../../ui/share/tile-differ';

interface Case {
  width: number;
  height: number;
  tile: number;
  maxRun: number;
  prev: Uint32Array;
  cur: Uint32Array;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    width: fc.integer({ min: 1, max: 160 }),
    height: fc.integer({ min: 1, max: 120 }),
    tile: fc.constantFrom(4, 8, 16, 64),
    maxRun: fc.integer({ min: 1, max: 20 }),
    seed: fc.integer(),
    changes: fc.array(
      fc.record({
        x: fc.nat(),
        y: fc.nat(),
        w: fc.integer({ min: 1, max: 40 }),
        h: fc.integer({ min: 1, max: 40 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ width, height, tile, maxRun, seed, changes }) => {
    const prev = new Uint32Array(width * height);
    let s = seed >>> 0;
    for (let i = 0; i < prev.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      prev[i] = s;
    }
    const cur = prev.slice();
    for (const c of changes) {
      const x0 = c.x % width;
      const y0 = c.y % height;
      for (let y = y0; y < Math.min(height, y0 + c.h); y++) {
        for (let x = x0; x < Math.min(width, x0 + c.w); x++)
          cur[y * width + x] = (cur[y * width + x]! ^ 0x00ff00) >>> 0;
      }
    }
    return { width, height, tile, maxRun, prev, cur };
  });

function apply(prev: Uint32Array, cur: Uint32Array, width: number, rects: Rect[]): Uint32Array {
  const out = prev.slice();
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++)
      out.set(cur.subarray(y * width + r.x, y * width + r.x + r.w), y * width + r.x);
  }
  return out;
}

function tileChanged(c: Case, tx: number, ty: number): boolean {
  for (let y = ty; y < Math.min(c.height, ty + c.tile); y++) {
    for (let x = tx; x < Math.min(c.width, tx + c.tile); x++)
      if (c.prev[y * c.width + x] !== c.cur[y * c.width + x]) return true;
  }
  return false;
}

describe('changedRects', () => {
  it('covers exactly the changed tiles, in bounds, without overlap, within the run limit (1,000 cases)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const rects = changedRects(c.prev, c.cur, c.width, c.height, {
          tilePx: c.tile,
          maxRunTiles: c.maxRun,
        });
        const owner = new Int32Array(c.width * c.height).fill(-1);
        let overlaps = 0;
        rects.forEach((r, i) => {
          expect(r.w > 0 && r.h > 0).toBe(true);
          expect(r.x + r.w <= c.width && r.y + r.h <= c.height).toBe(true);
          expect(r.x % c.tile === 0 && r.y % c.tile === 0).toBe(true);
          expect(Math.ceil(r.w / c.tile)).toBeLessThanOrEqual(c.maxRun);
          for (let tx = r.x; tx < r.x + r.w; tx += c.tile) expect(tileChanged(c, tx, r.y)).toBe(true);
          for (let y = r.y; y < r.y + r.h; y++) {
            for (let x = r.x; x < r.x + r.w; x++) {
              if (owner[y * c.width + x] !== -1) overlaps++;
              owner[y * c.width + x] = i;
            }
          }
        });
        expect(overlaps).toBe(0);
        // Every changed pixel is covered, so copying the rectangles rebuilds the new picture.
        const rebuilt = apply(c.prev, c.cur, c.width, rects);
        let wrong = 0;
        for (let i = 0; i < rebuilt.length; i++) if (rebuilt[i] !== c.cur[i]) wrong++;
        expect(wrong).toBe(0);
        // Top to bottom, then left to right.
        for (let i = 1; i < rects.length; i++) {
          const a = rects[i - 1]!;
          const b = rects[i]!;
          expect(a.y < b.y || (a.y === b.y && a.x + a.w <= b.x)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('finds nothing when nothing changed', () => {
    const px = new Uint32Array(200 * 100).fill(7);
    expect(changedRects(px, px.slice(), 200, 100)).toEqual([]);
  });

  it('sends the whole picture when there is no previous one, in runs of at most MAX_RUN_TILES', () => {
    const w = TILE_PX * (MAX_RUN_TILES + 2) + 5;
    const rects = changedRects(null, new Uint32Array(w * 70), w, 70);
    expect(rects).toEqual([
      { x: 0, y: 0, w: TILE_PX * MAX_RUN_TILES, h: TILE_PX },
      { x: TILE_PX * MAX_RUN_TILES, y: 0, w: w - TILE_PX * MAX_RUN_TILES, h: TILE_PX },
      { x: 0, y: TILE_PX, w: TILE_PX * MAX_RUN_TILES, h: 70 - TILE_PX },
      { x: TILE_PX * MAX_RUN_TILES, y: TILE_PX, w: w - TILE_PX * MAX_RUN_TILES, h: 70 - TILE_PX },
    ]);
  });

  it('cuts a one-pixel change in the bottom-right corner to the picture', () => {
    const prev = new Uint32Array(100 * 70);
    const cur = prev.slice();
    cur[100 * 70 - 1] = 1;
    expect(changedRects(prev, cur, 100, 70)).toEqual([{ x: 64, y: 64, w: 36, h: 6 }]);
  });

  it('handles a picture smaller than a tile, and refuses buffers that do not match the size', () => {
    expect(changedRects(null, new Uint32Array(3 * 2), 3, 2)).toEqual([{ x: 0, y: 0, w: 3, h: 2 }]);
    expect(() => changedRects(null, new Uint32Array(5), 3, 2)).toThrow(RangeError);
    expect(() => changedRects(new Uint32Array(2), new Uint32Array(6), 3, 2)).toThrow(RangeError);
    expect(() => changedRects(null, new Uint32Array(6), 0, 2)).toThrow(RangeError);
  });
});
