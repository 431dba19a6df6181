/**
 * The AnnotationSurface that shows the agent's drawings on the customer's real screen, whatever
 * the system: the system's part is an OverlayDriver (X11: shaped override-redirect windows,
 * host/platform/linux/overlay/; Windows: layered click-through windows on the helper's UI thread,
 * host/platform/windows/win-overlay-driver.ts). Drawings never come back in the picture stream:
 * every capture goes through `excludeFrom(source)`, which writes the clean pixels under the
 * drawings over it (overlay-mask.ts). The registry (host/platform/registry.ts,
 * createAnnotationOverlay) is the door to it.
 *
 * Order of work for each message (one at a time, in arrival order; laser moves coalesce to the
 * latest position per viewer):
 *   add:    rasterise (shape-raster.ts; text: the driver's) -> capture the pixels not yet
 *           covered, as they are now (before drawing) -> mask.cover -> show its window.
 *   remove: remove its window -> sync with the system (the pixels are off the screen) ->
 *           mask.release(what no other drawing covers): exposed areas are reported as damage,
 *           so encoders capture them afresh.
 *   laser:  like add for the new position, then move the laser window, sync, release the old spot.
 * The driver and its windows exist only while something is drawn: when the last drawing and
 * laser go (erase all, the viewer leaving, view revoked, the session ending) the driver is
 * closed; the next drawing opens it again. When it cannot run (no X server, no SHAPE, no UI
 * thread) drawings are dropped with one log line, and tried again after OVERLAY_RETRY_MS. Any
 * failure mid-way takes everything down cleanly (windows destroyed first, then the mask
 * released) rather than leave a stroke unmasked.
 */
import type { AnnotationMessage, Shape } from '../../protocol/data/annotations';
import type { Rect, ScreenSource } from '../platform/types';
import { ANNOTATION_SHAPES_MAX, type AnnotationSurface } from '../session/annotation-surface';
import { MaskedScreenSource } from './masked-screen-source';
import { OverlayMask, type CleanImage } from './overlay-mask';
import { LASER_COLOR, laserTemplate, parseColor, placeLaser, rasterizeShape } from './shape-raster';
import { SpanRegion } from './span-region';

/** After the overlay could not start, how long until it is tried again, in ms. */
export const OVERLAY_RETRY_MS = 10_000;
/** Rows per clean capture before drawing (a long diagonal stroke reads thin bands, not its box). */
const CLEAN_BAND_ROWS = 32;

export type OverlayLog = (event: string, details?: Record<string, unknown>) => void;

/** A drawing as shown: its pixels (desktop coordinates), their bounds and its pixel value. */
export interface PaintedShape {
  region: SpanRegion;
  bounds: Rect | null;
  pixel: number;
}

/** One system's overlay windows, open while something is drawn. */
export interface OverlayDriver {
  /** The desktop the drawings are clipped to (capture coordinates). */
  readonly bounds: Rect;
  /** True once the connection to the system's windows has died. */
  readonly closed: boolean;
  /** Overlay windows that exist now (tests). */
  readonly windowCount: number;
  laserWindowId(peerId: number): number;
  /** The system's pixel value of a colour. */
  pixel(c: { r: number; g: number; b: number }): number;
  rasterizeText(shape: Extract<Shape, { kind: 'text' }>, bounds: Rect): Promise<SpanRegion>;
  /** Shows `shape` above every drawing shown so far (a drawing under `key` already shown goes). */
  add(key: string, shape: PaintedShape): void;
  remove(key: string): void;
  laser(peerId: number, origin: { x: number; y: number }, template: SpanRegion, pixel: number): void;
  hideLaser(peerId: number): void;
  /** Resolves once every change asked so far is on (or off) the screen; rejects if one failed. */
  sync(): Promise<void>;
  /** Reads desktop pixels (BGRX rows, width * 4 bytes apart), used when no screen source is given. */
  getImage(rect: Rect): Promise<Uint8Array>;
  /** Destroys every window, waits until the system has done it, and disconnects. */
  close(): Promise<void>;
}

interface DrawnShape extends PaintedShape {
  key: string;
  peerId: number;
}

export class DrawingOverlay implements AnnotationSurface {
  readonly mask = new OverlayMask();
  private readonly shapes = new Map<string, DrawnShape>();
  private readonly lasers = new Map<number, SpanRegion>();
  /** Latest laser position per viewer not yet shown (null: hide). */
  private readonly laserTargets = new Map<number, readonly [number, number] | null>();
  private readonly template = laserTemplate();
  /** Union of every shape's pixels, kept between changes (a laser move must not recompute it). */
  private shapesUnion: SpanRegion | null = SpanRegion.empty;
  private live: OverlayDriver | null = null;
  private chain: Promise<void> = Promise.resolve();
  private unavailableUntil = 0;
  private closed = false;

