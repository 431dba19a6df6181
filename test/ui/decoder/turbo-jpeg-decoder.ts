/**
 * The JpegDecoder the reference decoder uses in Node tests and benchmarks: libjpeg-turbo, the
 * same library family browsers use, so lossy areas decode as a viewer would see them.
 */
import jpegTurbo from '@julusian/jpeg-turbo';
import type { JpegDecoder } from '../../../ui/decoder/jpeg-decoder';

export class TurboJpegDecoder implements JpegDecoder {
  calls = 0;

  decode(jpeg: Uint8Array, width: number, height: number): Promise<Uint8Array> {
    this.calls++;
    const out = jpegTurbo.decompressSync(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), {
      format: jpegTurbo.FORMAT_RGBA,
    });
    if (out.width !== width || out.height !== height) throw new Error('JPEG size mismatch');
    return Promise.resolve(new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  }
}
