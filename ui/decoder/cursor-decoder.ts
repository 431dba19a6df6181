/**
 * The viewer's cursor state from the `cursor` channel: the current shape (kept by serial) and the
 * hotspot position. Framework-free; the viewer draws the shape as an overlay at `x - hotX`.
 */
import { parseCursorMessage } from '../../protocol/screen/cursor-message';

export interface CursorShape {
  serial: number;
  width: number;
  height: number;
  hotX: number;
  hotY: number;
  /** RGBA, non-premultiplied (a copy the decoder owns). */
  rgba: Uint8ClampedArray;
}

export class CursorDecoder {
  shape: CursorShape | null = null;
  position: { x: number; y: number } | null = null;

  /** Applies one cursor payload; returns what changed. Throws ScreenFormatError on bad input. */
  apply(payload: Uint8Array): 'shape' | 'position' {
    const msg = parseCursorMessage(payload);
    if (msg.kind === 'shape') {
      this.shape = {
        serial: msg.serial,
        width: msg.width,
        height: msg.height,
        hotX: msg.hotX,
        hotY: msg.hotY,
        rgba: new Uint8ClampedArray(msg.rgba),
      };
      return 'shape';
    }
    this.position = { x: msg.x, y: msg.y };
    return 'position';
  }
}
