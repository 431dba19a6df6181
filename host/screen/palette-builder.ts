/**
 * Counts the colours of a rectangle and maps each pixel to a palette index in one pass, giving up
 * as soon as there are more than `maxColors`. Open addressing over a small power-of-two table
 * plus a "same as the previous pixel" shortcut (text and UI are mostly runs), so a 1080p frame of
 * text takes a few milliseconds and no Map. Index and table buffers are reused.
 */
import type { PixelView } from './pixel-view';
import type { Rect } from '../platform/types';

const TABLE_SIZE = 1024; // > 2 x 256 colours keeps probes short
const TABLE_MASK = TABLE_SIZE - 1;
const EMPTY = -1;
const RGB_MASK = 0xffffff;

export class PaletteBuilder {
  private readonly keys = new Int32Array(TABLE_SIZE);
  private readonly vals = new Uint8Array(TABLE_SIZE);
  /** Palette colours as 0xRRGGBB, in index order. */
  readonly colors = new Int32Array(256);
  count = 0;
  /** One index per pixel of the last built rectangle, row-major, tightly packed. */
  indices = new Uint8Array(64 * 64);

  /**
   * Builds the palette of `rect`. Returns the colour count, or -1 when it has more than `maxColors`
   * (the indices are then incomplete).
   */
  build(view: PixelView, rect: Rect, maxColors: number): number {
    const { x, y, width, height } = rect;
    if (this.indices.length < width * height) this.indices = new Uint8Array(width * height);
    const keys = this.keys;
    const vals = this.vals;
    const idx = this.indices;
    const u32 = view.u32;
    keys.fill(EMPTY);
    let count = 0;
    let lastPixel = -1;
    let lastIndex = 0;
    let o = 0;
    for (let row = 0; row < height; row++) {
      const base = (y + row) * view.pitch + view.offset + x;
      for (let col = 0; col < width; col++) {
        const p = u32[base + col]! & RGB_MASK;
        if (p !== lastPixel) {
          let slot = Math.imul(p, 0x9e3779b1) >>> 22; // top 10 bits of a multiplicative hash
          for (;;) {
            const k = keys[slot]!;
            if (k === p) {
              lastIndex = vals[slot]!;
              break;
            }
            if (k === EMPTY) {
              if (count === maxColors) {
                this.count = count;
                return -1;
              }
              keys[slot] = p;
              vals[slot] = count;
              this.colors[count] = p;
              lastIndex = count++;
              break;
            }
            slot = (slot + 1) & TABLE_MASK;
          }
          lastPixel = p;
        }
        idx[o++] = lastIndex;
      }
    }
    this.count = count;
    return count;
  }
}
