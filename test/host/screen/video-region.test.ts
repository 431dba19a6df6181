import { describe, expect, it } from 'vitest';
import { FlowControl } from '../../../host/screen/flow-control';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { UpdateEncoder, LOSSLESS_REFRESH_IDLE_MS } from '../../../host/screen/update-encoder';
import { REGION_IDLE_MS, VideoRegion } from '../../../host/screen/video-region';
import { VIDEO_SCALES, VIDEO_STEP_UP_AFTER_MS, VideoScale } from '../../../host/screen/video-scale';
import { parseScreenMessage, type ScreenOperation } from '../../../protocol/screen';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { blank, countDiff, rng, setPixel, text } from './synthetic';

const LOSSY = { lossy: true, jpegQuality: 70 };
const VIDEO: Rect = { x: 64, y: 32, width: 320, height: 240 };

/** A frame of a grainy moving picture: many colours in every tile, all of them changing. */
function videoFrame(pb: PixelBuffer, r: Rect, seed: number): void {
  const rand = rng(seed);
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) {
      const base = ((x + seed * 7) * 3 + y * 2) & 255;
      const v = Math.min(255, base + Math.floor(rand() * 24));
      setPixel(pb, x, y, (v << 16) | ((255 - v) << 8) | ((v * 3) & 255));
    }
}

function opsOf(messages: Uint8Array[], size: { width: number; height: number }): ScreenOperation[] {
  const ops: ScreenOperation[] = [];
  for (const m of messages) {
    const p = parseScreenMessage(m, size);
    if (p.kind === 'update') ops.push(...p.ops);
  }
  return ops;
}

/** Every rectangle lies on video tiles. */
const ALWAYS = (r: Rect): Rect => r;

describe('VideoRegion', () => {
  it('takes a large, mostly changed area on video tiles as the region, and drops it once still', () => {
    const v = new VideoRegion();
    v.observe(
      [
        { x: 0, y: 0, width: 320, height: 120 },
        { x: 0, y: 120, width: 320, height: 120 },
      ],
      ALWAYS,
      0,
    );
    expect(v.current(0)).toEqual({ x: 0, y: 0, width: 320, height: 240 });
    v.played(REGION_IDLE_MS - 10);
    expect(v.current(REGION_IDLE_MS)).not.toBeNull();
    expect(v.current(2 * REGION_IDLE_MS)).toBeNull(); // no change for REGION_IDLE_MS
  });

  it('ignores small animations, scattered changes and rectangles off video tiles', () => {
    const v = new VideoRegion();
    v.observe([{ x: 0, y: 0, width: 100, height: 100 }], ALWAYS, 0); // under REGION_MIN_PIXELS
    expect(v.current(0)).toBeNull();
    // Two 150x150 changes at opposite corners of 1000x1000: the box is mostly unchanged.
    v.observe(
      [
        { x: 0, y: 0, width: 150, height: 150 },
        { x: 850, y: 850, width: 150, height: 150 },
      ],
      ALWAYS,
      0,
    );
    expect(v.current(0)).toBeNull();
    v.observe([{ x: 0, y: 0, width: 320, height: 240 }], () => null, 0); // not video tiles
    expect(v.current(0)).toBeNull();
    // A rectangle from a video on into a terminal beside it: only its video part counts.
    v.observe([{ x: 0, y: 0, width: 640, height: 240 }], (r) => ({ ...r, width: 320 }), 0);
    expect(v.current(0)).toEqual({ x: 0, y: 0, width: 320, height: 240 });
    v.clear();
    expect(v.current(0)).toBeNull();
  });

  it('grows to the rest of the video as it changes', () => {
    const v = new VideoRegion();
    v.observe([{ x: 0, y: 0, width: 320, height: 240 }], ALWAYS, 0);
    v.observe([{ x: 0, y: 200, width: 320, height: 100 }], ALWAYS, 40);
    expect(v.current(40)).toEqual({ x: 0, y: 0, width: 320, height: 300 });
  });
});

describe('VideoScale', () => {
  it('steps down when updates wait for the window, and back up after a clear stretch', () => {
    const s = new VideoScale(0);
    expect(s.scale).toBe(1);
    s.beforeFrame(true, 100);
    expect(s.scale).toBe(VIDEO_SCALES[1]);
    s.beforeFrame(true, 150); // too soon after the last step down
    expect(s.scale).toBe(VIDEO_SCALES[1]);
    s.beforeFrame(false, 150 + VIDEO_STEP_UP_AFTER_MS - 10);
    expect(s.scale).toBe(VIDEO_SCALES[1]);
    s.beforeFrame(false, 150 + VIDEO_STEP_UP_AFTER_MS);
    expect(s.scale).toBe(1);
  });

  it('steps down at most to the smallest scale, then says the frame cannot get smaller', () => {
    const s = new VideoScale(0);
    for (let i = 1; i <= VIDEO_SCALES.length + 2; i++) s.beforeFrame(true, i * 1000);
    expect(s.scale).toBe(VIDEO_SCALES[VIDEO_SCALES.length - 1]);
    expect(s.size(1280, 720)).toEqual({ width: 320, height: 180 });
    expect(s.tooLarge()).toBe(false);
  });
});

