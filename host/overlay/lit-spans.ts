/**
 * The lit pixels of an off-screen text bitmap as region spans: the platforms draw a text white on
 * black with a font that is never antialiased (X11 core fonts, GDI without smoothing), so a pixel
 * is the text's exactly when any of its colour bytes is not zero.
 */
import type { RegionBuilder } from './span-region';

/**
 * Every lit pixel of a bitmap of B,G,R,X bytes (an X11 depth-24 image and a GDI 32-bit DIB both
 * are), as spans placed with the bitmap's top-left at (left, top).
 */
export function addLitSpans(
  b: RegionBuilder,
  data: Uint8Array,
  width: number,
  height: number,
  left: number,
  top: number,
): void {
  for (let y = 0; y < height; y++) {
    let run = -1;
    for (let x = 0; x <= width; x++) {
      const o = (y * width + x) * 4;
      const lit = x < width && (data[o]! | data[o + 1]! | data[o + 2]!) !== 0;
      if (lit && run < 0) run = x;
      else if (!lit && run >= 0) {
        b.add(top + y, left + run, left + x);
        run = -1;
      }
    }
  }
}
