/**
 * Encodes one changed rectangle by its content:
 *   1 colour            -> FILL
 *   2..256 colours      -> PALETTE (packed 1/2/4/8-bit indices through the persistent zlib stream)
 *   more, in 64x64 tiles -> each tile again as FILL or PALETTE, and runs of many-colour
 *                          ("photographic") tiles as one JPEG (lossy mode) or GRADIENT (lossless:
 *                          predicted residuals, gradient-coder.ts)
 * Text and UI are almost always few colours per rectangle, so they stay lossless; only areas
 * that really are pictures go to JPEG. Big rectangles are cut into bands so each operation's
 * data fits a message.
 */
import { bitsPerIndex, paletteDataBytes, paletteRowBytes, PALETTE_MAX_COLORS } from '../../protocol/screen';
import type { Rect } from '../platform/types';
import { GradientCoder } from './gradient-coder';
import type { JpegEncoder } from './jpeg-encoder';
import type { MessageBuilder } from './message-builder';
import { PaletteBuilder } from './palette-builder';
import type { PixelView } from './pixel-view';
import { RICH_COLORS, RICH_MIN_PIXELS, type VideoTiles } from './video-tiles';

/** Largest lossless data of one operation, in bytes (bands keep messages well under the limit). */
const OP_DATA_MAX_BYTES = 256 * 1024;
/** Side of a classification tile, in pixels. */
const CLASS_TILE = 64;
/** Smallest photographic area sent as JPEG, in pixels; smaller ones are not worth JPEG's ~600-byte headers. */
const JPEG_MIN_PIXELS = 32 * 32;
/** Largest JPEG, in pixels (bounds the JPEG's bytes well under a message). */
const JPEG_MAX_PIXELS = 1920 * 128;

export interface EncodeQuality {
  /** False: never JPEG. */
  lossy: boolean;
  /** JPEG quality, 1-100. */
  jpegQuality: number;
}

export interface EncodeCounters {
  fill: number;
  palette: number;
  gradient: number;
  jpeg: number;
  copy: number;
  /** Pixels sent lossy (JPEG). */
  lossyPixels: number;
  /** Frames of a playing video region sent as one JPEG (video-frame-coder.ts). */
  videoFrames: number;
  /** Those of them sent at a reduced scale (JPEG_SCALED). */
  videoScaled: number;
}

export function emptyCounters(): EncodeCounters {
  return {
    fill: 0,
    palette: 0,
    gradient: 0,
    jpeg: 0,
    copy: 0,
    lossyPixels: 0,
    videoFrames: 0,
    videoScaled: 0,
  };
}

export class RectEncoder {
  private readonly palette = new PaletteBuilder();
  private readonly gradient = new GradientCoder();

  constructor(private readonly jpeg: JpegEncoder) {}

  /**
   * Encodes `rect` of `view`; returns the rectangles sent lossy (for a later lossless refresh).
   * `video` (with the caller's clock `now`) learns which tiles play video and, in lossy mode,
   * sends them as JPEG without trying a palette first.
   */
  async encode(
    view: PixelView,
    rect: Rect,
    out: MessageBuilder,
    quality: EncodeQuality,
    counters: EncodeCounters,
    video: VideoTiles | null = null,
    now = 0,
  ): Promise<Rect[]> {
    if (!(quality.lossy && video?.any(rect, now))) {
      const n = this.palette.build(view, rect, PALETTE_MAX_COLORS);
      if (n >= 1) {
        await this.emitFew(rect, n, out, counters);
        if (video) this.noteTiles(view, rect, n > RICH_COLORS, video, now);
        return [];
      }
    }
    return this.encodeTiles(view, rect, out, quality, counters, video, now);
  }

