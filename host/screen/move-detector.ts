/**
 * Vertical move (scroll) detection: finds a band of rows that moved up or down by the same
 * offset between the previous frame and the new one, inside a region (usually the bounding box of
 * what changed). Terminals and pages scroll this way; sending the band as one COPY plus the newly
 * exposed rows is ~50x smaller than re-encoding it.
 *
 * Method: a 32-bit FNV-1a hash per row of the region in both frames (sampled); each changed, distinctive
 * row of the new frame votes for `dy = y - y'` where y' is the unique previous row with the same
 * hash; the best offset is then verified exactly (memcmp per row, hashes only propose), and the
 * longest run of verified rows is the band. Scratch arrays are reused across calls.
 */
import type { PixelView } from './pixel-view';
import type { Rect } from '../platform/types';

/** Fewest rows a band must have to be sent as a move. */
export const MOVE_MIN_ROWS = 8;
/** Fewest agreeing rows before an offset is tried. */
const MIN_VOTES = 2;
/** Most offsets verified exactly, best voted first. */
const MAX_CANDIDATES = 3;

export interface VerticalMove {
  /** Destination band (x, width = the region's columns). */
  rect: Rect;
  srcY: number;
  /** Rows of the band that differed before the move (what the move saves). */
  savedRows: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export class MoveDetector {
  private prevHash = new Int32Array(0);
  private curHash = new Int32Array(0);

  detect(prev: PixelView, cur: PixelView, region: Rect): VerticalMove | null {
    const { x, y: top, width, height } = region;
    if (height < MOVE_MIN_ROWS * 2) return null;
    if (this.prevHash.length < height) {
      this.prevHash = new Int32Array(height);
      this.curHash = new Int32Array(height);
    }
    const ph = this.prevHash;
    const ch = this.curHash;
    for (let i = 0; i < height; i++) {
      ph[i] = hashRow(prev.u32, (top + i) * prev.pitch + x, width);
      ch[i] = hashRow(cur.u32, (top + i) * cur.pitch + cur.offset + x, width);
    }
    // Previous rows by hash; a hash seen twice is ambiguous (blank lines) and proposes nothing.
    const where = new Map<number, number>();
    for (let i = 0; i < height; i++) {
      const h = ph[i]!;
      where.set(h, where.has(h) ? -1 : i);
    }
    const votes = new Map<number, number>();
    for (let i = 0; i < height; i++) {
      const h = ch[i]!;
      if (h === ph[i] || (i > 0 && h === ch[i - 1])) continue;
      const j = where.get(h);
      if (j === undefined || j < 0) continue;
      const dy = i - j;
      votes.set(dy, (votes.get(dy) ?? 0) + 1);
    }
    const candidates = [...votes.entries()]
      .filter(([, n]) => n >= MIN_VOTES)
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_CANDIDATES);
    let best: VerticalMove | null = null;
    for (const [dy] of candidates) {
      const move = this.verify(prev, cur, region, dy);
      if (move !== null && (best === null || move.savedRows > best.savedRows)) best = move;
    }
    return best;
  }

  /** The longest run of rows i with cur[i] == prev[i - dy] exactly, if it saves enough rows. */
  private verify(prev: PixelView, cur: PixelView, region: Rect, dy: number): VerticalMove | null {
    const { x, y: top, width, height } = region;
    const ph = this.prevHash;
    const ch = this.curHash;
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
        ch[i] === ph[i - dy] &&
        rowsEqual(cur, (top + i) * cur.pitch + cur.offset + x, prev, (top + i - dy) * prev.pitch + x, width);
      if (ok) {
        if (start < 0) {
          start = i;
          saved = 0;
        }
        if (ch[i] !== ph[i]) saved++;
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

/**
 * Hashes every HASH_STEP-th pixel of a row: hashes only propose offsets (verification is exact),
 * and text rows still differ at that sampling; halves the dominant cost of a scroll update.
 */
const HASH_STEP = 2;

function hashRow(u32: Uint32Array, start: number, n: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < start + n; k += HASH_STEP) h = Math.imul(h ^ u32[k]!, FNV_PRIME);
  return h;
}

function rowsEqual(a: PixelView, aStart: number, b: PixelView, bStart: number, n: number): boolean {
  return a.bytes.compare(b.bytes, bStart * 4, (bStart + n) * 4, aStart * 4, (aStart + n) * 4) === 0;
}
