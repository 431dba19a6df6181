import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CASCADE_STEP_PX,
  cascade,
  tile,
  TILE_MIN_HEIGHT_PX,
  TILE_MIN_WIDTH_PX,
  type Bounds,
} from '../../../extension/lib/window-layout';

const HD = { left: 0, top: 0, width: 1920, height: 1040 };

function overlap(a: Bounds, b: Bounds): boolean {
  return (
    a.left < b.left + b.width &&
    b.left < a.left + a.width &&
    a.top < b.top + b.height &&
    b.top < a.top + a.height
  );
}

describe('arranging chat windows', () => {
  it('tiles side by side without overlap, filling the work area', () => {
    const four = tile(4, HD);
    expect(four).toEqual([
      { left: 0, top: 0, width: 960, height: 520 },
      { left: 960, top: 0, width: 960, height: 520 },
      { left: 0, top: 520, width: 960, height: 520 },
      { left: 960, top: 520, width: 960, height: 520 },
    ]);
    const three = tile(3, { left: 100, top: 30, width: 1500, height: 900 });
    expect(three.map((b) => [b.left, b.top])).toEqual([
      [100, 30],
      [850, 30],
      [100, 480],
    ]);
    expect(tile(0, HD)).toEqual([]);
  });

  it('cascades same-size windows, one title bar apart', () => {
    const c = cascade(3, HD);
    expect(c.map((b) => [b.left, b.top])).toEqual([
      [0, 0],
      [CASCADE_STEP_PX, CASCADE_STEP_PX],
      [2 * CASCADE_STEP_PX, 2 * CASCADE_STEP_PX],
    ]);
    expect(new Set(c.map((b) => `${b.width}x${b.height}`)).size).toBe(1);
  });

  it('still steps the cascade on a small screen by shrinking the windows', () => {
    const c = cascade(2, { left: 0, top: 0, width: 800, height: 600 });
    expect(c[1]!.left - c[0]!.left).toBe(CASCADE_STEP_PX);
    expect(c[0]!.height).toBeLessThanOrEqual(600 - CASCADE_STEP_PX);
  });

  it('keeps every window inside the work area, and tiles never overlap while they fit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 800, max: 4000 }),
        fc.integer({ min: 600, max: 2200 }),
        fc.integer({ min: -2000, max: 2000 }),
        (count, width, height, left) => {
          const area = { left, top: 0, width, height };
          for (const b of [...tile(count, area), ...cascade(count, area)]) {
            expect(b.left).toBeGreaterThanOrEqual(area.left);
            expect(b.top).toBeGreaterThanOrEqual(area.top);
            expect(b.left + b.width).toBeLessThanOrEqual(area.left + area.width);
            expect(b.top + b.height).toBeLessThanOrEqual(area.top + area.height);
          }
          const columns = Math.ceil(Math.sqrt(count));
          const rows = Math.ceil(count / columns);
          if (width / columns >= TILE_MIN_WIDTH_PX && height / rows >= TILE_MIN_HEIGHT_PX) {
            const t = tile(count, area);
            for (let i = 0; i < t.length; i++)
              for (let j = i + 1; j < t.length; j++) expect(overlap(t[i]!, t[j]!)).toBe(false);
          }
        },
      ),
    );
  });
});
