/**
 * Turns an annotation shape (protocol/data/annotations.ts) into the exact set of desktop pixels
 * the customer's overlay paints, with one solid colour and no antialiasing, so the overlay's
 * SHAPE rectangles, its fill and the capture mask are one and the same pixel set.
 *
 * Geometry follows the viewer's canvas (ui/viewer/annotation-render.ts): coordinates are pixel
 * corners, a pixel is painted when its centre lies inside the stroked outline (boundary
 * included). Pen and highlighter: round caps and joins (a union of capsules, one per segment).
 * Arrow: a round-capped shaft to 80% of the head length before the tip, and a filled head of
 * half-angle pi/7. Rectangle: a stroke of the given width centred on the outline, square corners.
 * Highlighter: the canvas draws it at 35% opacity; the overlay cannot blend without a compositor,
 * so it paints every other desktop row (even rows) of the stroke: the content shows through the
 * rows between. The laser: a solid dot and a stippled halo of the viewer's radii, drawn as one
 * template that moves with the laser's own window.
 * Text is not here: its glyphs come from the X server's fonts (x11-text-raster.ts).
 *
 * Every row is clipped to `bounds` (the desktop) while rasterising, so the cost is bounded by
 * the desktop's height per segment whatever the coordinates (the protocol allows +-32767).
 */
import type { Shape } from '../../protocol/data/annotations';
import type { Rect } from '../platform/types';
import { RegionBuilder, type SpanRegion } from './span-region';

/** Arrow head length as a multiple of the line width, with a floor in pixels (as the viewer). */
export const ARROW_HEAD_FACTOR = 4;
export const ARROW_HEAD_MIN_PX = 14;
/** Half-angle of the arrow head, in radians (as the viewer). */
const ARROW_HEAD_HALF_ANGLE = Math.PI / 7;
/** The shaft stops this fraction of the head length before the tip (as the viewer). */
const ARROW_SHAFT_BACK = 0.8;
/** Laser dot and halo radii, in pixels (as the viewer). */
export const LASER_RADIUS_PX = 7;
export const LASER_HALO_PX = 16;
/** The laser's colour (as the viewer). */
export const LASER_COLOR = '#ff1744';
/** Distances within this much of the outline count as inside (floating-point noise), in pixels. */
const EDGE_EPSILON = 1e-7;

type Pt = readonly [number, number];

/**
 * Rows the highlighter paints: even desktop rows, so overlapping strokes line up (the laser's halo
 * paints the even rows of its own window).
 */
export function stippleRow(y: number): boolean {
  return (y & 1) === 0;
}

/** The pixels of `shape` (not text) inside `bounds`. */
export function rasterizeShape(shape: Exclude<Shape, { kind: 'text' }>, bounds: Rect): SpanRegion {
  const b = new RegionBuilder(bounds);
  switch (shape.kind) {
    case 'pen':
      polyline(b, shape.points, shape.width / 2);
      return b.build();
    case 'highlighter':
      polyline(b, shape.points, shape.width / 2);
      return b.build().filterRows(stippleRow);
    case 'arrow':
      arrow(b, shape.from, shape.to, shape.width);
      return b.build();
    case 'rectangle':
      rectangleFrame(b, shape.from, shape.to, shape.width / 2);
      return b.build();
  }
}

/** The laser window's side: the halo's diameter and a pixel of margin each side, in pixels. */
export const LASER_BOX_PX = 2 * LASER_HALO_PX + 2;
/** Where the laser's centre is in its window, in pixels from the top-left corner. */
export const LASER_CENTER_PX = LASER_BOX_PX / 2;

/**
 * The laser's pixels in its own window's coordinates (centre at LASER_CENTER_PX): a solid dot and
 * a halo on every other row. The same at every position, so moving the laser moves its window.
 */
