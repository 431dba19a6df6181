/**
 * Bilinear stretch of an RGBA block into a rectangle of the framebuffer, for JPEG_SCALED
 * (protocol/screen/screen-message.ts): the helper codes a playing video at a reduced scale and
 * the viewer stretches it back. Pixel centres are aligned (the source pixel (i + 0.5) * sw / w -
 * 0.5 under destination pixel i), weights in 1/256ths so the loops stay in integers. Separable:
 * each destination row first blends its two source rows (once per distinct row, reused while
 * consecutive destination rows sample the same), then blends along the row.
 */

/** For each destination index, the first source index and the weight of the next one, 0-256. */
function samples(src: number, dst: number): { index: Int32Array; weight: Int32Array } {
  const index = new Int32Array(dst);
  const weight = new Int32Array(dst);
  const ratio = src / dst;
  for (let i = 0; i < dst; i++) {
    const at = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), src - 1);
    const i0 = Math.min(Math.floor(at), Math.max(src - 2, 0));
    index[i] = i0;
    weight[i] = src > 1 ? Math.round((at - i0) * 256) : 0;
  }
  return { index, weight };
}

/**
 * Writes `src` (RGBA, sw x sh) stretched to w x h at (x, y) of `dst` (RGBA rows of `dstWidth`
 * pixels). The caller has checked that the rectangle lies inside `dst` and that sw <= w, sh <= h.
 */
export function stretchRgba(
  src: Uint8Array | Uint8ClampedArray,
  sw: number,
  sh: number,
  dst: Uint8ClampedArray,
  dstWidth: number,
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  const cols = samples(sw, w);
  const rows = samples(sh, h);
  const down = sh > 1 ? sw * 4 : 0;
  // One source row blended vertically, 3 components per pixel, in 1/256ths.
  const line = new Int32Array(sw * 3 + 3);
  let lineRow = -1;
  let lineWeight = -1;
  // Horizontal taps: component offsets into `line` and weights.
  const tap = new Int32Array(w);
  for (let i = 0; i < w; i++) tap[i] = cols.index[i]! * 3;
  const next = sw > 1 ? 3 : 0;
  for (let j = 0; j < h; j++) {
    const r = rows.index[j]!;
    const wy = rows.weight[j]!;
    if (r !== lineRow || wy !== lineWeight) {
      let p = r * sw * 4;
      for (let i = 0, q = 0; i < sw; i++, p += 4) {
        for (let c = 0; c < 3; c++, q++) {
          const a = src[p + c]!;
          line[q] = a * 256 + (src[p + down + c]! - a) * wy;
        }
      }
      lineRow = r;
      lineWeight = wy;
    }
    let o = ((y + j) * dstWidth + x) * 4;
    for (let i = 0; i < w; i++) {
      const q = tap[i]!;
      const wx = cols.weight[i]!;
      for (let c = 0; c < 3; c++) {
        const a = line[q + c]!;
        dst[o + c] = (a * 256 + (line[q + next + c]! - a) * wx + 32768) >> 16;
      }
      dst[o + 3] = 255;
      o += 4;
    }
  }
}
