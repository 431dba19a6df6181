/**
 * A set of desktop pixels as horizontal spans: for each row, sorted, disjoint, non-touching
 * half-open intervals [x0, x1). It is the one description of "which pixels a drawing covers"
 * shared by the rasteriser (what to draw), the X overlay (its SHAPE rectangles: exactly these
 * pixels) and the capture mask (which pixels to replace). Values are immutable once built:
 * operations return new regions. Rows are integers; nothing is kept for empty rows.
 */
import type { Rect } from '../platform/types';

/** Rows of a region: y -> [x0, x1, x0, x1, ...] (sorted, disjoint, gaps between spans). */
type Rows = Map<number, readonly number[]>;

export class SpanRegion {
  private sortedYs: number[] | null = null;

  private constructor(private readonly rows: Rows) {}

  static readonly empty = new SpanRegion(new Map());

  /** A region made of one rectangle (empty when it has no area). */
  static fromRect(r: Rect): SpanRegion {
    if (r.width <= 0 || r.height <= 0) return SpanRegion.empty;
    const rows = new Map<number, readonly number[]>();
    const span = [r.x, r.x + r.width];
    for (let y = r.y; y < r.y + r.height; y++) rows.set(y, span);
    return new SpanRegion(rows);
  }

  get isEmpty(): boolean {
    return this.rows.size === 0;
  }

  /** Rows that hold at least one span, ascending. */
  ys(): readonly number[] {
    this.sortedYs ??= [...this.rows.keys()].sort((a, b) => a - b);
    return this.sortedYs;
  }

  /** The spans of row `y` as [x0, x1, x0, x1, ...] (empty array when none). */
  spansAt(y: number): readonly number[] {
    return this.rows.get(y) ?? NO_SPANS;
  }

  has(x: number, y: number): boolean {
    const s = this.rows.get(y);
    if (!s) return false;
    for (let i = 0; i < s.length; i += 2) if (x >= s[i]! && x < s[i + 1]!) return true;
    return false;
  }

  pixelCount(): number {
    let n = 0;
    for (const s of this.rows.values()) for (let i = 0; i < s.length; i += 2) n += s[i + 1]! - s[i]!;
    return n;
  }

  spanCount(): number {
    let n = 0;
    for (const s of this.rows.values()) n += s.length / 2;
    return n;
  }

  /** The smallest rectangle holding every pixel, or null when empty. */
  bounds(): Rect | null {
    const ys = this.ys();
    if (ys.length === 0) return null;
    let x0 = Infinity;
    let x1 = -Infinity;
    for (const s of this.rows.values()) {
      x0 = Math.min(x0, s[0]!);
      x1 = Math.max(x1, s[s.length - 1]!);
    }
    return { x: x0, y: ys[0]!, width: x1 - x0, height: ys[ys.length - 1]! - ys[0]! + 1 };
  }

  /** The union of many regions at once (one sort per row, not one copy per region). */
  static unionAll(regions: Iterable<SpanRegion>): SpanRegion {
    const raw = new Map<number, number[]>();
    let only: SpanRegion | null = null;
    let count = 0;
    for (const r of regions) {
      if (r.isEmpty) continue;
      only = r;
      count++;
      for (const [y, s] of r.rows) {
        const row = raw.get(y);
        if (row) for (const v of s) row.push(v);
        else raw.set(y, [...s]);
      }
    }
    if (count <= 1) return only ?? SpanRegion.empty;
    const rows = new Map<number, readonly number[]>();
    for (const [y, r] of raw) rows.set(y, normalRow(r));
    return new SpanRegion(rows);
  }

  union(other: SpanRegion): SpanRegion {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    const rows = new Map(this.rows);
    for (const [y, s] of other.rows) {
      const mine = rows.get(y);
      rows.set(y, mine ? mergeRows(mine, s) : s);
    }
    return new SpanRegion(rows);
  }

  /** The pixels of this region that are not in `other`. */
  subtract(other: SpanRegion): SpanRegion {
    if (other.isEmpty || this.isEmpty) return this;
    const rows = new Map<number, readonly number[]>();
    for (const [y, s] of this.rows) {
      const cut = other.rows.get(y);
      const left = cut ? subtractRow(s, cut) : s;
      if (left.length > 0) rows.set(y, left);
    }
    return new SpanRegion(rows);
  }

  intersect(other: SpanRegion): SpanRegion {
    if (other.isEmpty || this.isEmpty) return SpanRegion.empty;
    const [small, big] = this.rows.size <= other.rows.size ? [this, other] : [other, this];
    const rows = new Map<number, readonly number[]>();
    for (const [y, s] of small.rows) {
      const o = big.rows.get(y);
      if (!o) continue;
      const both = intersectRow(s, o);
      if (both.length > 0) rows.set(y, both);
    }
    return new SpanRegion(rows);
  }

  /** The part of this region inside `r`. */
  clip(r: Rect): SpanRegion {
    const x0 = r.x;
    const x1 = r.x + r.width;
    const rows = new Map<number, readonly number[]>();
    let changed = false;
    for (const [y, s] of this.rows) {
      if (y < r.y || y >= r.y + r.height) {
        changed = true;
        continue;
      }
      if (s[0]! >= x0 && s[s.length - 1]! <= x1) {
        rows.set(y, s);
        continue;
      }
      changed = true;
      const out: number[] = [];
      for (let i = 0; i < s.length; i += 2) {
        const a = Math.max(s[i]!, x0);
        const b = Math.min(s[i + 1]!, x1);
        if (b > a) out.push(a, b);
      }
      if (out.length > 0) rows.set(y, out);
    }
    return changed ? new SpanRegion(rows) : this;
  }

