/**
 * The encoder's half of the GRADIENT operation (protocol/screen/screen-message.ts): residuals of
 * subtract-green components against the median edge predictor. Lossless, for photographic areas:
 * on photos from a real page it deflated to 0.57-0.58x of RAW's bytes (zlib's RLE strategy keeps
 * that at a fraction of the CPU of level 6-9; deflate-stream.ts), where zlib alone barely
 * shrinks photos. Two reused rows of components; one pass over the pixels.
 */
import { medPredict } from '../../protocol/screen';
import type { Rect } from '../platform/types';
import type { PixelView } from './pixel-view';

export class GradientCoder {
  private rows = new Uint8Array(0);

  /** Writes rows [r0, r0 + h) of `rect` of `view` as GRADIENT data into `out` at `offset`; the prediction restarts at r0. */
  write(view: PixelView, rect: Rect, r0: number, h: number, out: Uint8Array, offset: number): void {
    const w = rect.width;
    const rowBytes = w * 3;
    if (this.rows.length < rowBytes * 2) this.rows = new Uint8Array(rowBytes * 2);
    let prev = this.rows.subarray(0, rowBytes);
    let cur = this.rows.subarray(rowBytes, rowBytes * 2);
    prev.fill(0);
    const u32 = view.u32;
    let o = offset;
    for (let row = 0; row < h; row++) {
      const base = (rect.y + r0 + row) * view.pitch + view.offset + rect.x;
      for (let x = 0, i = 0; x < w; x++, i += 3) {
        const p = u32[base + x]!;
        const g = (p >> 8) & 255;
        cur[i] = ((p >> 16) - g) & 255;
        cur[i + 1] = g;
        cur[i + 2] = ((p & 255) - g) & 255;
      }
      for (let c = 0; c < 3; c++) out[o++] = (cur[c]! - prev[c]!) & 255;
      for (let i = 3; i < rowBytes; i += 3) {
        out[o++] = (cur[i]! - medPredict(cur[i - 3]!, prev[i]!, prev[i - 3]!)) & 255;
        out[o++] = (cur[i + 1]! - medPredict(cur[i - 2]!, prev[i + 1]!, prev[i - 2]!)) & 255;
        out[o++] = (cur[i + 2]! - medPredict(cur[i - 1]!, prev[i + 2]!, prev[i - 1]!)) & 255;
      }
      const t = prev;
      prev = cur;
      cur = t;
    }
  }
}
