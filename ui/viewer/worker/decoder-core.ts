/**
 * The decoder worker's logic without the worker: takes `screen` payloads in order, applies them
 * to the reference ScreenDecoder (ui/decoder), collects the painted areas of each update and,
 * when the update ends, hands them out as pixel rectangles. Runs the same in a browser worker
 * (decoder-worker.ts) and in Node tests.
 */
import { ScreenDecoder, type PaintedRect } from '../../decoder/screen-decoder';
import type { JpegDecoder } from '../../decoder/jpeg-decoder';
import { ScreenFormatError } from '../../../protocol/screen/screen-format-error';
import { coalesce, copyRect, type PixelRect } from './dirty-rects';

export type CoreOutput =
  | {
      type: 'applied';
      seq: number;
      size: { width: number; height: number } | null;
      rects: PixelRect[] | null;
      decodeMs: number;
    }
  | { type: 'failed'; code: string; message: string };

export class DecoderCore {
  private decoder: ScreenDecoder;
  private pending: PaintedRect[] = [];

  constructor(
    private readonly jpeg: JpegDecoder,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.decoder = new ScreenDecoder({ jpeg });
  }

  /** Drops the stream: the next payload must be a RESET. */
  restart(): void {
    this.decoder = new ScreenDecoder({ jpeg: this.jpeg });
    this.pending = [];
  }

  async screen(payload: Uint8Array): Promise<CoreOutput> {
    const t0 = this.now();
    try {
      const result = await this.decoder.apply(payload);
      if (result.reset) {
        this.pending = [];
        const fb = this.decoder.framebuffer!;
        return {
          type: 'applied',
          seq: result.seq,
          size: { width: fb.width, height: fb.height },
          rects: null,
          decodeMs: this.now() - t0,
        };
      }
      this.pending.push(...result.rects);
      let rects: PixelRect[] | null = null;
      if (result.end) {
        const fb = this.decoder.framebuffer!;
        rects = coalesce(this.pending).map((r) => copyRect(fb, r));
        this.pending = [];
      }
      return { type: 'applied', seq: result.seq, size: null, rects, decodeMs: this.now() - t0 };
    } catch (e) {
      this.pending = [];
      const code = e instanceof ScreenFormatError ? e.code : 'bad_value';
      const message = e instanceof Error ? e.message : String(e);
      return { type: 'failed', code: String(code).slice(0, 40), message: message.slice(0, 500) };
    }
  }

  /** The decoder's framebuffer (tests compare it with the screen). */
  get framebuffer() {
    return this.decoder.framebuffer;
  }
}
