/**
 * 32-bit views of BGRX pixel buffers. Comparing and hashing whole pixels as u32 is 4x fewer
 * operations than bytes; a u32 view needs 4-byte alignment, so an unaligned capture (rare: SHM
 * and xwd buffers are aligned) is copied once into a reused scratch buffer.
 */
import type { PixelBuffer } from '../platform/types';

export interface PixelView {
  width: number;
  height: number;
  /** Row pitch in pixels (u32 words). */
  pitch: number;
  /**
   * Added to `y * pitch + x` to find a pixel: 0 for a full frame; for a partial capture whose
   * top-left is (ox, oy) in the stream's coordinates, -(oy * pitch + ox), so callers keep using
   * stream coordinates (and touch only pixels inside the capture).
   */
  offset: number;
  u32: Uint32Array;
  /** The same memory as a Node Buffer, for native memcmp via Buffer#compare. */
  bytes: Buffer;
}

export class PixelViewer {
  private scratch: Uint8Array | null = null;

  /** A view of `pb`, whose top-left pixel is at `origin` in the stream's coordinates. */
  view(pb: PixelBuffer, origin: { x: number; y: number } = { x: 0, y: 0 }): PixelView {
    if (pb.stride % 4 !== 0) throw new RangeError(`stride ${pb.stride} is not whole pixels`);
    if (pb.data.byteLength < pb.stride * (pb.height - 1) + pb.width * 4)
      throw new RangeError('pixel buffer too small');
    let data = pb.data;
    if (data.byteOffset % 4 !== 0) {
      if (this.scratch === null || this.scratch.byteLength < data.byteLength)
        this.scratch = new Uint8Array(data.byteLength);
      this.scratch.set(data);
      data = this.scratch.subarray(0, data.byteLength);
    }
    return {
      width: pb.width,
      height: pb.height,
      pitch: pb.stride / 4,
      offset: -(origin.y * (pb.stride / 4) + origin.x),
      u32: new Uint32Array(data.buffer, data.byteOffset, Math.floor(data.byteLength / 4)),
      bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    };
  }
}
