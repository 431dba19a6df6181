import { describe, expect, it } from 'vitest';
import { parseScreenMessage } from '../../../protocol/screen';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { UpdateEncoder } from '../../../host/screen/update-encoder';
import type { EncodeQuality } from '../../../host/screen/rect-encoder';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { deflateRawSync } from 'node:zlib';
import {
  blank,
  clone,
  copyRect,
  countDiff,
  fill,
  getPixel,
  photo,
  scrollUp,
  setPixel,
  text,
} from './synthetic';

const LOSSY: EncodeQuality = { lossy: true, jpegQuality: 70 };
const LOSSLESS: EncodeQuality = { lossy: false, jpegQuality: 70 };

/** An encoder and a decoder connected directly, with the bytes and operations of each update. */
async function pair(first: PixelBuffer, quality = LOSSY) {
  const enc = new UpdateEncoder(new TurboJpegEncoder());
  const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  await dec.apply(enc.reset(first.width, first.height));
  const lossy: Rect[] = [];
  const send = async (
    frame: PixelBuffer,
    damage: Rect[] | null = null,
    q = quality,
    options: { now?: number; refresh?: boolean } = {},
  ) => {
    const result = await enc.encode(frame, damage, q, { now: 0, ...options });
    let bytes = 0;
    const ops: string[] = [];
    for (const m of result.messages) {
      bytes += m.byteLength;
      const parsed = parseScreenMessage(m, dec.framebuffer);
      if (parsed.kind === 'update') ops.push(...parsed.ops.map((o) => o.op));
      await dec.apply(m);
    }
    lossy.push(...result.lossy);
    return { bytes, ops, result };
  };
  const initial = await send(first);
  return { enc, dec, send, lossy, initial };
}

