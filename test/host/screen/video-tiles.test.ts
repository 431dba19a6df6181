import { describe, expect, it } from 'vitest';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { UpdateEncoder } from '../../../host/screen/update-encoder';
import { VideoTiles } from '../../../host/screen/video-tiles';
import { parseScreenMessage } from '../../../protocol/screen';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { blank, rng, setPixel, text } from './synthetic';

const LOSSY = { lossy: true, jpegQuality: 70 };

/** A grainy frame of a video: a flat colour with noise, 30-60 colours per tile (a palette would fit). */
function grain(pb: PixelBuffer, r: Rect, seed: number): void {
  const rand = rng(seed);
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) {
      const v = 100 + Math.floor(rand() * 40);
      setPixel(pb, x, y, (v << 16) | (v << 8) | (v + 10));
    }
}

async function opsOf(enc: UpdateEncoder, f: PixelBuffer, damage: Rect[], now: number): Promise<string[]> {
  const r = await enc.encode(f, damage, LOSSY, { now });
  const ops: string[] = [];
  for (const m of r.messages) {
    const p = parseScreenMessage(m, { width: f.width, height: f.height });
    if (p.kind === 'update') ops.push(...p.ops.map((o) => o.op));
  }
  return ops;
}

describe('VideoTiles', () => {
  it('calls a tile video after three rich changes in a row, and forgets it after a pause or plain content', () => {
    const v = new VideoTiles(256, 256);
    v.changed(70, 70, true, 0);
    v.changed(70, 70, true, 40);
    expect(v.isVideo(70, 70, 40)).toBe(false);
    v.changed(70, 70, true, 80);
    expect(v.isVideo(64, 64, 80)).toBe(true);
    expect(v.isVideo(10, 10, 80)).toBe(false);
    expect(v.isVideo(70, 70, 5000)).toBe(false); // stopped playing
    v.changed(70, 70, true, 5040);
    expect(v.isVideo(70, 70, 5040)).toBe(false); // a new run starts
    v.changed(70, 70, false, 5080);
    expect(v.isVideo(70, 70, 5080)).toBe(false);
  });

  it('sends a playing video as JPEG once found, and a terminal that keeps changing stays lossless', async () => {
    const f = blank(512, 256, 0x000000);
    const area = { x: 0, y: 0, width: 256, height: 256 };
    const term = { x: 256, y: 0, width: 256, height: 256 };
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    enc.reset(512, 256);
    await enc.encode(f, null, LOSSY, { now: 0 });
    const seen: string[][] = [];
    for (let i = 1; i <= 5; i++) {
      grain(f, area, i);
      text(f, term, 100 + i);
      seen.push(await opsOf(enc, f, [area, term], i * 40));
    }
    // Grainy frames fit palettes at first (lossless); from the fourth frame on the video is JPEG.
    expect(seen[0]).not.toContain('jpeg');
    expect(seen[3]).toContain('jpeg');
    expect(seen[4]).toContain('jpeg');
    // The terminal's 2-colour text is still palettes next to it.
    expect(seen[4]).toContain('palette');
  });

  it('never calls typing video, however many colours its anti-aliased glyphs have', async () => {
    const f = blank(256, 128, 0xffffff);
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    enc.reset(256, 128);
    await enc.encode(f, null, LOSSY, { now: 0 });
    for (let i = 1; i <= 8; i++) {
      const glyph = { x: 8 + i * 9, y: 20, width: 9, height: 16 };
      grain(f, glyph, i); // ~40 grey levels, like an anti-aliased glyph
      expect(await opsOf(enc, f, [glyph], i * 100)).toEqual(['palette']);
    }
  });
});
