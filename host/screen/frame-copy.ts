/**
 * The encoder's copy of what the viewer shows: one BGRX buffer per screen size whose rows are
 * reached through a row table (`rowAt[y]` = u32 index of row y's first pixel), so a scroll of
 * (nearly) whole rows re-points rows instead of moving pixels. Moving a 1080p terminal's pixels
 * on every scrolled line cost more than a millisecond each time (8 MB read and written), about as
 * much as comparing them; re-pointing costs the columns outside the band plus the rows the move
 * uncovers. All writes go through here so the row table stays the single source of truth.
 */
import type { Rect } from '../platform/types';
import type { PixelView } from './pixel-view';

export class FrameCopy {
  readonly u32: Uint32Array;
  /** The same memory as a Node Buffer, for native memcmp via Buffer#compare. */
  readonly bytes: Buffer;
  /** u32 index of the first pixel of each row. */
  readonly rowAt: Int32Array;
  private scratchRows: Int32Array;
  private scratchCols = new Uint32Array(0);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const ab = new ArrayBuffer(width * height * 4);
    this.u32 = new Uint32Array(ab);
    this.bytes = Buffer.from(ab);
    this.rowAt = new Int32Array(height);
    for (let y = 0; y < height; y++) this.rowAt[y] = y * width;
    this.scratchRows = new Int32Array(height);
  }

  /** True when rows [y, y + n) lie one after another in memory (one memcmp can cover them). */
  contiguous(y: number, n: number): boolean {
    const base = this.rowAt[y]!;
    for (let k = 1; k < n; k++) if (this.rowAt[y + k] !== base + k * this.width) return false;
    return true;
  }

  /** Copies `rect` of `view` (stream coordinates) into this frame. */
  commit(view: PixelView, rect: Rect): void {
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      const c = y * view.pitch + view.offset + rect.x;
      this.u32.set(view.u32.subarray(c, c + rect.width), this.rowAt[y]! + rect.x);
    }
  }

  /** `rect` gets what was at (srcX, srcY), as one operation (overlap-safe). */
  copy(rect: Rect, srcX: number, srcY: number): void {
    if (srcX === rect.x && this.repointCost(rect, srcY) < rect.width * rect.height) {
      this.repoint(rect, srcY);
      return;
    }
    const rows = rect.height;
    const down = rect.y > srcY;
    for (let k = 0; k < rows; k++) {
      const i = down ? rows - 1 - k : k;
      const s = this.rowAt[srcY + i]! + srcX;
      this.u32.copyWithin(this.rowAt[rect.y + i]! + rect.x, s, s + rect.width);
    }
  }

  /** Pixels a re-pointed vertical move writes: twice the columns outside the band, plus the uncovered rows. */
  private repointCost(rect: Rect, srcY: number): number {
    return (
      2 * (this.width - rect.width) * rect.height +
      Math.min(Math.abs(rect.y - srcY), rect.height) * this.width
    );
  }

  /**
   * A vertical move of columns [rect.x, rect.x + width) by re-pointing rows: destination row r
   * takes source row r - dy's memory, whose columns outside the band are then restored from r's
   * own; rows the move uncovers (sources that are not destinations) take the freed memory with
   * their content copied in.
   */
  private repoint(rect: Rect, srcY: number): void {
    const w = this.width;
    const h = rect.height;
    const dy = rect.y - srcY;
    if (dy === 0) return;
    const x0 = rect.x;
    const x1 = rect.x + rect.width;
    const outside = w - rect.width;
    if (this.scratchCols.length < outside * h) this.scratchCols = new Uint32Array(outside * h);
    const cols = this.scratchCols;
    const old = this.scratchRows;
    old.set(this.rowAt);
    // 1. The destination rows' own columns outside the band.
    const u32 = this.u32;
    for (let i = 0; i < h; i++) {
      const base = old[rect.y + i]!;
      let o = i * outside;
      for (let x = 0; x < x0; x++) cols[o++] = u32[base + x]!;
      for (let x = x1; x < w; x++) cols[o++] = u32[base + x]!;
    }
    // 2. Rows only the source covered keep their content in memory freed by rows only the
    //    destination covered (there are |dy| of each).
    const n = Math.min(Math.abs(dy), h);
    // First rows of [srcY, srcY+h) \ [rect.y, rect.y+h) and of [rect.y, rect.y+h) \ [srcY, srcY+h).
    const srcOnly = dy > 0 ? srcY : Math.max(rect.y + h, srcY);
    const dstOnly = dy > 0 ? Math.max(srcY + h, rect.y) : rect.y;
    for (let k = 0; k < n; k++) {
      const from = old[srcOnly + k]!;
      const to = old[dstOnly + k]!;
      u32.copyWithin(to, from, from + w);
      this.rowAt[srcOnly + k] = to;
    }
    // 3. Destination rows take the source rows' memory, then get their outside columns back.
    for (let i = 0; i < h; i++) {
      const base = old[srcY + i]!;
      this.rowAt[rect.y + i] = base;
      let o = i * outside;
      for (let x = 0; x < x0; x++) u32[base + x] = cols[o++]!;
      for (let x = x1; x < w; x++) u32[base + x] = cols[o++]!;
    }
  }
}
