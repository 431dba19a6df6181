/**
 * Where each chat window goes when the agent picks "arrange": cascade (same size, stepped down
 * and right so every title bar stays visible) or tile (a grid that fills the work area). Pure
 * arithmetic on the screen's work area; the background applies it with windows.update.
 */
import type { WindowArea } from './ui-protocol';

export interface Bounds {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Size of a cascaded chat window, in CSS pixels (fits a 1280x720 work area with room to step). */
export const CASCADE_WIDTH_PX = 440;
export const CASCADE_HEIGHT_PX = 600;
/** Step between cascaded windows, in CSS pixels (about one title bar). */
export const CASCADE_STEP_PX = 32;
/** Smallest tile, in CSS pixels: below this a chat is unusable, so tiles overlap instead. */
export const TILE_MIN_WIDTH_PX = 320;
export const TILE_MIN_HEIGHT_PX = 360;

export function cascade(count: number, area: WindowArea): Bounds[] {
  // Leave room for every step on a small screen, down to the smallest usable chat window.
  const room = Math.max(0, count - 1) * CASCADE_STEP_PX;
  const width = Math.max(
    Math.min(TILE_MIN_WIDTH_PX, area.width),
    Math.min(CASCADE_WIDTH_PX, area.width - room),
  );
  const height = Math.max(
    Math.min(TILE_MIN_HEIGHT_PX, area.height),
    Math.min(CASCADE_HEIGHT_PX, area.height - room),
  );
  const stepsX = Math.max(1, Math.floor((area.width - width) / CASCADE_STEP_PX) + 1);
  const stepsY = Math.max(1, Math.floor((area.height - height) / CASCADE_STEP_PX) + 1);
  const steps = Math.min(stepsX, stepsY);
  const out: Bounds[] = [];
  for (let i = 0; i < count; i++) {
    // Wrap back to the top-left when the work area runs out, instead of leaving the screen.
    const k = i % steps;
    out.push({
      left: area.left + k * CASCADE_STEP_PX,
      top: area.top + k * CASCADE_STEP_PX,
      width,
      height,
    });
  }
  return out;
}

export function tile(count: number, area: WindowArea): Bounds[] {
  if (count === 0) return [];
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const width = Math.max(TILE_MIN_WIDTH_PX, Math.floor(area.width / columns));
  const height = Math.max(TILE_MIN_HEIGHT_PX, Math.floor(area.height / rows));
  const out: Bounds[] = [];
  for (let i = 0; i < count; i++) {
    const column = i % columns;
    const row = Math.floor(i / columns);
    out.push({
      left: area.left + Math.min(column * width, Math.max(0, area.width - width)),
      top: area.top + Math.min(row * height, Math.max(0, area.height - height)),
      width,
      height,
    });
  }
  return out;
}
