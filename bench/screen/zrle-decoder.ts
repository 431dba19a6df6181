/**
 * Benchmark-only ZRLE decoder (RFC 6143, 7.7.6) for the RFB client, so the poor-link benchmark can
 * tell when a typed character is actually on the viewer's picture for x0vncserver too, the same
 * way it does with our reference decoder. Paints into an RGBA framebuffer (the reference
 * decoder's layout, so the same pixel checks and the xwd comparison apply to both).
 *
 * Pixel format is the one rfb-client.ts asks for: 32 bpp, depth 24, little-endian true colour,
 * red shift 16, so a CPIXEL is 3 bytes: blue, green, red. One zlib stream per connection; each
 * rectangle's data is sync-flushed, so inflating it yields the whole rectangle.
 */
import { Unzlib } from 'fflate';
import { RfbFramebuffer } from './rfb-framebuffer';

const TILE = 64;
const SUB_RAW = 0;
const SUB_SOLID = 1;
const SUB_PACKED_MAX = 16;
const SUB_PLAIN_RLE = 128;
const SUB_PALETTE_RLE_MIN = 130;
/** Compressed bytes pushed into the inflater at a time. */
const PUSH_BYTES = 16 * 1024;

export class ZrleDecoder extends RfbFramebuffer {
  private readonly inflater = new Unzlib();
  private out: Uint8Array[] = [];
  private data: Uint8Array = new Uint8Array(0);
  private at = 0;

  constructor(width: number, height: number) {
    super(width, height);
    this.inflater.ondata = (chunk) => this.out.push(chunk);
  }

  /** Decodes one ZRLE rectangle (the zlib bytes after its length field) into the framebuffer. */
  zrle(x: number, y: number, w: number, h: number, zlib: Uint8Array): void {
    this.out = [];
    for (let o = 0; o < zlib.byteLength; o += PUSH_BYTES)
      this.inflater.push(zlib.subarray(o, Math.min(zlib.byteLength, o + PUSH_BYTES)));
    const total = this.out.reduce((s, c) => s + c.byteLength, 0);
    this.data = this.out.length === 1 ? this.out[0]! : new Uint8Array(total);
    if (this.out.length > 1) {
      let o = 0;
      for (const c of this.out) {
        this.data.set(c, o);
        o += c.byteLength;
      }
    }
    this.at = 0;
    for (let ty = y; ty < y + h; ty += TILE)
      for (let tx = x; tx < x + w; tx += TILE)
        this.tile(tx, ty, Math.min(TILE, x + w - tx), Math.min(TILE, y + h - ty));
    if (this.at !== this.data.byteLength)
      throw new Error(`ZRLE rectangle: ${this.data.byteLength - this.at} bytes left over`);
  }

  private byte(): number {
    if (this.at >= this.data.byteLength) throw new Error('ZRLE tile data ends early');
    return this.data[this.at++]!;
  }

  /** One CPIXEL as packed 0xRRGGBB. */
  private cpixel(): number {
    const b = this.byte();
    const g = this.byte();
    const r = this.byte();
    return (r << 16) | (g << 8) | b;
  }

  private runLength(): number {
    let n = 1;
    for (;;) {
      const b = this.byte();
      n += b;
      if (b !== 255) return n;
    }
  }

  private tile(x: number, y: number, w: number, h: number): void {
    const sub = this.byte();
    if (sub === SUB_RAW) {
      for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.putPacked(x + i, y + j, this.cpixel());
      return;
    }
    if (sub === SUB_SOLID) {
      const p = this.cpixel();
      for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.putPacked(x + i, y + j, p);
      return;
    }
    if (sub <= SUB_PACKED_MAX) {
      const palette = Array.from({ length: sub }, () => this.cpixel());
      const bits = sub === 2 ? 1 : sub <= 4 ? 2 : 4;
      const mask = (1 << bits) - 1;
      for (let j = 0; j < h; j++) {
        let byte = 0;
        let left = 0;
        for (let i = 0; i < w; i++) {
          if (left === 0) {
            byte = this.byte();
            left = 8;
          }
          left -= bits;
          this.putPacked(x + i, y + j, palette[(byte >> left) & mask]!);
        }
      }
      return;
    }
    if (sub === SUB_PLAIN_RLE || sub >= SUB_PALETTE_RLE_MIN) {
      const palette = sub === SUB_PLAIN_RLE ? [] : Array.from({ length: sub - 128 }, () => this.cpixel());
      let i = 0;
      const n = w * h;
      while (i < n) {
        let p: number;
        let run = 1;
        if (sub === SUB_PLAIN_RLE) {
          p = this.cpixel();
          run = this.runLength();
        } else {
          const index = this.byte();
          p = palette[index & 127]!;
          if (index & 128) run = this.runLength();
        }
        if (i + run > n) throw new Error('ZRLE run past the tile');
        for (const end = i + run; i < end; i++) this.putPacked(x + (i % w), y + Math.floor(i / w), p);
      }
      return;
    }
    throw new Error(`ZRLE subencoding ${sub} is not defined`);
  }
}
