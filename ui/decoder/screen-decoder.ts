/**
 * Reference decoder of the screen channel (protocol/screen/screen-message.ts): framework-free, the
 * same code in a browser worker and in Node tests. It owns an RGBA framebuffer; `apply` takes one
 * payload and returns what it painted, so a viewer can putImageData only the dirty rectangles and
 * present when `end` is set.
 *
 * States: `awaiting_reset` (before the first RESET) -> `ready` -> `failed` on any error. Once
 * failed (the inflate stream is then out of step with the helper), only a RESET is accepted: the
 * viewer asks for one with {"type":"screen.refresh"} on the control channel. Calls to `apply`
 * queue, so payloads are applied strictly in order even though JPEG decoding is asynchronous.
 */
import {
  bitsPerIndex,
  paletteRowBytes,
  parseScreenMessage,
  type ScreenOperation,
} from '../../protocol/screen/screen-message';
import { medPredict } from '../../protocol/screen/gradient';
import { PALETTE_MAX_COLORS, SCREEN_MAX_PIXELS } from '../../protocol/screen/limits';
import { ScreenFormatError } from '../../protocol/screen/screen-format-error';
import { InflateStream } from './inflate-stream';
import { jpegSize, type JpegDecoder } from './jpeg-decoder';

export interface PaintedRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Framebuffer {
  width: number;
  height: number;
  /** RGBA, width*height*4 bytes. */
  data: Uint8ClampedArray;
}

export interface ApplyResult {
  seq: number;
  /** The message was a RESET: the framebuffer was (re)made; repaint everything. */
  reset: boolean;
  /** Last message of an update: a good moment to present. */
  end: boolean;
  /** Areas painted, in order. */
  rects: PaintedRect[];
}

export type DecoderState = 'awaiting_reset' | 'ready' | 'failed';

export interface ScreenDecoderOptions {
  jpeg: JpegDecoder;
  /** Largest framebuffer accepted, in pixels (default: the protocol's limit). */
  maxPixels?: number;
}

export class ScreenDecoder {
  private fb: Framebuffer | null = null;
  private inflate: InflateStream | null = null;
  private stateValue: DecoderState = 'awaiting_reset';
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxPixels: number;
  /** Two rows of GRADIENT components (previous, current), reused: 3 bytes per pixel each. */
  private gradientRows = new Uint8Array(0);
  /** The framebuffer's 32-bit view (remade with the framebuffer). */
  private fb32: Uint32Array | null = null;
  /** One pixel, as bytes and as the 32-bit word over them (builds pixels in the platform's byte order). */
  private readonly pixelWord = new Uint32Array(1);
  private readonly pixelBytes = new Uint8Array(this.pixelWord.buffer);
  /** A palette's colours as pixels; PALETTE_MAX_COLORS entries, reused. */
  private readonly paletteWords = new Uint32Array(PALETTE_MAX_COLORS);

  constructor(private readonly options: ScreenDecoderOptions) {
    this.maxPixels = Math.min(options.maxPixels ?? SCREEN_MAX_PIXELS, SCREEN_MAX_PIXELS);
  }

  get state(): DecoderState {
    return this.stateValue;
  }

  get framebuffer(): Framebuffer | null {
    return this.fb;
  }

