/**
 * Turns a burst of damage rectangles (XDamage reports one per drawing operation: one per glyph
 * when a terminal prints) into a few larger ones. Contract: every pixel of the input, clipped to
 * `bounds`, is covered by the output; rectangles are merged only when the merge wastes little
 * area, and the output never has more than `maxRects` entries (past that, one bounding box).
 */
import type { Rect } from '../types';

/** Pixels a merge may add that no input rectangle covered (about one 64x64 tile). */
export const MERGE_WASTE_PX = 64 * 64;
/** Most rectangles one damage report carries; more become their bounding box. */
export const MAX_DAMAGE_RECTS = 48;
/** Beyond this many inputs, pairwise merging costs more than it saves: take the bounding box. */
const MAX_MERGE_INPUT = 2048;

function area(r: Rect): number {
  return r.width * r.height;
}

export function unionRect(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function intersectionArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function clipRect(r: Rect, bounds: { width: number; height: number }): Rect | null {
  const x = Math.max(0, r.x);
  const y = Math.max(0, r.y);
  const right = Math.min(bounds.width, r.x + r.width);
  const bottom = Math.min(bounds.height, r.y + r.height);
  if (right <= x || bottom <= y) return null;
  return { x, y, width: right - x, height: bottom - y };
}

function boundingBox(rects: Rect[]): Rect {
  return rects.reduce((acc, r) => unionRect(acc, r));
}

export function coalesceRects(
  input: readonly Rect[],
  bounds: { width: number; height: number },
  maxRects = MAX_DAMAGE_RECTS,
): Rect[] {
  const rects: Rect[] = [];
  for (const r of input) {
    const c = clipRect(r, bounds);
    if (c) rects.push(c);
  }
  if (rects.length <= 1) return rects;
  if (rects.length > MAX_MERGE_INPUT) return [boundingBox(rects)];
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < rects.length && !merged; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i]!;
        const b = rects[j]!;
        const u = unionRect(a, b);
        const covered = area(a) + area(b) - intersectionArea(a, b);
        if (area(u) - covered <= MERGE_WASTE_PX) {
          rects[i] = u;
          rects.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return rects.length > maxRects ? [boundingBox(rects)] : rects;
}
