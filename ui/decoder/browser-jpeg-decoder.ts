/**
 * JPEG decoding in a browser or worker: createImageBitmap on the bytes (decoded off the main
 * thread by the browser), drawn on an OffscreenCanvas to read RGBA back. One canvas is reused.
 */
import type { JpegDecoder } from './jpeg-decoder';

export class BrowserJpegDecoder implements JpegDecoder {
  private canvas: OffscreenCanvas | null = null;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;

  async decode(jpeg: Uint8Array, width: number, height: number): Promise<Uint8ClampedArray> {
    const copy = new Uint8Array(jpeg); // a Blob needs its own ArrayBuffer-backed bytes
    const bitmap = await createImageBitmap(new Blob([copy], { type: 'image/jpeg' }));
    try {
      if (this.canvas === null || this.canvas.width < width || this.canvas.height < height) {
        this.canvas = new OffscreenCanvas(
          Math.max(width, this.canvas?.width ?? 0),
          Math.max(height, this.canvas?.height ?? 0),
        );
        this.ctx = this.canvas.getContext('2d', { willReadFrequently: true });
      }
      const ctx = this.ctx;
      if (ctx === null) throw new Error('no 2d context for JPEG decoding');
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, width, height).data;
    } finally {
      bitmap.close();
    }
  }
}
