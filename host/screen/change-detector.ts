/**
 * Change detection against the viewer's copy of the screen ("previous frame").
 *
 * The previous frame is one BGRX buffer allocated per screen size, never per update
 * (frame-copy.ts: rows are re-pointed on scrolls), with its row hashes cached for scroll detection (row-hashes.ts; every write here keeps
 * them right). `scan` compares only the damaged areas: whole rows with one native memcmp each
 * (Buffer#compare; runs of whole-width rows, where both buffers are contiguous, in chunks of
 * SCAN_CHUNK_ROWS rows), and only in rows that differ finds the exact changed columns per 64-pixel
 * tile with a plain loop (cheaper than a native call per tile; a long equal stretch is skipped with
 * a few native compares over doubling, then halving spans), so each dirty tile carries a
 * tight bounding box (a keystroke yields a ~12x13 rectangle, not a 64x64 tile). `takeRects`
 * turns dirty tiles into few rectangles: horizontal runs of dirty tiles, then runs with the same
 * columns in consecutive tile rows merged.
 */
import type { Rect } from '../platform/types';
import { FrameCopy } from './frame-copy';
import type { PixelView } from './pixel-view';
import { intersect, subtract } from './rect-math';
import { RowHashCache } from './row-hashes';

/** Side of a change-detection tile, in pixels. */
export const TILE_SIZE = 64;
const TILE_SHIFT = 6;
const NONE = -1;
/** Largest gap of unchanged columns a run of dirty tiles bridges, in pixels. */
const RUN_GAP_MAX = 48;
/** Pixels a run of dirty tiles may cover beyond its tiles' own boxes before it is split. */
const RUN_WASTE_PX = TILE_SIZE * TILE_SIZE;
/** Whole-width rows compared per native call where both frames are contiguous (a still screen: 68 calls per 1080p frame). */
const SCAN_CHUNK_ROWS = 16;
/**
 * Equal pixels a changed row's column search walks in JS before it skips ahead with native
 * compares (a JS step costs ~1 ns a pixel, a native call ~100-200 ns): rows that change all along
 * (a redrawn page) never get that far; a row whose change was a glyph at its start confirms the
 * rest equal in one call instead of a walk over ~1,800 pixels.
 */
const WALK_PX = 4 * TILE_SIZE;

export class ChangeDetector {
  readonly prev: FrameCopy;
  /** Row hashes of `prev`, for scroll detection. */
  readonly hashes: RowHashCache;
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
    this.prev = new FrameCopy(width, height);
    this.hashes = new RowHashCache(width, height);
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

  /**
   * Compares `cur` with the previous frame inside `rects` (clipped here) and marks changed tiles.
   * Pixels inside `known` are known to be equal (a verified move) and are not compared.
   */
  scan(cur: PixelView, rects: readonly Rect[], known: Rect | null = null): void {
    const bounds = { x: 0, y: 0, width: this.width, height: this.height };
    for (const raw of rects) {
      const r = intersect(raw, bounds);
      if (r === null) continue;
      if (known === null) this.scanRect(cur, r);
      else for (const part of subtract(r, known)) this.scanRect(cur, part);
    }
  }

  private scanRect(cur: PixelView, r: Rect): void {
    const x0 = r.x;
    const x1 = r.x + r.width;
    const end = r.y + r.height;
    const w = this.width;
    const prev = this.prev;
    const wholeRows = x0 === 0 && x1 === w && cur.pitch === w;
    let y = r.y;
    while (y < end) {
      const n = Math.min(SCAN_CHUNK_ROWS, end - y);
      if (wholeRows && n > 1 && prev.contiguous(y, n)) {
        const c = (y * w + cur.offset) * 4;
        const p = prev.rowAt[y]! * 4;
        const same = cur.bytes.compare(prev.bytes, p, p + n * w * 4, c, c + n * w * 4) === 0;
        if (!same) for (let k = 0; k < n; k++) this.scanRow(cur, y + k, x0, x1);
        y += n;
      } else {
        this.scanRow(cur, y, x0, x1);
        y++;
      }
    }
  }

