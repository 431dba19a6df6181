/**
 * Finds where a video plays: 64x64 tiles whose content is many-coloured ("rich": more than
 * RICH_COLORS colours, or photographic) and changed in RUN_MIN updates in a row, each less than
 * GAP_MAX_MS after the one before (a tile that stops changing is no longer video GAP_MAX_MS
 * later). In lossy mode such tiles go straight to JPEG, without
 * building a palette first: a video frame's grainy tiles often have 100-256 colours, and coding
 * them as 8-bit palettes at zlib level 9 took about 2 s per 1280x720 frame on the loaded
 * benchmark machine (the video benchmark's first run: 0.4 frames per second). Text does not get
 * here: a scrolling terminal's new lines are 2-colour tiles, and scrolled content moves by COPY.
 * Once the video stops, its JPEG areas are refreshed losslessly like any other (lossy-areas.ts).
 */
import type { Rect } from '../platform/types';
import { TILE_SIZE } from './change-detector';
import { intersect } from './rect-math';

/** More colours than this in a changed tile make the change "rich". */
export const RICH_COLORS = 16;
/**
 * Smallest changed area of a tile that can count as rich, in pixels (half a tile): a video
 * repaints whole tiles, typing changes a glyph's box (anti-aliased glyphs have more than
 * RICH_COLORS colours, and must never turn a document into "video").
 */
export const RICH_MIN_PIXELS = (TILE_SIZE * TILE_SIZE) / 2;
/** Rich changes in a row that make a tile part of a video. */
const RUN_MIN = 3;
/**
 * Longest time between two changes of one run, in ms: long enough for a slow link or a loaded
 * machine, where updates of a playing video are a second or more apart (a shorter gap never let
 * the first benchmark runs find the video), short enough that a picture changed now and then is
 * not a video.
 */
const GAP_MAX_MS = 3000;

export class VideoTiles {
  private readonly tilesX: number;
  private readonly run: Uint8Array;
  private readonly lastAt: Float64Array;

  constructor(width: number, height: number) {
    this.tilesX = Math.ceil(width / TILE_SIZE);
    const n = this.tilesX * Math.ceil(height / TILE_SIZE);
    this.run = new Uint8Array(n);
    this.lastAt = new Float64Array(n).fill(-Infinity);
  }

  private index(x: number, y: number): number {
    return Math.floor(y / TILE_SIZE) * this.tilesX + Math.floor(x / TILE_SIZE);
  }

  /** Whether the tile holding (x, y) plays video (as of `now`). */
  isVideo(x: number, y: number, now: number): boolean {
    const i = this.index(x, y);
    return this.run[i]! >= RUN_MIN && now - this.lastAt[i]! <= GAP_MAX_MS;
  }

  /** Whether any tile `rect` touches plays video. */
  any(rect: { x: number; y: number; width: number; height: number }, now: number): boolean {
    for (let y = rect.y; y < rect.y + rect.height; y += TILE_SIZE - (y % TILE_SIZE))
      for (let x = rect.x; x < rect.x + rect.width; x += TILE_SIZE - (x % TILE_SIZE))
        if (this.isVideo(x, y, now)) return true;
    return false;
  }

  /** The part of `rect` on tiles that play video: the box of those tiles, clipped to `rect` (null: none). */
  videoPart(rect: Rect, now: number): Rect | null {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let y = rect.y; y < rect.y + rect.height; y += TILE_SIZE - (y % TILE_SIZE))
      for (let x = rect.x; x < rect.x + rect.width; x += TILE_SIZE - (x % TILE_SIZE)) {
        if (!this.isVideo(x, y, now)) continue;
        const tx = x - (x % TILE_SIZE);
        const ty = y - (y % TILE_SIZE);
        x0 = Math.min(x0, tx);
        y0 = Math.min(y0, ty);
        x1 = Math.max(x1, tx + TILE_SIZE);
        y1 = Math.max(y1, ty + TILE_SIZE);
      }
    if (x0 === Infinity) return null;
    return intersect(rect, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }

  /** Every tile `rect` touches changed (`rect` is a classification tile, not aligned to this grid). */
  changedRect(rect: Rect, rich: boolean, now: number): void {
    for (let y = rect.y; y < rect.y + rect.height; y += TILE_SIZE - (y % TILE_SIZE))
      for (let x = rect.x; x < rect.x + rect.width; x += TILE_SIZE - (x % TILE_SIZE))
        this.changed(x, y, rich, now);
  }

  /** The tile holding (x, y) changed at `now`; `rich` says whether its content had many colours. */
  changed(x: number, y: number, rich: boolean, now: number): void {
    const i = this.index(x, y);
    if (!rich) {
      this.run[i] = 0;
      return;
    }
    // Two classification tiles of one update may share this tile: one change, not two.
    if (this.lastAt[i] === now && this.run[i]! > 0) return;
    const continues = now - this.lastAt[i]! <= GAP_MAX_MS;
    this.run[i] = continues ? Math.min(255, this.run[i]! + 1) : 1;
    this.lastAt[i] = now;
  }
}
