/**
 * The RGBA picture an RFB viewer in the benchmarks paints into (the reference decoder's layout,
 * so the same pixel checks and the xwd comparison apply to every viewer), with the operations
 * every RFB encoding shares: raw 32-bit pixels and CopyRect. The ZRLE and Tight decoders extend it.
 */
export class RfbFramebuffer {
  readonly rgba: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgba = new Uint8ClampedArray(width * height * 4);
  }

  /** Raw 32-bit pixels (B, G, R, X: the pixel format rfb-client.ts asks for). */
  raw(x: number, y: number, w: number, h: number, pixels: Uint8Array): void {
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        const s = (j * w + i) * 4;
        this.put(x + i, y + j, pixels[s + 2]!, pixels[s + 1]!, pixels[s]!);
      }
  }

  copy(x: number, y: number, w: number, h: number, sx: number, sy: number): void {
    const stride = this.width * 4;
    // Rows in the order that never overwrites a source row before it is read.
    for (let k = 0; k < h; k++) {
      const j = y > sy ? h - 1 - k : k;
      const from = (sy + j) * stride + sx * 4;
      this.rgba.copyWithin((y + j) * stride + x * 4, from, from + w * 4);
    }
  }

  protected put(x: number, y: number, r: number, g: number, b: number): void {
    const o = (y * this.width + x) * 4;
    this.rgba[o] = r;
    this.rgba[o + 1] = g;
    this.rgba[o + 2] = b;
    this.rgba[o + 3] = 255;
  }

  protected putPacked(x: number, y: number, p: number): void {
    this.put(x, y, (p >> 16) & 255, (p >> 8) & 255, p & 255);
  }
}
