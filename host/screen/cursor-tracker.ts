/**
 * Follows the pointer for one viewer: polls the source's pointer position and cursor shape and
 * emits cursor-channel messages only for changes (shape once per serial, then positions), in the
 * viewed area's coordinates.
 */
import { encodeCursorMessage } from '../../protocol/screen/cursor-message';
import { CURSOR_MAX_SIDE } from '../../protocol/screen/limits';
import type { CursorImage, Rect, ScreenSource } from '../platform/types';

/** Pointer position poll interval while the pointer moves, in ms (~60 Hz). */
export const POINTER_POLL_MS = 16;
/** Pointer position poll interval once it has been still for POINTER_IDLE_AFTER_MS, in ms. */
const POINTER_IDLE_POLL_MS = 100;
/** Still time after which polling slows down, in ms. */
const POINTER_IDLE_AFTER_MS = 1000;
/** Cursor shape poll interval while the pointer moves (hovering changes shapes), in ms. */
export const CURSOR_SHAPE_POLL_MS = 100;
/** Cursor shape poll interval while the pointer is still (an application may still change it), in ms. */
const CURSOR_SHAPE_IDLE_POLL_MS = 1000;

export class CursorTracker {
  private lastX = NaN;
  private lastY = NaN;
  private lastSerial: number | null = null;
  private lastShapeAt = -Infinity;
  private lastPointerAt = -Infinity;
  private lastMoveAt = -Infinity;
  private busy = false;

  constructor(
    private readonly source: ScreenSource,
    private readonly send: (payload: Uint8Array) => void,
    private origin: Rect,
  ) {}

  /** The viewed area changed: positions are now relative to `origin`; resend everything. */
  setOrigin(origin: Rect): void {
    this.origin = origin;
    this.lastX = NaN;
    this.lastSerial = null;
  }

  /**
   * Milliseconds until the next poll is due: POINTER_POLL_MS while the pointer moves, about
   * POINTER_IDLE_POLL_MS once it is still. The caller sleeps that long instead of waking at
   * 60 Hz for nothing (an empty 16 ms timer alone costs ~5 ms of CPU a second here).
   */
  nextPollIn(now: number): number {
    const moving = now - this.lastMoveAt < POINTER_IDLE_AFTER_MS;
    return Math.max(0, this.lastPointerAt + (moving ? POINTER_POLL_MS : POINTER_IDLE_POLL_MS) - now);
  }

  /**
   * One poll (see nextPollIn for when); it skips the X round trips it does not need (a still
   * pointer is asked about 10 times a second). Errors are left to the caller.
   */
  async poll(now: number): Promise<void> {
    if (this.busy) return;
    const moving = now - this.lastMoveAt < POINTER_IDLE_AFTER_MS;
    if (!moving && now - this.lastPointerAt < POINTER_IDLE_POLL_MS) return;
    this.busy = true;
    try {
      this.lastPointerAt = now;
      if (now - this.lastShapeAt >= (moving ? CURSOR_SHAPE_POLL_MS : CURSOR_SHAPE_IDLE_POLL_MS)) {
        this.lastShapeAt = now;
        const shape = await this.source.cursor();
        if (shape !== null && shape.serial !== this.lastSerial) {
          this.lastSerial = shape.serial;
          this.send(encodeCursorMessage(shapeMessage(shape)));
        }
      }
      const p = await this.source.pointer();
      const x = p.x - this.origin.x;
      const y = p.y - this.origin.y;
      if (x !== this.lastX || y !== this.lastY) {
        this.lastMoveAt = now;
        this.lastX = x;
        this.lastY = y;
        this.send(encodeCursorMessage({ kind: 'position', x, y }));
      }
    } finally {
      this.busy = false;
    }
  }
}

function shapeMessage(c: CursorImage) {
  // A shape over the protocol's size limit is sent as "no shape": the viewer falls back to its own.
  const tooBig = c.width > CURSOR_MAX_SIDE || c.height > CURSOR_MAX_SIDE || c.width === 0 || c.height === 0;
  return tooBig
    ? {
        kind: 'shape' as const,
        serial: c.serial,
        width: 0,
        height: 0,
        hotX: 0,
        hotY: 0,
        rgba: new Uint8Array(0),
      }
    : {
        kind: 'shape' as const,
        serial: c.serial,
        width: c.width,
        height: c.height,
        hotX: Math.min(c.hotX, c.width - 1),
        hotY: Math.min(c.hotY, c.height - 1),
        rgba: c.rgba,
      };
}