  /**
   * `openDriver` connects the system's windows (null with a reason where it cannot now);
   * `screen` is the helper's own screen source (the session passes the consent gate's, so clean
   * pixels are read only while `view` is granted). Without it the driver's getImage reads them.
   */
  constructor(
    private readonly openDriver: () => Promise<OverlayDriver | { reason: string }>,
    private readonly log: OverlayLog,
    private readonly screen?: () => Promise<ScreenSource>,
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

  /** Overlay windows on the screen now (tests). */
  get windowCount(): number {
    return this.live?.windowCount ?? 0;
  }

  laserWindowId(peerId: number): number {
    return this.live?.laserWindowId(peerId) ?? 0;
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
    const bounds = live.bounds;
    const region =
      shape.kind === 'text' ? await live.rasterizeText(shape, bounds) : rasterizeShape(shape, bounds);
    await this.coverClean(live, region);
    const old = this.shapes.get(key);
    this.shapes.delete(key);
    const drawn: DrawnShape = {
      key,
      peerId,
      region,
      pixel: live.pixel(parseColor(shape.color)),
      bounds: region.bounds(),
    };
    this.shapes.set(key, drawn);
    this.shapesUnion = old ? null : (this.shapesUnion?.union(region) ?? null);
    live.add(key, drawn);
    const removed = old ? [old] : [];
    if (this.shapes.size > ANNOTATION_SHAPES_MAX) {
      const oldest = this.shapes.values().next().value;
      if (oldest) {
        this.shapes.delete(oldest.key);
        this.shapesUnion = null;
        live.remove(oldest.key);
        removed.push(oldest);
      }
    }
    if (removed.length > 0) await this.afterRemoval(live, removed);
  }

  private async removeWhere(pred: (s: DrawnShape) => boolean, laserPeers: number[]): Promise<void> {
    const removed = [...this.shapes.values()].filter(pred);
    for (const s of removed) {
      this.shapes.delete(s.key);
      this.live?.remove(s.key);
    }
    if (removed.length > 0) this.shapesUnion = null;
    const lasersGone: SpanRegion[] = [];
    for (const peer of laserPeers) {
      const region = this.lasers.get(peer);
      if (!region) continue;
      this.lasers.delete(peer);
      this.live?.hideLaser(peer);
      lasersGone.push(region);
    }
    if (removed.length === 0 && lasersGone.length === 0) return;
    const live = this.live;
    if (!live) return;
    await this.afterRemoval(live, removed, lasersGone);
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
    const placed = placeLaser(at, live.bounds, this.template);
    await this.coverClean(live, placed.region);
    const before = this.lasers.get(peerId);
    live.laser(peerId, placed.origin, this.template, live.pixel(parseColor(LASER_COLOR)));
    this.lasers.set(peerId, placed.region);
    if (!before) return;
    await live.sync();
    // Where the laser was is off the screen now, unless something else covers it.
    this.mask.release(before.subtract(this.shapesRegion()).subtract(this.lasersRegion()));
  }

  /**
   * After windows of `removed` drawings and `lasersGone` were destroyed: waits until the X server
   * has done it, then releases from the mask whatever no remaining drawing or laser covers.
   */
  private async afterRemoval(
    live: OverlayDriver,
    removed: DrawnShape[],
    lasersGone: SpanRegion[] = [],
  ): Promise<void> {
    if (this.shapes.size === 0 && this.lasers.size === 0) {
      await this.teardown();
      return;
    }
    await live.sync();
    const candidates = SpanRegion.unionAll([...removed.map((s) => s.region), ...lasersGone]);
    this.mask.release(candidates.subtract(this.shapesRegion()).subtract(this.lasersRegion()));
  }

  /**
   * Captures the pixels of `region` the overlay does not cover yet, as the screen shows them now
   * (before the overlay draws them), and hands them to the mask. The capture has finished before
   * any drawing request is sent, so it cannot contain the new drawing.
   */
  private async coverClean(live: OverlayDriver, region: SpanRegion): Promise<void> {
    const fresh = region.subtract(this.mask.covered);
    const box = fresh.bounds();
    if (box === null) return;
    if (this.screen) {
      // One capture of the box; the source may reuse its buffer at its next capture, so the
      // mask copies what it needs right here, before anything else runs.
      const frame = await (await this.screen()).capture(box);
      this.mask.cover(fresh, [{ ...box, stride: frame.stride, data: frame.data }]);
      return;
    }
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
        const data = await live.getImage(rect);
        return { ...rect, stride: rect.width * 4, data };
      }),
    );
    this.mask.cover(fresh, images);
  }

  private shapesRegion(): SpanRegion {
    this.shapesUnion ??= SpanRegion.unionAll([...this.shapes.values()].map((s) => s.region));
    return this.shapesUnion;
  }

  private lasersRegion(): SpanRegion {
    return SpanRegion.unionAll(this.lasers.values());
  }

  private async open(): Promise<OverlayDriver | null> {
    if (this.live && !this.live.closed) return this.live;
    if (this.live) await this.teardown(); // the connection died: start clean
    if (this.closed || Date.now() < this.unavailableUntil) return null;
    const driver = await this.openDriver();
    if ('reason' in driver) {
      this.unavailableUntil = Date.now() + OVERLAY_RETRY_MS;
      this.log('overlay_unavailable', { reason: driver.reason });
      return null;
    }
    if (this.closed) {
      await driver.close();
      return null;
    }
    this.live = driver;
    return this.live;
  }

  /** Destroys the windows, waits until the system has done it, closes, then releases the mask. */
  private async teardown(): Promise<void> {
    const live = this.live;
    this.live = null;
    this.shapes.clear();
    this.shapesUnion = SpanRegion.empty;
    this.lasers.clear();
    if (live) await live.close().catch(() => undefined);
    this.mask.clearAll();
  }
}
