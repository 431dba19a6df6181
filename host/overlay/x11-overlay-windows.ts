/**
 * The overlay's X windows, drawn with core requests and shaped with SHAPE:
 *   - one drawing window over the whole screen: override-redirect (no window manager touches
 *     it), no background (the server never paints it), bounding shape = exactly the drawn pixels
 *     (everything else of the screen stays visible and live), input shape empty (every click and
 *     key goes to the windows below). Shapes are solid rectangles filled in their exact colour.
 *   - one small window per laser pointer, shaped to the laser's dot and halo, its background the
 *     laser colour (the server paints it), moved with ConfigureWindow: the X pointer is never
 *     moved (no WarpPointer, no XTEST here).
 * All are raised every OVERLAY_RAISE_MS so windows that come up later do not hide the drawings.
 * The drawing window redraws what an Expose asks for (it has no backing store).
 * This module draws what it is told; what to draw, and the mask, are x11-annotation-overlay.ts's.
 */
import type { Rect } from '../platform/types';
import { LASER_BOX_PX } from './shape-raster';
import { SpanRegion } from './span-region';
import type { X11OverlayDisplay } from './x11-overlay-display';

/** How often the overlay windows are raised above others, in ms. */
export const OVERLAY_RAISE_MS = 1000;
/** Rectangles per SHAPE or PolyFillRectangle request (keeps each request far below 256 KiB). */
const RECTS_PER_REQUEST = 4096;
const INPUT_OUTPUT = 1;
const COPY_FROM_PARENT = 0;
const NONE = 0;
const EVENT_EXPOSE = 12;
const MASK_EXPOSURE = 0x00008000;

/** A shape as drawn: its pixels (desktop coordinates) and its pixel value. */
export interface PaintedShape {
  region: SpanRegion;
  pixel: number;
}

export class X11OverlayWindows {
  readonly bounds: Rect;
  private readonly main: number;
  private readonly gc: number;
  private readonly lasers = new Map<number, number>();
  private readonly raiseTimer: ReturnType<typeof setInterval>;
  private readonly offEvents: () => void;
  private destroyed = false;

  /**
   * Creates and maps the (empty, invisible) drawing window. `shapes()` lists what is drawn now,
   * bottom first, for redrawing after an Expose.
   */
  constructor(
    private readonly d: X11OverlayDisplay,
    private readonly shapes: () => Iterable<PaintedShape>,
  ) {
    const c = d.client;
    this.bounds = { x: 0, y: 0, width: d.width, height: d.height };
    this.main = c.AllocID();
    c.CreateWindow(
      this.main,
      d.root,
      0,
      0,
      d.width,
      d.height,
      0,
      COPY_FROM_PARENT,
      INPUT_OUTPUT,
      COPY_FROM_PARENT,
      { backgroundPixmap: NONE, overrideRedirect: 1, eventMask: MASK_EXPOSURE },
    );
    // Shaped to nothing BEFORE it is mapped: a full-screen window never flashes.
    this.setShape(d.shape.Kind.Bounding, this.main, SpanRegion.empty);
    this.setShape(d.shape.Kind.Input, this.main, SpanRegion.empty);
    this.gc = c.AllocID();
    c.CreateGC(this.gc, this.main, { foreground: 0, graphicsExposures: 0 });
    c.MapWindow(this.main);
    this.offEvents = d.onEvent((raw) => this.onEvent(raw));
    this.raiseTimer = setInterval(() => this.raise(), OVERLAY_RAISE_MS);
    this.raiseTimer.unref?.();
  }

  /** The drawing window's id (tests look it up on the X server). */
  get windowId(): number {
    return this.main;
  }

  laserWindowId(peerId: number): number {
    return this.lasers.get(peerId) ?? 0;
  }

  /** Adds `shape`'s pixels to the visible area and paints them; on top of everything drawn before. */
  add(shape: PaintedShape): void {
    if (this.destroyed || shape.region.isEmpty) return;
    const rects = shape.region.toRects();
    this.shapeRects(this.d.shape.Op.Union, this.d.shape.Kind.Bounding, this.main, rects);
    this.fill(shape.pixel, rects);
    this.raise();
  }

  /**
   * Makes the visible area exactly `visible` (after shapes went) and repaints the shapes that
   * touch `changed`, in order, so overlaps show the right colour again.
   */
  reshape(visible: SpanRegion, changed: Rect): void {
    if (this.destroyed) return;
    this.setShape(this.d.shape.Kind.Bounding, this.main, visible);
    this.repaint(changed);
  }

