/**
 * JPEG encoding on the share page: the block is put on an OffscreenCanvas of exactly its size and
 * encoded with convertToBlob (the browser's own libjpeg-turbo in Chromium, off the main thread for
 * the compression itself). One canvas per block size is kept (at most MAX_CANVASES: the tile
 * differ makes only a few sizes, edge cuts included), so steady sharing allocates no canvases.
 */
import type { JpegEncoder } from './picture-encoder';

/** Canvas sizes kept for reuse; the oldest is dropped past this. */
const MAX_CANVASES = 16;

interface Slot {
  canvas: OffscreenCanvas;
  ctx: OffscreenCanvasRenderingContext2D;
}

export class CanvasJpegEncoder implements JpegEncoder {
  private readonly slots = new Map<string, Slot>();

  async encode(rgba: Uint8ClampedArray, w: number, h: number, quality: number): Promise<Uint8Array> {
    const slot = this.slot(w, h);
    // ImageData needs pixels over a plain ArrayBuffer of exactly w*h*4 bytes.
    const pixels =
      rgba.buffer instanceof ArrayBuffer && rgba.byteLength === w * h * 4
        ? new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength)
        : new Uint8ClampedArray(rgba.subarray(0, w * h * 4));
    slot.ctx.putImageData(new ImageData(pixels, w, h), 0, 0);
    const blob = await slot.canvas.convertToBlob({ type: 'image/jpeg', quality });
    return new Uint8Array(await blob.arrayBuffer());
  }

  private slot(w: number, h: number): Slot {
    const key = `${w}x${h}`;
    let slot = this.slots.get(key);
    if (slot) {
      // Most recently used last, so the oldest is the first key.
      this.slots.delete(key);
      this.slots.set(key, slot);
      return slot;
    }
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas for JPEG encoding');
    slot = { canvas, ctx };
    this.slots.set(key, slot);
    if (this.slots.size > MAX_CANVASES) this.slots.delete(this.slots.keys().next().value!);
    return slot;
  }
}
