/**
 * Two-dimensional move detection: a dragged window's pixels reappear shifted by (dx, dy), both
 * possibly non-zero, which row hashes (move-detector.ts, vertical only) cannot see. Sending the
 * window as one COPY leaves only the uncovered area to encode.
 *
 * Method, bounded: a few "probes" (a distinctive run of NEEDLE_PX pixels of the new frame in a
 * changed part of a row: several colour changes, so it is rare) are searched in the previous
 * frame inside the region (a window's old place is part of what changed, so the source lies there
 * too) and at most SEARCH_RADIUS_PX away, so a failed search costs a few hundred thousand pixel
 * reads at most, whatever the region's size. Each match proposes an offset; a probe matching in many places proposes
 * nothing, and where text repeats, the offset that two probes agree on wins. The offset is grown
 * from the probe into a rectangle: columns while the probe row matches pixel for pixel, then rows
 * by memcmp of that column span (a few mismatching rows inside, e.g. a text cursor that changed
 * with the focus, are bridged: the encoder re-scans the copied area, so a bridged row costs what
 * it would have cost anyway). Matching never trusts a hash: every proposed pixel is compared.
 */
import type { Rect } from '../platform/types';
import type { FrameCopy } from './frame-copy';
import type { PixelView } from './pixel-view';
import { rowsEqual } from './move-detector';

/** Pixels in a probe. */
const NEEDLE_PX = 32;
/** Colour changes a probe needs (text: glyph edges) to be worth searching. */
const NEEDLE_MIN_CHANGES = 6;
/** Rows of the region probes are taken from. */
const PROBE_ROWS = 5;
/** Probes searched at most per call (each search reads the region once). */
const PROBES_SEARCHED_MAX = 3;
/**
 * More matches than this and a probe is not distinctive. Text repeats (the same word on two
 * lines), so a probe may match a few places: the offset two probes agree on is tried first.
 */
const MATCHES_MAX = 32;
/**
 * Largest offset searched, in pixels, either way. A drag moves a window a few to a few dozen
 * pixels between two updates; searching the whole region instead cost 20-50% of encoding it
 * whenever it had not moved (a page of new text, a video). A longer jump is sent as pixels.
 */
const SEARCH_RADIUS_PX = 192;
/**
 * After MISSES_BEFORE_BACKOFF fruitless searches in a row over the same region (content that
 * keeps changing in place: a video, a page being drawn), the next BACKOFF_CALLS calls over that
 * region do not search. A drag changes the region every step (the window plus what it uncovers),
 * so it is searched at once.
 */
const MISSES_BEFORE_BACKOFF = 2;
const BACKOFF_CALLS = 3;
/** Edges of two regions this close (in pixels) make them the same region for the back-off. */
const SAME_REGION_PX = 4;
/** Smallest region worth searching, and smallest move worth sending, in pixels. */
export const WINDOW_MOVE_MIN_PIXELS = 64 * 64;
const MIN_SIDE = 16;
/** Longest run of mismatching rows bridged inside a moved rectangle (one 13-pixel text line and a bit). */
const ROW_GAP_MAX = 16;

/** Share of a moved rectangle's rows that must match across its whole width. */
const SPAN_QUANTILE = 0.9;
/** Folds (dx, dy) into one Map key (|dx| < 2^15). */
const OFFSET_KEY = 1 << 16;

export interface Move {
  /** Destination of the COPY. */
  rect: Rect;
  srcX: number;
  srcY: number;
}

interface Probe {
  x: number;
  y: number;
}

export class WindowMoveDetector {
  private readonly needle = new Uint32Array(NEEDLE_PX);
  /** The region of the last fruitless search, how many in a row there were, and calls to skip. */
  private missed: Rect | null = null;
  private misses = 0;
  private skip = 0;
  private rowOk = new Uint8Array(0);
  private left = new Int32Array(0);
  private right = new Int32Array(0);
  private spans = new Int32Array(0);

