/**
 * What changed between two captures of the agent's screen, as rectangles to send: the picture is
 * cut into TILE_PX x TILE_PX tiles, a tile is changed when any of its pixels differs (compared as
 * 32-bit words, row by row, stopping at the first difference), and the changed tiles of one tile
 * row are merged into runs of at most MAX_RUN_TILES (fewer, larger JPEGs: one browser encode per
 * run instead of per tile, each still well under a screen message's size limit). Edge tiles are
 * cut to the picture. The result covers every changed pixel, never overlaps, stays inside the
 * picture, and lists rectangles top to bottom, left to right.
 */

/** Side of a comparison tile, in pixels. */
export const TILE_PX = 64;
/** Most tiles merged into one rectangle (1024 px at 64 px tiles). */
export const MAX_RUN_TILES = 16;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DiffOptions {
  tilePx?: number;
  maxRunTiles?: number;
}

/**
 * Rectangles covering every tile where `cur` differs from `prev` (both width*height pixels, one
 * 32-bit word each); `prev` null: the whole picture.
 */
export function changedRects(
  prev: Uint32Array | null,
  cur: Uint32Array,
  width: number,
  height: number,
  options: DiffOptions = {},
): Rect[] {
  const tile = options.tilePx ?? TILE_PX;
  const maxRun = options.maxRunTiles ?? MAX_RUN_TILES;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`picture size ${width}x${height}`);
  }
  if (cur.length < width * height || (prev !== null && prev.length < width * height)) {
    throw new RangeError('pixel buffer smaller than the picture');
  }
  const rects: Rect[] = [];
  const cols = Math.ceil(width / tile);
  for (let ty = 0; ty < height; ty += tile) {
    const h = Math.min(tile, height - ty);
    let runStart = -1;
    let runTiles = 0;
    const flush = (endCol: number) => {
      if (runStart < 0) return;
      const x = runStart * tile;
      rects.push({ x, y: ty, w: Math.min(endCol * tile, width) - x, h });
      runStart = -1;
      runTiles = 0;
    };
    for (let col = 0; col < cols; col++) {
      const tx = col * tile;
      const w = Math.min(tile, width - tx);
      const changed = prev === null || tileDiffers(prev, cur, width, tx, ty, w, h);
      if (!changed) {
        flush(col);
        continue;
      }
      if (runStart < 0) runStart = col;
      runTiles++;
      if (runTiles >= maxRun) flush(col + 1);
    }
    flush(cols);
  }
  return rects;
}

function tileDiffers(
  prev: Uint32Array,
  cur: Uint32Array,
  width: number,
  x: number,
  y: number,
  w: number,
  h: number,
): boolean {
  for (let row = y; row < y + h; row++) {
    const start = row * width + x;
    const end = start + w;
    for (let i = start; i < end; i++) if (prev[i] !== cur[i]) return true;
  }
  return false;
}
