/**
 * The overlay's X windows: ONE small window per drawing and per laser pointer, each
 *   - override-redirect (no window manager decorates, moves or stacks it),
 *   - shaped with SHAPE: bounding shape = exactly the drawing's pixels (everything else of the
 *     screen stays visible and live), input shape empty (every click and key goes to the windows
 *     below),
 *   - with the drawing's colour as its background, so the X server paints it, exposes included:
 *     this module never draws a pixel, and removing a drawing is destroying its window.
 * Later drawings are stacked above earlier ones, lasers above all. Every OVERLAY_RAISE_MS one
 * QueryTree checks whether another window came up above ours; if so ours are raised again, in
 * order. A laser moves with ConfigureWindow: the X pointer is never moved (no WarpPointer, no
 * XTEST here).
 *
 * Why not one full-screen window shaped to every drawing: measured on Xvfb, each change of a
 * window shape made of tens of thousands of rectangles makes the server send Expose events for
 * the window's whole extent; repainting them (no background can hold several colours) swamped
 * the connection at about 100 long strokes (a laser move waited more than 10 s). One window per
 * drawing keeps each shape small and lets the server repaint by itself.
 * What to draw, and the capture mask, are x11-annotation-overlay.ts's.
 */
import type { Rect } from '../platform/types';
import { LASER_BOX_PX } from './shape-raster';
import { SpanRegion } from './span-region';
import type { X11OverlayDisplay } from './x11-overlay-display';

/** How often the overlay checks that no other window covers it, in ms. */
export const OVERLAY_RAISE_MS = 1000;
/** Rectangles per SHAPE request (keeps each request far below 256 KiB). */
const RECTS_PER_REQUEST = 4096;
const INPUT_OUTPUT = 1;
const COPY_FROM_PARENT = 0;
/** ConfigureWindow stack mode Above (with no sibling: the top of the stack). */
const STACK_ABOVE = 0;

/** A drawing as shown: its pixels (desktop coordinates), their bounds and its pixel value. */
export interface PaintedShape {
  region: SpanRegion;
  bounds: Rect | null;
  pixel: number;
}

export class X11OverlayWindows {
  readonly bounds: Rect;
  /** Drawing windows by key, in stacking order (bottom first). */
  private readonly drawings = new Map<string, number>();
  private readonly lasers = new Map<number, number>();
  private readonly raiseTimer: ReturnType<typeof setInterval>;
  private checking = false;
  private destroyed = false;

  constructor(private readonly d: X11OverlayDisplay) {
    this.bounds = { x: 0, y: 0, width: d.width, height: d.height };
    this.raiseTimer = setInterval(() => void this.keepOnTop(), OVERLAY_RAISE_MS);
    this.raiseTimer.unref?.();
  }

  /** Overlay windows that exist now (tests). */
  get windowCount(): number {
    return this.drawings.size + this.lasers.size;
  }

  laserWindowId(peerId: number): number {
    return this.lasers.get(peerId) ?? 0;
  }

  /** Shows `shape` above every drawing shown so far (a drawing under `key` already shown goes). */
  add(key: string, shape: PaintedShape): void {
    if (this.destroyed) return;
    const old = this.drawings.get(key);
    this.drawings.delete(key);
    const b = shape.bounds;
    if (b !== null && !shape.region.isEmpty) {
      const id = this.createShaped(b, shape.region.translate(-b.x, -b.y), shape.pixel);
      this.drawings.set(key, id);
      // New windows start on top: the lasers go back above it.
      for (const l of this.lasers.values()) this.d.client.RaiseWindow(l);
    }
    if (old !== undefined) this.d.client.DestroyWindow(old);
  }

  /** Takes the drawing under `key` off the screen. */
  remove(key: string): void {
    const id = this.drawings.get(key);
    if (id === undefined || this.destroyed) return;
    this.drawings.delete(key);
    this.d.client.DestroyWindow(id);
  }

  /**
   * Shows (or moves) the laser of `peerId` with its top-left at `origin`; `template` is its shape
   * in window coordinates (the same at every position, so a move is one ConfigureWindow).
   */
  laser(peerId: number, origin: { x: number; y: number }, template: SpanRegion, pixel: number): void {
    if (this.destroyed) return;
    const id = this.lasers.get(peerId);
    if (id === undefined) {
      const box = { x: origin.x, y: origin.y, width: LASER_BOX_PX, height: LASER_BOX_PX };
      this.lasers.set(peerId, this.createShaped(box, template, pixel));
    } else {
      this.d.client.ConfigureWindow(id, { x: origin.x, y: origin.y, stackMode: STACK_ABOVE });
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
    if (this.d.closed) return;
    for (const id of [...this.drawings.values(), ...this.lasers.values()]) this.d.client.DestroyWindow(id);
    this.drawings.clear();
    this.lasers.clear();
  }

  /** A mapped, click-through, override-redirect window at `box`, shaped to `local`, painted `pixel`. */
  private createShaped(box: Rect, local: SpanRegion, pixel: number): number {
    const c = this.d.client;
    const id = c.AllocID();
    c.CreateWindow(
      id,
      this.d.root,
      box.x,
      box.y,
      box.width,
      box.height,
      0,
      COPY_FROM_PARENT,
      INPUT_OUTPUT,
      COPY_FROM_PARENT,
      {
        backgroundPixel: pixel,
        overrideRedirect: 1,
      },
    );
    // Shaped BEFORE it is mapped: the box never flashes.
    this.setShape(this.d.shape.Kind.Bounding, id, local);
    this.setShape(this.d.shape.Kind.Input, id, SpanRegion.empty);
    c.MapWindow(id);
    return id;
  }

  /** Sets `kind` of `window` to exactly `region` (Set with the first part, Union for the rest). */
  private setShape(kind: number, window: number, region: SpanRegion): void {
    const shape = this.d.shape;
    const rects = region
      .toRects()
      .map((r) => [r.x, r.y, r.width, r.height] as [number, number, number, number]);
    if (rects.length === 0) {
      shape.Rectangles(shape.Op.Set, kind, window, 0, 0, []);
      return;
    }
    for (let i = 0; i < rects.length; i += RECTS_PER_REQUEST) {
      const op = i === 0 ? shape.Op.Set : shape.Op.Union;
      shape.Rectangles(
        op,
        kind,
        window,
        0,
        0,
        rects.slice(i, i + RECTS_PER_REQUEST),
        shape.Ordering.Unsorted,
      );
    }
  }

  /** Raises ours again, in order, when another top-level window came up above any of them. */
  private async keepOnTop(): Promise<void> {
    if (this.checking || this.destroyed || this.d.closed || this.windowCount === 0) return;
    this.checking = true;
    try {
      const tree = await this.d.call<{ children: number[] }>('QueryTree', (cb) =>
        this.d.client.QueryTree(this.d.root, cb),
      );
      if (this.destroyed) return;
      const ours = new Set([...this.drawings.values(), ...this.lasers.values()]);
      const lowest = tree.children.findIndex((w) => ours.has(w));
      if (lowest < 0 || tree.children.slice(lowest).every((w) => ours.has(w))) return;
      for (const id of [...this.drawings.values(), ...this.lasers.values()]) this.d.client.RaiseWindow(id);
    } catch {
      // The connection is going away; the overlay notices on its next request.
    } finally {
      this.checking = false;
    }
  }
}
