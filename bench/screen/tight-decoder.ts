/**
 * Benchmark-only Tight decoder (the RFB Tight encoding as TigerVNC sends it), so the benchmarks
 * can compare x0vncserver's Tight + JPEG mode (quality 8, compression 2: TigerVNC viewer's usual
 * settings) with ours on the decoded picture, not only on bytes.
 *
 * A rectangle starts with a compression-control byte: its low 4 bits reset zlib streams 0-3; the
 * high 4 bits are 8 (fill: one TPIXEL), 9 (JPEG: compact length + data) or 0-7 (basic: bits 4-5
 * pick the zlib stream, bit 6 says a filter id follows: 0 copy, 1 palette, 2 gradient). Basic
 * data under 12 bytes is sent as is; otherwise a compact length and a sync-flushed piece of that
 * stream. TPIXEL is 3 bytes R, G, B for the 32-bit depth-24 format rfb-client.ts asks for.
 * Bytes come through `read` (the RFB client's socket reader), since the lengths are inside.
 */
import { Unzlib } from 'fflate';
import jpegTurbo from '@julusian/jpeg-turbo';
import { RfbFramebuffer } from './rfb-framebuffer';

const CTL_FILL = 8;
const CTL_JPEG = 9;
const CTL_BASIC_MAX = 7;
const FILTER_COPY = 0;
const FILTER_PALETTE = 1;
const FILTER_GRADIENT = 2;
/** Basic data shorter than this is sent without compression. */
const MIN_TO_COMPRESS = 12;
const STREAMS = 4;

export type ReadBytes = (n: number) => Promise<Uint8Array>;

export class TightDecoder extends RfbFramebuffer {
  private streams: Unzlib[] = [];
  private out: Uint8Array[] = [];
  /** Rectangles by kind, for the report. */
  readonly counts = { fill: 0, jpeg: 0, copy: 0, palette: 0, gradient: 0 };

  constructor(width: number, height: number) {
    super(width, height);
    for (let i = 0; i < STREAMS; i++) this.streams.push(this.newStream());
  }

  private newStream(): Unzlib {
    const z = new Unzlib();
    z.ondata = (chunk) => this.out.push(chunk);
    return z;
  }

  async rect(x: number, y: number, w: number, h: number, read: ReadBytes): Promise<void> {
    const ctl = (await read(1))[0]!;
    for (let i = 0; i < STREAMS; i++) if (ctl & (1 << i)) this.streams[i] = this.newStream();
    const kind = ctl >> 4;
    if (kind === CTL_FILL) {
      const p = await read(3);
      for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.put(x + i, y + j, p[0]!, p[1]!, p[2]!);
      this.counts.fill++;
      return;
    }
    if (kind === CTL_JPEG) {
      const data = await read(await compactLength(read));
      const img = jpegTurbo.decompressSync(Buffer.from(data), { format: jpegTurbo.FORMAT_RGBA });
      if (img.width !== w || img.height !== h) throw new Error('Tight JPEG of the wrong size');
      for (let j = 0; j < h; j++)
        this.rgba.set(img.data.subarray(j * w * 4, (j + 1) * w * 4), ((y + j) * this.width + x) * 4);
      this.counts.jpeg++;
      return;
    }
    if (kind > CTL_BASIC_MAX) throw new Error(`Tight compression control ${ctl} is not defined`);
    const stream = kind & 3;
    const filter = kind & 4 ? (await read(1))[0]! : FILTER_COPY;
    if (filter === FILTER_PALETTE) {
      const n = (await read(1))[0]! + 1;
      const pal = await read(n * 3);
      const colors = Array.from(
        { length: n },
        (_, i) => (pal[i * 3]! << 16) | (pal[i * 3 + 1]! << 8) | pal[i * 3 + 2]!,
      );
      const rowBytes = n === 2 ? Math.ceil(w / 8) : w;
      const data = await this.data(rowBytes * h, stream, read);
      for (let j = 0; j < h; j++)
        for (let i = 0; i < w; i++) {
          const index = n === 2 ? (data[j * rowBytes + (i >> 3)]! >> (7 - (i & 7))) & 1 : data[j * w + i]!;
          if (index >= n) throw new Error('Tight palette index out of range');
          this.putPacked(x + i, y + j, colors[index]!);
        }
      this.counts.palette++;
      return;
    }
    const data = await this.data(w * h * 3, stream, read);
    if (filter === FILTER_COPY) {
      for (let j = 0; j < h; j++)
        for (let i = 0; i < w; i++) {
          const s = (j * w + i) * 3;
          this.put(x + i, y + j, data[s]!, data[s + 1]!, data[s + 2]!);
        }
      this.counts.copy++;
      return;
    }
    if (filter !== FILTER_GRADIENT) throw new Error(`Tight filter ${filter} is not defined`);
    // Each component predicted from left + up - up-left (clamped), residuals sent.
    const row = new Uint8Array(w * 3);
    const prev = new Uint8Array(w * 3);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        for (let c = 0; c < 3; c++) {
          let est = i === 0 ? prev[c]! : prev[i * 3 + c]! + row[(i - 1) * 3 + c]! - prev[(i - 1) * 3 + c]!;
          est = est < 0 ? 0 : est > 255 ? 255 : est;
          row[i * 3 + c] = (data[(j * w + i) * 3 + c]! + est) & 255;
        }
        this.put(x + i, y + j, row[i * 3]!, row[i * 3 + 1]!, row[i * 3 + 2]!);
      }
      prev.set(row);
    }
    this.counts.gradient++;
  }

  /** `n` bytes of basic data: as is when short, else inflated from `stream`. */
  private async data(n: number, stream: number, read: ReadBytes): Promise<Uint8Array> {
    if (n < MIN_TO_COMPRESS) return read(n);
    const zlib = await read(await compactLength(read));
    this.out = [];
    this.streams[stream]!.push(zlib);
    const total = this.out.reduce((s, c) => s + c.byteLength, 0);
    if (total !== n) throw new Error(`Tight data: ${total} bytes inflated, ${n} expected`);
    if (this.out.length === 1) return this.out[0]!;
    const joined = new Uint8Array(n);
    let o = 0;
    for (const c of this.out) {
      joined.set(c, o);
      o += c.byteLength;
    }
    return joined;
  }
}

/** Tight's compact length: 1-3 bytes, 7 bits each, low bits first, high bit = more. */
async function compactLength(read: ReadBytes): Promise<number> {
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const b = (await read(1))[0]!;
    n |= (i < 2 ? b & 0x7f : b) << (7 * i);
    if (i < 2 && (b & 0x80) === 0) break;
  }
  return n;
}
