/**
 * One persistent raw-deflate stream per viewer (zlib, from RESET to RESET). Each call compresses
 * one message's lossless section and ends it with Z_SYNC_FLUSH, so the viewer's single inflate
 * stream can decode it at once while later messages still match against everything sent before
 * (a glyph typed again costs a back-reference, not its pixels).
 *
 * Contract: `compress` calls must not overlap, and the input buffer must stay untouched until the
 * returned promise settles (zlib reads it asynchronously).
 */
import zlib from 'node:zlib';

/**
 * zlib level for screen data. Measured on a 1080p frame of a full xterm (2 colours, 1-bit
 * indices): level 6 15.5 KB, level 9 14.7 KB (x0vncserver's ZRLE: 16.4 KB); on 8-bit indices
 * (anti-aliased text) level 9 is about half the size of level 6. Updates are small except full
 * frames, so the extra time (a few ms per full frame) buys bytes on every link.
 */
export const DEFLATE_LEVEL = 9;

export class DeflateStream {
  private readonly z: zlib.DeflateRaw;
  private readonly chunks: Buffer[] = [];
  private failure: Error | null = null;

  constructor(level = DEFLATE_LEVEL) {
    this.z = zlib.createDeflateRaw({ level, windowBits: 15, memLevel: 9 });
    this.z.on('data', (c: Buffer) => this.chunks.push(c));
    this.z.on('error', (e: Error) => (this.failure = e));
  }

  async compress(data: Uint8Array): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    this.z.write(data);
    await new Promise<void>((resolve) => this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    if (this.failure) throw this.failure;
    const out = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return out;
  }

  close(): void {
    this.z.close();
  }
}
