/**
 * Finds the area where a video plays, so it can be coded as one picture per frame instead of
 * tile by tile (video-frame-coder.ts). An area becomes the region when, in one update, the changed
 * rectangles on video tiles (video-tiles.ts: many-coloured tiles repainted in consecutive
 * updates) make a box of at least REGION_MIN_PIXELS that they mostly fill (REGION_FILL_MIN): a
 * playing video, not a spinner or a few photos changing apart. While it plays the region grows to
 * whatever else of the video changes; once it has not changed for REGION_IDLE_MS it is dropped,
 * and the lossless refresh of still JPEG areas makes the picture exact (lossy-areas.ts).
 */
import type { Rect } from '../platform/types';
import { area, union } from './rect-math';

/** Smallest region, in pixels: smaller animations stay tile by tile. */
export const REGION_MIN_PIXELS = 160 * 120;
/** Least share of the region's box that its video rectangles must cover. */
export const REGION_FILL_MIN = 0.5;
/** A region unchanged this long is dropped, in ms (a paused video, a closed player). */
export const REGION_IDLE_MS = 1000;

export class VideoRegion {
  private rect: Rect | null = null;
  private lastChangeAt = -Infinity;

  /** The region at `now`, or null (none yet, or dropped after REGION_IDLE_MS without change). */
  current(now: number): Rect | null {
    if (this.rect !== null && now - this.lastChangeAt > REGION_IDLE_MS) this.rect = null;
    return this.rect;
  }

  /**
   * One update's changed rectangles, coded tile by tile; `videoPart(rect)` is the part of a
   * rectangle on tiles that play video (null: none). Only those parts count: a changed rectangle
   * may run from the video on into a terminal beside it, which must stay lossless.
   */
  observe(changed: readonly Rect[], videoPart: (r: Rect) => Rect | null, now: number): void {
    const video = changed.map(videoPart).filter((r): r is Rect => r !== null);
    if (video.length === 0) return;
    const box = video.reduce(union);
    const covered = video.reduce((sum, r) => sum + area(r), 0);
    if (area(box) < REGION_MIN_PIXELS || covered < area(box) * REGION_FILL_MIN) return;
    const current = this.current(now);
    this.rect = current === null ? box : union(current, box);
    this.lastChangeAt = now;
  }

  /** The region changed at `now` (and was sent as one picture). */
  played(now: number): void {
    this.lastChangeAt = now;
  }

  clear(): void {
    this.rect = null;
    this.lastChangeAt = -Infinity;
  }
}
