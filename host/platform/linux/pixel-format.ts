/**
 * Checks that the X screen's pixels can be handed on as BGRX (PixelBuffer's format) and says how:
 * a TrueColor root visual of depth 24 or 32 stored in 32 bits per pixel, red 0xff0000, green 0xff00,
 * blue 0xff. LSBFirst servers give B,G,R,X bytes as they are; MSBFirst servers give X,R,G,B, which
 * `toBgrxInPlace` reorders. Anything else (16-bit or paletted displays) is refused with a clear error.
 */
import type { XDisplayInfo, XScreen } from 'x11';

export interface PixelLayout {
  /** True when the server sends X,R,G,B bytes and we must reorder them. */
  swap: boolean;
}

export class UnsupportedPixelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPixelFormatError';
  }
}

/** X visual class TrueColor. */
const TRUE_COLOR = 4;

export function pixelLayoutOf(
  info: Pick<XDisplayInfo, 'format' | 'image_byte_order'>,
  screen: XScreen,
): PixelLayout {
  const depth = screen.root_depth;
  const format = info.format[depth];
  const visual = screen.depths[depth]?.[screen.root_visual];
  if ((depth !== 24 && depth !== 32) || !format || format.bits_per_pixel !== 32) {
    throw new UnsupportedPixelFormatError(
      `this X display uses ${depth}-bit colour (${format?.bits_per_pixel ?? '?'} bits per pixel); Lifeline needs 24-bit colour`,
    );
  }
  if (
    !visual ||
    visual.class !== TRUE_COLOR ||
    visual.red_mask !== 0xff0000 ||
    visual.green_mask !== 0xff00 ||
    visual.blue_mask !== 0xff
  ) {
    throw new UnsupportedPixelFormatError('this X display does not use a standard 24-bit TrueColor visual');
  }
  return { swap: info.image_byte_order !== 0 };
}

/** Reorders X,R,G,B pixels to B,G,R,X, in place, for `bytes` bytes of `buf`. */
export function toBgrxInPlace(buf: Uint8Array, bytes: number): void {
  for (let o = 0; o + 3 < bytes; o += 4) {
    const x = buf[o]!;
    const r = buf[o + 1]!;
    buf[o] = buf[o + 3]!;
    buf[o + 1] = buf[o + 2]!;
    buf[o + 2] = r;
    buf[o + 3] = x;
  }
}