  /**
   * A move inside `region` (any direction; the encoder tries MoveDetector's cheaper vertical
   * search first): `prev` is the viewer's copy, `cur` the new frame (read only inside `region`).
   */
  detect(prev: FrameCopy, cur: PixelView, region: Rect): Move | null {
    if (
      region.width < MIN_SIDE * 2 ||
      region.height < MIN_SIDE ||
      region.width * region.height < WINDOW_MOVE_MIN_PIXELS
    )
      return null;
    const again = this.missed !== null && sameRegion(region, this.missed);
    if (again && this.skip > 0) {
      this.skip--;
      return null;
    }
    let searched = 0;
    const votes = new Map<number, number>();
    for (let k = 0; k < PROBE_ROWS && searched < PROBES_SEARCHED_MAX; k++) {
      const y = region.y + Math.floor(((k * 2 + 1) * region.height) / (PROBE_ROWS * 2));
      const probe = this.pickProbe(prev, cur, region, y);
      if (probe === null) continue;
      searched++;
      const offsets = this.search(prev, region, probe);
      for (const [dx, dy] of offsets) {
        // A unique match, or an offset another probe found too, is worth growing.
        const key = dy * OFFSET_KEY + dx;
        const n = (votes.get(key) ?? 0) + 1;
        votes.set(key, n);
        if (offsets.length > 1 && n < 2) continue;
        const move = this.grow(prev, cur, region, probe, dx, dy);
        if (move !== null) {
          this.missed = null;
          return move;
        }
      }
    }
    if (searched > 0) {
      this.misses = again ? this.misses + 1 : 1;
      this.missed = region;
      if (this.misses >= MISSES_BEFORE_BACKOFF) this.skip = BACKOFF_CALLS;
    }
    return null;
  }

  /** A distinctive, changed run of NEEDLE_PX pixels in row `y` of `cur`, copied into `needle`. */
  private pickProbe(prev: FrameCopy, cur: PixelView, region: Rect, y: number): Probe | null {
    const c32 = cur.u32;
    const p32 = prev.u32;
    const cRow = y * cur.pitch + cur.offset;
    const pRow = prev.rowAt[y]!;
    const x1 = region.x + region.width - NEEDLE_PX;
    let x = region.x;
    while (x <= x1) {
      // Skip to a changed pixel, then start at a colour change at most a needle before it.
      while (x < region.x + region.width && c32[cRow + x] === p32[pRow + x]) x++;
      if (x > x1) return null;
      let start = Math.max(region.x, x - NEEDLE_PX + 1);
      while (start < x && start > region.x && c32[cRow + start] === c32[cRow + start - 1]) start++;
      if (start > x1) return null;
      let changes = 0;
      for (let i = start + 1; i < start + NEEDLE_PX; i++) if (c32[cRow + i] !== c32[cRow + i - 1]) changes++;
      if (changes >= NEEDLE_MIN_CHANGES) {
        for (let i = 0; i < NEEDLE_PX; i++) this.needle[i] = c32[cRow + start + i]!;
        return { x: start, y };
      }
      x = start + NEEDLE_PX;
    }
    return null;
  }

  /** Offsets (dx, dy) at which the probe's pixels were in `prev` inside `region`; none if too many. */
  private search(prev: FrameCopy, region: Rect, probe: Probe): [number, number][] {
    const p32 = prev.u32;
    const n = this.needle;
    // Start matching at the needle's second colour: it is the rarer one in text and UI.
    let a = 1;
    while (a < NEEDLE_PX - 1 && n[a] === n[0]) a++;
    const na = n[a]!;
    const found: [number, number][] = [];
    // A probe may straddle the moved object's edge: its source may start a needle left of the
    // region. Only offsets up to SEARCH_RADIUS_PX are looked for.
    const xStart = Math.max(0, region.x - NEEDLE_PX, probe.x - SEARCH_RADIUS_PX);
    const xEnd = Math.min(prev.width - NEEDLE_PX, region.x + region.width, probe.x + SEARCH_RADIUS_PX);
    const yStart = Math.max(region.y, probe.y - SEARCH_RADIUS_PX);
    const yEnd = Math.min(region.y + region.height, probe.y + SEARCH_RADIUS_PX + 1);
    for (let y = yStart; y < yEnd; y++) {
      const row = prev.rowAt[y]!;
      for (let x = xStart; x <= xEnd; x++) {
        if (p32[row + x + a] !== na) continue;
        let i = 0;
        while (i < NEEDLE_PX && p32[row + x + i] === n[i]) i++;
        if (i < NEEDLE_PX) continue;
        if (found.length === MATCHES_MAX) return [];
        found.push([probe.x - x, probe.y - y]);
      }
    }
    return found;
  }