  /** Applies one screen payload; rejects with ScreenFormatError on anything malformed. */
  apply(payload: Uint8Array): Promise<ApplyResult> {
    const run = this.queue.then(() => this.applyNow(payload));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(payload: Uint8Array): Promise<ApplyResult> {
    try {
      const ready = this.stateValue === 'ready' && this.fb !== null;
      const msg = parseScreenMessage(payload, ready ? this.fb : null);
      if (msg.kind === 'reset') {
        if (msg.width * msg.height > this.maxPixels) {
          throw new ScreenFormatError(
            'too_large',
            `screen ${msg.width}x${msg.height} over this viewer's limit`,
          );
        }
        this.fb = {
          width: msg.width,
          height: msg.height,
          data: new Uint8ClampedArray(msg.width * msg.height * 4),
        };
        this.inflate = new InflateStream();
        this.stateValue = 'ready';
        return { seq: msg.seq, reset: true, end: false, rects: [] };
      }
      const fb = this.fb!;
      const lossless = msg.inflatedBytes > 0 ? this.inflate!.take(msg.zlib, msg.inflatedBytes) : null;
      let at = 0;
      const rects: PaintedRect[] = [];
      for (const op of msg.ops) {
        at = await this.paint(fb, op, lossless, at);
        rects.push({ x: op.x, y: op.y, width: op.w, height: op.h });
      }
      return { seq: msg.seq, reset: false, end: msg.end, rects };
    } catch (e) {
      this.stateValue = 'failed';
      if (e instanceof ScreenFormatError) throw e;
      throw new ScreenFormatError('bad_value', e instanceof Error ? e.message : String(e));
    }
  }

  /** Paints one operation; returns the new read position in the lossless section. */
  private async paint(
    fb: Framebuffer,
    op: ScreenOperation,
    lossless: Uint8Array | null,
    at: number,
  ): Promise<number> {
    const d = fb.data;
    const stride = fb.width * 4;
    switch (op.op) {
      case 'fill': {
        // One 32-bit store per pixel (a full frame's background is most of a first picture).
        const d32 = this.pixelsOf(fb);
        const colour = this.opaque(op.r, op.g, op.b);
        for (let y = op.y; y < op.y + op.h; y++) {
          const o = y * fb.width + op.x;
          d32.fill(colour, o, o + op.w);
        }
        return at;
      }
      case 'copy': {
        const down = op.y > op.srcY;
        for (let k = 0; k < op.h; k++) {
          const i = down ? op.h - 1 - k : k;
          const s = (op.srcY + i) * stride + op.srcX * 4;
          d.copyWithin((op.y + i) * stride + op.x * 4, s, s + op.w * 4);
        }
        return at;
      }
      case 'palette': {
        const src = lossless!;
        const n = op.colors;
        const pal = src.subarray(at, at + n * 3);
        let p = at + n * 3;
        const bits = bitsPerIndex(n);
        const rowBytes = paletteRowBytes(n, op.w);
        const mask = (1 << bits) - 1;
        // The colours as whole pixels: one 32-bit store per pixel instead of four byte stores.
        const colours = this.paletteOf(pal, n);
        const d32 = this.pixelsOf(fb);
        for (let y = 0; y < op.h; y++) {
          let o = (op.y + y) * fb.width + op.x;
          let bitPos = 0;
          for (let x = 0; x < op.w; x++) {
            const byte = src[p + (bitPos >> 3)]!;
            const index = (byte >> (8 - bits - (bitPos & 7))) & mask;
            bitPos += bits;
            if (index >= n)
              throw new ScreenFormatError('bad_value', `palette index ${index} of ${n} colours`);
            d32[o++] = colours[index]!;
          }
          p += rowBytes;
        }
        return p;
      }
      case 'raw': {
        const src = lossless!;
        let p = at;
        for (let y = 0; y < op.h; y++) {
          let o = (op.y + y) * stride + op.x * 4;
          for (let x = 0; x < op.w; x++) {
            d[o++] = src[p++]!;
            d[o++] = src[p++]!;
            d[o++] = src[p++]!;
            d[o++] = 255;
          }
        }
        return p;
      }
      case 'gradient':
        return this.paintGradient(fb, op, lossless!, at);
      case 'jpeg': {
        const size = jpegSize(op.data);
        if (size.width !== op.w || size.height !== op.h) {
          throw new ScreenFormatError(
            'bad_jpeg',
            `JPEG of ${size.width}x${size.height} for a ${op.w}x${op.h} rectangle`,
          );
        }
        let rgba: Uint8Array | Uint8ClampedArray;
        try {
          rgba = await this.options.jpeg.decode(op.data, op.w, op.h);
        } catch (e) {
          throw new ScreenFormatError(
            'bad_jpeg',
            `JPEG did not decode: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
        if (rgba.byteLength !== op.w * op.h * 4)
          throw new ScreenFormatError('bad_jpeg', 'JPEG decoded to the wrong size');
        for (let y = 0; y < op.h; y++) {
          d.set(rgba.subarray(y * op.w * 4, (y + 1) * op.w * 4), (op.y + y) * stride + op.x * 4);
        }
        return at;
      }
    }
  }

  /** The framebuffer as 32-bit pixels (same memory, so in the platform's byte order, as `opaque`). */
  private pixelsOf(fb: Framebuffer): Uint32Array {
    if (this.fb32?.buffer !== fb.data.buffer)
      this.fb32 = new Uint32Array(fb.data.buffer, fb.data.byteOffset, fb.width * fb.height);
    return this.fb32;
  }

  /** An opaque RGBA pixel as the 32-bit value that stores those four bytes in memory order. */
  private opaque(r: number, g: number, b: number): number {
    this.pixelBytes[0] = r;
    this.pixelBytes[1] = g;
    this.pixelBytes[2] = b;
    this.pixelBytes[3] = 255;
    return this.pixelWord[0]!;
  }

  /** A palette's `n` colours (r, g, b each) as opaque 32-bit pixels, in a reused table. */
  private paletteOf(pal: Uint8Array, n: number): Uint32Array {
    for (let i = 0; i < n; i++) {
      this.paletteWords[i] = this.opaque(pal[i * 3]!, pal[i * 3 + 1]!, pal[i * 3 + 2]!);
    }
    return this.paletteWords;
  }

  /** GRADIENT: undoes the prediction, then the subtract-green transform (screen-message.ts). */
  private paintGradient(fb: Framebuffer, op: ScreenOperation, src: Uint8Array, at: number): number {
    const w = op.w;
    const rowBytes = w * 3;
    if (this.gradientRows.length < rowBytes * 2) this.gradientRows = new Uint8Array(rowBytes * 2);
    let prev = this.gradientRows.subarray(0, rowBytes);
    let cur = this.gradientRows.subarray(rowBytes, rowBytes * 2);
    prev.fill(0);
    const d = fb.data;
    let p = at;
    for (let y = 0; y < op.h; y++) {
      let o = ((op.y + y) * fb.width + op.x) * 4;
      for (let c = 0; c < 3; c++) cur[c] = (src[p++]! + prev[c]!) & 255; // x = 0: a = c = 0, so the prediction is b
      for (let x = 1; x < w; x++) {
        const i = x * 3;
        cur[i] = (src[p++]! + medPredict(cur[i - 3]!, prev[i]!, prev[i - 3]!)) & 255;
        cur[i + 1] = (src[p++]! + medPredict(cur[i - 2]!, prev[i + 1]!, prev[i - 2]!)) & 255;
        cur[i + 2] = (src[p++]! + medPredict(cur[i - 1]!, prev[i + 2]!, prev[i - 1]!)) & 255;
      }
      for (let i = 0; i < rowBytes; i += 3) {
        const g = cur[i + 1]!;
        d[o++] = (cur[i]! + g) & 255;
        d[o++] = g;
        d[o++] = (cur[i + 2]! + g) & 255;
        d[o++] = 255;
      }
      const t = prev;
      prev = cur;
      cur = t;
    }
    return p;
  }
}
