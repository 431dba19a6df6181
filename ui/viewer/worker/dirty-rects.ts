/**
 * What the decoder worker sends back after each complete update: the painted areas of the
 * framebuffer, merged when that is cheaper, copied out as tight RGBA buffers (transferable).
 * Many small rectangles (a text update) stay apart, so a keystroke moves a few hundred bytes;
 * when there are more than MAX_RECTS, or the rectangles cover most of their bounding box, one
 * bounding box is sent instead (one copy and one putImageData instead of hundreds).
 */
import type { Framebuffer, PaintedRect } from '../../decoder/screen-decoder';

/** Most rectangles sent apart for one update. */
export const MAX_RECTS = 24;
/** Use the bounding box once the rectangles cover this share of it. */
const BBOX_COVERAGE = 0.6;

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
  pixels: ArrayBuffer;
}

/** The areas to copy for `painted`: the rectangles themselves, or their bounding box. */
export function coalesce(painted: readonly PaintedRect[]): PaintedRect[] {
  if (painted.length <= 1) return [...painted];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let area = 0;
  for (const r of painted) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
    area += r.width * r.height;
  }
  const box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  if (painted.length > MAX_RECTS || area >= box.width * box.height * BBOX_COVERAGE) return [box];
  return [...painted];
}

/** Copies one area of the framebuffer into a new tight RGBA buffer. */
export function copyRect(fb: Framebuffer, r: PaintedRect): PixelRect {
  const out = new Uint8ClampedArray(r.width * r.height * 4);
  const rowBytes = r.width * 4;
  const stride = fb.width * 4;
  for (let y = 0; y < r.height; y++) {
    const from = (r.y + y) * stride + r.x * 4;
    out.set(fb.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { x: r.x, y: r.y, width: r.width, height: r.height, pixels: out.buffer };
}
