/**
 * The AnnotationSurface of an X11 desktop: the agent's drawings appear on the customer's real
 * screen, in a click-through overlay (x11-overlay-windows.ts), and never come back in the picture
 * stream: every capture goes through `excludeFrom(source)`, which writes the clean pixels under
 * the drawings over it (overlay-mask.ts).
 *
 * Order of work for each message (one at a time, in arrival order; laser moves coalesce to the
 * latest position per viewer):
 *   add:    rasterise (shape-raster.ts; text: x11-text-raster.ts) -> capture the pixels not yet
 *           covered, as they are now (before drawing) -> mask.cover -> shape + fill the window.
 *   remove: reshape the window to what remains, repaint overlaps -> sync with the X server (the
 *           pixels are off the screen) -> mask.keepOnly(what remains): exposed areas are reported
 *           as damage, so encoders capture them afresh.
 *   laser:  like add for the new position, then move the laser window, sync, keepOnly.
 * The X connection and windows exist only while something is drawn: when the last drawing and
 * laser go (erase all, the viewer leaving, view revoked, the session ending) the windows are
 * destroyed and the connection closed; the next drawing opens them again. When the overlay cannot
 * run (no X server, no SHAPE, a screen format we cannot mask) drawings are dropped with one log
 * line, and tried again after OVERLAY_RETRY_MS. Any X failure mid-way takes everything down
 * cleanly (windows destroyed first, then the mask released) rather than leave a stroke unmasked.
 */
import type { AnnotationMessage, Shape } from '../../protocol/data/annotations';
import type { Rect, ScreenSource } from '../platform/types';
import { ANNOTATION_SHAPES_MAX, type AnnotationSurface } from '../session/annotation-surface';
import { MaskedScreenSource } from './masked-screen-source';
import { OverlayMask, type CleanImage } from './overlay-mask';
import { LASER_COLOR, laserTemplate, parseColor, placeLaser, rasterizeShape } from './shape-raster';
import { SpanRegion } from './span-region';
import { X11OverlayDisplay, type OverlayLog } from './x11-overlay-display';
import { X11OverlayWindows, type PaintedShape } from './x11-overlay-windows';
import { X11TextRaster } from './x11-text-raster';

/** After the overlay could not start, how long until it is tried again, in ms. */
export const OVERLAY_RETRY_MS = 10_000;
/** Rows per clean capture before drawing (a long diagonal stroke reads thin bands, not its box). */
const CLEAN_BAND_ROWS = 32;

interface DrawnShape extends PaintedShape {
  key: string;
  peerId: number;
  bounds: Rect | null;
}

interface Live {
  display: X11OverlayDisplay;
  windows: X11OverlayWindows;
  text: X11TextRaster;
}

export class X11AnnotationOverlay implements AnnotationSurface {
  readonly mask = new OverlayMask();
  private readonly shapes = new Map<string, DrawnShape>();
  private readonly lasers = new Map<number, SpanRegion>();
  /** Latest laser position per viewer not yet shown (null: hide). */
  private readonly laserTargets = new Map<number, readonly [number, number] | null>();
  private readonly template = laserTemplate();
  private live: Live | null = null;
  private chain: Promise<void> = Promise.resolve();
  private unavailableUntil = 0;
  private closed = false;

  constructor(
    private readonly display: string,
    private readonly log: OverlayLog,
  ) {}

  apply(peerId: number, msg: AnnotationMessage): void {
    if (this.closed) return;
    switch (msg.type) {
      case 'shape.add':
        this.enqueue(() => this.add(peerId, msg.id, msg.shape));
        return;
      case 'shape.remove': {
        const key = `${peerId}:${msg.id}`;
        this.enqueue(() => this.removeWhere((s) => s.key === key, []));
        return;
      }
      case 'shapes.clear':
        this.clear(peerId);
        return;
      case 'laser': {
        const queued = this.laserTargets.has(peerId);
        this.laserTargets.set(peerId, msg.at);
        if (!queued) this.enqueue(() => this.laser(peerId));
        return;
      }
    }
  }

  /** Every drawing and the laser of `peerId` go (erase all, the viewer left, view revoked). */
  clear(peerId: number): void {
    if (this.closed) return;
    this.laserTargets.delete(peerId);
    this.enqueue(() => this.removeWhere((s) => s.peerId === peerId, [peerId]));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.laserTargets.clear();
    this.chain = this.chain.then(() => this.teardown());
  }

  /** `source` with the drawings kept out of its captures. */
  excludeFrom(source: ScreenSource): ScreenSource {
    return new MaskedScreenSource(source, this.mask);
  }

  /** Resolves when every message received so far has been handled (tests). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** The drawing window while one exists, else 0 (tests). */
  get windowId(): number {
    return this.live?.windows.windowId ?? 0;
  }

  laserWindowId(peerId: number): number {
    return this.live?.windows.laserWindowId(peerId) ?? 0;
  }

