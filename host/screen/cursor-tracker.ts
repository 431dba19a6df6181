/**
 * Follows the pointer for one viewer: polls the source's pointer position and cursor shape and
 * emits cursor-channel messages only for changes (shape once per serial, then positions), in the
 * viewed area's coordinates.
 */
import { encodeCursorMessage } from '../../protocol/screen/cursor-message';
import { CURSOR_MAX_SIDE } from '../../protocol/screen/limits';
import type { CursorImage, Rect, ScreenSource } from '../platform/types';

/** Pointer position poll interval, in ms (~60 Hz). */
export const POINTER_POLL_MS = 16;
/** Cursor shape poll interval, in ms (shapes change on hover, rarely). */
export const CURSOR_SHAPE_POLL_MS = 100;

export class CursorTracker {
  private lastX = NaN;
  private lastY = NaN;
  private lastSerial: number | null = null;
  private lastShapeAt = -Infinity;
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

  /** One poll; cheap when nothing changed. Errors of the source are left to the caller. */
  async poll(now: number): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (now - this.lastShapeAt >= CURSOR_SHAPE_POLL_MS) {
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
    ? { kind: 'shape' as const, serial: c.serial, width: 0, height: 0, hotX: 0, hotY: 0, rgba: new Uint8Array(0) }
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
