/**
 * Test/benchmark-only X capture: runs `xwd -root` on a display and parses the XWD file into a
 * BGRX PixelBuffer. It is the independent "ground truth" the reference decoder's reconstruction is
 * compared with (a different code path from the helper's own capture), and a stand-in
 * ScreenSource for the benchmark until the X11 implementation lands. Slow (a full GetImage through
 * a process), so never used in the helper itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { PixelBuffer } from '../../../host/platform/types';

/** XWD header fields are 32-bit big-endian words; the ones we read, by index. */
const XWD = {
  headerSize: 0,
  version: 1,
  pixmapFormat: 2,
  pixmapDepth: 3,
  width: 4,
  height: 5,
  byteOrder: 7,
  bitsPerPixel: 11,
  bytesPerLine: 12,
  ncolors: 19,
} as const;
const XWD_VERSION = 7;
const ZPIXMAP = 2;
const COLOR_ENTRY_BYTES = 12;

/** Parses an XWD dump of a 24/32-bit ZPixmap into a BGRX buffer (copies, tightly packed). */
export function parseXwd(file: Uint8Array): PixelBuffer {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const word = (i: number) => view.getUint32(i * 4, false);
  if (file.byteLength < 100 || word(XWD.version) !== XWD_VERSION) throw new Error('not an XWD v7 file');
  const bpp = word(XWD.bitsPerPixel);
  if (word(XWD.pixmapFormat) !== ZPIXMAP || (bpp !== 32 && bpp !== 24)) {
    throw new Error(`unsupported XWD: format ${word(XWD.pixmapFormat)}, ${bpp} bpp`);
  }
  const width = word(XWD.width);
  const height = word(XWD.height);
  const bpl = word(XWD.bytesPerLine);
  const lsbFirst = word(XWD.byteOrder) === 0;
  const start = word(XWD.headerSize) + word(XWD.ncolors) * COLOR_ENTRY_BYTES;
  if (start + bpl * height > file.byteLength) throw new Error('XWD file truncated');
  const data = new Uint8Array(width * height * 4);
  const bytesPerPixel = bpp / 8;
  for (let y = 0; y < height; y++) {
    const src = file.subarray(start + y * bpl, start + y * bpl + width * bytesPerPixel);
    if (bytesPerPixel === 3) {
      // Packed 24-bit pixels (xwd picks this for some windows' visuals): B, G, R when LSB first.
      for (let x = 0; x < width; x++) {
        const s = x * 3;
        const d = y * width * 4 + x * 4;
        data[d] = src[lsbFirst ? s : s + 2]!;
        data[d + 1] = src[s + 1]!;
        data[d + 2] = src[lsbFirst ? s + 2 : s]!;
        data[d + 3] = 0;
      }
    } else if (lsbFirst) data.set(src, y * width * 4);
    else {
      for (let x = 0; x < width; x++) {
        const s = x * 4;
        const d = y * width * 4 + s;
        data[d] = src[s + 3]!;
        data[d + 1] = src[s + 2]!;
        data[d + 2] = src[s + 1]!;
        data[d + 3] = 0;
      }
    }
  }
  return { width, height, stride: width * 4, data };
}

/**
 * Tries of one capture: with windows of other visuals on the screen (Wine's layered windows are
 * 32-bit ARGB), xwd reads each such window apart, and one destroyed meanwhile fails the whole read
 * with BadDrawable or BadWindow; the next read no longer sees it.
 */
const XWD_TRIES = 3;
const WINDOW_GONE = /BadDrawable|BadWindow/;

/** Captures the whole root window of `display` with xwd. */
export function xwdCapture(display: string): PixelBuffer {
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync('xwd', ['-root', '-silent'], {
      env: { ...process.env, DISPLAY: display },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 20_000,
    });
    if (r.status === 0) {
      return parseXwd(new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength));
    }
    const err = r.stderr?.toString() ?? '';
    if (attempt >= XWD_TRIES || !WINDOW_GONE.test(err)) throw new Error(`xwd failed (${r.status}): ${err}`);
  }
}

/**
 * The same capture without blocking the event loop: for a test whose encoder runs in this process
 * (a synchronous xwd stalls it for the whole capture, 0.5-1 s on a loaded machine).
 */
export function xwdCaptureAsync(display: string): Promise<PixelBuffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('xwd', ['-root', '-silent'], {
      env: { ...process.env, DISPLAY: display },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`xwd failed (${code}): ${err}`));
      const file = Buffer.concat(out);
      try {
        resolve(parseXwd(new Uint8Array(file.buffer, file.byteOffset, file.byteLength)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
