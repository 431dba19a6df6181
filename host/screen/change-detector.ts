/**
 * Change detection against the viewer's copy of the screen ("previous frame").
 *
 * The previous frame is one tightly packed BGRX buffer allocated per screen size, never per
 * update. `scan` compares only the damaged areas, row by row with native memcmp
 * (Buffer#compare), and for rows that differ finds the exact changed columns per 64-pixel tile, so
 * each dirty tile carries a tight bounding box (a keystroke yields a ~12x13 rectangle, not a
 * 64x64 tile). `takeRects` turns dirty tiles into few rectangles: horizontal runs of dirty tiles,
 * then runs with the same columns in consecutive tile rows merged.
 */
import type { Rect } from '../platform/types';
import { ownedView, type PixelView } from './pixel-view';
import { intersect } from './rect-math';

/** Side of a change-detection tile, in pixels. */
export const TILE_SIZE = 64;
const TILE_SHIFT = 6;
const NONE = -1;
/** Largest gap of unchanged columns a run of dirty tiles bridges, in pixels. */
const RUN_GAP_MAX = 48;

export class ChangeDetector {
  readonly prev: PixelView;
  readonly tilesX: number;
  readonly tilesY: number;
  private readonly minX: Int32Array;
  private readonly maxX: Int32Array;
  private readonly minY: Int32Array;
  private readonly maxY: Int32Array;
  private dirtyCount = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.prev = ownedView(width, height);
    this.tilesX = Math.ceil(width / TILE_SIZE);
    this.tilesY = Math.ceil(height / TILE_SIZE);
    const n = this.tilesX * this.tilesY;
    this.minX = new Int32Array(n).fill(NONE);
    this.maxX = new Int32Array(n);
    this.minY = new Int32Array(n);
    this.maxY = new Int32Array(n);
  }

  get hasDirty(): boolean {
    return this.dirtyCount > 0;
  }

  /** Marks every pixel of `rect` dirty without comparing (first frame after a reset). */
  markAll(rect: Rect = { x: 0, y: 0, width: this.width, height: this.height }): void {
    const r = intersect(rect, { x: 0, y: 0, width: this.width, height: this.height });
    if (r === null) return;
    for (let y = r.y; y < r.y + r.height; y += TILE_SIZE - (y % TILE_SIZE)) {
      const rowEnd = Math.min(r.y + r.height, (Math.floor(y / TILE_SIZE) + 1) * TILE_SIZE);
      for (let x = r.x; x < r.x + r.width; x += TILE_SIZE - (x % TILE_SIZE)) {
        const colEnd = Math.min(r.x + r.width, (Math.floor(x / TILE_SIZE) + 1) * TILE_SIZE);
        this.extend(x >> TILE_SHIFT, y >> TILE_SHIFT, x, colEnd - 1, y, rowEnd - 1);
      }
    }
  }

  /** Compares `cur` with the previous frame inside `rects` (already clipped or not) and marks changed tiles. */
  scan(cur: PixelView, rects: readonly Rect[]): void {
    const bounds = { x: 0, y: 0, width: this.width, height: this.height };
    for (const raw of rects) {
      const r = intersect(raw, bounds);
      if (r !== null) this.scanRect(cur, r);
    }
  }

  /**
   * Rows of `rect` where `cur` differs from the previous frame: the first and last such row, by
   * whole-row memcmp only (cheap; no per-tile work), or null when nothing changed.
   */
  changedRows(cur: PixelView, rect: Rect): { first: number; last: number } | null {
    const r = intersect(rect, { x: 0, y: 0, width: this.width, height: this.height });
    if (r === null) return null;
    let first = -1;
    let last = -1;
    for (let y = r.y; y < r.y + r.height; y++) {
      const c = (y * cur.pitch + cur.offset + r.x) * 4;
      const p = (y * this.prev.pitch + r.x) * 4;
      if (cur.bytes.compare(this.prev.bytes, p, p + r.width * 4, c, c + r.width * 4) !== 0) {
        if (first < 0) first = y;
        last = y;
      }
    }
    return first < 0 ? null : { first, last };
  }

  private scanRect(cur: PixelView, r: Rect): void {
    const prev = this.prev;
    const c32 = cur.u32;
    const p32 = prev.u32;
    const x0 = r.x;
    const x1 = r.x + r.width;
    for (let y = r.y; y < r.y + r.height; y++) {
      const cRow = y * cur.pitch + cur.offset;
      const pRow = y * prev.pitch;
      if (
        cur.bytes.compare(prev.bytes, (pRow + x0) * 4, (pRow + x1) * 4, (cRow + x0) * 4, (cRow + x1) * 4) ===
        0
      )
        continue;
      const ty = y >> TILE_SHIFT;
      for (let tx = x0 >> TILE_SHIFT; tx <= (x1 - 1) >> TILE_SHIFT; tx++) {
        const sx = Math.max(x0, tx << TILE_SHIFT);
        const ex = Math.min(x1, (tx + 1) << TILE_SHIFT);
        if (
          cur.bytes.compare(
            prev.bytes,
            (pRow + sx) * 4,
            (pRow + ex) * 4,
            (cRow + sx) * 4,
            (cRow + ex) * 4,
          ) === 0
        ) {
          continue;
        }
        let first = sx;
        while (c32[cRow + first] === p32[pRow + first]) first++;
        let last = ex - 1;
        while (c32[cRow + last] === p32[pRow + last]) last--;
        this.extend(tx, ty, first, last, y, y);
      }
    }
  }

  private extend(tx: number, ty: number, x0: number, x1: number, y0: number, y1: number): void {
    const i = ty * this.tilesX + tx;
    if (this.minX[i] === NONE) {
      this.minX[i] = x0;
      this.maxX[i] = x1;
      this.minY[i] = y0;
      this.maxY[i] = y1;
      this.dirtyCount++;
      return;
    }
    if (x0 < this.minX[i]!) this.minX[i] = x0;
    if (x1 > this.maxX[i]!) this.maxX[i] = x1;
    if (y0 < this.minY[i]!) this.minY[i] = y0;
    if (y1 > this.maxY[i]!) this.maxY[i] = y1;
  }

  /** The bounding box of every dirty pixel, or null. */
  dirtyBounds(): Rect | null {
    if (this.dirtyCount === 0) return null;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -1;
    let y1 = -1;
    for (let i = 0; i < this.minX.length; i++) {
      if (this.minX[i] === NONE) continue;
      x0 = Math.min(x0, this.minX[i]!);
      x1 = Math.max(x1, this.maxX[i]!);
      y0 = Math.min(y0, this.minY[i]!);
      y1 = Math.max(y1, this.maxY[i]!);
    }
    return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }

  /** Forgets dirty tiles inside `rect`'s tiles (before a re-scan of that area). */
  clearTiles(rect: Rect): void {
    const tx0 = rect.x >> TILE_SHIFT;
    const ty0 = rect.y >> TILE_SHIFT;
    const tx1 = (rect.x + rect.width - 1) >> TILE_SHIFT;
    const ty1 = (rect.y + rect.height - 1) >> TILE_SHIFT;
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const i = ty * this.tilesX + tx;
        if (this.minX[i] !== NONE) {
          this.minX[i] = NONE;
          this.dirtyCount--;
        }
      }
    }
  }

  /** Dirty areas as few rectangles, and clears the dirty state. */
  takeRects(): Rect[] {
    const rows: Rect[][] = [];
    for (let ty = 0; ty < this.tilesY; ty++) {
      const runs: Rect[] = [];
      let tx = 0;
      while (tx < this.tilesX) {
        const i = ty * this.tilesX + tx;
        if (this.minX[i] === NONE) {
          tx++;
          continue;
        }
        const x0 = this.minX[i]!;
        let x1 = this.maxX[i]!;
        let y0 = this.minY[i]!;
        let y1 = this.maxY[i]!;
        tx++;
        // Extend the run only through tiles whose change starts close to where the run's ends, so
        // two small changes far apart in one tile row stay two small rectangles.
        while (tx < this.tilesX) {
          const j = ty * this.tilesX + tx;
          if (this.minX[j] === NONE || this.minX[j]! - x1 > RUN_GAP_MAX) break;
          x1 = this.maxX[j]!;
          y0 = Math.min(y0, this.minY[j]!);
          y1 = Math.max(y1, this.maxY[j]!);
          tx++;
        }
        runs.push({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 });
      }
      rows.push(runs);
    }
    this.minX.fill(NONE);
    this.dirtyCount = 0;
    return mergeVertically(rows);
  }

  /** Copies `rect` of `cur` into the previous frame (what the viewer now has). */
  commit(cur: PixelView, rect: Rect): void {
    const p = this.prev;
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      const c = y * cur.pitch + cur.offset + rect.x;
      p.u32.set(cur.u32.subarray(c, c + rect.width), y * p.pitch + rect.x);
    }
  }

  /** Applies a COPY to the previous frame: `rect` gets what was at (srcX, srcY) (overlap-safe). */
  copyWithin(rect: Rect, srcX: number, srcY: number): void {
    const p = this.prev;
    const rows = rect.height;
    const down = rect.y > srcY;
    for (let k = 0; k < rows; k++) {
      const i = down ? rows - 1 - k : k;
      const s = (srcY + i) * p.pitch + srcX;
      p.u32.copyWithin((rect.y + i) * p.pitch + rect.x, s, s + rect.width);
    }
  }
}

/** Merges runs that span the same columns and meet at a tile boundary in consecutive tile rows. */
function mergeVertically(rows: Rect[][]): Rect[] {
  const out: Rect[] = [];
  let open: Rect[] = [];
  for (let ty = 0; ty < rows.length; ty++) {
    const next: Rect[] = [];
    const boundary = ty << TILE_SHIFT;
    for (const run of rows[ty]!) {
      const k = open.findIndex(
        (o) => o.x === run.x && o.width === run.width && o.y + o.height === boundary && run.y === boundary,
      );
      if (k >= 0) {
        const o = open[k]!;
        open.splice(k, 1);
        next.push({ x: o.x, y: o.y, width: o.width, height: run.y + run.height - o.y });
      } else next.push(run);
    }
    out.push(...open);
    open = next;
  }
  out.push(...open);
  return out;
}
