/**
 * Codes a playing video region (video-region.ts) as one JPEG per frame: no change scan, palette
 * attempts or tile classification inside it (on the video benchmark those cost more CPU than the
 * JPEG itself), and at a reduced scale when the link cannot carry full-size frames at a watchable
 * rate (video-scale.ts): JPEG_SCALED, stretched back by the viewer. The region is lossy while it
 * plays; the lossless refresh of still JPEG areas makes it exact once it stops.
 */
import type { Rect } from '../platform/types';
import { downscaleBgrx } from './downscale';
import type { JpegEncoder } from './jpeg-encoder';
import type { MessageBuilder } from './message-builder';
import type { PixelView } from './pixel-view';
import { VideoScale } from './video-scale';

/**
 * Largest JPEG of one frame, in bytes: well under a message (SCREEN_MESSAGE_MAX_BYTES, ~1 MiB).
 * A larger one is not sent: the scale steps down and the frame goes tile by tile this time.
 */
export const VIDEO_JPEG_MAX_BYTES = 768 * 1024;

export interface VideoFrameContext {
  jpegQuality: number;
  /** This update had to wait for the flow-control window. */
  waited: boolean;
  now: number;
}

export class VideoFrameCoder {
  private readonly scaleValue: VideoScale;
  private scaledValue = false;
  private lastBytes = 0;
  private scratch = new Uint32Array(0);
  private scratchBytes = Buffer.alloc(0);

  constructor(
    private readonly jpeg: JpegEncoder,
    now: number,
  ) {
    this.scaleValue = new VideoScale(now);
  }

  /** Bytes of the last frame's JPEG. */
  get lastFrameBytes(): number {
    return this.lastBytes;
  }

  /** Whether the last frame sent was coded at a reduced scale. */
  get lastScaled(): boolean {
    return this.scaledValue;
  }

  /** The scale the next frame is coded at (per side). */
  get scale(): number {
    return this.scaleValue.scale;
  }

  /** Adds `region` of `view` to `out` as one JPEG (scaled or not); false when it was too large to send. */
  async emit(view: PixelView, region: Rect, out: MessageBuilder, ctx: VideoFrameContext): Promise<boolean> {
    const scale = this.scaleValue;
    scale.beforeFrame(ctx.waited, ctx.now);
    const size = scale.size(region.width, region.height);
    const full = size.width === region.width && size.height === region.height;
    let data: Uint8Array;
    if (full) data = this.jpeg.encode(view, region, ctx.jpegQuality);
    else {
      const pixels = size.width * size.height;
      if (this.scratch.length < pixels) {
        this.scratchBytes = Buffer.alloc(pixels * 4);
        this.scratch = new Uint32Array(this.scratchBytes.buffer, this.scratchBytes.byteOffset, pixels);
      }
      downscaleBgrx(view, region, size.width, size.height, this.scratch);
      const small: PixelView = {
        width: size.width,
        height: size.height,
        pitch: size.width,
        offset: 0,
        u32: this.scratch,
        bytes: this.scratchBytes,
      };
      data = this.jpeg.encode(small, { x: 0, y: 0, width: size.width, height: size.height }, ctx.jpegQuality);
    }
    if (data.byteLength > VIDEO_JPEG_MAX_BYTES) {
      scale.tooLarge();
      return false;
    }
    this.scaledValue = !full;
    this.lastBytes = data.byteLength;
    const rect = { x: region.x, y: region.y, w: region.width, h: region.height };
    if (full) await out.add({ op: 'jpeg', ...rect, data });
    else await out.add({ op: 'jpegScaled', ...rect, sw: size.width, sh: size.height, data });
    return true;
  }
}