export function laserTemplate(): SpanRegion {
  const box = { x: 0, y: 0, width: LASER_BOX_PX, height: LASER_BOX_PX };
  const c = LASER_CENTER_PX;
  const dot = new RegionBuilder(box);
  capsule(dot, c, c, c, c, LASER_RADIUS_PX);
  const halo = new RegionBuilder(box);
  capsule(halo, c, c, c, c, LASER_HALO_PX);
  return halo.build().filterRows(stippleRow).union(dot.build());
}

/** The laser at desktop point `at`: its window's top-left corner and its pixels inside `bounds`. */
export function placeLaser(
  at: Pt,
  bounds: Rect,
  template: SpanRegion = laserTemplate(),
): { origin: { x: number; y: number }; region: SpanRegion } {
  const origin = { x: at[0] - LASER_CENTER_PX, y: at[1] - LASER_CENTER_PX };
  return { origin, region: template.translate(origin.x, origin.y).clip(bounds) };
}

function polyline(b: RegionBuilder, points: readonly Pt[], r: number): void {
  const first = points[0];
  if (!first) return;
  if (points.length === 1) {
    capsule(b, first[0], first[1], first[0], first[1], r);
    return;
  }
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    capsule(b, p[0], p[1], q[0], q[1], r);
  }
}

function arrow(b: RegionBuilder, from: Pt, to: Pt, width: number): void {
  const [x0, y0] = from;
  const [x1, y1] = to;
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const head = Math.max(ARROW_HEAD_MIN_PX, width * ARROW_HEAD_FACTOR);
  const bx = x1 - head * ARROW_SHAFT_BACK * Math.cos(angle);
  const by = y1 - head * ARROW_SHAFT_BACK * Math.sin(angle);
  capsule(b, x0, y0, bx, by, width / 2);
  convexPolygon(b, [
    [x1, y1],
    [
      x1 - head * Math.cos(angle - ARROW_HEAD_HALF_ANGLE),
      y1 - head * Math.sin(angle - ARROW_HEAD_HALF_ANGLE),
    ],
    [
      x1 - head * Math.cos(angle + ARROW_HEAD_HALF_ANGLE),
      y1 - head * Math.sin(angle + ARROW_HEAD_HALF_ANGLE),
    ],
  ]);
}

/** First and last pixel index (inclusive) whose centre lies in [lo, hi]; empty when first > last. */
function pixelRange(lo: number, hi: number): [number, number] {
  return [Math.ceil(lo - 0.5 - EDGE_EPSILON), Math.floor(hi - 0.5 + EDGE_EPSILON)];
}

/**
 * Every pixel whose centre is within `r` of the segment (ax,ay)-(bx,by): the segment stroked with
 * round caps. For each row the inside is one interval (a capsule is convex): the union of what
 * the two end discs and the straight band give on that row.
 */
export function capsule(b: RegionBuilder, ax: number, ay: number, bx: number, by: number, r: number): void {
  const [rowA, rowB] = pixelRange(Math.min(ay, by) - r, Math.max(ay, by) + r);
  const first = Math.max(rowA, b.rowStart);
  const last = Math.min(rowB, b.rowEnd - 1);
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.hypot(dx, dy);
  const ux = len > 0 ? dx / len : 0;
  const uy = len > 0 ? dy / len : 0;
  const rr = r + EDGE_EPSILON;
  for (let y = first; y <= last; y++) {
    const yc = y + 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    for (const [cx, cy] of [
      [ax, ay],
      [bx, by],
    ] as const) {
      const d = yc - cy;
      if (Math.abs(d) <= rr) {
        const h = Math.sqrt(Math.max(0, rr * rr - d * d));
        lo = Math.min(lo, cx - h);
        hi = Math.max(hi, cx + h);
      }
    }
    if (len > 0) {
      // Along the segment: 0 <= (P-A).u <= len; across it: |(P-A).n| <= r, with n = (-uy, ux).
      const along = solveLinear(ux, (0 - ax) * ux + (yc - ay) * uy, 0, len);
      const across = solveLinear(-uy, ax * uy + (yc - ay) * ux, -rr, rr);
      if (along && across) {
        const a = Math.max(along[0], across[0]);
        const z = Math.min(along[1], across[1]);
        if (z >= a) {
          lo = Math.min(lo, a);
          hi = Math.max(hi, z);
        }
      }
    }
    if (lo > hi) continue;
    const [x0, x1] = pixelRange(lo, hi);
    if (x1 >= x0) b.add(y, x0, x1 + 1);
  }
}

