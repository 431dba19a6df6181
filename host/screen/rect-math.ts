/** Small rectangle helpers (half-open: x .. x+width, y .. y+height). */
import type { Rect } from '../platform/types';

export function intersect(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

export function union(a: Rect, b: Rect): Rect {
  const x0 = Math.min(a.x, b.x);
  const y0 = Math.min(a.y, b.y);
  const x1 = Math.max(a.x + a.width, b.x + b.width);
  const y1 = Math.max(a.y + a.height, b.y + b.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function area(r: Rect): number {
  return r.width * r.height;
}

/** The parts of `a` outside `b` (at most 4 rectangles: above, below, left, right). */
export function subtract(a: Rect, b: Rect): Rect[] {
  const o = intersect(a, b);
  if (o === null) return [a];
  const out: Rect[] = [];
  const ay1 = a.y + a.height;
  const oy1 = o.y + o.height;
  if (o.y > a.y) out.push({ x: a.x, y: a.y, width: a.width, height: o.y - a.y });
  if (oy1 < ay1) out.push({ x: a.x, y: oy1, width: a.width, height: ay1 - oy1 });
  if (o.x > a.x) out.push({ x: a.x, y: o.y, width: o.x - a.x, height: o.height });
  const ox1 = o.x + o.width;
  const ax1 = a.x + a.width;
  if (ox1 < ax1) out.push({ x: ox1, y: o.y, width: ax1 - ox1, height: o.height });
  return out;
}
