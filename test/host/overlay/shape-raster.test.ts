/**
 * The overlay's rasteriser against a brute-force reference of the same rule the viewer's canvas
 * follows: a pixel is painted when its centre (x + 0.5, y + 0.5) lies inside the stroked outline
 * (round caps and joins for pen, highlighter and arrow shaft; a filled triangle for the arrow head;
 * square corners for rectangles). Plus the highlighter's stipple, the laser template, clipping to
 * the desktop and the cost bound for shapes far off screen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARROW_HEAD_FACTOR,
  ARROW_HEAD_MIN_PX,
  LASER_BOX_PX,
  LASER_CENTER_PX,
  LASER_HALO_PX,
  LASER_RADIUS_PX,
  laserTemplate,
  parseColor,
  placeLaser,
  rasterizeShape,
} from '../../../host/overlay/shape-raster';
import type { SpanRegion } from '../../../host/overlay/span-region';
import type { Rect } from '../../../host/platform/types';

const BOUNDS: Rect = { x: 0, y: 0, width: 120, height: 100 };
/** Slack for "on the outline", far below any real distance difference with integer inputs. */
const SLACK = 1e-6;

type P = [number, number];

function distToSegment(px: number, py: number, a: P, b: P): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2));
  return Math.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy));
}

function inTriangle(px: number, py: number, t: P[]): boolean {
  const s = (a: P, b: P) => (b[0] - a[0]) * (py - a[1]) - (b[1] - a[1]) * (px - a[0]);
  const d1 = s(t[0]!, t[1]!);
  const d2 = s(t[1]!, t[2]!);
  const d3 = s(t[2]!, t[0]!);
  const neg = d1 < -SLACK || d2 < -SLACK || d3 < -SLACK;
  const pos = d1 > SLACK || d2 > SLACK || d3 > SLACK;
  return !(neg && pos);
}

function reference(inside: (cx: number, cy: number) => boolean, bounds = BOUNDS): Set<string> {
  const out = new Set<string>();
  for (let y = bounds.y; y < bounds.y + bounds.height; y++)
    for (let x = bounds.x; x < bounds.x + bounds.width; x++)
      if (inside(x + 0.5, y + 0.5)) out.add(`${x},${y}`);
  return out;
}

function pixels(r: SpanRegion): Set<string> {
  const s = new Set<string>();
  r.forEachSpan((y, x0, x1) => {
    for (let x = x0; x < x1; x++) s.add(`${x},${y}`);
  });
  return s;
}

const coord = fc.integer({ min: -10, max: 130 });
const point = fc.tuple(coord, coord) as fc.Arbitrary<P>;