  /**
   * Shows (or moves) the laser of `peerId` with its top-left at `origin`; `template` is its shape
   * in window coordinates (the same at every position, so a move is one ConfigureWindow).
   */
  laser(peerId: number, origin: { x: number; y: number }, template: SpanRegion, pixel: number): void {
    if (this.destroyed) return;
    const c = this.d.client;
    let id = this.lasers.get(peerId);
    if (id === undefined) {
      id = c.AllocID();
      c.CreateWindow(
        id,
        this.d.root,
        origin.x,
        origin.y,
        LASER_BOX_PX,
        LASER_BOX_PX,
        0,
        COPY_FROM_PARENT,
        INPUT_OUTPUT,
        COPY_FROM_PARENT,
        { backgroundPixel: pixel, overrideRedirect: 1 },
      );
      this.setShape(this.d.shape.Kind.Bounding, id, template);
      this.setShape(this.d.shape.Kind.Input, id, SpanRegion.empty);
      c.MapWindow(id);
      this.lasers.set(peerId, id);
    } else {
      c.ConfigureWindow(id, { x: origin.x, y: origin.y, stackMode: 0 });
    }
  }

  hideLaser(peerId: number): void {
    const id = this.lasers.get(peerId);
    if (id === undefined || this.destroyed) return;
    this.lasers.delete(peerId);
    this.d.client.DestroyWindow(id);
  }

  /** Destroys every window (the caller syncs and closes the connection). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.raiseTimer);
    this.offEvents();
    if (this.d.closed) return;
    const c = this.d.client;
    for (const id of this.lasers.values()) c.DestroyWindow(id);
    this.lasers.clear();
    c.FreeGC(this.gc);
    c.DestroyWindow(this.main);
  }

  private raise(): void {
    if (this.destroyed || this.d.closed) return;
    this.d.client.RaiseWindow(this.main);
    for (const id of this.lasers.values()) this.d.client.RaiseWindow(id);
  }

  private repaint(area: Rect): void {
    const clip = SpanRegion.fromRect(area);
    for (const s of this.shapes()) {
      const part = s.region.intersect(clip);
      if (!part.isEmpty) this.fill(s.pixel, part.toRects());
    }
  }

  private fill(pixel: number, rects: Rect[]): void {
    const c = this.d.client;
    c.ChangeGC(this.gc, { foreground: pixel });
    for (let i = 0; i < rects.length; i += RECTS_PER_REQUEST) {
      const coords: number[] = [];
      for (const r of rects.slice(i, i + RECTS_PER_REQUEST)) coords.push(r.x, r.y, r.width, r.height);
      c.PolyFillRectangle(this.main, this.gc, coords);
    }
  }

  /** Sets `kind` of `window` to exactly `region` (Set with the first part, Union for the rest). */
  private setShape(kind: number, window: number, region: SpanRegion): void {
    const rects = region.toRects();
    const shape = this.d.shape;
    if (rects.length === 0) {
      shape.Rectangles(shape.Op.Set, kind, window, 0, 0, []);
      return;
    }
    this.shapeRects(shape.Op.Set, kind, window, rects.slice(0, RECTS_PER_REQUEST));
    if (rects.length > RECTS_PER_REQUEST)
      this.shapeRects(shape.Op.Union, kind, window, rects.slice(RECTS_PER_REQUEST));
  }

  private shapeRects(op: number, kind: number, window: number, rects: Rect[]): void {
    const shape = this.d.shape;
    for (let i = 0; i < rects.length; i += RECTS_PER_REQUEST) {
      const part = rects
        .slice(i, i + RECTS_PER_REQUEST)
        .map((r) => [r.x, r.y, r.width, r.height] as [number, number, number, number]);
      shape.Rectangles(op, kind, window, 0, 0, part, shape.Ordering.Unsorted);
    }
  }

  private onEvent(raw: Buffer): void {
    if ((raw[0]! & 0x7f) !== EVENT_EXPOSE || raw.readUInt32LE(4) !== this.main) return;
    this.repaint({
      x: raw.readUInt16LE(8),
      y: raw.readUInt16LE(10),
      width: raw.readUInt16LE(12),
      height: raw.readUInt16LE(14),
    });
  }
}