describe('FlowControl with a floor', () => {
  it('lets an update start under a floor above the window, and only then', () => {
    const flow = new FlowControl(16 * 1024);
    flow.onSent(1, 20 * 1024, 0);
    expect(flow.canSend()).toBe(false);
    expect(flow.canSend(3 * 14 * 1024)).toBe(true);
    flow.onSent(2, 30 * 1024, 1);
    expect(flow.canSend(3 * 14 * 1024)).toBe(false);
  });
});

describe('UpdateEncoder with a playing video', () => {
  it('sends the video as one JPEG per frame once found, scaled when the link is slow, and exact once it stops', async () => {
    const f = blank(448, 320, 0x202428);
    const doc = { x: 0, y: 288, width: 448, height: 32 };
    text(f, doc, 1);
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    const size = { width: f.width, height: f.height };
    await dec.apply(enc.reset(f.width, f.height));
    for (const m of (await enc.encode(f, null, LOSSY, { now: 0 })).messages) await dec.apply(m);
    const frames: ScreenOperation[][] = [];
    const asVideo: number[] = [];
    let now = 0;
    for (let i = 1; i <= 8; i++) {
      now = i * 40;
      videoFrame(f, VIDEO, i);
      // From the sixth frame on, the link is slow and updates wait for the window.
      const slow = i >= 6;
      const r = await enc.encode(f, [VIDEO], LOSSY, { now, waited: slow });
      for (const m of r.messages) await dec.apply(m);
      frames.push(opsOf(r.messages, size));
      asVideo.push(r.counters.videoFrames);
    }
    // The first frames go through the tile classification; once the region is known, one JPEG
    // of the whole region per frame.
    expect(asVideo).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(enc.videoRegion(now)).toEqual(VIDEO);
    // While it plays, the screen encoder keeps a few of its frames in flight whatever the window.
    expect(enc.videoFrameBytes(now)).toBeGreaterThan(0);
    const whole = frames[4]!;
    expect(whole).toHaveLength(1);
    expect(whole[0]).toMatchObject({ op: 'jpeg', x: VIDEO.x, y: VIDEO.y, w: VIDEO.width, h: VIDEO.height });
    const scaled = frames[7]![0]!;
    expect(frames[7]).toHaveLength(1);
    expect(scaled.op).toBe('jpegScaled');
    if (scaled.op !== 'jpegScaled') return;
    expect(scaled.sw).toBeLessThan(VIDEO.width);
    expect(scaled.sh).toBeLessThan(VIDEO.height);
    // The viewer shows the scaled frame stretched over the whole region: close to the source.
    const fb = dec.framebuffer!;
    let err = 0;
    for (let y = VIDEO.y; y < VIDEO.y + VIDEO.height; y++)
      for (let x = VIDEO.x; x < VIDEO.x + VIDEO.width; x++) {
        const o = y * f.stride + x * 4;
        err += Math.abs(fb.data[(y * f.width + x) * 4 + 1]! - f.data[o + 1]!);
      }
    expect(err / (VIDEO.width * VIDEO.height)).toBeLessThan(24);
    expect(countDiff(f, fb.data, doc)).toBe(0); // the text below is untouched and exact
    // An unchanged frame sends nothing; once still, the refresh makes the picture exact.
    expect((await enc.encode(f, [VIDEO], LOSSY, { now: now + 40 })).messages).toEqual([]);
    const still = now + LOSSLESS_REFRESH_IDLE_MS + 1;
    expect(enc.refreshDueAt()).not.toBeNull();
    for (const m of (await enc.encode(f, [], LOSSY, { now: still, refresh: true })).messages)
      await dec.apply(m);
    expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
    expect(enc.videoRegion(still)).toBeNull();
    expect(enc.videoFrameBytes(still)).toBe(0);
  });

  it('codes a video region losslessly tile by tile in lossless mode', async () => {
    const f = blank(448, 320);
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    enc.reset(f.width, f.height);
    await enc.encode(f, null, LOSSY, { now: 0 });
    for (let i = 1; i <= 6; i++) {
      videoFrame(f, VIDEO, i);
      await enc.encode(f, [VIDEO], LOSSY, { now: i * 40 });
    }
    expect(enc.videoRegion(240)).not.toBeNull();
    videoFrame(f, VIDEO, 7);
    const ops = opsOf(
      (await enc.encode(f, [VIDEO], { lossy: false, jpegQuality: 95 }, { now: 280 })).messages,
      f,
    );
    expect(ops.some((o) => o.op === 'jpeg' || o.op === 'jpegScaled')).toBe(false);
  });
});