describe('rasterizeShape', () => {
  it('paints a horizontal 4-pixel pen line on the same rows as the canvas (rows 8..11 around y=10)', () => {
    const r = rasterizeShape(
      {
        kind: 'pen',
        points: [
          [20, 10],
          [60, 10],
        ],
        color: '#000000',
        width: 4,
      },
      BOUNDS,
    );
    expect(r.ys()).toEqual([8, 9, 10, 11]);
    // Round caps: the middle rows reach 2 pixels beyond the end points, the outer rows less.
    expect(r.spansAt(9)).toEqual([18, 62]);
    expect(r.spansAt(8)).toEqual([19, 61]);
  });

  it('pen strokes: every pixel whose centre is within width/2 of the polyline, nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 24 }),
        (points, width) => {
          const r = rasterizeShape({ kind: 'pen', points, color: '#123456', width }, BOUNDS);
          const segs: [P, P][] =
            points.length === 1 ? [[points[0]!, points[0]!]] : points.slice(1).map((q, i) => [points[i]!, q]);
          const ref = reference((cx, cy) =>
            segs.some(([a, b]) => distToSegment(cx, cy, a, b) <= width / 2 + SLACK),
          );
          expect(pixels(r)).toEqual(ref);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('highlighter: the pen outline on even desktop rows only (content shows through the others)', () => {
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 4, max: 40 }),
        (points, width) => {
          const pen = rasterizeShape({ kind: 'pen', points, color: '#fdd835', width }, BOUNDS);
          const hl = rasterizeShape({ kind: 'highlighter', points, color: '#fdd835', width }, BOUNDS);
          expect(pixels(hl)).toEqual(
            new Set([...pixels(pen)].filter((p) => Number(p.split(',')[1]) % 2 === 0)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('arrow: a round-capped shaft stopping short of the tip and a filled head, as the viewer draws it', () => {
    fc.assert(
      fc.property(point, point, fc.integer({ min: 1, max: 10 }), (from, to, width) => {
        fc.pre(from[0] !== to[0] || from[1] !== to[1]);
        const r = rasterizeShape({ kind: 'arrow', from, to, color: '#e53935', width }, BOUNDS);
        const angle = Math.atan2(to[1] - from[1], to[0] - from[0]);
        const head = Math.max(ARROW_HEAD_MIN_PX, width * ARROW_HEAD_FACTOR);
        const base: P = [to[0] - head * 0.8 * Math.cos(angle), to[1] - head * 0.8 * Math.sin(angle)];
        const tri: P[] = [
          to,
          [to[0] - head * Math.cos(angle - Math.PI / 7), to[1] - head * Math.sin(angle - Math.PI / 7)],
          [to[0] - head * Math.cos(angle + Math.PI / 7), to[1] - head * Math.sin(angle + Math.PI / 7)],
        ];
        const ref = reference(
          (cx, cy) => distToSegment(cx, cy, from, base) <= width / 2 + SLACK || inTriangle(cx, cy, tri),
        );
        const got = pixels(r);
        // The head's slanted edges may cross a pixel centre within floating-point noise: allow
        // disagreement only on pixels whose centre is that close to an edge.
        const differ = [...new Set([...got, ...ref])].filter((p) => got.has(p) !== ref.has(p));
        for (const p of differ) {
          const [x, y] = p.split(',').map(Number) as [number, number];
          const near = [0, 1, 2].some(
            (i) => distToSegment(x + 0.5, y + 0.5, tri[i]!, tri[(i + 1) % 3]!) < 1e-6,
          );
          expect(near, `pixel ${p}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rectangle: a stroke centred on the outline with square corners (canvas strokeRect)', () => {
    fc.assert(
      fc.property(point, point, fc.integer({ min: 1, max: 12 }), (from, to, width) => {
        const r = rasterizeShape({ kind: 'rectangle', from, to, color: '#43a047', width }, BOUNDS);
        const x0 = Math.min(from[0], to[0]);
        const x1 = Math.max(from[0], to[0]);
        const y0 = Math.min(from[1], to[1]);
        const y1 = Math.max(from[1], to[1]);
        const h = width / 2;
        const ref = reference((cx, cy) => {
          const outer = cx >= x0 - h && cx <= x1 + h && cy >= y0 - h && cy <= y1 + h;
          const inner = cx > x0 + h && cx < x1 - h && cy > y0 + h && cy < y1 - h;
          return outer && !inner;
        });
        expect(pixels(r)).toEqual(ref);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every pixel inside the desktop, and a stroke far off screen costs nothing', () => {
    const far: P[] = Array.from({ length: 4096 }, (_, i) => [
      i % 2 ? 32_767 : -32_767,
      i % 3 ? -32_000 : 32_000,
    ]);
    const r = rasterizeShape({ kind: 'pen', points: far, color: '#000000', width: 64 }, BOUNDS);
    for (const y of r.ys()) expect(y >= 0 && y < BOUNDS.height).toBe(true);
    r.forEachSpan((_y, x0, x1) => expect(x0 >= 0 && x1 <= BOUNDS.width).toBe(true));
    const off = rasterizeShape(
      {
        kind: 'pen',
        points: [
          [-5000, -5000],
          [-4000, -5000],
        ],
        color: '#000000',
        width: 64,
      },
      BOUNDS,
    );
    expect(off.isEmpty).toBe(true);
  });
});

describe('laser', () => {
  it('is a solid dot of the viewer radius and a halo on every other row, centred in its window', () => {
    const t = laserTemplate();
    const c = LASER_CENTER_PX;
    // Dot: every pixel within the dot radius, on every row.
    for (let y = 0; y < LASER_BOX_PX; y++)
      for (let x = 0; x < LASER_BOX_PX; x++) {
        const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
        if (d <= LASER_RADIUS_PX) expect(t.has(x, y)).toBe(true);
        if (d > LASER_HALO_PX + SLACK) expect(t.has(x, y)).toBe(false);
        if (d > LASER_RADIUS_PX + SLACK && y % 2 === 1) expect(t.has(x, y)).toBe(false);
      }
    // The halo reaches rows and columns 1..32 of the 34-pixel window; its top row (1) is odd.
    expect(t.bounds()).toEqual({ x: 1, y: 2, width: LASER_BOX_PX - 2, height: LASER_BOX_PX - 3 });
  });

  it('is placed with its centre on the point and clipped to the desktop', () => {
    const { origin, region } = placeLaser([10, 50], BOUNDS);
    expect(origin).toEqual({ x: 10 - LASER_CENTER_PX, y: 50 - LASER_CENTER_PX });
    expect(region.has(10, 50)).toBe(true);
    expect(region.has(9, 49)).toBe(true);
    expect(region.bounds()!.x).toBe(0);
    expect(region.equals(laserTemplate().translate(origin.x, origin.y).clip(BOUNDS))).toBe(true);
  });
});

describe('parseColor', () => {
  it('reads #rrggbb and refuses anything else', () => {
    expect(parseColor('#e53935')).toEqual({ r: 0xe5, g: 0x39, b: 0x35 });
    expect(parseColor('#FFFFFF')).toEqual({ r: 255, g: 255, b: 255 });
    expect(() => parseColor('red')).toThrow(RangeError);
    expect(() => parseColor('#12345')).toThrow(RangeError);
  });
});
