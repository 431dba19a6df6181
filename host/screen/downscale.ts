/**
 * Box-filter reduction of a rectangle of a BGRX view, for a video region coded at a reduced scale
 * (video-frame-coder.ts): each output pixel is the mean of up to SAMPLES_PER_SIDE x
 * SAMPLES_PER_SIDE source pixels spread over its footprint (all of them at scales from 1/2 up),
 * so a grainy video shrinks with little aliasing, at a cost bounded by the output's size: reading
 * every pixel of a 1280x720 frame for a 1/4 scale cost 7.7 ms per frame in JS on the video
 * benchmark, the largest item of the helper's profile. Output: packed BGRX words, `sw` x `sh`.
 */
import type { Rect } from '../platform/types';
import type { PixelView } from './pixel-view';

/** Most source pixels averaged per side of an output pixel. */
const SAMPLES_PER_SIDE = 2;

/**
 * For each output index, the source indices it averages: `count[i]` of them from `first[i]`,
 * `step[i]` apart, spread over its footprint [floor(i * src / dst), floor((i + 1) * src / dst)).
 */
function footprints(src: number, dst: number): { first: Int32Array; count: Int32Array; step: Int32Array } {
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  const step = new Int32Array(dst);
  for (let i = 0; i < dst; i++) {
    const a = Math.floor((i * src) / dst);
    const n = Math.max(1, Math.floor(((i + 1) * src) / dst) - a);
    const k = Math.min(n, SAMPLES_PER_SIDE);
    count[i] = k;
    step[i] = k > 1 ? Math.floor(n / k) : 1;
    first[i] = a + Math.floor((n - step[i]! * (k - 1)) / 2);
  }
  return { first, count, step };
}

/**
 * Writes `rect` of `view` reduced to `sw` x `sh` (1 <= sw <= rect.width, 1 <= sh <= rect.height)
 * into `out` (at least sw * sh words), row after row.
 */
export function downscaleBgrx(view: PixelView, rect: Rect, sw: number, sh: number, out: Uint32Array): void {
  if (!(sw >= 1 && sh >= 1 && sw <= rect.width && sh <= rect.height) || out.length < sw * sh)
    throw new RangeError(`cannot reduce ${rect.width}x${rect.height} to ${sw}x${sh}`);
  const xs = footprints(rect.width, sw);
  const ys = footprints(rect.height, sh);
  const red = new Uint32Array(sw);
  const green = new Uint32Array(sw);
  const blue = new Uint32Array(sw);
  const u32 = view.u32;
  for (let j = 0; j < sh; j++) {
    red.fill(0);
    green.fill(0);
    blue.fill(0);
    const rowsUsed = ys.count[j]!;
    for (let k = 0; k < rowsUsed; k++) {
      const row = (rect.y + ys.first[j]! + k * ys.step[j]!) * view.pitch + view.offset + rect.x;
      for (let i = 0; i < sw; i++) {
        let r = 0;
        let g = 0;
        let b = 0;
        const n = xs.count[i]!;
        const st = xs.step[i]!;
        let x = xs.first[i]!;
        for (let c = 0; c < n; c++, x += st) {
          const p = u32[row + x]!;
          b += p & 255;
          g += (p >>> 8) & 255;
          r += (p >>> 16) & 255;
        }
        red[i]! += r;
        green[i]! += g;
        blue[i]! += b;
      }
    }
    const o = j * sw;
    for (let i = 0; i < sw; i++) {
      const n = xs.count[i]! * rowsUsed;
      const half = n >> 1;
      out[o + i] = (((red[i]! + half) / n) << 16) | (((green[i]! + half) / n) << 8) | ((blue[i]! + half) / n);
    }
  }
}
