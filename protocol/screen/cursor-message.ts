/**
 * Payload of the `cursor` data channel: the pointer's shape travels once per shape (by serial),
 * its position as often as it moves, apart from the picture so a moving pointer costs a few bytes
 * and never an image update.
 *
 *   u8 kind   1 = SHAPE, 2 = POSITION
 * SHAPE:    vu serial, u16 width, u16 height, u16 hotX, u16 hotY, width*height*4 bytes RGBA
 *           (non-premultiplied). 0 x 0 means "no visible cursor".
 * POSITION: i16 x, i16 y   the hotspot in the viewed area's coordinates (may lie outside it
 *           when the pointer is on another monitor)
 */
import { ByteReader, ByteWriter } from './bytes';
import { CURSOR_MAX_SIDE, SCREEN_MESSAGE_MAX_BYTES } from './limits';
import { ScreenFormatError } from './screen-format-error';

export const CURSOR_KIND = { shape: 1, position: 2 } as const;

export type CursorMessage =
  | {
      kind: 'shape';
      serial: number;
      width: number;
      height: number;
      hotX: number;
      hotY: number;
      rgba: Uint8Array;
    }
  | { kind: 'position'; x: number; y: number };

export function encodeCursorMessage(msg: CursorMessage): Uint8Array {
  const w = new ByteWriter(msg.kind === 'shape' ? 16 + msg.rgba.byteLength : 8);
  if (msg.kind === 'shape') {
    if (msg.width > CURSOR_MAX_SIDE || msg.height > CURSOR_MAX_SIDE) throw new RangeError('cursor too large');
    if (msg.rgba.byteLength !== msg.width * msg.height * 4) throw new RangeError('cursor RGBA size mismatch');
    w.u8(CURSOR_KIND.shape);
    w.varint(msg.serial);
    w.u16(msg.width);
    w.u16(msg.height);
    w.u16(msg.hotX);
    w.u16(msg.hotY);
    w.bytes(msg.rgba);
  } else {
    w.u8(CURSOR_KIND.position);
    w.i16(clampI16(msg.x));
    w.i16(clampI16(msg.y));
  }
  return w.toBytes();
}

/** Parses a cursor payload; the RGBA of a shape is a view into `payload`. */
export function parseCursorMessage(payload: Uint8Array): CursorMessage {
  if (payload.byteLength > SCREEN_MESSAGE_MAX_BYTES)
    throw new ScreenFormatError('too_large', 'cursor message too large');
  const r = new ByteReader(payload);
  const kind = r.u8();
  if (kind === CURSOR_KIND.shape) {
    const serial = r.varint();
    const width = r.u16();
    const height = r.u16();
    const hotX = r.u16();
    const hotY = r.u16();
    if (width > CURSOR_MAX_SIDE || height > CURSOR_MAX_SIDE) {
      throw new ScreenFormatError('too_large', `cursor ${width}x${height} over the limit`);
    }
    if ((width === 0) !== (height === 0))
      throw new ScreenFormatError('bad_value', 'cursor with one zero side');
    if (width > 0 && (hotX >= width || hotY >= height))
      throw new ScreenFormatError('bad_value', 'hotspot outside cursor');
    const rgba = r.bytes(width * height * 4);
    r.end();
    return { kind: 'shape', serial, width, height, hotX, hotY, rgba };
  }
  if (kind === CURSOR_KIND.position) {
    const x = r.i16();
    const y = r.i16();
    r.end();
    return { kind: 'position', x, y };
  }
  throw new ScreenFormatError('bad_value', `unknown cursor message kind ${kind}`);
}

function clampI16(v: number): number {
  return Math.max(-0x8000, Math.min(0x7fff, Math.round(v)));
}
