/**
 * Pointer and wheel events -> `input` events, without the DOM (the capture layer feeds it the
 * fields it needs), so the rules are unit-tested:
 *   - positions go through clientToRemote (scaled or 1:1 with scroll, monitor origin added);
 *   - moves are thinned to one per POINTER_MOVE_MIN_MS (the latest wins), and a pending move is
 *     flushed before any button or wheel event so a click never lands where the pointer was;
 *   - DOM button numbers map to protocol names; unknown buttons are ignored;
 *   - wheel deltas accumulate until a whole step: WHEEL_PIXELS_PER_STEP pixels or
 *     WHEEL_LINES_PER_STEP lines (one notch of a mouse wheel either way), a page is 3 steps;
 *     steps per message are capped to the protocol's range.
 */
import type { InputEvent } from '../../protocol/data/input';
import { clientToRemote, type Point, type Rect, type Size } from './coordinate-map';

/** Shortest time between two pointer moves sent, in ms (about one per display frame). */
export const POINTER_MOVE_MIN_MS = 16;
/** Pixels of wheel delta per wheel step (a mouse notch is 100 in Chromium, 120 on some systems). */
export const WHEEL_PIXELS_PER_STEP = 100;
/** Lines of wheel delta per step (Firefox reports a notch as 3 lines). */
export const WHEEL_LINES_PER_STEP = 3;
/** Steps per page of wheel delta. */
const WHEEL_STEPS_PER_PAGE = 3;
/** Protocol range of dx/dy in one wheel message. */
const WHEEL_STEPS_MAX = 100;

const DOM_BUTTONS = ['left', 'middle', 'right', 'back', 'forward'] as const;

export interface PointerGeometry {
  canvasRect: Rect;
  frame: Size;
  origin: Point;
}

export class PointerMapper {
  private lastMoveAt = -Infinity;
  private pendingMove: Point | null = null;
  private lastSent: Point | null = null;
  private wheelX = 0;
  private wheelY = 0;
  private wheelMode = 0;

  /** A move; returns the event to send now, or null when it waits (flushMove() sends it later). */
  move(client: Point, geo: PointerGeometry, now: number): InputEvent | null {
    const p = clientToRemote(client, geo.canvasRect, geo.frame, geo.origin);
    if (now - this.lastMoveAt >= POINTER_MOVE_MIN_MS) {
      this.pendingMove = null;
      return this.sentMove(p, now);
    }
    this.pendingMove = { x: p.x, y: p.y };
    return null;
  }

  /** The move held back by thinning, if any (call from a timer, or before a button). */
  flushMove(now: number): InputEvent | null {
    const p = this.pendingMove;
    if (!p) return null;
    this.pendingMove = null;
    return this.sentMove(p, now);
  }

  hasPendingMove(): boolean {
    return this.pendingMove !== null;
  }

  /** A button press or release at `client`; the move to that point goes first when needed. */
  button(domButton: number, down: boolean, client: Point, geo: PointerGeometry, now: number): InputEvent[] {
    const name = DOM_BUTTONS[domButton];
    if (name === undefined) return [];
    const p = clientToRemote(client, geo.canvasRect, geo.frame, geo.origin);
    const out: InputEvent[] = [];
    this.pendingMove = null;
    if (!this.lastSent || this.lastSent.x !== p.x || this.lastSent.y !== p.y) out.push(this.sentMove(p, now));
    out.push({ type: 'pointer.button', button: name, down, x: p.x, y: p.y });
    return out;
  }

  /** A wheel event; deltaMode 0 = pixels, 1 = lines, 2 = pages. */
  wheel(
    deltaX: number,
    deltaY: number,
    deltaMode: number,
    client: Point,
    geo: PointerGeometry,
    now: number,
  ): InputEvent[] {
    if (deltaMode !== this.wheelMode) {
      // Another device (mouse wheel vs touchpad): its remainder means nothing in the new unit.
      this.wheelMode = deltaMode;
      this.wheelX = 0;
      this.wheelY = 0;
    }
    const perStep =
      deltaMode === 1
        ? WHEEL_LINES_PER_STEP
        : deltaMode === 2
          ? 1 / WHEEL_STEPS_PER_PAGE
          : WHEEL_PIXELS_PER_STEP;
    this.wheelX += (Number.isFinite(deltaX) ? deltaX : 0) / perStep;
    this.wheelY += (Number.isFinite(deltaY) ? deltaY : 0) / perStep;
    const dx = clampSteps(Math.trunc(this.wheelX));
    const dy = clampSteps(Math.trunc(this.wheelY));
    if (dx === 0 && dy === 0) return [];
    this.wheelX -= dx;
    this.wheelY -= dy;
    const p = clientToRemote(client, geo.canvasRect, geo.frame, geo.origin);
    const out: InputEvent[] = [];
    this.pendingMove = null;
    if (!this.lastSent || this.lastSent.x !== p.x || this.lastSent.y !== p.y) out.push(this.sentMove(p, now));
    out.push({ type: 'pointer.wheel', dx, dy, x: p.x, y: p.y });
    return out;
  }

  private sentMove(p: Point, now: number): InputEvent {
    this.lastMoveAt = now;
    this.lastSent = { x: p.x, y: p.y };
    return { type: 'pointer.move', x: p.x, y: p.y };
  }
}

function clampSteps(v: number): number {
  return Math.max(-WHEEL_STEPS_MAX, Math.min(WHEEL_STEPS_MAX, v));
}
