/**
 * Where the viewer's picture is only approximate (sent as JPEG), so it can be re-sent losslessly
 * once it has been still for a while. The encoder's own copy of the screen holds the exact source
 * pixels everywhere, so it cannot tell these areas apart: this list must follow every operation
 * that moves viewer pixels. A COPY (a scroll, a dragged window) carries approximate pixels to a
 * new place on the viewer: the areas inside its source move with it, and what it covers takes
 * the source's state. Without that, the refresh re-sent the old places and the moved JPEG pixels
 * stayed wrong until a full frame (up to ~247,000 pixels after four wheel steps over a photo).
 *
 * Each area remembers when it last changed (sent, or moved): `takeStill` returns those untouched
 * for a given time, so a photo stays lossy while it changes or scrolls, and one that stopped is
 * refreshed even if something else on the screen (a blinking caret, a clock) keeps changing.
 * Exact rectangle arithmetic; if moves cut the list into too many pieces, it collapses to the
 * bounding box (a larger refresh, never a missed one).
 */
import type { Rect } from '../platform/types';
import { intersect, subtract, union } from './rect-math';

/** Most areas kept before they collapse into their bounding box. */
export const LOSSY_AREAS_MAX = 256;

export interface LossyArea {
  rect: Rect;
  /** When these pixels last changed on the viewer (sent as JPEG or moved), in the caller's clock (ms). */
  at: number;
}

export class LossyAreas {
  private areas: LossyArea[] = [];

  get empty(): boolean {
    return this.areas.length === 0;
  }

  /** The current areas (a copy). */
  list(): LossyArea[] {
    return this.areas.map((a) => ({ rect: { ...a.rect }, at: a.at }));
  }

  clear(): void {
    this.areas = [];
  }

  /** `rect` was just painted on the viewer: exactly, except `lossyParts` (inside `rect`). */
  sent(rect: Rect, lossyParts: readonly Rect[], now: number): void {
    const kept: LossyArea[] = [];
    for (const a of this.areas)
      for (const part of subtract(a.rect, rect)) kept.push({ rect: part, at: a.at });
    for (const r of lossyParts) kept.push({ rect: { ...r }, at: now });
    this.set(kept);
  }

  /** A COPY: `dst` now shows what was at (srcX, srcY) (same size), as one operation. */
  copy(dst: Rect, srcX: number, srcY: number, now: number): void {
    if (this.areas.length === 0) return;
    const src = { x: srcX, y: srcY, width: dst.width, height: dst.height };
    const dx = dst.x - srcX;
    const dy = dst.y - srcY;
    const next: LossyArea[] = [];
    for (const a of this.areas) {
      for (const part of subtract(a.rect, dst)) next.push({ rect: part, at: a.at });
      const moved = intersect(a.rect, src);
      if (moved !== null) next.push({ rect: { ...moved, x: moved.x + dx, y: moved.y + dy }, at: now });
    }
    this.set(next);
  }

  /** When the oldest area will have been still for `idleMs`, or null when there is none. */
  dueAt(idleMs: number): number | null {
    let oldest = Infinity;
    for (const a of this.areas) if (a.at < oldest) oldest = a.at;
    return oldest === Infinity ? null : oldest + idleMs;
  }

  /** Removes and returns the areas unchanged since `before` (at <= before). */
  takeStill(before: number): Rect[] {
    const out: Rect[] = [];
    const keep: LossyArea[] = [];
    for (const a of this.areas) {
      if (a.at <= before) out.push(a.rect);
      else keep.push(a);
    }
    this.areas = keep;
    return out;
  }

  private set(areas: LossyArea[]): void {
    if (areas.length > LOSSY_AREAS_MAX) {
      let box = areas[0]!.rect;
      let at = areas[0]!.at;
      for (const a of areas) {
        box = union(box, a.rect);
        at = Math.max(at, a.at);
      }
      areas = [{ rect: box, at }];
    }
    this.areas = areas;
  }
}
