/**
 * Row hashes of the viewer's copy of the screen, cached between updates, for scroll detection.
 *
 * A scroll detector needs, for every row of a region, a hash of the previous frame's pixels over
 * the region's columns. Rehashing the scrolled area on every update cost more than everything else
 * the encoder did while a terminal scrolled (the profile of bench/screen), although only the few
 * newly exposed rows really change between two updates. So the previous frame keeps one hash per
 * row and 64-pixel tile column ("cell"), valid until the cell's pixels change: `invalidate` on
 * every write, `moveRows` when a vertical COPY moves whole cells (their hashes move with them).
 * A region's row key combines the cells of the full tiles it spans and hashes of the partial
 * cells at its ends (not cached: at most two narrow spans), computed the same way for the new
 * frame (`rowKey`), so both sides compare. Hashes only propose: callers verify by memcmp.
 */
import type { Rect } from '../platform/types';
import type { FrameCopy } from './frame-copy';
import type { PixelView } from './pixel-view';

/** Columns per hash cell, in pixels (the change detector's tile width). */
export const HASH_CELL = 64;
const CELL_SHIFT = 6;
/**
 * Every HASH_STEP-th pixel of a cell is hashed: text rows still differ at that sampling. The
 * partial cells at a region's ends are hashed whole: a line of a few narrow glyphs there (`seq`
 * output) sampled every few pixels leaves too few combinations to tell rows apart.
 */
const HASH_STEP = 2;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of every `step`-th pixel of `n` pixels from `start`. */
export function hashSpan(u32: Uint32Array, start: number, n: number, step = HASH_STEP): number {
  let h = FNV_OFFSET;
  const end = start + n;
  for (let k = start; k < end; k += step) h = Math.imul(h ^ u32[k]!, FNV_PRIME);
  return h;
}

/** Folds one cell hash into a row key. */
function fold(key: number, cell: number): number {
  return Math.imul(key ^ cell, FNV_PRIME);
}

/** Full cells of the columns [x0, x1): the first one and one past the last (empty when c0 >= c1). */
export function fullCells(x0: number, x1: number): { c0: number; c1: number } {
  return { c0: (x0 + HASH_CELL - 1) >> CELL_SHIFT, c1: x1 >> CELL_SHIFT };
}

/**
 * Row key of row `y` of `view` over the columns [x0, x1) (computed fresh, for the new frame): the
 * full cells folded in order, between the hashes of the partial cells at both ends (a terminal's
 * short lines may have all their text there), or the columns hashed directly when the region
 * spans no full cell.
 */
export function rowKey(view: PixelView, y: number, x0: number, x1: number): number {
  const { c0, c1 } = fullCells(x0, x1);
  const row = y * view.pitch + view.offset;
  if (c1 <= c0) return hashSpan(view.u32, row + x0, x1 - x0, 1);
  let key = fold(FNV_OFFSET, edge(view.u32, row, x0, c0 << CELL_SHIFT));
  for (let c = c0; c < c1; c++) key = fold(key, hashSpan(view.u32, row + (c << CELL_SHIFT), HASH_CELL));
  return fold(key, edge(view.u32, row, c1 << CELL_SHIFT, x1));
}

/** Hash of the partial cell [from, to) of the row starting at `row` (a constant when empty). */
function edge(u32: Uint32Array, row: number, from: number, to: number): number {
  return to > from ? hashSpan(u32, row + from, to - from, 1) : FNV_OFFSET;
}

