/**
 * Keeps the customer's drawings out of the picture stream. Without a compositor the overlay's
 * pixels are in the root framebuffer the helper captures; so the mask holds, for every pixel the
 * overlay covers, the clean pixel that was there before the overlay covered it (captured just
 * before drawing), and `apply` writes those clean pixels over every fresh capture. The stream
 * carries what is under the drawings; the viewer draws the annotations on top itself.
 *
 * Contract with the overlay:
 *   - before drawing new pixels: `cover(region, clean)` with a capture of them taken before the
 *     draw request is sent (pixels already covered keep their older, cleaner copy);
 *   - after the X server has removed pixels from the screen (a sync round trip after unshaping):
 *     `release(gone)` (or `keepOnly(stillCovered)`). The removed pixels are "retired" with a new
 *     epoch and listeners hear them as exposed areas, so encoders capture them again.
 * Contract with captures (masked-screen-source.ts): `beginCapture()` before asking the X server,
 * `apply(frame, area, token)` on the result, `endCapture(token)` after. A capture begun before a
 * removal may have been served while the overlay still showed those pixels, so retired pixels
 * newer than its token are applied too; retired pixels are dropped once no capture that old is
 * in flight.
 *
 * Limit (by design): content that changes UNDER a drawing while it is shown is not streamed
 * until the drawing goes (the agent sees the drawing there anyway).
 *
 * Pixels just released are not clean yet: the X server fills what a removed window uncovers with
 * the application's background (white for most) and the application repaints its content only
 * when its Expose event arrives. A drawing put back there at once (undo then redraw, erase all
 * then draw) would capture that fill as its "clean" pixels, and the stream (so the agent's saved
 * screenshot) would show white outlines of the drawing. So for RELEASE_SETTLE_MS after a release,
 * `cover` takes those pixels from the copy kept when they were first covered, not the capture.
 * Pixels are BGRX, 4 bytes, the same layout as the platform's PixelBuffer.
 */
import type { PixelBuffer, Rect } from '../platform/types';
import { SpanRegion } from './span-region';

const BYTES_PER_PIXEL = 4;
/** Exposed areas are reported as one box per band of this many rows, in pixels. */
export const EXPOSE_BAND_ROWS = 64;
/**
 * How long released pixels are taken from their kept copy rather than a new capture, in ms: far
 * longer than an application needs to repaint after an Expose, short enough that content
 * changed since is rarely older than it.
 */
export const RELEASE_SETTLE_MS = 2000;

/** A clean capture of part of the desktop (BGRX rows, `stride` bytes apart). */
export interface CleanImage {
  x: number;
  y: number;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

interface CleanSpan {
  x0: number;
  x1: number;
  /** (x1 - x0) * 4 bytes. */
  px: Uint8Array;
}

interface Retired {
  epoch: number;
  rows: Map<number, CleanSpan[]>;
}

interface Released {
  /** When released (the mask's clock, ms). */
  at: number;
  rows: Map<number, CleanSpan[]>;
}

export class OverlayMask {
  private coveredRegion = SpanRegion.empty;
  private readonly clean = new Map<number, CleanSpan[]>();
  private retired: Retired[] = [];
  /** Copies of pixels released within RELEASE_SETTLE_MS, oldest first. */
  private released: Released[] = [];
  private epoch = 0;
  private readonly inFlight = new Map<number, number>();
  private readonly listeners = new Set<(rects: Rect[]) => void>();

  /** `now`: a monotonic clock in ms (tests pass their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The pixels the overlay covers now. */
  get covered(): SpanRegion {
    return this.coveredRegion;
  }

  /** True when nothing is covered and nothing retired is kept (apply would change nothing). */
  get idle(): boolean {
    return this.coveredRegion.isEmpty && this.retired.length === 0;
  }

  /** Retired copies kept for captures still in flight (tests and diagnosis). */
  get retiredCount(): number {
    return this.retired.length;
  }