  /**
   * Where pixels of [x, x1) in a row (cur from u32 index `cRow`, prev from `pRow`) may first
   * differ: x1 when all are equal, else a column at most TILE_SIZE before the first difference.
   * Native compares: the whole rest first (most often equal: the row changed before x), else spans
   * doubling from one tile, then halving the span that differs.
   */
  private nextDifference(cur: PixelView, cRow: number, pRow: number, x: number, x1: number): number {
    const equal = (a: number, b: number) =>
      cur.bytes.compare(this.prev.bytes, (pRow + a) * 4, (pRow + b) * 4, (cRow + a) * 4, (cRow + b) * 4) ===
      0;
    if (equal(x, x1)) return x1;
    let span = TILE_SIZE;
    let end = Math.min(x1, x + span);
    while (equal(x, end)) {
      x = end;
      span *= 2;
      end = Math.min(x1, x + span);
    }
    // [x, end) differs somewhere: halve it while it is wider than a tile.
    while (end - x > TILE_SIZE) {
      const mid = x + ((end - x) >> 1);
      if (equal(x, mid)) x = mid;
      else end = mid;
    }
    return x;
  }

  /** Marks the changed columns of row `y` in [x0, x1), per tile. */
  private scanRow(cur: PixelView, y: number, x0: number, x1: number): void {
    const cRow = y * cur.pitch + cur.offset;
    const pRow = this.prev.rowAt[y]!;
    if (
      cur.bytes.compare(
        this.prev.bytes,
        (pRow + x0) * 4,
        (pRow + x1) * 4,
        (cRow + x0) * 4,
        (cRow + x1) * 4,
      ) === 0
    )
      return;
    const c32 = cur.u32;
    const p32 = this.prev.u32;
    const ty = y >> TILE_SHIFT;
    let x = x0;
    while (x < x1) {
      const walkEnd = Math.min(x1, x + WALK_PX);
      while (x < walkEnd && c32[cRow + x] === p32[pRow + x]) x++;
      if (x === walkEnd && x < x1) {
        // A long equal stretch (a scrollbar or a caret far along the row): skip it natively.
        x = this.nextDifference(cur, cRow, pRow, x, x1);
        continue;
      }
      if (x >= x1) return;
      const tx = x >> TILE_SHIFT;
      const tileEnd = Math.min(x1, (tx + 1) << TILE_SHIFT);
      let last = tileEnd - 1;
      while (c32[cRow + last] === p32[pRow + last]) last--;
      this.extend(tx, ty, x, last, y, y);
      x = tileEnd;
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

  /** Pixels inside the dirty tiles' boxes (an upper bound of the changed pixels). */
  dirtyArea(): number {
    if (this.dirtyCount === 0) return 0;
    let sum = 0;
    for (let i = 0; i < this.minX.length; i++) {
      if (this.minX[i] === NONE) continue;
      sum += (this.maxX[i]! - this.minX[i]! + 1) * (this.maxY[i]! - this.minY[i]! + 1);
    }
    return sum;
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
        let dirtyArea = (x1 - x0 + 1) * (y1 - y0 + 1);
        tx++;
        // Extend the run only through tiles whose change starts close to where the run's ends, so
        // two small changes far apart in one tile row stay two small rectangles, and only while
        // the run's box stays mostly changed pixels (a window's uncovered L-shape, a tall thin
        // strip beside a short wide one, is two rectangles, not one box around both).
        while (tx < this.tilesX) {
          const j = ty * this.tilesX + tx;
          if (this.minX[j] === NONE || this.minX[j]! - x1 > RUN_GAP_MAX) break;
          const ny0 = Math.min(y0, this.minY[j]!);
          const ny1 = Math.max(y1, this.maxY[j]!);
          const tileArea = (this.maxX[j]! - this.minX[j]! + 1) * (this.maxY[j]! - this.minY[j]! + 1);
          const boxArea = (this.maxX[j]! - x0 + 1) * (ny1 - ny0 + 1);
          if (boxArea - dirtyArea - tileArea > RUN_WASTE_PX && boxArea > 2 * (dirtyArea + tileArea)) break;
          dirtyArea += tileArea;
          x1 = this.maxX[j]!;
          y0 = ny0;
          y1 = ny1;
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
    this.prev.commit(cur, rect);
    this.hashes.invalidate(rect);
  }

  /** Applies a COPY to the previous frame: `rect` gets what was at (srcX, srcY) (overlap-safe). */
  copyWithin(rect: Rect, srcX: number, srcY: number): void {
    this.prev.copy(rect, srcX, srcY);
    if (srcX === rect.x) this.hashes.moveRows(rect, srcY);
    else this.hashes.invalidate(rect);
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
