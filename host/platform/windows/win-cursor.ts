/**
 * The current mouse cursor's shape as RGBA: GetCursorInfo gives the cursor handle, GetIconInfo its
 * hot spot and bitmaps. A colour cursor is 32-bit BGRA (alpha may be all zero on old cursors: then
 * the mask says what is transparent); a monochrome cursor is one mask twice as tall, AND on top of
 * XOR: AND 1 + XOR 0 is transparent, AND 0 is black or white from XOR, and AND 1 + XOR 1 (screen
 * inversion, the I-beam) is drawn black so it stays visible on a light page. The serial is the
 * same for the same handle, so an unchanged shape is sent once.
 */
import type { CursorImage } from '../types';
import { topDownBgrx } from './top-down-bgrx';
import { win32, type Handle } from './win32';

const CURSOR_SHOWING = 1;
/** Largest cursor side read, in pixels (Windows cursors are at most 256). */
const CURSOR_MAX_SIDE = 256;

const serials = new Map<string, number>();

function serialOf(handleKey: string): number {
  let s = serials.get(handleKey);
  if (s === undefined) {
    s = serials.size + 1;
    serials.set(handleKey, s);
  }
  return s;
}

/** 32-bit top-down BGRA pixels of `bitmap` (any depth), or null. */
function readBitmap(bitmap: Handle): { width: number; height: number; bgra: Uint8Array } | null {
  const { user32, gdi32, koffi, types } = win32();
  const info = {
    bmType: 0,
    bmWidth: 0,
    bmHeight: 0,
    bmWidthBytes: 0,
    bmPlanes: 0,
    bmBitsPixel: 0,
    bmBits: null,
  };
  if (!gdi32.GetObjectW(bitmap, koffi.sizeof(types.BITMAP), info)) return null;
  const width = info.bmWidth;
  const height = info.bmHeight;
  if (width <= 0 || height <= 0 || width > CURSOR_MAX_SIDE || height > CURSOR_MAX_SIDE * 2) return null;
  const bgra = new Uint8Array(width * height * 4);
  const dc = user32.GetDC(null);
  try {
    const bmi = topDownBgrx(width, height);
    if (gdi32.GetDIBits(dc, bitmap, 0, height, bgra, bmi, 0) !== height) return null;
  } finally {
    user32.ReleaseDC(null, dc);
  }
  return { width, height, bgra };
}

export function readCursor(): CursorImage | null {
  const { user32, gdi32, koffi, types } = win32();
  const ci = { cbSize: koffi.sizeof(types.CURSORINFO), flags: 0, hCursor: null, ptScreenPos: { x: 0, y: 0 } };
  if (!user32.GetCursorInfo(ci) || (ci.flags & CURSOR_SHOWING) === 0 || !ci.hCursor) return null;
  const ii = { fIcon: 0, xHotspot: 0, yHotspot: 0, hbmMask: null, hbmColor: null };
  if (!user32.GetIconInfo(ci.hCursor, ii)) return null;
  try {
    const mask = ii.hbmMask ? readBitmap(ii.hbmMask) : null;
    if (!mask) return null;
    const color = ii.hbmColor ? readBitmap(ii.hbmColor) : null;
    const width = mask.width;
    const height = color ? color.height : mask.height / 2;
    const rgba = new Uint8Array(width * height * 4);
    if (color) {
      const hasAlpha = color.bgra.some((v, i) => i % 4 === 3 && v !== 0);
      for (let i = 0; i < width * height; i++) {
        const o = i * 4;
        rgba[o] = color.bgra[o + 2]!;
        rgba[o + 1] = color.bgra[o + 1]!;
        rgba[o + 2] = color.bgra[o]!;
        rgba[o + 3] = hasAlpha ? color.bgra[o + 3]! : mask.bgra[o] ? 0 : 255;
      }
    } else {
      const xorOffset = width * height * 4;
      for (let i = 0; i < width * height; i++) {
        const o = i * 4;
        const and = mask.bgra[o]! !== 0;
        const xor = mask.bgra[xorOffset + o]! !== 0;
        const white = !and && xor;
        rgba[o] = rgba[o + 1] = rgba[o + 2] = white ? 255 : 0;
        rgba[o + 3] = and && !xor ? 0 : 255;
      }
    }
    return {
      width,
      height,
      hotX: Math.min(ii.xHotspot, width - 1),
      hotY: Math.min(ii.yHotspot, height - 1),
      rgba,
      serial: serialOf(String(koffi.address(ci.hCursor))),
    };
  } finally {
    if (ii.hbmMask) gdi32.DeleteObject(ii.hbmMask);
    if (ii.hbmColor) gdi32.DeleteObject(ii.hbmColor);
  }
}