export class RowHashCache {
  readonly cellsX: number;
  private readonly cells: Int32Array;
  private readonly valid: Uint8Array;
  /**
   * Each row's last key, with the columns [keyX0, keyX1) it covers (keyX1 = -1: none): a
   * scrolling region asks for the same columns update after update, and a scroll moves the keys
   * with the rows, so most rows' keys are found here without touching their pixels.
   */
  private readonly keyX0: Int32Array;
  private readonly keyX1: Int32Array;
  private readonly keyVal: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.cellsX = Math.floor(width / HASH_CELL);
    this.cells = new Int32Array(this.cellsX * height);
    this.valid = new Uint8Array(this.cellsX * height);
    this.keyX0 = new Int32Array(height);
    this.keyX1 = new Int32Array(height).fill(-1);
    this.keyVal = new Int32Array(height);
  }

  /** Row keys of rows [y0, y0 + count) of `prev` (the frame this cache describes) over [x0, x1). */
  rowKeys(prev: FrameCopy, y0: number, x0: number, x1: number, out: Int32Array, count: number): void {
    const { c0, c1 } = fullCells(x0, x1);
    const cells = this.cells;
    const valid = this.valid;
    const u32 = prev.u32;
    const left = c0 << CELL_SHIFT;
    const right = c1 << CELL_SHIFT;
    for (let i = 0; i < count; i++) {
      const y = y0 + i;
      if (this.keyX0[y] === x0 && this.keyX1[y] === x1) {
        out[i] = this.keyVal[y]!;
        continue;
      }
      const row = prev.rowAt[y]!;
      let key: number;
      if (c1 <= c0) key = hashSpan(u32, row + x0, x1 - x0, 1);
      else {
        const base = y * this.cellsX;
        key = fold(FNV_OFFSET, edge(u32, row, x0, left));
        for (let c = c0; c < c1; c++) {
          const k = base + c;
          if (valid[k] === 0) {
            cells[k] = hashSpan(u32, row + (c << CELL_SHIFT), HASH_CELL);
            valid[k] = 1;
          }
          key = fold(key, cells[k]!);
        }
        key = fold(key, edge(u32, row, right, x1));
      }
      this.keyX0[y] = x0;
      this.keyX1[y] = x1;
      this.keyVal[y] = key;
      out[i] = key;
    }
  }

  /** The pixels of `rect` changed: forget the hashes of every cell and row key it touches. */
  invalidate(rect: Rect): void {
    const y0 = Math.max(0, rect.y);
    const y1 = Math.min(this.height, rect.y + rect.height);
    const x1 = rect.x + rect.width;
    for (let y = y0; y < y1; y++) if (this.keyX1[y]! > rect.x && this.keyX0[y]! < x1) this.keyX1[y] = -1;
    this.invalidateCells(rect);
  }

  private invalidateCells(rect: Rect): void {
    const y0 = Math.max(0, rect.y);
    const y1 = Math.min(this.height, rect.y + rect.height);
    const c0 = rect.x >> CELL_SHIFT;
    const c1 = Math.min(this.cellsX, (rect.x + rect.width + HASH_CELL - 1) >> CELL_SHIFT);
    if (c1 <= c0) return;
    for (let y = y0; y < y1; y++) {
      const base = y * this.cellsX;
      this.valid.fill(0, base + c0, base + c1);
    }
  }

  /**
   * `rect` received the pixels that were at (rect.x, srcY) (a vertical COPY): whole cells inside
   * it take the source rows' hashes (and validity); cells it covers in part are forgotten.
   */
  moveRows(rect: Rect, srcY: number): void {
    const { c0, c1 } = fullCells(rect.x, rect.x + rect.width);
    const rows = rect.height;
    const down = rect.y > srcY;
    // Row keys over columns inside the band move with their rows; others over it are stale.
    const x0 = rect.x;
    const x1 = rect.x + rect.width;
    for (let k = 0; k < rows; k++) {
      const i = down ? rows - 1 - k : k;
      const from = srcY + i;
      const to = rect.y + i;
      if (this.keyX1[from]! >= 0 && this.keyX0[from]! >= x0 && this.keyX1[from]! <= x1) {
        this.keyX0[to] = this.keyX0[from]!;
        this.keyX1[to] = this.keyX1[from]!;
        this.keyVal[to] = this.keyVal[from]!;
      } else if (this.keyX1[to]! > x0 && this.keyX0[to]! < x1) this.keyX1[to] = -1;
    }
    if (c1 > c0) {
      for (let k = 0; k < rows; k++) {
        const i = down ? rows - 1 - k : k;
        const from = (srcY + i) * this.cellsX;
        const to = (rect.y + i) * this.cellsX;
        this.cells.copyWithin(to + c0, from + c0, from + c1);
        this.valid.copyWithin(to + c0, from + c0, from + c1);
      }
    }
    // Edge cells hold moved and unmoved pixels.
    const left = Math.min(c0 << CELL_SHIFT, rect.x + rect.width) - rect.x;
    if (left > 0) this.invalidateCells({ x: rect.x, y: rect.y, width: left, height: rows });
    const right = Math.max(rect.x, c1 << CELL_SHIFT);
    if (right < rect.x + rect.width)
      this.invalidateCells({ x: right, y: rect.y, width: rect.x + rect.width - right, height: rows });
  }
}
