/**
 * XFIXES cursor images to the platform's CursorImage: the server sends premultiplied ARGB32 words
 * (little-endian on our connection, so bytes B,G,R,A); the interface wants straight RGBA.
 */
import type { CursorImage } from '../types';

/** Largest cursor we pass on, in pixels per side (X allows screen-sized cursors; nobody needs them). */
export const CURSOR_MAX_SIDE_PX = 256;

export function argbPremultipliedToRgba(argb: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  if (argb.length < n * 4) throw new Error(`cursor image has ${argb.length} bytes, expected ${n * 4}`);
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const b = argb[o]!;
    const g = argb[o + 1]!;
    const r = argb[o + 2]!;
    const a = argb[o + 3]!;
    if (a === 0) continue; // fully transparent: 0,0,0,0
    if (a === 255) {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    } else {
      out[o] = Math.min(255, Math.round((r * 255) / a));
      out[o + 1] = Math.min(255, Math.round((g * 255) / a));
      out[o + 2] = Math.min(255, Math.round((b * 255) / a));
    }
    out[o + 3] = a;
  }
  return out;
}

export function toCursorImage(reply: {
  width: number;
  height: number;
  xhot: number;
  yhot: number;
  cursorSerial: number;
  cursorImage: Uint8Array;
}): CursorImage | null {
  if (reply.width === 0 || reply.height === 0) return null;
  if (reply.width > CURSOR_MAX_SIDE_PX || reply.height > CURSOR_MAX_SIDE_PX) return null;
  return {
    width: reply.width,
    height: reply.height,
    hotX: Math.min(reply.xhot, reply.width - 1),
    hotY: Math.min(reply.yhot, reply.height - 1),
    rgba: argbPremultipliedToRgba(reply.cursorImage, reply.width, reply.height),
    serial: reply.cursorSerial,
  };
}
