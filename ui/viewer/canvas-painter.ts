/**
 * The Painter of the viewer page: puts the worker's dirty rectangles on the picture canvas and
 * draws the remote pointer on its own small canvas. All three canvases (picture, drawings,
 * pointer) live in one "stage" whose CSS pixels are remote pixels; the stage is scaled as a whole
 * (view-layout.ts), so painting never thinks about zoom or scroll.
 *
 * A RESET does not resize the canvas at once: the size is applied with the first complete
 * update after it, so the old picture stays until the new one can replace it in one go (no blank
 * flash, no half-painted picture).
 */
import type { CursorShape } from '../decoder/cursor-decoder';
import type { Point } from './coordinate-map';
import type { Painter } from './viewer-session';
import type { DirtyRect } from './worker/worker-messages';

export class CanvasPainter implements Painter {
  private readonly ctx: CanvasRenderingContext2D;
  private pendingSize: { width: number; height: number } | null = null;
  private hot = { x: 0, y: 0 };
  private cursorVisible = false;

  constructor(
    private readonly picture: HTMLCanvasElement,
    private readonly pointer: HTMLCanvasElement,
    /** Called when the picture's size changed (the page lays the stage out again). */
    private readonly onSize: (width: number, height: number) => void,
  ) {
    const ctx = picture.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2d context for the picture canvas');
    this.ctx = ctx;
    pointer.style.display = 'none';
  }

  reset(width: number, height: number): void {
    this.pendingSize = { width, height };
  }

  present(rects: DirtyRect[]): number {
    const t0 = performance.now();
    const size = this.pendingSize;
    if (size) {
      this.pendingSize = null;
      if (this.picture.width !== size.width || this.picture.height !== size.height) {
        this.picture.width = size.width;
        this.picture.height = size.height;
        this.onSize(size.width, size.height);
      }
    }
    for (const r of rects) {
      this.ctx.putImageData(new ImageData(new Uint8ClampedArray(r.pixels), r.width, r.height), r.x, r.y);
    }
    return performance.now() - t0;
  }

  blank(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.picture.width, this.picture.height);
  }

  cursorShape(shape: CursorShape | null): void {
    if (!shape || shape.width === 0) {
      this.cursorVisible = false;
      this.pointer.style.display = 'none';
      return;
    }
    this.pointer.width = shape.width;
    this.pointer.height = shape.height;
    const ctx = this.pointer.getContext('2d');
    ctx?.putImageData(new ImageData(new Uint8ClampedArray(shape.rgba), shape.width, shape.height), 0, 0);
    this.hot = { x: shape.hotX, y: shape.hotY };
    this.cursorVisible = true;
  }

  cursorMove(position: Point | null): void {
    if (!position || !this.cursorVisible) {
      this.pointer.style.display = 'none';
      return;
    }
    this.pointer.style.display = 'block';
    this.pointer.style.transform = `translate(${position.x - this.hot.x}px, ${position.y - this.hot.y}px)`;
  }

  /** The picture as a PNG (lossless: exactly the decoded pixels). */
  toPng(): Promise<Blob> {
    return new Promise((resolve, reject) =>
      this.picture.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))),
        'image/png',
      ),
    );
  }
}
