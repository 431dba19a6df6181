import { describe, expect, it } from 'vitest';
import { LossyAreas, LOSSY_AREAS_MAX } from '../../../host/screen/lossy-areas';
import type { Rect } from '../../../host/platform/types';

/** Pixels of `rects` (disjoint) inside `probe`. */
function covered(rects: Rect[], probe: Rect): number {
  let n = 0;
  for (const r of rects) {
    const w = Math.min(r.x + r.width, probe.x + probe.width) - Math.max(r.x, probe.x);
    const h = Math.min(r.y + r.height, probe.y + probe.height) - Math.max(r.y, probe.y);
    if (w > 0 && h > 0) n += w * h;
  }
  return n;
}

const rectsOf = (l: LossyAreas) => l.list().map((a) => a.rect);

describe('LossyAreas', () => {
  it('keeps the JPEG parts of what was sent, and forgets what was painted losslessly over them', () => {
    const l = new LossyAreas();
    l.sent({ x: 0, y: 0, width: 200, height: 100 }, [{ x: 50, y: 0, width: 100, height: 100 }], 10);
    expect(rectsOf(l)).toEqual([{ x: 50, y: 0, width: 100, height: 100 }]);
    // A lossless rectangle over the middle of it (text typed over a picture).
    l.sent({ x: 80, y: 20, width: 20, height: 20 }, [], 20);
    const rects = rectsOf(l);
    expect(covered(rects, { x: 50, y: 0, width: 100, height: 100 })).toBe(100 * 100 - 20 * 20);
    expect(covered(rects, { x: 80, y: 20, width: 20, height: 20 })).toBe(0);
  });

  it('moves the areas a COPY carries, and takes the source state where the COPY lands', () => {
    const l = new LossyAreas();
    // A photo at rows 300-400 of a page; the page scrolls up by 120 rows (rows 120-600 -> 0-480).
    l.sent({ x: 0, y: 0, width: 800, height: 600 }, [{ x: 100, y: 300, width: 400, height: 100 }], 0);
    l.copy({ x: 0, y: 0, width: 800, height: 480 }, 0, 120, 50);
    const rects = rectsOf(l);
    expect(covered(rects, { x: 100, y: 180, width: 400, height: 100 })).toBe(400 * 100);
    // Where it was is now exact (text came from below it, the exposed rows are painted next).
    expect(covered(rects, { x: 0, y: 280, width: 800, height: 200 })).toBe(0);
    expect(l.list().every((a) => a.at === 50)).toBe(true);
  });

  it('handles a COPY onto itself, partial overlaps and content moved out of view', () => {
    const l = new LossyAreas();
    l.sent({ x: 0, y: 0, width: 500, height: 500 }, [{ x: 0, y: 0, width: 100, height: 100 }], 0);
    // Window drag by (30, 20): the source overlaps the destination.
    l.copy({ x: 30, y: 20, width: 200, height: 200 }, 0, 0, 5);
    let rects = rectsOf(l);
    expect(covered(rects, { x: 30, y: 20, width: 100, height: 100 })).toBe(100 * 100);
    // The part of the old place outside the destination stays lossy (the COPY did not paint it).
    expect(covered(rects, { x: 0, y: 0, width: 500, height: 500 })).toBe(100 * 100 + 20 * 100 + 30 * 80);
    // A COPY that brings exact pixels over all of it clears it.
    l.copy({ x: 0, y: 0, width: 300, height: 300 }, 200, 200, 9);
    rects = rectsOf(l);
    expect(rects).toEqual([]);
    expect(l.empty).toBe(true);
  });

  it('gives back the areas still for the idle time, leaving those that changed since', () => {
    const l = new LossyAreas();
    l.sent({ x: 0, y: 0, width: 100, height: 100 }, [{ x: 0, y: 0, width: 50, height: 50 }], 0);
    l.sent({ x: 200, y: 0, width: 100, height: 100 }, [{ x: 200, y: 0, width: 50, height: 50 }], 1000);
    expect(l.dueAt(1500)).toBe(1500);
    expect(l.takeStill(100)).toEqual([{ x: 0, y: 0, width: 50, height: 50 }]);
    expect(l.dueAt(1500)).toBe(2500);
    expect(l.takeStill(100)).toEqual([]);
    expect(l.takeStill(1000)).toEqual([{ x: 200, y: 0, width: 50, height: 50 }]);
    expect(l.dueAt(1500)).toBeNull();
  });

  it('collapses into a bounding box (a larger refresh, never a missed one) when moves cut it too fine', () => {
    const l = new LossyAreas();
    const parts: Rect[] = [];
    for (let i = 0; i < LOSSY_AREAS_MAX + 10; i++)
      parts.push({ x: (i % 40) * 10, y: Math.floor(i / 40) * 10, width: 5, height: 5 });
    l.sent({ x: 0, y: 0, width: 400, height: 100 }, parts, 7);
    const list = l.list();
    expect(list).toHaveLength(1);
    for (const p of parts) expect(covered([list[0]!.rect], p)).toBe(25);
    expect(list[0]!.at).toBe(7);
  });
});
