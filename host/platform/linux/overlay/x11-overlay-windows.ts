/**
 * The overlay's X windows: ONE small window per drawing and per laser pointer, each
 *   - override-redirect (no window manager decorates, moves or stacks it),
 *   - shaped with SHAPE: bounding shape = exactly the drawing's pixels (everything else of the
 *     screen stays visible and live), input shape empty (every click and key goes to the windows
 *     below),
 *   - with the drawing's colour as its background, so the X server paints it, exposes included:
 *     this module never draws a pixel, and removing a drawing is destroying its window.
 * Stacking: later drawings above earlier ones, lasers above all, and the whole group right above
 * the topmost application window (a shown, not override-redirect window of another client): over
 * the applications, under menus, tooltips and the sharing indicator, so a drawing can never hide
 * "sharing with ... - Stop". Every OVERLAY_RAISE_MS (and after each new window) one QueryTree
 * checks it and restacks when an application came up above ours. A laser moves with
 * ConfigureWindow: the X pointer is never moved (no WarpPointer, no XTEST here).
 *
 * Why not one full-screen window shaped to every drawing: measured on Xvfb, each change of a
 * window shape made of tens of thousands of rectangles makes the server send Expose events for
 * the window's whole extent; repainting them (no background can hold several colours) swamped
 * the connection at about 100 long strokes (a laser move waited more than 10 s). One window per
 * drawing keeps each shape small and lets the server repaint by itself.
 * What to draw, and the capture mask, are x11-annotation-overlay.ts's.
 */
import type { PaintedShape } from '../../../overlay/drawing-overlay';
import type { Rect } from '../../types';
import { LASER_BOX_PX } from '../../../overlay/shape-raster';
import { SpanRegion } from '../../../overlay/span-region';
import type { X11OverlayDisplay } from './x11-overlay-display';

/** How often the overlay checks that no application window covers it, in ms. */
export const OVERLAY_RAISE_MS = 1000;
/** Rectangles per SHAPE request (keeps each request far below 256 KiB). */
const RECTS_PER_REQUEST = 4096;
const INPUT_OUTPUT = 1;
const COPY_FROM_PARENT = 0;
/** ConfigureWindow stack modes: Above a sibling, or with no sibling Below = bottom of the stack. */
const STACK_ABOVE = 0;
const STACK_BELOW = 1;
/** GetWindowAttributes map state of a shown window. */
const VIEWABLE = 2;
/** Most windows of other clients looked at per stacking check. */
const STACK_SCAN_MAX = 256;

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
      const top = [...this.drawings.values()].at(-1);
      const firstLaser = this.lasers.values().next().value;
      const id = this.createShaped(b, shape.region.translate(-b.x, -b.y), shape.pixel);
      // A new window starts at the top of the stack: it goes right above our last drawing
      // (under the lasers), and the next check puts a first one under menus and indicators.
      if (top !== undefined) this.d.client.ConfigureWindow(id, { sibling: top, stackMode: STACK_ABOVE });
      else if (firstLaser !== undefined)
        this.d.client.ConfigureWindow(id, { sibling: firstLaser, stackMode: STACK_BELOW });
      this.drawings.set(key, id);
      void this.keepOnTop();
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
      const top = [...this.drawings.values(), ...this.lasers.values()].at(-1);
      const laser = this.createShaped(box, template, pixel);
      if (top !== undefined) this.d.client.ConfigureWindow(laser, { sibling: top, stackMode: STACK_ABOVE });
      this.lasers.set(peerId, laser);
      void this.keepOnTop();
    } else {
      this.d.client.ConfigureWindow(id, { x: origin.x, y: origin.y });
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

  /** Our windows, bottom first: drawings in order, then lasers. */
  private ours(): number[] {
    return [...this.drawings.values(), ...this.lasers.values()];
  }

  /**
   * Puts ours, in order, right above the topmost application window when they are not there
   * (an application was raised above them, or a new window of ours is still on top of everything).
   */
  private async keepOnTop(): Promise<void> {
    if (this.checking || this.destroyed || this.d.closed || this.windowCount === 0) return;
    this.checking = true;
    try {
      const c = this.d.client;
      const { children } = await this.d.call<{ children: number[] }>('QueryTree', (cb) =>
        c.QueryTree(this.d.root, cb),
      );
      const mine = new Set(this.ours());
      // Attributes of the other windows from the top down, asked all at once (pipelined).
      const others: number[] = [];
      for (let i = children.length - 1; i >= 0 && others.length < STACK_SCAN_MAX; i--)
        if (!mine.has(children[i]!)) others.push(i);
      const attrs = await Promise.all(
        others.map(
          (i) =>
            this.d
              .call<{ mapState: number; overrideRedirect: number }>('GetWindowAttributes', (cb) =>
                c.GetWindowAttributes(children[i]!, cb),
              )
              .catch(() => null), // gone meanwhile
        ),
      );
      const found = attrs.findIndex((a) => a !== null && a.mapState === VIEWABLE && !a.overrideRedirect);
      if (found < 0 && others.length === STACK_SCAN_MAX) return; // too many windows above: leave it
      const anchor = found < 0 ? -1 : others[found]!;
      if (this.destroyed) return;
      const ours = this.ours();
      // In place: ours, in order, right above the anchor (or at the bottom when there is no
      // application window), with every other window above them.
      const inPlace = ours.every((id, k) => children[anchor + 1 + k] === id);
      if (inPlace) return;
      let below = anchor >= 0 ? children[anchor]! : 0;
      for (const id of ours) {
        if (below) c.ConfigureWindow(id, { sibling: below, stackMode: STACK_ABOVE });
        else c.ConfigureWindow(id, { stackMode: STACK_BELOW });
        below = id;
      }
    } catch {
      // The connection is going away; the overlay notices on its next request.
    } finally {
      this.checking = false;
    }
  }
}
