/**
 * A Painter that keeps the presented picture in memory (RGBA), as the page's canvas would hold
 * it, so tests compare what the agent would see with the customer's desktop.
 */
import type { CursorShape } from '../../../../ui/decoder/cursor-decoder';
import type { Point } from '../../../../ui/viewer/coordinate-map';
import type { Painter } from '../../../../ui/viewer/viewer-session';
import type { DirtyRect } from '../../../../ui/viewer/worker/worker-messages';

export class FramebufferPainter implements Painter {
  width = 0;
  height = 0;
  data = new Uint8ClampedArray(0);
  presents = 0;
  blanks = 0;
  cursor: CursorShape | null = null;
  cursorAt: Point | null = null;
  private pending: { width: number; height: number } | null = null;

  reset(width: number, height: number): void {
    this.pending = { width, height };
  }

  present(rects: DirtyRect[]): number {
    const t0 = performance.now();
    if (this.pending) {
      if (this.pending.width !== this.width || this.pending.height !== this.height) {
        this.width = this.pending.width;
        this.height = this.pending.height;
        this.data = new Uint8ClampedArray(this.width * this.height * 4);
      }
      this.pending = null;
    }
    for (const r of rects) {
      const src = new Uint8ClampedArray(r.pixels);
      for (let y = 0; y < r.height; y++) {
        this.data.set(
          src.subarray(y * r.width * 4, (y + 1) * r.width * 4),
          ((r.y + y) * this.width + r.x) * 4,
        );
      }
    }
    this.presents++;
    return performance.now() - t0;
  }

  blank(): void {
    this.blanks++;
    this.data.fill(0);
  }

  cursorShape(shape: CursorShape | null): void {
    this.cursor = shape;
  }

  cursorMove(position: Point | null): void {
    this.cursorAt = position;
  }
}
