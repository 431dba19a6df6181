/**
 * Pictures for the share tests: a smooth gradient (photographic enough for JPEG) with a solid
 * square that moves a step on every call, like a window being dragged; and a painter that keeps
 * what the watcher paints, to compare with what was shared.
 */
import type { Framebuffer, PaintedRect } from '../../../../ui/decoder/screen-decoder';
import type { RgbaPicture } from '../../../../ui/share/picture-encoder';
import type { PicturePainter } from '../../../../ui/share/watcher-session';

export const SQUARE = 48;

export class MovingSquare {
  readonly picture: RgbaPicture;
  private readonly background: Uint8ClampedArray;
  step = 0;
  /** When false, grab() returns the same picture (nothing changes on screen). */
  moving = true;

  constructor(width: number, height: number) {
    this.background = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        this.background[o] = (x * 255) / width;
        this.background[o + 1] = (y * 255) / height;
        this.background[o + 2] = 128 + 64 * Math.sin(x / 9 + y / 13);
        this.background[o + 3] = 255;
      }
    }
    this.picture = { width, height, data: new Uint8ClampedArray(this.background) };
    this.draw();
  }

  /** The square's top-left corner now. */
  get position(): { x: number; y: number } {
    const { width, height } = this.picture;
    return { x: (this.step * 7) % (width - SQUARE), y: (this.step * 3) % (height - SQUARE) };
  }

  grab(): RgbaPicture {
    if (this.moving) {
      this.step++;
      this.draw();
    }
    return this.picture;
  }

  private draw(): void {
    const { width, data } = this.picture;
    data.set(this.background);
    const { x: sx, y: sy } = this.position;
    for (let y = sy; y < sy + SQUARE; y++) {
      for (let x = sx; x < sx + SQUARE; x++) {
        const o = (y * width + x) * 4;
        data[o] = 230;
        data[o + 1] = 20;
        data[o + 2] = 40;
      }
    }
  }
}

/** Keeps the watcher's painted picture (RGBA), as a canvas would. */
export class KeptPicture implements PicturePainter {
  width = 0;
  height = 0;
  data = new Uint8ClampedArray(0);
  paints = 0;

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.data = new Uint8ClampedArray(width * height * 4);
  }

  paint(fb: Framebuffer, rects: readonly PaintedRect[]): void {
    this.paints++;
    for (const r of rects) {
      for (let y = r.y; y < r.y + r.height; y++) {
        const o = (y * fb.width + r.x) * 4;
        this.data.set(fb.data.subarray(o, o + r.width * 4), o);
      }
    }
  }
}

/** Mean absolute difference per channel (RGB) between two RGBA pictures of one size. */
export function meanError(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    sum += Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
    n += 3;
  }
  return sum / n;
}