  /**
   * Tells `video` that every tile of `rect` changed, and which were rich. `manyColors`: the whole
   * rectangle had more than RICH_COLORS colours; then each tile is counted on its own (stopping at
   * RICH_COLORS + 1), or a terminal's 2-colour tiles beside a grainy video in the same rectangle
   * would count as video too (and be coded inside the video's region).
   */
  private noteTiles(view: PixelView, rect: Rect, manyColors: boolean, video: VideoTiles, now: number): void {
    const cols = Math.ceil(rect.width / CLASS_TILE);
    const rows = Math.ceil(rect.height / CLASS_TILE);
    for (let ty = 0; ty < rows; ty++)
      for (let tx = 0; tx < cols; tx++) {
        const tile = tileRect(rect, tx, ty);
        const rich =
          manyColors &&
          richSized(tile, rect) &&
          (cols * rows === 1 || this.palette.build(view, tile, RICH_COLORS) < 1);
        video.changedRect(tile, rich, now);
      }
  }

  /** FILL or PALETTE from the palette builder's current state (built for `rect`). */
  private async emitFew(rect: Rect, n: number, out: MessageBuilder, counters: EncodeCounters): Promise<void> {
    const colors = this.palette.colors;
    if (n === 1) {
      const c = colors[0]!;
      await out.add({
        op: 'fill',
        x: rect.x,
        y: rect.y,
        w: rect.width,
        h: rect.height,
        r: c >> 16,
        g: (c >> 8) & 255,
        b: c & 255,
      });
      counters.fill++;
      return;
    }
    const rowBytes = paletteRowBytes(n, rect.width);
    const bandRows = Math.max(1, Math.floor((OP_DATA_MAX_BYTES - n * 3) / rowBytes));
    const bits = bitsPerIndex(n);
    for (let r0 = 0; r0 < rect.height; r0 += bandRows) {
      const h = Math.min(bandRows, rect.height - r0);
      const data = await out.add(
        { op: 'palette', x: rect.x, y: rect.y + r0, w: rect.width, h, colors: n },
        paletteDataBytes(n, rect.width, h),
      );
      let o = 0;
      for (let i = 0; i < n; i++) {
        const c = colors[i]!;
        data![o++] = c >> 16;
        data![o++] = (c >> 8) & 255;
        data![o++] = c & 255;
      }
      packIndices(this.palette.indices, rect.width, r0, h, bits, data!, o);
      counters.palette++;
    }
  }

  private async encodeTiles(
    view: PixelView,
    rect: Rect,
    out: MessageBuilder,
    quality: EncodeQuality,
    counters: EncodeCounters,
    video: VideoTiles | null,
    now: number,
  ): Promise<Rect[]> {
    const cols = Math.ceil(rect.width / CLASS_TILE);
    const rows = Math.ceil(rect.height / CLASS_TILE);
    const photo = new Uint8Array(cols * rows);
    for (let ty = 0; ty < rows; ty++) {
      for (let tx = 0; tx < cols; tx++) {
        const tile = tileRect(rect, tx, ty);
        if (quality.lossy && video?.isVideo(tile.x, tile.y, now)) {
          // Only a plain tile (a few colours: text over the video, a control bar) is sent as
          // such; building a palette of up to RICH_COLORS stops early on a grainy one.
          const few = this.palette.build(view, tile, RICH_COLORS);
          if (few >= 1) await this.emitFew(tile, few, out, counters);
          else photo[ty * cols + tx] = 1;
          video.changedRect(tile, few < 1, now);
          continue;
        }
        const n = this.palette.build(view, tile, PALETTE_MAX_COLORS);
        if (n >= 1) await this.emitFew(tile, n, out, counters);
        else photo[ty * cols + tx] = 1;
        video?.changedRect(tile, (n < 1 || n > RICH_COLORS) && richSized(tile, rect), now);
      }
    }
    // Runs of photographic tiles per tile row, then runs with the same columns merged downwards.
    const runs: Rect[] = [];
    for (let ty = 0; ty < rows; ty++) {
      let tx = 0;
      while (tx < cols) {
        if (photo[ty * cols + tx] === 0) {
          tx++;
          continue;
        }
        const start = tx;
        while (tx < cols && photo[ty * cols + tx] === 1) tx++;
        const a = tileRect(rect, start, ty);
        const b = tileRect(rect, tx - 1, ty);
        const run = { x: a.x, y: a.y, width: b.x + b.width - a.x, height: a.height };
        const above = runs.find(
          (o) =>
            o.x === run.x &&
            o.width === run.width &&
            o.y + o.height === run.y &&
            (o.height + run.height) * o.width <= JPEG_MAX_PIXELS,
        );
        if (above) above.height += run.height;
        else runs.push(run);
      }
    }
    const lossy: Rect[] = [];
    for (const run of runs) {
      if (
        quality.lossy &&
        run.width * run.height >= JPEG_MIN_PIXELS &&
        (await this.emitJpeg(view, run, out, quality))
      ) {
        counters.jpeg++;
        counters.lossyPixels += run.width * run.height;
        lossy.push(run);
      } else {
        await this.emitGradient(view, run, out, counters);
      }
    }
    return lossy;
  }

