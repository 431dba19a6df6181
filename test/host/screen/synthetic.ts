/**
 * Synthetic desktops for encoder/decoder tests: BGRX frames with text-like glyph cells, solid
 * areas, a "window" that can move, and a photographic gradient with noise. Deterministic (seeded).
 */
import type { PixelBuffer, Rect } from '../../../host/platform/types';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export function blank(width: number, height: number, rgb = 0x202428, stridePad = 0): PixelBuffer {
  const stride = (width + stridePad) * 4;
  const data = new Uint8Array(stride * height);
  const pb = { width, height, stride, data };
  fill(pb, { x: 0, y: 0, width, height }, rgb);
  return pb;
}

/** A frame of pixels from `seed` in 8 colours (like text: equal rows and equal cells happen too). */
export function fewColours(width: number, height: number, seed: number): PixelBuffer {
  const data = new Uint8Array(width * height * 4);
  const u32 = new Uint32Array(data.buffer);
  let s = seed | 1;
  for (let i = 0; i < u32.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    u32[i] = (s >>> 29) * 0x210421;
  }
  return { width, height, stride: width * 4, data };
}

export function clone(pb: PixelBuffer): PixelBuffer {
  return { ...pb, data: pb.data.slice() };
}

export function setPixel(pb: PixelBuffer, x: number, y: number, rgb: number): void {
  const o = y * pb.stride + x * 4;
  pb.data[o] = rgb & 255;
  pb.data[o + 1] = (rgb >> 8) & 255;
  pb.data[o + 2] = (rgb >> 16) & 255;
  pb.data[o + 3] = 0;
}

export function getPixel(pb: PixelBuffer, x: number, y: number): number {
  const o = y * pb.stride + x * 4;
  return (pb.data[o + 2]! << 16) | (pb.data[o + 1]! << 8) | pb.data[o]!;
}

export function fill(pb: PixelBuffer, r: Rect, rgb: number): void {
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) setPixel(pb, x, y, rgb);
}

/** Text-like content: 6x13 cells with random 2-colour "glyphs" on a background. */
export function text(pb: PixelBuffer, r: Rect, seed: number, fg = 0xe0e0e0, bg = 0x101010): void {
  const rand = rng(seed);
  fill(pb, r, bg);
  const glyphs: number[][] = [];
  for (let g = 0; g < 40; g++) glyphs.push(Array.from({ length: 6 * 13 }, () => (rand() < 0.3 ? 1 : 0)));
  for (let cy = r.y; cy + 13 <= r.y + r.height; cy += 13) {
    for (let cx = r.x; cx + 6 <= r.x + r.width; cx += 6) {
      if (rand() < 0.15) continue;
      const glyph = glyphs[Math.floor(rand() * glyphs.length)]!;
      for (let i = 0; i < glyph.length; i++)
        if (glyph[i]) setPixel(pb, cx + (i % 6), cy + Math.floor(i / 6), fg);
    }
  }
}

/** Photographic content: smooth gradients plus noise (thousands of colours). */
export function photo(pb: PixelBuffer, r: Rect, seed: number): void {
  const rand = rng(seed);
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const n = Math.floor(rand() * 24);
      const red = (128 + 100 * Math.sin((x + seed) / 37) + n) & 255;
      const green = (128 + 100 * Math.cos(y / 23) + n) & 255;
      const blue = ((x * y) / 97 + n) & 255;
      setPixel(pb, x, y, (red << 16) | (green << 8) | blue);
    }
  }
}

/** Moves rows [y0, y1) of `r`'s columns up by `dy` (a terminal scroll), exposing `dy` rows at the bottom. */
export function scrollUp(pb: PixelBuffer, r: Rect, dy: number): void {
  for (let y = r.y; y < r.y + r.height - dy; y++) {
    pb.data.copyWithin(
      y * pb.stride + r.x * 4,
      (y + dy) * pb.stride + r.x * 4,
      (y + dy) * pb.stride + (r.x + r.width) * 4,
    );
  }
}

/** Copies `src` to (dx, dy) within the same buffer (a window move, overlap-safe via a copy). */
export function copyRect(pb: PixelBuffer, src: Rect, dx: number, dy: number): void {
  const tmp = clone(pb);
  for (let y = 0; y < src.height; y++) {
    const s = (src.y + y) * pb.stride + src.x * 4;
    pb.data.set(tmp.data.subarray(s, s + src.width * 4), (dy + y) * pb.stride + dx * 4);
  }
}

/**
 * Pixels where the decoder's RGBA framebuffer differs from the BGRX frame, inside `region`
 * (default: everything), skipping `exclude` areas (lossy ones).
 */
export function countDiff(
  frame: PixelBuffer,
  rgba: Uint8ClampedArray,
  region: Rect = { x: 0, y: 0, width: frame.width, height: frame.height },
  exclude: Rect[] = [],
): number {
  let diffs = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      if (exclude.some((e) => x >= e.x && x < e.x + e.width && y >= e.y && y < e.y + e.height)) continue;
      const o = y * frame.stride + x * 4;
      const d = (y * frame.width + x) * 4;
      if (
        rgba[d] !== frame.data[o + 2] ||
        rgba[d + 1] !== frame.data[o + 1] ||
        rgba[d + 2] !== frame.data[o] ||
        rgba[d + 3] !== 255
      ) {
        diffs++;
      }
    }
  }
  return diffs;
}
