/**
 * Paints the watcher's decoded picture on a canvas: only the areas that changed (putImageData
 * with a dirty rectangle), from an ImageData that wraps the decoder's framebuffer without a copy.
 * The canvas has the picture's own size; CSS scales it to the page.
 */
import type { Framebuffer, PaintedRect } from '../decoder/screen-decoder';
import type { PicturePainter } from './watcher-session';

export class CanvasPainter implements PicturePainter {
  private image: ImageData | null = null;
  private source: Uint8ClampedArray | null = null;

  constructor(private readonly canvas: () => HTMLCanvasElement | null) {}

  resize(width: number, height: number): void {
    const c = this.canvas();
    if (!c) return;
    c.width = width;
    c.height = height;
    this.image = null;
    this.source = null;
  }

  paint(fb: Framebuffer, rects: readonly PaintedRect[]): void {
    const c = this.canvas();
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    if (c.width !== fb.width || c.height !== fb.height) this.resize(fb.width, fb.height);
    if (this.image === null || this.source !== fb.data) {
      // ImageData takes pixels over a plain ArrayBuffer; the decoder's always are (no copy then).
      const { buffer, byteOffset, length } = fb.data;
      const pixels =
        buffer instanceof ArrayBuffer
          ? new Uint8ClampedArray(buffer, byteOffset, length)
          : new Uint8ClampedArray(fb.data);
      this.image = new ImageData(pixels, fb.width, fb.height);
      this.source = fb.data;
    }
    for (const r of rects) ctx.putImageData(this.image, 0, 0, r.x, r.y, r.width, r.height);
  }
}
