/**
 * The drawing overlay of an X11 desktop: host/overlay/drawing-overlay.ts (platform-neutral: the
 * order of work, the capture mask, the rasteriser) over an X connection of its own, whose
 * click-through shaped windows (x11-overlay-windows.ts) show the drawings and whose core fonts
 * draw text (x11-text-raster.ts). Without a screen source, clean pixels are read with core
 * GetImage on that connection. The registry (linux-backend.ts) is the door to it.
 */
import type { Rect, ScreenSource } from '../../types';
import { DrawingOverlay, type OverlayDriver, type PaintedShape } from '../../../overlay/drawing-overlay';
import type { SpanRegion } from '../../../overlay/span-region';
import type { Shape } from '../../../../protocol/data/annotations';
import { X11OverlayDisplay, type OverlayLog } from './x11-overlay-display';
import { X11OverlayWindows } from './x11-overlay-windows';
import { X11TextRaster } from './x11-text-raster';

export { OVERLAY_RETRY_MS } from '../../../overlay/drawing-overlay';

class X11OverlayDriver implements OverlayDriver {
  private readonly windows: X11OverlayWindows;
  private readonly text: X11TextRaster;

  constructor(private readonly display: X11OverlayDisplay) {
    this.windows = new X11OverlayWindows(display);
    this.text = new X11TextRaster(display);
  }

  get bounds(): Rect {
    return this.windows.bounds;
  }

  get closed(): boolean {
    return this.display.closed;
  }

  get windowCount(): number {
    return this.windows.windowCount;
  }

  laserWindowId(peerId: number): number {
    return this.windows.laserWindowId(peerId);
  }

  pixel(c: { r: number; g: number; b: number }): number {
    return this.display.pixel(c);
  }

  rasterizeText(shape: Extract<Shape, { kind: 'text' }>, bounds: Rect): Promise<SpanRegion> {
    return this.text.rasterize(shape, bounds);
  }

  add(key: string, shape: PaintedShape): void {
    this.windows.add(key, shape);
  }

  remove(key: string): void {
    this.windows.remove(key);
  }

  laser(peerId: number, origin: { x: number; y: number }, template: SpanRegion, pixel: number): void {
    this.windows.laser(peerId, origin, template, pixel);
  }

  hideLaser(peerId: number): void {
    this.windows.hideLaser(peerId);
  }

  sync(): Promise<void> {
    return this.display.sync();
  }

  getImage(rect: Rect): Promise<Uint8Array> {
    return this.display.getImage(rect);
  }

  async close(): Promise<void> {
    this.text.close();
    this.windows.destroy();
    if (!this.display.closed) await this.display.sync().catch(() => undefined);
    this.display.close();
  }
}

export class X11AnnotationOverlay extends DrawingOverlay {
  /**
   * `screen`: the helper's own screen source (its MIT-SHM capture reads clean pixels, a full
   * screen in 2-5 ms). Without it they are read with core GetImage on the overlay's connection.
   */
  constructor(display: string, log: OverlayLog, screen?: () => Promise<ScreenSource>) {
    super(
      async () => {
        const opened = await X11OverlayDisplay.open(display, log);
        return 'reason' in opened ? opened : new X11OverlayDriver(opened);
      },
      log,
      screen,
    );
  }
}