  /** Lossless GRADIENT in bands (each band's prediction starts afresh, so each is one operation). */
  private async emitGradient(
    view: PixelView,
    rect: Rect,
    out: MessageBuilder,
    counters: EncodeCounters,
  ): Promise<void> {
    const bandRows = Math.max(1, Math.floor(OP_DATA_MAX_BYTES / (rect.width * 3)));
    for (let r0 = 0; r0 < rect.height; r0 += bandRows) {
      const h = Math.min(bandRows, rect.height - r0);
      const data = (await out.add(
        { op: 'gradient', x: rect.x, y: rect.y + r0, w: rect.width, h },
        rect.width * h * 3,
      ))!;
      this.gradient.write(view, rect, r0, h, data, 0);
      counters.gradient++;
    }
  }

  private async emitJpeg(
    view: PixelView,
    rect: Rect,
    out: MessageBuilder,
    quality: EncodeQuality,
  ): Promise<boolean> {
    const data = this.jpeg.encode(view, rect, quality.jpegQuality);
    // A JPEG larger than a quarter message is noise, not a picture: lossless RAW is as small.
    if (data.byteLength > OP_DATA_MAX_BYTES * 2) return false;
    await out.add({ op: 'jpeg', x: rect.x, y: rect.y, w: rect.width, h: rect.height, data });
    return true;
  }
}

/**
 * Whether a changed `tile` (clipped to its rectangle `rect`) is large enough to count as rich: half
 * a tile, or a strip across a whole tile at the edge of a large rectangle (a video's edge that ends
 * inside a tile: without it, a 28-pixel column down a video's left side was coded apart from the
 * video's region). A glyph's box is neither.
 */
function richSized(tile: Rect, rect: Rect): boolean {
  if (tile.width * tile.height >= RICH_MIN_PIXELS) return true;
  const strip = tile.width === CLASS_TILE || tile.height === CLASS_TILE;
  return strip && rect.width * rect.height >= RICH_MIN_PIXELS * 4;
}

function tileRect(rect: Rect, tx: number, ty: number): Rect {
  const x = rect.x + tx * CLASS_TILE;
  const y = rect.y + ty * CLASS_TILE;
  return {
    x,
    y,
    width: Math.min(CLASS_TILE, rect.x + rect.width - x),
    height: Math.min(CLASS_TILE, rect.y + rect.height - y),
  };
}

/** Packs rows [r0, r0+h) of 8-bit indices (row width `w`) at `bits` per index, MSB first, rows byte-padded. */
export function packIndices(
  idx: Uint8Array,
  w: number,
  r0: number,
  h: number,
  bits: 1 | 2 | 4 | 8,
  out: Uint8Array,
  offset: number,
): void {
  let o = offset;
  if (bits === 8) {
    out.set(idx.subarray(r0 * w, (r0 + h) * w), o);
    return;
  }
  const perByte = 8 / bits;
  for (let row = r0; row < r0 + h; row++) {
    let i = row * w;
    const end = i + w;
    while (i < end) {
      let byte = 0;
      let shift = 8 - bits;
      for (let k = 0; k < perByte; k++) {
        if (i < end) byte |= idx[i++]! << shift;
        shift -= bits;
      }
      out[o++] = byte;
    }
  }
}