  /**
   * Records the clean pixels of `region` that are not covered yet, read from `images` (captured
   * before the overlay draws them). Throws when an image does not hold a needed pixel: the caller
   * must not draw pixels it could not mask.
   */
  cover(region: SpanRegion, images: readonly CleanImage[]): void {
    const fresh = region.subtract(this.coveredRegion);
    if (fresh.isEmpty) return;
    this.forgetSettled();
    const additions: [number, CleanSpan][] = [];
    fresh.forEachSpan((y, x0, x1) => {
      const img = images.find((i) => y >= i.y && y < i.y + i.height && x0 >= i.x && x1 <= i.x + i.width);
      if (!img) throw new RangeError(`no clean capture holds row ${y}, x ${x0}..${x1}`);
      const start = (y - img.y) * img.stride + (x0 - img.x) * BYTES_PER_PIXEL;
      // A copy: the image may be a capture buffer its source reuses (and a Node Buffer's slice()
      // would share its memory).
      const px = new Uint8Array((x1 - x0) * BYTES_PER_PIXEL);
      px.set(img.data.subarray(start, start + px.byteLength));
      for (const r of this.released) overwrite(px, x0, x1, r.rows.get(y));
      additions.push([y, { x0, x1, px }]);
    });
    for (const [y, span] of additions) {
      const row = this.clean.get(y);
      if (row) {
        row.push(span);
        row.sort((a, b) => a.x0 - b.x0);
      } else {
        this.clean.set(y, [span]);
      }
    }
    this.coveredRegion = this.coveredRegion.union(fresh);
  }

  /**
   * The overlay now covers only `still` (called once the X server has taken the rest off the
   * screen). Returns the exposed areas, which listeners hear too. Costs a pass over everything
   * covered: `release` is the cheap way when the caller knows what went.
   */
  keepOnly(still: SpanRegion): Rect[] {
    return this.release(this.coveredRegion.subtract(still));
  }

  /**
   * The pixels of `gone` are off the screen now (called once the X server has removed them).
   * Costs a pass over `gone`'s rows only. Returns the exposed areas, which listeners hear too.
   */
  release(gone: SpanRegion): Rect[] {
    const out = gone.intersect(this.coveredRegion);
    if (out.isEmpty) return [];
    const rows = new Map<number, CleanSpan[]>();
    for (const y of out.ys()) {
      const spans = this.clean.get(y) ?? [];
      const goneSpans = out.spansAt(y);
      const kept: CleanSpan[] = [];
      const retired: CleanSpan[] = [];
      for (const s of spans) splitSpan(s, goneSpans, kept, retired);
      if (kept.length > 0) this.clean.set(y, kept);
      else this.clean.delete(y);
      if (retired.length > 0) rows.set(y, retired);
    }
    this.coveredRegion = this.coveredRegion.subtract(out);
    this.epoch++;
    this.retired.push({ epoch: this.epoch, rows });
    this.forgetSettled();
    this.released.push({ at: this.now(), rows });
    this.prune();
    const exposed = bandBoxes(out);
    for (const l of [...this.listeners]) l(exposed.map((r) => ({ ...r })));
    return exposed;
  }

  /** Forgets everything (the overlay is gone and the screen is clean again), reporting it exposed. */
  clearAll(): Rect[] {
    return this.keepOnly(SpanRegion.empty);
  }

