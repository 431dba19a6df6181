/**
 * JPEG decoding is injected: browsers decode with createImageBitmap (browser-jpeg-decoder.ts),
 * Node tests and benchmarks with libjpeg-turbo. Before any decoder sees the bytes, the frame
 * header is read here and must announce exactly the rectangle's size, so a small JPEG that claims
 * to be 60000x60000 pixels never reaches an allocation.
 */
import { ScreenFormatError } from '../../protocol/screen/screen-format-error';

export interface JpegDecoder {
  /** Decodes a JPEG known to be `width` x `height` into RGBA (width*height*4 bytes). */
  decode(jpeg: Uint8Array, width: number, height: number): Promise<Uint8Array | Uint8ClampedArray>;
}

const MARKER_SOI = 0xd8;
const MARKER_EOI = 0xd9;
const MARKER_SOS = 0xda;
/** Start-of-frame markers that carry the image size (baseline, extended, progressive). */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2]);

/** The size a JPEG's frame header announces; throws `bad_jpeg` when there is none. */
export function jpegSize(jpeg: Uint8Array): { width: number; height: number } {
  if (jpeg.byteLength < 4 || jpeg[0] !== 0xff || jpeg[1] !== MARKER_SOI) {
    throw new ScreenFormatError('bad_jpeg', 'not a JPEG');
  }
  let o = 2;
  while (o + 4 <= jpeg.byteLength) {
    if (jpeg[o] !== 0xff) throw new ScreenFormatError('bad_jpeg', 'bad JPEG marker');
    const marker = jpeg[o + 1]!;
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    if (marker === MARKER_EOI || marker === MARKER_SOS) break;
    const length = (jpeg[o + 2]! << 8) | jpeg[o + 3]!;
    if (length < 2) throw new ScreenFormatError('bad_jpeg', 'bad JPEG segment length');
    if (SOF_MARKERS.has(marker)) {
      if (o + 9 > jpeg.byteLength) break;
      return { height: (jpeg[o + 5]! << 8) | jpeg[o + 6]!, width: (jpeg[o + 7]! << 8) | jpeg[o + 8]! };
    }
    o += 2 + length;
  }
  throw new ScreenFormatError('bad_jpeg', 'JPEG without a frame header');
}
