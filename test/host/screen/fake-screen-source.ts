/**
 * An in-memory ScreenSource over a synthetic desktop, for the encoder's loop tests (flow
 * control, coalescing, monitor choice) where a real X server would add nothing but timing noise;
 * the real-desktop tests are in test/e2e/screen/. Counts captures; damage is reported by `paint`.
 */
import type { CursorImage, Monitor, PixelBuffer, Rect, ScreenSource } from '../../../host/platform/types';

export class FakeScreenSource implements ScreenSource {
  captures = 0;
  pointerPos = { x: 10, y: 10 };
  cursorImage: CursorImage | null = null;
  private listeners = new Set<(rects: Rect[]) => void>();

  constructor(
    public desktop: PixelBuffer,
    public monitorList: Monitor[] = [],
  ) {}

  desktopSize() {
    return { width: this.desktop.width, height: this.desktop.height };
  }
  monitors(): Promise<Monitor[]> {
    return Promise.resolve(this.monitorList);
  }
  capture(rect?: Rect): Promise<PixelBuffer> {
    this.captures++;
    const r = rect ?? { x: 0, y: 0, width: this.desktop.width, height: this.desktop.height };
    const start = r.y * this.desktop.stride + r.x * 4;
    // A view into the desktop with the desktop's stride, like a shared-memory capture.
    return Promise.resolve({
      width: r.width,
      height: r.height,
      stride: this.desktop.stride,
      data: this.desktop.data.subarray(start, start + (r.height - 1) * this.desktop.stride + r.width * 4),
    });
  }
  onDamage(listener: (rects: Rect[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Changes the desktop through `draw` and reports `rect` as damaged. */
  paint(rect: Rect, draw: (pb: PixelBuffer) => void): void {
    draw(this.desktop);
    for (const l of this.listeners) l([rect]);
  }
  pointer() {
    return Promise.resolve({ ...this.pointerPos });
  }
  cursor() {
    return Promise.resolve(this.cursorImage);
  }
  close() {
    return Promise.resolve();
  }
}
