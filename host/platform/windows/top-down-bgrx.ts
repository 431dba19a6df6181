/**
 * The BITMAPINFO that asks GetDIBits for 32-bit, top-down (negative height), uncompressed rows:
 * bytes B,G,R,X, `width * 4` bytes a row, which is the PixelBuffer layout. Shared by the screen
 * capture and the cursor reader.
 */
import { win32 } from './win32';

const BI_RGB = 0;
/** Entries of the colour table GetDIBits may fill for some source bitmaps. */
const COLOR_TABLE_ENTRIES = 256;

export function topDownBgrx(width: number, height: number): object {
  const { koffi, types } = win32();
  return {
    bmiHeader: {
      biSize: koffi.sizeof(types.BITMAPINFOHEADER),
      biWidth: width,
      biHeight: -height,
      biPlanes: 1,
      biBitCount: 32,
      biCompression: BI_RGB,
      biSizeImage: 0,
      biXPelsPerMeter: 0,
      biYPelsPerMeter: 0,
      biClrUsed: 0,
      biClrImportant: 0,
    },
    bmiColors: new Array<number>(COLOR_TABLE_ENTRIES).fill(0),
  };
}
