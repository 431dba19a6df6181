import type { XDisplayInfo, XScreen } from 'x11';
import { describe, expect, it } from 'vitest';
import {
  pixelLayoutOf,
  toBgrxInPlace,
  UnsupportedPixelFormatError,
} from '../../../../host/platform/linux/pixel-format';

function display(
  depth: number,
  bpp: number,
  byteOrder: number,
  masks = [0xff0000, 0xff00, 0xff],
): [Pick<XDisplayInfo, 'format' | 'image_byte_order'>, XScreen] {
  const screen = {
    root: 1,
    root_visual: 33,
    root_depth: depth,
    pixel_width: 10,
    pixel_height: 10,
    white_pixel: 0,
    black_pixel: 0,
    depths: {
      [depth]: {
        33: {
          vid: 33,
          class: 4,
          bits_per_rgb: 8,
          red_mask: masks[0]!,
          green_mask: masks[1]!,
          blue_mask: masks[2]!,
        },
      },
    },
  } satisfies XScreen;
  const info: Pick<XDisplayInfo, 'format' | 'image_byte_order'> = {
    image_byte_order: byteOrder,
    format: { [depth]: { bits_per_pixel: bpp, scanline_pad: 32 } },
  };
  return [info, screen];
}

describe('pixel format', () => {
  it('passes 24-bit TrueColor through on LSBFirst servers and reorders on MSBFirst ones', () => {
    expect(pixelLayoutOf(...display(24, 32, 0))).toEqual({ swap: false });
    expect(pixelLayoutOf(...display(24, 32, 1))).toEqual({ swap: true });
    const px = Uint8Array.from([0, 0x11, 0x22, 0x33, 0, 0xaa, 0xbb, 0xcc]); // X,R,G,B twice
    toBgrxInPlace(px, px.length);
    expect([...px]).toEqual([0x33, 0x22, 0x11, 0, 0xcc, 0xbb, 0xaa, 0]);
  });

  it('refuses 16-bit and non-standard visuals with a clear message', () => {
    expect(() => pixelLayoutOf(...display(16, 16, 0))).toThrow(UnsupportedPixelFormatError);
    expect(() => pixelLayoutOf(...display(16, 16, 0))).toThrow(/16-bit colour/);
    expect(() => pixelLayoutOf(...display(24, 32, 0, [0xff, 0xff00, 0xff0000]))).toThrow(/TrueColor/);
  });
});