  /** Grows the match at `probe` into the largest rectangle that moved by (dx, dy), or null if small. */
  private grow(
    prev: FrameCopy,
    cur: PixelView,
    region: Rect,
    probe: Probe,
    dx: number,
    dy: number,
  ): Move | null {
    // The destination inside the region, the source inside the frame.
    const xMin = Math.max(region.x, dx);
    const xMax = Math.min(region.x + region.width, prev.width + dx); // exclusive
    const yMin = Math.max(region.y, dy);
    const yMax = Math.min(region.y + region.height, prev.height + dy); // exclusive
    const rows = yMax - yMin;
    if (this.rowOk.length < rows) {
      this.rowOk = new Uint8Array(rows);
      this.left = new Int32Array(rows);
      this.right = new Int32Array(rows);
      this.spans = new Int32Array(rows * 2);
    }
    // Rows: where the probe's columns moved too, bridging short gaps.
    const ok = this.rowOk;
    for (let y = yMin; y < yMax; y++) {
      const c = y * cur.pitch + cur.offset + probe.x;
      ok[y - yMin] = rowsEqual(cur, c, prev, prev.rowAt[y - dy]! + probe.x - dx, NEEDLE_PX) ? 1 : 0;
    }
    let top = probe.y - yMin;
    for (let i = top - 1, gap = 0; i >= 0 && gap <= ROW_GAP_MAX; i--) {
      if (ok[i] === 1) {
        top = i;
        gap = 0;
      } else gap++;
    }
    let bottom = probe.y - yMin; // inclusive
    for (let i = bottom + 1, gap = 0; i < rows && gap <= ROW_GAP_MAX; i++) {
      if (ok[i] === 1) {
        bottom = i;
        gap = 0;
      } else gap++;
    }
    // Columns: how far each of those rows matches left and right of the probe; the rectangle
    // takes the span nearly every row reaches (one odd row must not cut the window in two, and
    // a background that happens to match beside the window on a few rows must not widen it).
    const c32 = cur.u32;
    const p32 = prev.u32;
    const left = this.left;
    const right = this.right;
    let n = 0;
    for (let i = top; i <= bottom; i++) {
      if (ok[i] === 0) continue;
      const y = yMin + i;
      const cRow = y * cur.pitch + cur.offset;
      const pRow = prev.rowAt[y - dy]! - dx;
      let a = probe.x;
      while (a > xMin && c32[cRow + a - 1] === p32[pRow + a - 1]) a--;
      let b = probe.x + NEEDLE_PX;
      while (b < xMax && c32[cRow + b] === p32[pRow + b]) b++;
      left[i] = a;
      right[i] = b;
      this.spans[n] = a;
      this.spans[rows + n] = b;
      n++;
    }
    const lefts = this.spans.subarray(0, n).sort();
    const x0 = lefts[Math.floor((n - 1) * SPAN_QUANTILE)]!;
    const rights = this.spans.subarray(rows, rows + n).sort();
    const x1 = rights[Math.floor((n - 1) * (1 - SPAN_QUANTILE))]!;
    // Edge rows that do not match across the whole span are not part of the move (a background
    // that matched in the probe's columns only); rows inside are bridged.
    const full = (i: number) => ok[i] === 1 && left[i]! <= x0 && right[i]! >= x1;
    while (top < bottom && !full(top)) top++;
    while (bottom > top && !full(bottom)) bottom--;
    const width = x1 - x0;
    const height = bottom - top + 1;
    if (width < MIN_SIDE || height < MIN_SIDE || width * height < WINDOW_MOVE_MIN_PIXELS) return null;
    const y = yMin + top;
    return { rect: { x: x0, y, width, height }, srcX: x0 - dx, srcY: y - dy };
  }
}

function sameRegion(a: Rect, b: Rect): boolean {
  return (
    Math.abs(a.x - b.x) <= SAME_REGION_PX &&
    Math.abs(a.y - b.y) <= SAME_REGION_PX &&
    Math.abs(a.x + a.width - b.x - b.width) <= SAME_REGION_PX &&
    Math.abs(a.y + a.height - b.y - b.height) <= SAME_REGION_PX
  );
}
