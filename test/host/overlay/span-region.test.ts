/**
 * SpanRegion against a plain pixel-set model: every operation (union, subtract, intersect, clip,
 * translate, rows filter) gives exactly the model's pixels, spans stay sorted, disjoint and
 * non-touching, and toRects() covers exactly the region with disjoint rectangles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegionBuilder, SpanRegion } from '../../../host/overlay/span-region';
import type { Rect } from '../../../host/platform/types';

const AREA: Rect = { x: -4, y: -4, width: 48, height: 40 };

type Span = [number, number, number];
const spanArb = fc.tuple(
  fc.integer({ min: -8, max: 50 }),
  fc.integer({ min: -8, max: 50 }),
  fc.integer({ min: 0, max: 20 }),
) as fc.Arbitrary<Span>;

function build(spans: Span[], bounds: Rect = AREA): SpanRegion {
  const b = new RegionBuilder(bounds);
  for (const [y, x, w] of spans) b.add(y, x, x + w);
  return b.build();
}

function model(spans: Span[], bounds: Rect = AREA): Set<string> {
  const s = new Set<string>();
  for (const [y, x, w] of spans) {
    if (y < bounds.y || y >= bounds.y + bounds.height) continue;
    for (let i = x; i < x + w; i++) if (i >= bounds.x && i < bounds.x + bounds.width) s.add(`${i},${y}`);
  }
  return s;
}

function pixels(r: SpanRegion): Set<string> {
  const s = new Set<string>();
  r.forEachSpan((y, x0, x1) => {
    for (let x = x0; x < x1; x++) s.add(`${x},${y}`);
  });
  return s;
}

function wellFormed(r: SpanRegion): void {
  for (const y of r.ys()) {
    const s = r.spansAt(y);
    expect(s.length % 2).toBe(0);
    for (let i = 0; i < s.length; i += 2) {
      expect(s[i + 1]!).toBeGreaterThan(s[i]!);
      if (i > 0) expect(s[i]!).toBeGreaterThan(s[i - 1]!); // a gap between spans
    }
  }
}

describe('SpanRegion', () => {
  it('builds the exact pixel set from overlapping spans, clipped to the bounds', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 40 }), (spans) => {
        const r = build(spans);
        wellFormed(r);
        expect(pixels(r)).toEqual(model(spans));
        expect(r.pixelCount()).toBe(model(spans).size);
      }),
    );
  });

  it('union, subtract and intersect match set operations', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 30 }), fc.array(spanArb, { maxLength: 30 }), (a, b) => {
        const ra = build(a);
        const rb = build(b);
        const ma = model(a);
        const mb = model(b);
        const u = ra.union(rb);
        const s = ra.subtract(rb);
        const i = ra.intersect(rb);
        [u, s, i].forEach(wellFormed);
        expect(pixels(u)).toEqual(new Set([...ma, ...mb]));
        expect(pixels(s)).toEqual(new Set([...ma].filter((p) => !mb.has(p))));
        expect(pixels(i)).toEqual(new Set([...ma].filter((p) => mb.has(p))));
      }),
    );
  });

  it('toRects covers exactly the region with disjoint rectangles, merging straight runs', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 40 }), (spans) => {
        const r = build(spans);
        const seen = new Set<string>();
        for (const rect of r.toRects()) {
          for (let y = rect.y; y < rect.y + rect.height; y++)
            for (let x = rect.x; x < rect.x + rect.width; x++) {
              const k = `${x},${y}`;
              expect(seen.has(k)).toBe(false);
              seen.add(k);
            }
        }
        expect(seen).toEqual(pixels(r));
      }),
    );
    // A 4-pixel-wide vertical bar of 100 rows is one rectangle, not 100.
    expect(SpanRegion.fromRect({ x: 10, y: 5, width: 4, height: 100 }).toRects()).toEqual([
      { x: 10, y: 5, width: 4, height: 100 },
    ]);
  });

  it('clips, translates, filters rows and reports bounds', () => {
    fc.assert(
      fc.property(
        fc.array(spanArb, { maxLength: 30 }),
        fc.record({
          x: fc.integer({ min: -5, max: 40 }),
          y: fc.integer({ min: -5, max: 40 }),
          width: fc.integer({ min: 0, max: 30 }),
          height: fc.integer({ min: 0, max: 30 }),
        }),
        (spans, clip) => {
          const r = build(spans);
          const inClip = (p: string) => {
            const [x, y] = p.split(',').map(Number) as [number, number];
            return x >= clip.x && x < clip.x + clip.width && y >= clip.y && y < clip.y + clip.height;
          };
          expect(pixels(r.clip(clip))).toEqual(new Set([...pixels(r)].filter(inClip)));
          const moved = pixels(r.translate(3, -2));
          expect(moved).toEqual(
            new Set(
              [...pixels(r)].map((p) => {
                const [x, y] = p.split(',').map(Number) as [number, number];
                return `${x + 3},${y - 2}`;
              }),
            ),
          );
          const even = pixels(r.filterRows((y) => y % 2 === 0));
          expect(even).toEqual(new Set([...pixels(r)].filter((p) => Number(p.split(',')[1]) % 2 === 0)));
          const b = r.bounds();
          if (r.isEmpty) expect(b).toBeNull();
          else {
            const xs = [...pixels(r)].map((p) => Number(p.split(',')[0]));
            const ys = [...pixels(r)].map((p) => Number(p.split(',')[1]));
            expect(b).toEqual({
              x: Math.min(...xs),
              y: Math.min(...ys),
              width: Math.max(...xs) - Math.min(...xs) + 1,
              height: Math.max(...ys) - Math.min(...ys) + 1,
            });
          }
        },
      ),
    );
  });

  it('answers has() and equals() like the pixel set', () => {
    const r = build([
      [3, 2, 5],
      [3, 10, 2],
      [4, 0, 1],
    ]);
    expect(r.has(2, 3)).toBe(true);
    expect(r.has(7, 3)).toBe(false);
    expect(r.has(11, 3)).toBe(true);
    expect(r.has(0, 5)).toBe(false);
    expect(r.spanCount()).toBe(3);
    expect(
      r.equals(
        build([
          [4, 0, 1],
          [3, 10, 2],
          [3, 2, 3],
          [3, 5, 2],
        ]),
      ),
    ).toBe(true);
    expect(r.equals(SpanRegion.empty)).toBe(false);
  });
});