  // ------------------------------------------------------------------ steps

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch(async (err: unknown) => {
      this.log('overlay_failed', { error: err instanceof Error ? err.message : String(err) });
      await this.teardown().catch(() => undefined);
    });
  }

  private async add(peerId: number, id: number, shape: Shape): Promise<void> {
    const live = await this.open();
    if (!live) return;
    const key = `${peerId}:${id}`;
    const bounds = live.windows.bounds;
    const region =
      shape.kind === 'text' ? await live.text.rasterize(shape, bounds) : rasterizeShape(shape, bounds);
    await this.coverClean(live, region);
    const old = this.shapes.get(key);
    this.shapes.delete(key);
    const drawn: DrawnShape = {
      key,
      peerId,
      region,
      pixel: live.display.pixel(parseColor(shape.color)),
      bounds: region.bounds(),
    };
    this.shapes.set(key, drawn);
    live.windows.add(drawn);
    const removed = old ? [old] : [];
    if (this.shapes.size > ANNOTATION_SHAPES_MAX) {
      const oldest = this.shapes.values().next().value;
      if (oldest) {
        this.shapes.delete(oldest.key);
        removed.push(oldest);
      }
    }
    if (removed.length > 0) await this.afterRemoval(live, removed);
  }

  private async removeWhere(pred: (s: DrawnShape) => boolean, laserPeers: number[]): Promise<void> {
    const removed = [...this.shapes.values()].filter(pred);
    for (const s of removed) this.shapes.delete(s.key);
    let lasersGone = false;
    for (const peer of laserPeers) {
      if (!this.lasers.delete(peer)) continue;
      this.live?.windows.hideLaser(peer);
      lasersGone = true;
    }
    if (removed.length === 0 && !lasersGone) return;
    const live = this.live;
    if (!live) return;
    await this.afterRemoval(live, removed);
  }

  private async laser(peerId: number): Promise<void> {
    const at = this.laserTargets.get(peerId);
    this.laserTargets.delete(peerId);
    if (at === undefined) return;
    if (at === null) {
      await this.removeWhere(() => false, [peerId]);
      return;
    }
    const live = await this.open();
    if (!live) return;
    const placed = placeLaser(at, live.windows.bounds, this.template);
    await this.coverClean(live, placed.region);
    live.windows.laser(peerId, placed.origin, this.template, live.display.pixel(parseColor(LASER_COLOR)));
    this.lasers.set(peerId, placed.region);
    await live.display.sync();
    // Where the laser was is off the screen now.
    this.mask.keepOnly(this.coveredNow());
  }

  /** Takes `removed` off the screen, then releases what no longer needs masking. */
  private async afterRemoval(live: Live, removed: DrawnShape[]): Promise<void> {
    if (this.shapes.size === 0 && this.lasers.size === 0) {
      await this.teardown();
      return;
    }
    const boxes = removed.map((s) => s.bounds).filter((b): b is Rect => b !== null);
    if (boxes.length > 0) {
      const visible = this.shapesRegion();
      live.windows.reshape(visible, boxes.reduce(unionRect));
    }
    await live.display.sync();
    this.mask.keepOnly(this.coveredNow());
  }

  /** Captures the pixels of `region` the overlay does not cover yet, and hands them to the mask. */
  private async coverClean(live: Live, region: SpanRegion): Promise<void> {
    const fresh = region.subtract(this.mask.covered);
    if (fresh.isEmpty) return;
    const bands = new Map<number, { x0: number; x1: number; y0: number; y1: number }>();
    for (const y of fresh.ys()) {
      const s = fresh.spansAt(y);
      const key = Math.floor(y / CLEAN_BAND_ROWS);
      const b = bands.get(key);
      if (!b) bands.set(key, { x0: s[0]!, x1: s[s.length - 1]!, y0: y, y1: y + 1 });
      else {
        b.x0 = Math.min(b.x0, s[0]!);
        b.x1 = Math.max(b.x1, s[s.length - 1]!);
        b.y1 = y + 1;
      }
    }
    // All bands requested at once (one connection: the replies come in order, before any drawing).
    const images = await Promise.all(
      [...bands.values()].map(async (b): Promise<CleanImage> => {
        const rect = { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 };
        const data = await live.display.getImage(rect);
        return { ...rect, stride: rect.width * 4, data };
      }),
    );
    this.mask.cover(fresh, images);
  }

  private shapesRegion(): SpanRegion {
    let all = SpanRegion.empty;
    for (const s of this.shapes.values()) all = all.union(s.region);
    return all;
  }

  private coveredNow(): SpanRegion {
    let all = this.shapesRegion();
    for (const l of this.lasers.values()) all = all.union(l);
    return all;
  }

  private async open(): Promise<Live | null> {
    if (this.live && !this.live.display.closed) return this.live;
    if (this.live) await this.teardown(); // the connection died: start clean
    if (this.closed || Date.now() < this.unavailableUntil) return null;
    const display = await X11OverlayDisplay.open(this.display, this.log);
    if ('reason' in display) {
      this.unavailableUntil = Date.now() + OVERLAY_RETRY_MS;
      this.log('overlay_unavailable', { reason: display.reason });
      return null;
    }
    if (this.closed) {
      display.close();
      return null;
    }
    this.live = {
      display,
      windows: new X11OverlayWindows(display, () => this.shapes.values()),
      text: new X11TextRaster(display),
    };
    return this.live;
  }

  /** Destroys the windows, waits until the server has done it, closes, then releases the mask. */
  private async teardown(): Promise<void> {
    const live = this.live;
    this.live = null;
    this.shapes.clear();
    this.lasers.clear();
    if (live) {
      live.text.close();
      live.windows.destroy();
      if (!live.display.closed) await live.display.sync().catch(() => undefined);
      live.display.close();
    }
    this.mask.clearAll();
  }
}

function unionRect(a: Rect, b: Rect): Rect {
  const x0 = Math.min(a.x, b.x);
  const y0 = Math.min(a.y, b.y);
  const x1 = Math.max(a.x + a.width, b.x + b.width);
  const y1 = Math.max(a.y + a.height, b.y + b.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