describe('UpdateEncoder -> ScreenDecoder round trip', () => {
  it('reconstructs a text-like desktop exactly, as palette operations', async () => {
    const f = blank(640, 480);
    text(f, { x: 20, y: 20, width: 600, height: 440 }, 1);
    const { dec, initial } = await pair(f);
    expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
    expect(initial.ops).not.toContain('jpeg');
    expect(initial.ops).toContain('palette');
  });

  it('sends a solid area as one fill and nothing when nothing changed', async () => {
    const f = blank(320, 200, 0x336699);
    const { dec, initial, send } = await pair(f);
    expect(initial.ops).toEqual(['fill']);
    expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
    const again = await send(clone(f));
    expect(again.bytes).toBe(0);
  });

  it('sends a small change as a small rectangle (a keystroke costs tens of bytes)', async () => {
    const f = blank(800, 600, 0x000000);
    text(f, { x: 0, y: 0, width: 800, height: 600 }, 2);
    const { dec, send } = await pair(f);
    const g = clone(f);
    fill(g, { x: 300, y: 130, width: 6, height: 13 }, 0x000000);
    for (let i = 0; i < 20; i++) setPixel(g, 300 + (i % 6), 131 + (i % 11), 0xffffff);
    const upd = await send(g, [{ x: 0, y: 0, width: 800, height: 600 }]);
    expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
    expect(upd.ops).toEqual(['palette']);
    expect(upd.bytes).toBeLessThan(80);
  });

  it('sends a terminal scroll as a COPY plus the exposed rows', async () => {
    const f = blank(800, 600, 0x000000);
    const term = { x: 10, y: 10, width: 600, height: 520 };
    text(f, term, 3);
    const { dec, send, initial } = await pair(f);
    const perLine = initial.bytes / (term.height / 13);
    let g = f;
    for (const lines of [1, 3, 7]) {
      g = clone(g);
      scrollUp(g, term, 13 * lines);
      text(
        g,
        { x: term.x, y: term.y + term.height - 13 * lines, width: term.width, height: 13 * lines },
        10 + lines,
      );
      const upd = await send(g, [term]);
      expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
      expect(upd.ops[0]).toBe('copy');
      // About the cost of the new lines alone, not of the 40 lines of the terminal.
      expect(upd.bytes).toBeLessThan(perLine * lines * 1.5 + 100);
    }
  });

  it('detects a scroll down too, and a scroll of a region that has a static border', async () => {
    const f = blank(640, 480, 0x404040);
    const page = { x: 100, y: 50, width: 400, height: 380 };
    text(f, page, 4, 0x000000, 0xffffff);
    const { dec, send } = await pair(f);
    const g = clone(f);
    // Scroll down by 40: content moves to higher y.
    copyRect(g, { x: page.x, y: page.y, width: page.width, height: page.height - 40 }, page.x, page.y + 40);
    text(g, { x: page.x, y: page.y, width: page.width, height: 40 }, 9, 0x000000, 0xffffff);
    const upd = await send(g, null);
    expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
    expect(upd.ops).toContain('copy');
  });

  it('detects a scroll of short lines whose text sits at the edge of the scrolled area', async () => {
    // `seq 1 300` in a terminal at x=21: every line's text is in its first 18 pixels, left of the
    // first whole 64-pixel cell of the area.
    const f = blank(640, 400, 0xffffff);
    const term = { x: 21, y: 21, width: 484, height: 312 };
    text(f, { x: 23, y: 23, width: 18, height: 26 * 13 - 26 }, 31, 0x000000, 0xffffff);
    const { dec, send } = await pair(f);
    const g = clone(f);
    scrollUp(g, { x: 23, y: 23, width: 480, height: 306 }, 13);
    text(g, { x: 23, y: 23 + 22 * 13, width: 18, height: 13 }, 32, 0x000000, 0xffffff);
    const upd = await send(g, [term]);
    expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
    expect(upd.ops[0]).toBe('copy');
  });

  it('reconstructs a window moved across the desktop exactly', async () => {
    const f = blank(800, 600, 0x3a6ea5);
    const win = { x: 50, y: 60, width: 300, height: 200 };
    text(f, win, 5, 0x000000, 0xf0f0f0);
    const { dec, send } = await pair(f);
    const g = blank(800, 600, 0x3a6ea5);
    text(g, { x: 200, y: 160, width: 300, height: 200 }, 5, 0x000000, 0xf0f0f0);
    await send(g, [win, { x: 200, y: 160, width: 300, height: 200 }]);
    expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
  });

  describe('dragged windows (moves with dx and dy)', () => {
    const DESK = { width: 1024, height: 700 };
    const WIN = { width: 420, height: 300 };
    /** A desktop: a solid background, a static text window, and a text window at (x, y) on top. */
    function scene(x: number, y: number): PixelBuffer {
      const f = blank(DESK.width, DESK.height, 0x3a6ea5);
      text(f, { x: 600, y: 380, width: 380, height: 260 }, 21, 0x101010, 0xf8f8f8);
      text(f, { x, y, width: WIN.width, height: WIN.height }, 22, 0x000000, 0xf0f0f0);
      fill(f, { x, y, width: WIN.width, height: 2 }, 0x2050a0); // a title bar line
      return f;
    }
    /** Damage as XDamage reports a move once coalesced: the box around the old and new places. */
    function moveDamage(from: { x: number; y: number }, to: { x: number; y: number }): Rect[] {
      const a = { ...from, ...WIN };
      const b = { ...to, ...WIN };
      const x = Math.min(a.x, b.x);
      const y = Math.min(a.y, b.y);
      return [
        {
          x,
          y,
          width: Math.max(a.x + a.width, b.x + b.width) - x,
          height: Math.max(a.y + a.height, b.y + b.height) - y,
        },
      ];
    }

    it('sends each step of a drag as a COPY plus the uncovered strips, in every direction', async () => {
      let at = { x: 200, y: 150 };
      const { dec, send, initial } = await pair(scene(at.x, at.y));
      const steps = [
        [9, 4],
        [-13, 7],
        [5, -11],
        [-6, -3],
        [40, 0],
        [0, -25],
        [120, 90],
      ] as const;
      for (const [dx, dy] of steps) {
        const to = { x: at.x + dx, y: at.y + dy };
        const g = scene(to.x, to.y);
        const upd = await send(g, moveDamage(at, to));
        expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
        expect(upd.ops[0]).toBe('copy');
        // The window is not re-encoded: a step costs a small fraction of the first picture.
        expect(upd.bytes).toBeLessThan(initial.bytes / 10);
        at = to;
      }
    });

    it('finds the move when the old place uncovers another window and damage comes in pieces', async () => {
      const { dec, send, initial } = await pair(scene(500, 300));
      // Moves away from over the static window; damage as separate old/new rectangles.
      const g = scene(430, 270);
      const upd = await send(g, [
        { x: 500, y: 300, ...WIN },
        { x: 430, y: 270, ...WIN },
      ]);
      expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
      expect(upd.ops[0]).toBe('copy');
      // What is paid for is the static window's uncovered L-shaped part, not the moved window:
      // compare with the cost of sending that part alone.
      const uncovered = [
        { x: 850, y: 380, width: 70, height: 220 },
        { x: 600, y: 570, width: 250, height: 30 },
      ];
      const without = scene(430, 270);
      for (const r of uncovered) fill(without, r, 0xf8f8f8);
      const alone = await pair(without);
      const uncoveredBytes = (await alone.send(g, uncovered)).bytes;
      expect(upd.bytes).toBeLessThan(uncoveredBytes * 1.2 + 100);
      expect(upd.bytes).toBeLessThan(initial.bytes / 3);
    });

    it('sends a moved window whose text cursor changed as a COPY and the cursor cell', async () => {
      const { dec, send } = await pair(scene(100, 100));
      const g = scene(117, 109);
      fill(g, { x: 117 + 60, y: 109 + 130, width: 6, height: 13 }, 0x000000); // a block cursor
      const upd = await send(g, moveDamage({ x: 100, y: 100 }, { x: 117, y: 109 }));
      expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
      expect(upd.result.counters.copy).toBe(1);
      expect(upd.bytes).toBeLessThan(800);
    });

    it('still finds a drag that starts right after content kept changing in place', async () => {
      const { dec, send } = await pair(scene(200, 150));
      for (let i = 0; i < 4; i++) {
        const g = scene(200, 150);
        text(g, { x: 200, y: 150, ...WIN }, 40 + i, 0x000000, 0xf0f0f0);
        await send(g, [{ x: 200, y: 150, ...WIN }]);
      }
      // The window now shows seed 43's text; drag it.
      const withText = (x: number, y: number) => {
        const g = scene(x, y);
        text(g, { x, y, ...WIN }, 43, 0x000000, 0xf0f0f0);
        return g;
      };
      let at = { x: 200, y: 150 };
      const copied: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        const to = { x: at.x + 7, y: at.y + 4 };
        const g = withText(to.x, to.y);
        const upd = await send(g, moveDamage(at, to));
        expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
        copied.push(upd.ops.includes('copy'));
        at = to;
      }
      // The search backs off over a region where it keeps finding nothing, but a drag changes
      // the region every step: every step is a move.
      expect(copied.every(Boolean)).toBe(true);
    });

    it('sends new content in the same place as content, not as a move', async () => {
      const { dec, send } = await pair(scene(200, 150));
      const g = scene(200, 150);
      text(g, { x: 200, y: 150, ...WIN }, 99, 0x000000, 0xf0f0f0);
      const upd = await send(g, [{ x: 200, y: 150, ...WIN }]);
      expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
      expect(upd.ops).not.toContain('copy');
    });
  });

  it('sends photographic areas as JPEG and keeps the text around them lossless', async () => {
    const f = blank(800, 600, 0xffffff);
    text(f, { x: 0, y: 0, width: 800, height: 200 }, 6, 0x000000, 0xffffff);
    const pic = { x: 128, y: 256, width: 384, height: 256 };
    photo(f, pic, 7);
    const { dec, initial, lossy } = await pair(f);
    expect(initial.ops).toContain('jpeg');
    expect(lossy.length).toBeGreaterThan(0);
    for (const r of lossy) {
      // JPEG areas cover the picture only.
      expect(r.x >= pic.x - 64 && r.x + r.width <= pic.x + pic.width + 64).toBe(true);
    }
    expect(countDiff(f, dec.framebuffer!.data, undefined, lossy)).toBe(0);
    // And the picture is close to the source (mean absolute error per channel).
    let err = 0;
    for (let y = pic.y; y < pic.y + pic.height; y++) {
      for (let x = pic.x; x < pic.x + pic.width; x++) {
        const o = y * f.stride + x * 4;
        const d = (y * f.width + x) * 4;
        err += Math.abs(dec.framebuffer!.data[d]! - f.data[o + 2]!);
      }
    }
    expect(err / (pic.width * pic.height)).toBeLessThan(12);
  });

  it('re-sends JPEG areas losslessly where scrolls carried them, once still', async () => {
    // A page taller than the screen: text, a photo, more text; the screen shows rows from `offset`.
    const pic = { x: 64, y: 200, width: 320, height: 192 };
    const page = blank(640, 620, 0xffffff);
    text(page, { x: 0, y: 0, width: 640, height: 200 }, 12, 0x000000, 0xffffff);
    photo(page, pic, 13);
    text(page, { x: 0, y: 400, width: 640, height: 220 }, 14, 0x000000, 0xffffff);
    const at = (offset: number) => {
      const f = blank(640, 480);
      f.data.set(page.data.subarray(offset * page.stride, (offset + 480) * page.stride));
      return f;
    };
    const screen = { x: 0, y: 0, width: 640, height: 480 };
    const first = at(0);
    const { enc, dec, send } = await pair(first);
    expect(enc.lossyAreaList().length).toBeGreaterThan(0);
    let frame = first;
    for (const [offset, t] of [
      [40, 100],
      [104, 200],
      [130, 300],
    ] as const) {
      frame = at(offset);
      const upd = await send(frame, [screen], LOSSY, { now: t });
      expect(upd.ops[0]).toBe('copy');
    }
    // Still too recent: nothing is refreshed yet, and the picture is approximate where the photo is now.
    const early = await send(frame, [], LOSSY, { now: 300 + 1000, refresh: true });
    expect(early.result.refreshedPixels).toBe(0);
    const now = { ...pic, y: pic.y - 130 };
    expect(countDiff(frame, dec.framebuffer!.data, now)).toBeGreaterThan(0);
    // Once still for the idle time, the refresh paints the photo losslessly where it is now.
    const late = await send(frame, [], LOSSY, { now: 300 + 1500, refresh: true });
    expect(late.result.refreshedPixels).toBeGreaterThan(0);
    expect(late.ops).not.toContain('jpeg');
    expect(countDiff(frame, dec.framebuffer!.data)).toBe(0);
    expect(enc.lossyAreaList()).toEqual([]);
    expect(enc.refreshDueAt()).toBeNull();
  });

  it('sends photographic areas losslessly when asked', async () => {
    const f = blank(400, 300, 0xffffff);
    photo(f, { x: 50, y: 50, width: 300, height: 200 }, 8);
    const { dec, initial } = await pair(f, LOSSLESS);
    expect(initial.ops).not.toContain('jpeg');
    expect(initial.ops).toContain('gradient');
    expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
    // Predicted residuals deflate well below the plain RGB bytes (what RAW would send).
    const rgb = new Uint8Array(300 * 200 * 3);
    for (let y = 0, o = 0; y < 200; y++)
      for (let x = 0; x < 300; x++) {
        const p = getPixel(f, 50 + x, 50 + y);
        rgb[o++] = p >> 16;
        rgb[o++] = (p >> 8) & 255;
        rgb[o++] = p & 255;
      }
    expect(initial.bytes).toBeLessThan(deflateRawSync(rgb, { level: 9 }).byteLength * 0.85);
  });

  it('splits a large incompressible update into several messages under the size limit', async () => {
    const f = blank(1920, 1080, 0);
    photo(f, { x: 0, y: 0, width: 1920, height: 1080 }, 9);
    const { dec, initial } = await pair(f, LOSSLESS);
    expect(initial.result.messages.length).toBeGreaterThan(1);
    for (const m of initial.result.messages) expect(m.byteLength).toBeLessThanOrEqual(1024 * 1024);
    expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
  });

  it('handles frames whose stride is wider than their width', async () => {
    const f = blank(333, 77, 0x112233, 5);
    text(f, { x: 3, y: 3, width: 320, height: 70 }, 10);
    const { dec, send } = await pair(f);
    expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
    const g = clone(f);
    photo(g, { x: 100, y: 10, width: 64, height: 40 }, 11);
    await send(g, null, LOSSLESS);
    expect(countDiff(g, dec.framebuffer!.data)).toBe(0);
  });
});
