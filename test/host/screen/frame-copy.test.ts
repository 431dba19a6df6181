/**
 * The encoder's copy of the viewer's picture must hold exactly what the viewer holds after any
 * sequence of commits and COPY operations (scrolls re-point rows instead of moving pixels), and
 * its cached row hashes must equal hashes computed from scratch: a stale hash would only cost a
 * missed scroll, a wrong pixel would be a wrong picture until the next full refresh.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChangeDetector } from '../../../host/screen/change-detector';
import { PixelViewer } from '../../../host/screen/pixel-view';
import { RowHashCache } from '../../../host/screen/row-hashes';
import type { Rect } from '../../../host/platform/types';
import { fewColours } from './synthetic';

const W = 200;
const H = 60;

type Op =
  { kind: 'commit'; rect: Rect; seed: number } | { kind: 'copy'; rect: Rect; srcX: number; srcY: number };

const rectArb = (minW = 1) =>
  fc.record({ x: fc.nat(W - minW), y: fc.nat(H - 1) }).chain(({ x, y }) =>
    fc.record({
      x: fc.constant(x),
      y: fc.constant(y),
      width: fc.integer({ min: minW, max: W - x }),
      height: fc.integer({ min: 1, max: H - y }),
    }),
  );

const copyArb = fc.oneof(
  // Wide vertical moves (re-pointed rows), any vertical move, and 2-D moves.
  rectArb(W - 40).chain((rect) =>
    fc.record({
      kind: fc.constant('copy' as const),
      rect: fc.constant(rect),
      srcX: fc.constant(rect.x),
      srcY: fc.integer({ min: 0, max: H - rect.height }),
    }),
  ),
  rectArb().chain((rect) =>
    fc.record({
      kind: fc.constant('copy' as const),
      rect: fc.constant(rect),
      srcX: fc.integer({ min: 0, max: W - rect.width }),
      srcY: fc.integer({ min: 0, max: H - rect.height }),
    }),
  ),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('commit' as const), rect: rectArb(), seed: fc.nat() }),
  copyArb,
);

const frame = (seed: number) => fewColours(W, H, seed);

/** Whether the detector's cached row keys over [x0, x1) equal keys computed from scratch. */
function keysFresh(d: ChangeDetector, x0: number, x1: number): boolean {
  const cached = new Int32Array(H);
  const fresh = new Int32Array(H);
  d.hashes.rowKeys(d.prev, 0, x0, x1, cached, H);
  new RowHashCache(W, H).rowKeys(d.prev, 0, x0, x1, fresh, H);
  return cached.every((v, i) => v === fresh[i]);
}

function pixel(d: ChangeDetector, x: number, y: number): number {
  return d.prev.u32[d.prev.rowAt[y]! + x]!;
}

describe('FrameCopy and its row hash cache', () => {
  it('hold what the viewer holds after any commits and moves, with hashes equal to fresh ones', () => {
    const viewer = new PixelViewer();
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.nat(), (ops, q) => {
        const d = new ChangeDetector(W, H);
        const model = new Uint32Array(W * H); // starts black, like the copy
        for (const [k, op] of ops.entries()) {
          // Fill the cache first (cells and row keys over some columns) so the operation has
          // cached hashes to keep right.
          const probe = new Int32Array(H);
          const x0 = (q + k * 37) % 90;
          const x1 = W - ((q + k * 11) % 70);
          d.hashes.rowKeys(d.prev, 0, x0, x1, probe, H);
          if (op.kind === 'commit') {
            const f = frame(op.seed);
            d.commit(viewer.view(f), op.rect);
            const src = new Uint32Array(f.data.buffer);
            for (let y = op.rect.y; y < op.rect.y + op.rect.height; y++)
              for (let x = op.rect.x; x < op.rect.x + op.rect.width; x++) model[y * W + x] = src[y * W + x]!;
          } else {
            d.copyWithin(op.rect, op.srcX, op.srcY);
            const before = model.slice();
            for (let y = 0; y < op.rect.height; y++)
              for (let x = 0; x < op.rect.width; x++)
                model[(op.rect.y + y) * W + op.rect.x + x] = before[(op.srcY + y) * W + op.srcX + x]!;
          }
          // The keys cached before the operation, as kept by it, vs computed from scratch.
          if (!keysFresh(d, x0, x1)) return false;
        }
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) if (pixel(d, x, y) !== model[y * W + x]) return false;
        // Row keys over a few column spans, cached vs computed from scratch.
        const spans = [
          [0, W],
          [q % 64, W - (q % 50)],
          [3, 60],
          [70, 200],
        ] as const;
        return spans.every(([x0, x1]) => keysFresh(d, x0, x1));
      }),
      { numRuns: 300 },
    );
  });

  it('finds exactly the changed pixels after rows were re-pointed', () => {
    const viewer = new PixelViewer();
    const d = new ChangeDetector(W, H);
    const f = frame(7);
    d.commit(viewer.view(f), { x: 0, y: 0, width: W, height: H });
    // A scroll of all but 10 columns by 13 rows: re-pointed rows.
    d.copyWithin({ x: 0, y: 0, width: W - 10, height: H - 13 }, 0, 13);
    const g = frame(7);
    const gu = new Uint32Array(g.data.buffer);
    const fu = new Uint32Array(f.data.buffer);
    for (let y = 0; y < H - 13; y++) for (let x = 0; x < W - 10; x++) gu[y * W + x] = fu[(y + 13) * W + x]!;
    gu[5 * W + 7] = 0xabcdef;
    d.scan(viewer.view(g), [{ x: 0, y: 0, width: W, height: H }]);
    const rects = d.takeRects();
    // The changed pixel and the uncovered rows (whose old content differs) and nothing else.
    expect(rects.some((r) => r.x <= 7 && r.x + r.width > 7 && r.y <= 5 && r.y + r.height > 5)).toBe(true);
    for (const r of rects) d.commit(viewer.view(g), r);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(pixel(d, x, y)).toBe(gu[y * W + x]);
  });
});
