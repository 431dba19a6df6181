/**
 * Reads the output of `xwd -root -silent` (X Window Dump: a big-endian header, a colour table,
 * then the pixels) into B,G,R bytes per pixel, so tests can compare our capture with an
 * independent X client's. Only the 32-bits-per-pixel TrueColor dumps Xvfb produces are handled.
 */
export interface XwdImage {
  width: number;
  height: number;
  /** width*height*3 bytes, B,G,R */
  bgr: Uint8Array;
}

export function parseXwd(file: Buffer): XwdImage {
  const field = (i: number) => file.readUInt32BE(i * 4);
  const headerSize = field(0);
  const width = field(4);
  const height = field(5);
  const byteOrder = field(7); // 0 LSBFirst, 1 MSBFirst
  const bitsPerPixel = field(11);
  const bytesPerLine = field(12);
  const ncolors = field(19);
  if (bitsPerPixel !== 32) throw new Error(`xwd: ${bitsPerPixel} bits per pixel not handled`);
  const start = headerSize + ncolors * 12;
  const bgr = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = start + y * bytesPerLine + x * 4;
      const px = byteOrder === 0 ? file.readUInt32LE(o) : file.readUInt32BE(o);
      const d = (y * width + x) * 3;
      bgr[d] = px & 0xff;
      bgr[d + 1] = (px >>> 8) & 0xff;
      bgr[d + 2] = (px >>> 16) & 0xff;
    }
  }
  return { width, height, bgr };
}
