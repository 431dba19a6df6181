/**
 * Vertical move (scroll) detection: finds a band of rows that moved up or down by the same
 * offset between the previous frame and the new one, inside a region (usually the bounding box of
 * what may have changed). Terminals and pages scroll this way; sending the band as one COPY plus
 * the newly exposed rows is ~50x smaller than re-encoding it.
 *
 * Method: every ROW_SAMPLE-th row of the region (from both ends in turn) is compared with the
 * same row of the previous frame by memcmp; only rows that changed are hashed (row-hashes.ts),
 * and the previous frame's row keys (cached between updates) are looked up only once a row has
 * changed, so a search over a still area hashes nothing. Sampling stops once one offset has
 * VOTES_ENOUGH votes, or after many changed rows matched nothing while no offset had votes.
 * Each sampled row that changed and is distinctive votes for
 * `dy = y - y'`, where y' is the unique previous row with the same key; the best offsets are then
 * verified exactly (memcmp per row: hashes only propose), and the longest run of verified rows is
 * the band. Scratch arrays are reused across calls.
 */
import type { Rect } from '../platform/types';
import type { FrameCopy } from './frame-copy';
import type { PixelView } from './pixel-view';
import { rowKey, type RowHashCache } from './row-hashes';

/** Fewest rows a band must have to be sent as a move. */
export const MOVE_MIN_ROWS = 8;
/** Fewest agreeing rows before an offset is tried. */
const MIN_VOTES = 2;
/** Most offsets verified exactly, best voted first. */
const MAX_CANDIDATES = 3;
/**
 * The new frame is hashed on every ROW_SAMPLE-th row: a scroll moves hundreds of rows and a few
 * dozen agreeing votes are plenty (3 is prime to the 13-pixel text lines of a terminal, so samples
 * fall on every row of a glyph).
 */
const ROW_SAMPLE = 3;
/** Votes after which an offset is tried without hashing further rows (a real scroll gets hundreds). */
const VOTES_ENOUGH = 16;
/**
 * Changed sampled rows with no match in the previous frame after which the search gives up while
 * no offset has MIN_VOTES: new content, not a move. Rows are sampled from both ends in turn, so a
 * scroll either way meets its moved rows within the first samples (the exposed rows are at one
 * end); hashing every sampled row of a 1080p region that did not move was the first item of the
 * GUI benchmark's profile (a page's photos redrawn, the search run again on what remained).
 */
const MISSES_BEFORE_GIVING_UP = 48;

export interface VerticalMove {
  /** Destination band (x, width = the region's columns). */
  rect: Rect;
  srcY: number;
  /** Rows of the band that differed before the move (what the move saves). */
  savedRows: number;
}

export class MoveDetector {
  private prevKey = new Int32Array(0);
  private readonly where = new Map<number, number>();
  private readonly votes = new Map<number, number>();

  /**
   * The best vertical move inside `region`: `prev` is the viewer's copy (with `hashes`, its row
   * hash cache), `cur` the new frame (read only inside `region`).
   */
  detect(prev: FrameCopy, hashes: RowHashCache, cur: PixelView, region: Rect): VerticalMove | null {
    const { x, y: top, width, height } = region;
    if (height < MOVE_MIN_ROWS * 2) return null;
    if (this.prevKey.length < height) this.prevKey = new Int32Array(height);
    const pk = this.prevKey;
    const where = this.where;
    const votes = this.votes;
    votes.clear();
    let keyed = false;
    let misses = 0;
    let voted = false;
    const samples = Math.ceil(height / ROW_SAMPLE);
    for (let k = 0; k < samples; k++) {
      // Top, bottom, second from the top, second from the bottom, ...
      const s = k & 1 ? samples - 1 - (k >> 1) : k >> 1;
      const i = s * ROW_SAMPLE;
      // An unchanged row proposes nothing: one native memcmp tells, where hashing it cost a JS
      // loop over the row (a full compare of a still screen hashed every sampled row).
      const curRow = (top + i) * cur.pitch + cur.offset + x;
      if (rowsEqual(cur, curRow, prev, prev.rowAt[top + i]! + x, width)) continue;
      if (!keyed) {
        // The previous frame's row keys (mostly cached between updates) and rows by key, only
        // once a row has changed; a key seen twice is ambiguous (blank lines) and proposes nothing.
        hashes.rowKeys(prev, top, x, x + width, pk, height);
        where.clear();
        for (let r = 0; r < height; r++) {
          const h = pk[r]!;
          where.set(h, where.has(h) ? -1 : r);
        }
        keyed = true;
      }
      const j = where.get(rowKey(cur, top + i, x, x + width));
      if (j === undefined) {
        if (!voted && ++misses >= MISSES_BEFORE_GIVING_UP) break;
        continue;
      }
      if (j < 0 || j === i) continue; // a row seen twice before (blank lines) proposes nothing
      const dy = i - j;
      const n = (votes.get(dy) ?? 0) + 1;
      votes.set(dy, n);
      if (n >= MIN_VOTES) voted = true;
      if (n >= VOTES_ENOUGH) break;
    }
    if (!voted) return null;
    const candidates = [...votes.entries()]
      .filter(([, n]) => n >= MIN_VOTES)
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_CANDIDATES);
    let best: VerticalMove | null = null;
    for (const [dy] of candidates) {
      // Verifying costs a memcmp per row: stop at a band that saves most of the region.
      const move = this.verify(prev, cur, region, dy);
      if (move !== null && (best === null || move.savedRows > best.savedRows)) best = move;
      if (best !== null && best.savedRows * 2 >= height) break;
    }
    return best;
  }

  /** The longest run of rows i with cur[i] == prev[i - dy] exactly, if it saves enough rows. */
  private verify(prev: FrameCopy, cur: PixelView, region: Rect, dy: number): VerticalMove | null {
    const { x, y: top, width, height } = region;
    const pk = this.prevKey;
    let bestStart = 0;
    let bestLen = 0;
    let bestSaved = 0;
    let start = -1;
    let saved = 0;
    const first = Math.max(0, dy);
    const last = Math.min(height, height + dy); // exclusive
    for (let i = first; i <= last; i++) {
      const ok =
        i < last &&
        rowsEqual(cur, (top + i) * cur.pitch + cur.offset + x, prev, prev.rowAt[top + i - dy]! + x, width);
      if (ok) {
        if (start < 0) {
          start = i;
          saved = 0;
        }
        // cur[i] == prev[i - dy], so the row changed iff prev[i - dy] differs from prev[i].
        if (pk[i] !== pk[i - dy]) saved++;
      } else if (start >= 0) {
        const len = i - start;
        if (saved > bestSaved || (saved === bestSaved && len > bestLen)) {
          bestStart = start;
          bestLen = len;
          bestSaved = saved;
        }
        start = -1;
      }
    }
    if (bestLen < MOVE_MIN_ROWS || bestSaved < MOVE_MIN_ROWS / 2) return null;
    return {
      rect: { x, y: top + bestStart, width, height: bestLen },
      srcY: top + bestStart - dy,
      savedRows: bestSaved,
    };
  }
}

/** Whether `n` pixels at u32 index `aStart` of `a` equal those at `bStart` of `b` (native memcmp). */
export function rowsEqual(
  a: { bytes: Buffer },
  aStart: number,
  b: { bytes: Buffer },
  bStart: number,
  n: number,
): boolean {
  return a.bytes.compare(b.bytes, bStart * 4, (bStart + n) * 4, aStart * 4, (aStart + n) * 4) === 0;
}
