/**
 * The sharer's JpegEncoder in Node tests: libjpeg-turbo on the RGBA block (the share page uses
 * the browser's canvas encoder, which is libjpeg-turbo too in Chromium).
 */
import jpegTurbo from '@julusian/jpeg-turbo';
import type { JpegEncoder } from '../../../../ui/share/picture-encoder';

export class TurboJpegEncoder implements JpegEncoder {
  calls = 0;

  encode(rgba: Uint8ClampedArray, w: number, h: number, quality: number): Promise<Uint8Array> {
    this.calls++;
    const out = jpegTurbo.compressSync(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
      format: jpegTurbo.FORMAT_RGBA,
      width: w,
      height: h,
      quality: Math.round(quality * 100),
      subsampling: jpegTurbo.SAMP_420,
    });
    return Promise.resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  }
}
