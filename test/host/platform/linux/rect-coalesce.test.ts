import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coalesceRects,
  MAX_DAMAGE_RECTS,
  MERGE_WASTE_PX,
} from '../../../../host/platform/linux/rect-coalesce';
import type { Rect } from '../../../../host/platform/types';

const bounds = { width: 200, height: 120 };

const rect = fc.record({
  x: fc.integer({ min: -20, max: 210 }),
  y: fc.integer({ min: -20, max: 130 }),
  width: fc.integer({ min: 0, max: 80 }),
  height: fc.integer({ min: 0, max: 60 }),
});

const covers = (r: Rect, x: number, y: number) =>
  x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;

describe('coalesceRects', () => {
  it('covers every damaged pixel inside the screen, and stays inside it', () => {
    fc.assert(
      fc.property(fc.array(rect, { maxLength: 60 }), (input) => {
        const out = coalesceRects(input, bounds);
        expect(out.length).toBeLessThanOrEqual(MAX_DAMAGE_RECTS);
        for (const r of out) {
          expect(r.x).toBeGreaterThanOrEqual(0);
          expect(r.y).toBeGreaterThanOrEqual(0);
          expect(r.x + r.width).toBeLessThanOrEqual(bounds.width);
          expect(r.y + r.height).toBeLessThanOrEqual(bounds.height);
          expect(r.width * r.height).toBeGreaterThan(0);
        }
        for (const r of input) {
          // Check the corners and centre of each input rectangle that lie on screen.
          const points = [
            [r.x, r.y],
            [r.x + r.width - 1, r.y + r.height - 1],
            [r.x + (r.width >> 1), r.y + (r.height >> 1)],
          ];
          for (const [x, y] of points) {
            if (r.width <= 0 || r.height <= 0) continue;
            if (x! < 0 || y! < 0 || x! >= bounds.width || y! >= bounds.height) continue;
            expect(out.some((o) => covers(o, x!, y!))).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('merges a line of glyphs into one rectangle', () => {
    const glyphs = Array.from({ length: 20 }, (_, i) => ({ x: 10 + i * 8, y: 30, width: 8, height: 16 }));
    expect(coalesceRects(glyphs, { width: 1920, height: 1080 })).toEqual([
      { x: 10, y: 30, width: 160, height: 16 },
    ]);
  });

  it('keeps far-apart changes apart', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    const b = { x: 1000, y: 800, width: 10, height: 10 };
    expect(coalesceRects([a, b], { width: 1920, height: 1080 })).toEqual([a, b]);
    // Close enough that merging wastes less than MERGE_WASTE_PX: one rectangle.
    const c = { x: 12, y: 0, width: 10, height: 10 };
    expect(MERGE_WASTE_PX).toBeGreaterThan(20);
    expect(coalesceRects([a, c], { width: 1920, height: 1080 })).toEqual([
      { x: 0, y: 0, width: 22, height: 10 },
    ]);
  });

  it('gives one bounding box when changes are scattered everywhere', () => {
    const scattered = Array.from({ length: 400 }, (_, i) => ({
      x: (i * 97) % 1900,
      y: (i * 61) % 1060,
      width: 4,
      height: 4,
    }));
    const out = coalesceRects(scattered, { width: 1920, height: 1080 });
    expect(out.length).toBeLessThanOrEqual(MAX_DAMAGE_RECTS);
  });
});