  translate(dx: number, dy: number): SpanRegion {
    if (dx === 0 && dy === 0) return this;
    const rows = new Map<number, readonly number[]>();
    for (const [y, s] of this.rows) rows.set(y + dy, dx === 0 ? s : s.map((x) => x + dx));
    return new SpanRegion(rows);
  }

  /** Keeps only the rows for which `keep(y)` holds (the highlighter's stipple). */
  filterRows(keep: (y: number) => boolean): SpanRegion {
    const rows = new Map<number, readonly number[]>();
    for (const [y, s] of this.rows) if (keep(y)) rows.set(y, s);
    return new SpanRegion(rows);
  }

  /**
   * The same pixels as few rectangles: a span continues the rectangle of the row above when it
   * has the same ends (a straight stroke, a rectangle's sides and text bars merge; a diagonal
   * stays one rectangle per row). The rectangles are disjoint; their union is exactly the region.
   */
  toRects(): Rect[] {
    const out: Rect[] = [];
    let open = new Map<string, Rect>();
    let prevY = NaN;
    for (const y of this.ys()) {
      const s = this.rows.get(y)!;
      const next = new Map<string, Rect>();
      for (let i = 0; i < s.length; i += 2) {
        const key = `${s[i]},${s[i + 1]}`;
        const above = y === prevY + 1 ? open.get(key) : undefined;
        if (above) {
          above.height++;
          next.set(key, above);
        } else {
          const r = { x: s[i]!, y, width: s[i + 1]! - s[i]!, height: 1 };
          out.push(r);
          next.set(key, r);
        }
      }
      open = next;
      prevY = y;
    }
    return out;
  }

  /** Calls `fn` for every span, rows ascending. */
  forEachSpan(fn: (y: number, x0: number, x1: number) => void): void {
    for (const y of this.ys()) {
      const s = this.rows.get(y)!;
      for (let i = 0; i < s.length; i += 2) fn(y, s[i]!, s[i + 1]!);
    }
  }

  equals(other: SpanRegion): boolean {
    if (this.rows.size !== other.rows.size) return false;
    for (const [y, s] of this.rows) {
      const o = other.rows.get(y);
      if (!o || o.length !== s.length) return false;
      for (let i = 0; i < s.length; i++) if (s[i] !== o[i]) return false;
    }
    return true;
  }

  /** Builds a region from raw rows (used by RegionBuilder; rows must already be normal). */
  static fromNormalRows(rows: Rows): SpanRegion {
    return rows.size === 0 ? SpanRegion.empty : new SpanRegion(rows);
  }
}

const NO_SPANS: readonly number[] = [];

/**
 * Collects possibly overlapping spans (a stroke's segments overlap at every joint) and turns
 * them into a SpanRegion, rows clipped to `bounds` so a shape far off the desktop costs nothing.
 */
export class RegionBuilder {
  private readonly raw = new Map<number, number[]>();

  constructor(private readonly bounds: Rect) {}

  get rowStart(): number {
    return this.bounds.y;
  }

  get rowEnd(): number {
    return this.bounds.y + this.bounds.height;
  }

  /** Adds pixels x0 <= x < x1 of row y (clipped to the bounds; empty spans are ignored). */
  add(y: number, x0: number, x1: number): void {
    if (y < this.bounds.y || y >= this.bounds.y + this.bounds.height) return;
    const a = Math.max(x0, this.bounds.x);
    const b = Math.min(x1, this.bounds.x + this.bounds.width);
    if (b <= a) return;
    let row = this.raw.get(y);
    if (!row) {
      row = [];
      this.raw.set(y, row);
    }
    row.push(a, b);
  }

  build(): SpanRegion {
    const rows = new Map<number, readonly number[]>();
    for (const [y, raw] of this.raw) rows.set(y, normalRow(raw));
    return SpanRegion.fromNormalRows(rows);
  }
}

/** Sorts and merges overlapping or touching spans. */
function normalRow(raw: number[]): number[] {
  if (raw.length === 2) return raw;
  const idx: number[] = [];
  for (let i = 0; i < raw.length; i += 2) idx.push(i);
  idx.sort((a, b) => raw[a]! - raw[b]!);
  const out: number[] = [];
  for (const i of idx) {
    const a = raw[i]!;
    const b = raw[i + 1]!;
    if (out.length > 0 && a <= out[out.length - 1]!) {
      if (b > out[out.length - 1]!) out[out.length - 1] = b;
    } else {
      out.push(a, b);
    }
  }
  return out;
}

function mergeRows(a: readonly number[], b: readonly number[]): number[] {
  return normalRow([...a, ...b]);
}

function subtractRow(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let x = a[i]!;
    const end = a[i + 1]!;
    while (j < b.length && b[j + 1]! <= x) j += 2;
    let k = j;
    while (x < end) {
      if (k >= b.length || b[k]! >= end) {
        out.push(x, end);
        break;
      }
      if (b[k]! > x) out.push(x, b[k]!);
      x = Math.max(x, b[k + 1]!);
      k += 2;
    }
  }
  return out;
}

function intersectRow(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x0 = Math.max(a[i]!, b[j]!);
    const x1 = Math.min(a[i + 1]!, b[j + 1]!);
    if (x1 > x0) out.push(x0, x1);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}