  onExposed(listener: (rects: Rect[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call before a capture is requested; pass the token to apply() and endCapture(). */
  beginCapture(): number {
    this.inFlight.set(this.epoch, (this.inFlight.get(this.epoch) ?? 0) + 1);
    return this.epoch;
  }

  endCapture(token: number): void {
    const n = this.inFlight.get(token) ?? 0;
    if (n <= 1) this.inFlight.delete(token);
    else this.inFlight.set(token, n - 1);
    this.prune();
  }

  /**
   * Writes the clean pixels over `frame`, a capture of `area` (desktop coordinates) requested at
   * `token`. Pixels outside `area` are not touched.
   */
  apply(frame: PixelBuffer, area: Rect, token: number): void {
    if (this.idle) return;
    for (const r of this.retired) if (r.epoch > token) writeRows(r.rows, frame, area);
    if (!this.coveredRegion.isEmpty) writeRows(this.clean, frame, area);
  }

  /** Drops the copies of pixels released long enough ago for their applications to have repainted. */
  private forgetSettled(): void {
    const since = this.now() - RELEASE_SETTLE_MS;
    while (this.released.length > 0 && this.released[0]!.at < since) this.released.shift();
  }

  private prune(): void {
    if (this.retired.length === 0) return;
    let oldest = Infinity;
    for (const t of this.inFlight.keys()) oldest = Math.min(oldest, t);
    // A retired copy is needed only by captures whose token is older than its epoch.
    this.retired = this.retired.filter((r) => r.epoch > oldest);
  }
}

/** Splits `s` into the parts outside `gone` (kept) and inside it (out). */
function splitSpan(s: CleanSpan, gone: readonly number[], kept: CleanSpan[], out: CleanSpan[]): void {
  let x = s.x0;
  for (let i = 0; i < gone.length && x < s.x1; i += 2) {
    const g0 = Math.max(gone[i]!, x);
    const g1 = Math.min(gone[i + 1]!, s.x1);
    if (g1 <= g0) continue;
    if (g0 > x) kept.push(sub(s, x, g0));
    out.push(sub(s, g0, g1));
    x = g1;
  }
  if (x < s.x1) kept.push(x === s.x0 ? s : sub(s, x, s.x1));
}

/** Writes over `px` (pixels x0..x1 of a row) the parts of `spans` inside it. */
function overwrite(px: Uint8Array, x0: number, x1: number, spans: readonly CleanSpan[] | undefined): void {
  if (!spans) return;
  for (const s of spans) {
    const a = Math.max(s.x0, x0);
    const b = Math.min(s.x1, x1);
    if (b <= a) continue;
    px.set(
      s.px.subarray((a - s.x0) * BYTES_PER_PIXEL, (b - s.x0) * BYTES_PER_PIXEL),
      (a - x0) * BYTES_PER_PIXEL,
    );
  }
}

function sub(s: CleanSpan, x0: number, x1: number): CleanSpan {
  return {
    x0,
    x1,
    px: s.px.subarray((x0 - s.x0) * BYTES_PER_PIXEL, (x1 - s.x0) * BYTES_PER_PIXEL),
  };
}

function writeRows(rows: Map<number, CleanSpan[]>, frame: PixelBuffer, area: Rect): void {
  const right = area.x + area.width;
  const bottom = Math.min(area.y + area.height, area.y + frame.height);
  if (rows.size < area.height) {
    for (const [y, spans] of rows) if (y >= area.y && y < bottom) writeRow(spans, y, frame, area, right);
  } else {
    for (let y = area.y; y < bottom; y++) {
      const spans = rows.get(y);
      if (spans) writeRow(spans, y, frame, area, right);
    }
  }
}

/** Spans up to this many pixels are copied pixel by pixel (cheaper than two subarrays and a set). */
const SHORT_SPAN_PX = 32;

function writeRow(spans: CleanSpan[], y: number, frame: PixelBuffer, area: Rect, right: number): void {
  const rowStart = (y - area.y) * frame.stride;
  const dst = frame.data;
  for (const s of spans) {
    const a = Math.max(s.x0, area.x);
    const b = Math.min(s.x1, right);
    if (b <= a) continue;
    const from = (a - s.x0) * BYTES_PER_PIXEL;
    const to = (b - s.x0) * BYTES_PER_PIXEL;
    const at = rowStart + (a - area.x) * BYTES_PER_PIXEL;
    if (b - a <= SHORT_SPAN_PX) {
      const px = s.px;
      for (let i = from, o = at; i < to; i++, o++) dst[o] = px[i]!;
    } else {
      dst.set(s.px.subarray(from, to), at);
    }
  }
}

/** One bounding box per band of EXPOSE_BAND_ROWS rows: few rectangles for the encoder's damage. */
export function bandBoxes(region: SpanRegion): Rect[] {
  const boxes = new Map<number, { x0: number; x1: number; y0: number; y1: number }>();
  for (const y of region.ys()) {
    const s = region.spansAt(y);
    const band = Math.floor(y / EXPOSE_BAND_ROWS);
    const b = boxes.get(band);
    const x0 = s[0]!;
    const x1 = s[s.length - 1]!;
    if (!b) boxes.set(band, { x0, x1, y0: y, y1: y + 1 });
    else {
      b.x0 = Math.min(b.x0, x0);
      b.x1 = Math.max(b.x1, x1);
      b.y0 = Math.min(b.y0, y);
      b.y1 = Math.max(b.y1, y + 1);
    }
  }
  return [...boxes.values()].map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 }));
}
