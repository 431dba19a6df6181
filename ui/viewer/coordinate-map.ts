/**
 * Where the remote picture sits in the viewer and how a point moves between the two.
 *
 * The canvas holds the picture at its own size (one canvas pixel per remote pixel); CSS sizes it:
 *   fit     scaled to the viewport, aspect ratio kept, centred (up or down: it fills the window)
 *   actual  one remote pixel per device pixel (1 / devicePixelRatio CSS px), scrolled when larger
 * A pointer's client position is mapped through the canvas's bounding rectangle, which already
 * includes the scroll offset and the centring, so the same formula holds in both modes. Remote
 * coordinates are desktop pixels: the picture may be one monitor, whose top-left `origin` on
 * the desktop comes from screen.monitors. Pure functions, unit-tested.
 */

export type ScaleMode = 'fit' | 'actual';

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How the canvas is laid out in the viewport, in CSS pixels. */
export interface CanvasLayout {
  /** CSS pixels per remote pixel. */
  scale: number;
  width: number;
  height: number;
  /** Offset of the canvas inside the scrolled content (centring when smaller than the viewport). */
  left: number;
  top: number;
}

/** Lays the picture out in a viewport; `dpr` is window.devicePixelRatio. */
export function layoutCanvas(frame: Size, viewport: Size, mode: ScaleMode, dpr = 1): CanvasLayout {
  if (frame.width <= 0 || frame.height <= 0) return { scale: 1, width: 0, height: 0, left: 0, top: 0 };
  const scale =
    mode === 'fit'
      ? Math.max(0.01, Math.min(viewport.width / frame.width, viewport.height / frame.height))
      : 1 / (dpr > 0 ? dpr : 1);
  const width = frame.width * scale;
  const height = frame.height * scale;
  return {
    scale,
    width,
    height,
    left: Math.max(0, (viewport.width - width) / 2),
    top: Math.max(0, (viewport.height - height) / 2),
  };
}

/**
 * The canvas's bounding rectangle for a viewport at `viewportRect` scrolled by `scroll` (what
 * getBoundingClientRect answers; used by tests and by code that has no DOM).
 */
export function canvasClientRect(layout: CanvasLayout, viewportRect: Point, scroll: Point): Rect {
  return {
    left: viewportRect.x + layout.left - scroll.x,
    top: viewportRect.y + layout.top - scroll.y,
    width: layout.width,
    height: layout.height,
  };
}

/** A client (CSS pixel) point -> remote desktop pixel, clamped to the picture; `inside` says whether it was on it. */
export function clientToRemote(
  client: Point,
  canvasRect: Rect,
  frame: Size,
  origin: Point = { x: 0, y: 0 },
): Point & { inside: boolean } {
  if (canvasRect.width <= 0 || canvasRect.height <= 0 || frame.width <= 0 || frame.height <= 0) {
    return { x: origin.x, y: origin.y, inside: false };
  }
  const fx = ((client.x - canvasRect.left) * frame.width) / canvasRect.width;
  const fy = ((client.y - canvasRect.top) * frame.height) / canvasRect.height;
  const inside = fx >= 0 && fy >= 0 && fx < frame.width && fy < frame.height;
  const x = clamp(Math.floor(fx), 0, frame.width - 1);
  const y = clamp(Math.floor(fy), 0, frame.height - 1);
  return { x: x + origin.x, y: y + origin.y, inside };
}

/** A remote desktop point -> the client point at the centre of that remote pixel. */
export function remoteToClient(
  remote: Point,
  canvasRect: Rect,
  frame: Size,
  origin: Point = { x: 0, y: 0 },
): Point {
  return {
    x: canvasRect.left + ((remote.x - origin.x + 0.5) * canvasRect.width) / frame.width,
    y: canvasRect.top + ((remote.y - origin.y + 0.5) * canvasRect.height) / frame.height,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
