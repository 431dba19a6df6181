/**
 * DXGI's rectangles to the helper's desktop coordinates. Desktop Duplication gives each output's
 * dirty and move rectangles relative to that output's top-left corner (its desktop image); the
 * output sits at DesktopCoordinates on the Windows virtual screen, whose origin may be negative
 * (a monitor left of or above the primary one); the helper's desktop starts at the virtual
 * screen's origin (gdi-screen-source.ts). So a point (x, y) of an output placed at (left, top) is
 * (left - origin.x + x, top - origin.y + y) on the helper's desktop.
 *
 * Rectangles from Windows are clipped to their output before anything reads pixels with them: a
 * wrong one must never index outside the buffers.
 */
import type { Rect, ScreenMove } from '../types';

/** Windows' RECT: edges, right and bottom exclusive. */
export interface Ltrb {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** DXGI_OUTDUPL_MOVE_RECT: the pixels at `source` (the size of `destination`) moved to `destination`. */
export interface DxgiMoveRect {
  source: { x: number; y: number };
  destination: Ltrb;
}

/** An output's place: DesktopCoordinates from DXGI_OUTPUT_DESC (virtual-screen coordinates). */
export type OutputPlacement = Ltrb;

export interface Origin {
  x: number;
  y: number;
}

/** `r` (output coordinates) clipped to the output, as a Rect in the output's own coordinates; null when empty. */
export function clipToOutput(r: Ltrb, output: OutputPlacement): Rect | null {
  const width = output.right - output.left;
  const height = output.bottom - output.top;
  const left = Math.max(0, Math.min(r.left, width));
  const top = Math.max(0, Math.min(r.top, height));
  const right = Math.max(left, Math.min(r.right, width));
  const bottom = Math.max(top, Math.min(r.bottom, height));
  if (right === left || bottom === top) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** A rect in output coordinates (already clipped) on the helper's desktop. */
export function outputToDesktop(r: Rect, output: OutputPlacement, origin: Origin): Rect {
  return {
    x: output.left - origin.x + r.x,
    y: output.top - origin.y + r.y,
    width: r.width,
    height: r.height,
  };
}

/**
 * A move rectangle as the COPY the encoder sends (destination and source on the helper's
 * desktop), or null when its source or destination is not wholly inside the output (then its
 * destination is only damage: the pixels are read, not copied).
 */
export function moveToCopy(m: DxgiMoveRect, output: OutputPlacement, origin: Origin): ScreenMove | null {
  const dest = clipToOutput(m.destination, output);
  if (dest === null) return null;
  const width = m.destination.right - m.destination.left;
  const height = m.destination.bottom - m.destination.top;
  if (dest.width !== width || dest.height !== height) return null;
  const src = clipToOutput(
    { left: m.source.x, top: m.source.y, right: m.source.x + width, bottom: m.source.y + height },
    output,
  );
  if (src === null || src.width !== width || src.height !== height) return null;
  const rect = outputToDesktop(dest, output, origin);
  const from = outputToDesktop(src, output, origin);
  return { rect, srcX: from.x, srcY: from.y };
}

/**
 * What changed on one output in one frame, on the helper's desktop: the move rectangles as
 * copies, and as damage every dirty rectangle plus every move's destination (the source's pixels
 * are already in the frame; a move that cannot be a copy is damage like a dirty rectangle).
 */
export function frameChanges(
  dirty: readonly Ltrb[],
  moves: readonly DxgiMoveRect[],
  output: OutputPlacement,
  origin: Origin,
): { damage: Rect[]; moves: ScreenMove[]; outputRects: Rect[] } {
  const outputRects: Rect[] = [];
  const copies: ScreenMove[] = [];
  for (const m of moves) {
    const dest = clipToOutput(m.destination, output);
    if (dest === null) continue;
    outputRects.push(dest);
    const copy = moveToCopy(m, output, origin);
    if (copy) copies.push(copy);
  }
  for (const d of dirty) {
    const r = clipToOutput(d, output);
    if (r) outputRects.push(r);
  }
  return { damage: outputRects.map((r) => outputToDesktop(r, output, origin)), moves: copies, outputRects };
}
