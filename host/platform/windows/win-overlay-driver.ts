/**
 * The drawing overlay's Windows part (host/overlay/drawing-overlay.ts does the rest): each
 * drawing is a layered, topmost, click-through window made by the helper's UI thread
 * (ui-thread/overlay-layers.ts), each viewer's laser one more. Requests are sent in order without
 * waiting; sync() is a round trip to the UI thread, which answers once every earlier request is
 * done (so the pixels are on or off the screen), and reports the first request that failed.
 *
 * Desktop (capture) coordinates start at the virtual screen's top-left; window coordinates are
 * the screen's, so every window is placed at the virtual screen's origin plus its desktop place.
 * The drawings are masked out of the helper's captures by the caller whether or not Windows
 * also keeps them out by display affinity (Wine does not; masking twice costs nothing visible).
 *
 * Texts are rasterized on the main thread by GDI (gdi-text-raster.ts) and shown like any other
 * drawing: a layered window of exactly their pixels.
 */
import type { Shape } from '../../../protocol/data/annotations';
import type { OverlayDriver, OverlayLog, PaintedShape } from '../../overlay/drawing-overlay';
import { LASER_BOX_PX } from '../../overlay/shape-raster';
import type { SpanRegion } from '../../overlay/span-region';
import type { Rect } from '../types';
import { GdiTextRaster } from './gdi-text-raster';
import { virtualScreen, type VirtualScreen } from './gdi-screen-source';
import { spansOf, type UiRequest } from './ui-thread/ui-protocol';
import { uiThreadSource, WinUiThread } from './win-ui-thread';

export class WinOverlayDriver implements OverlayDriver {
  readonly bounds: Rect;
  private readonly drawings = new Set<string>();
  private readonly lasers = new Set<number>();
  private failure: Error | null = null;
  private readonly text = new GdiTextRaster();
  private shut = false;

  private constructor(
    private readonly ui: WinUiThread,
    private readonly screen: VirtualScreen,
    private readonly log: OverlayLog,
  ) {
    this.bounds = { x: 0, y: 0, width: screen.width, height: screen.height };
  }

  /** The driver over the helper's UI thread, or why there is none (a build without windows). */
  static async open(log: OverlayLog): Promise<WinOverlayDriver | { reason: string }> {
    if (uiThreadSource() === null) return { reason: 'this helper was built without its windows' };
    try {
      const ui = await WinUiThread.shared((event, details) => log(event, details));
      return new WinOverlayDriver(ui, virtualScreen(), log);
    } catch (err) {
      return { reason: err instanceof Error ? err.message : String(err) };
    }
  }

  get closed(): boolean {
    return this.shut || !this.ui.alive;
  }

  get windowCount(): number {
    return this.drawings.size + this.lasers.size;
  }

  /** Windows has no window ids the tests could use; 1 while the laser is shown. */
  laserWindowId(peerId: number): number {
    return this.lasers.has(peerId) ? 1 : 0;
  }

  /** The colour as 0xRRGGBB, which the UI thread writes into its premultiplied BGRA pixels. */
  pixel(c: { r: number; g: number; b: number }): number {
    return (c.r << 16) | (c.g << 8) | c.b;
  }

  rasterizeText(shape: Extract<Shape, { kind: 'text' }>, bounds: Rect): Promise<SpanRegion> {
    try {
      return Promise.resolve(this.text.rasterize(shape, bounds));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  add(key: string, shape: PaintedShape): void {
    const box = shape.bounds;
    if (!box) {
      this.remove(key);
      return;
    }
    const spans = spansOf((fn) => shape.region.forEachSpan(fn), box.x, box.y);
    this.drawings.add(key);
    this.send({
      type: 'overlay.add',
      key,
      bounds: { ...box, x: box.x + this.screen.x, y: box.y + this.screen.y },
      spans,
      color: shape.pixel,
    });
  }

  remove(key: string): void {
    if (!this.drawings.delete(key)) return;
    this.send({ type: 'overlay.remove', key });
  }

  laser(peerId: number, origin: { x: number; y: number }, template: SpanRegion, pixel: number): void {
    this.lasers.add(peerId);
    this.send({
      type: 'overlay.laser',
      peer: peerId,
      at: { x: origin.x + this.screen.x, y: origin.y + this.screen.y },
      size: LASER_BOX_PX,
      spans: spansOf((fn) => template.forEachSpan(fn), 0, 0),
      color: pixel,
    });
  }

  hideLaser(peerId: number): void {
    if (!this.lasers.delete(peerId)) return;
    this.send({ type: 'overlay.hideLaser', peer: peerId });
  }

  async sync(): Promise<void> {
    await this.ui.request({ type: 'sync' });
    if (this.failure) throw this.failure;
  }

  /** The overlay reads clean pixels through the helper's screen source, which it is always given. */
  getImage(_rect: Rect): Promise<Uint8Array> {
    return Promise.reject(
      new Error('the Windows overlay reads the screen through the helper\u2019s capture'),
    );
  }

  /** Takes every drawing off the screen; the UI thread stays (the indicator and dialogs share it). */
  async close(): Promise<void> {
    if (this.shut) return;
    this.shut = true;
    this.text.close();
    this.drawings.clear();
    this.lasers.clear();
    if (!this.ui.alive) return;
    await this.ui.request({ type: 'overlay.clear' });
    await this.ui.request({ type: 'sync' });
  }

  private send<K extends UiRequest['type']>(request: Extract<UiRequest, { type: K }>): void {
    // Not awaited: sync() is where the caller learns of a failure.
    this.ui.request<K>(request).catch((err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    });
  }
}