/** x with lo <= c*x + k <= hi, as [from, to] (infinite ends allowed), or null when none. */
function solveLinear(c: number, k: number, lo: number, hi: number): [number, number] | null {
  if (Math.abs(c) < 1e-12)
    return k >= lo - EDGE_EPSILON && k <= hi + EDGE_EPSILON ? [-Infinity, Infinity] : null;
  const a = (lo - k) / c;
  const z = (hi - k) / c;
  return a <= z ? [a, z] : [z, a];
}

/** Every pixel whose centre lies inside the convex polygon `pts` (boundary included). */
export function convexPolygon(b: RegionBuilder, pts: readonly Pt[]): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of pts) {
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  const [rowA, rowB] = pixelRange(minY, maxY);
  const first = Math.max(rowA, b.rowStart);
  const last = Math.min(rowB, b.rowEnd - 1);
  for (let y = first; y <= last; y++) {
    const yc = y + 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < pts.length; i++) {
      const [px, py] = pts[i]!;
      const [qx, qy] = pts[(i + 1) % pts.length]!;
      if (Math.abs(qy - py) < 1e-12) {
        if (Math.abs(yc - py) <= EDGE_EPSILON) {
          lo = Math.min(lo, px, qx);
          hi = Math.max(hi, px, qx);
        }
        continue;
      }
      const t = (yc - py) / (qy - py);
      if (t < -EDGE_EPSILON || t > 1 + EDGE_EPSILON) continue;
      const x = px + t * (qx - px);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    if (lo > hi) continue;
    const [x0, x1] = pixelRange(lo, hi);
    if (x1 >= x0) b.add(y, x0, x1 + 1);
  }
}

/**
 * The outline of the rectangle between `from` and `to` stroked with half-width `r`, square
 * corners (canvas strokeRect): pixels inside the outer box and not strictly inside the inner one.
 */
function rectangleFrame(b: RegionBuilder, from: Pt, to: Pt, r: number): void {
  const minX = Math.min(from[0], to[0]);
  const maxX = Math.max(from[0], to[0]);
  const minY = Math.min(from[1], to[1]);
  const maxY = Math.max(from[1], to[1]);
  const [ox0, ox1] = pixelRange(minX - r, maxX + r);
  const [oy0, oy1] = pixelRange(minY - r, maxY + r);
  // Inner box: centres strictly inside (minX + r, maxX - r).
  const ix0 = Math.floor(minX + r - 0.5 + EDGE_EPSILON) + 1;
  const ix1 = Math.ceil(maxX - r - 0.5 - EDGE_EPSILON) - 1;
  const iy0 = Math.floor(minY + r - 0.5 + EDGE_EPSILON) + 1;
  const iy1 = Math.ceil(maxY - r - 0.5 - EDGE_EPSILON) - 1;
  const hollow = ix1 >= ix0 && iy1 >= iy0;
  const first = Math.max(oy0, b.rowStart);
  const last = Math.min(oy1, b.rowEnd - 1);
  for (let y = first; y <= last; y++) {
    if (hollow && y >= iy0 && y <= iy1) {
      b.add(y, ox0, ix0);
      b.add(y, ix1 + 1, ox1 + 1);
    } else {
      b.add(y, ox0, ox1 + 1);
    }
  }
}

/** Parses '#rrggbb' (the protocol's colour format) into its components. */
export function parseColor(color: string): { r: number; g: number; b: number } {
  const m = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(color);
  if (!m) throw new RangeError(`not a #rrggbb colour: ${color}`);
  return { r: parseInt(m[1]!, 16), g: parseInt(m[2]!, 16), b: parseInt(m[3]!, 16) };
}
