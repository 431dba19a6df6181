/**
 * Moves the system reported (DXGI's move rectangles, EncodeOptions.moveHints) become COPY
 * operations only when they hold pixel for pixel against the viewer's copy: a window dragged
 * further than the encoder's own search reaches is sent as one COPY, and a stale or wrong hint
 * costs nothing but the check (the viewer's picture stays exact).
 */
import { describe, expect, it } from 'vitest';
import { parseScreenMessage } from '../../../protocol/screen';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { UpdateEncoder } from '../../../host/screen/update-encoder';
import type { Move } from '../../../host/screen/window-move-detector';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { blank, clone, copyRect, countDiff, fill, photo } from './synthetic';

const QUALITY = { lossy: false, jpegQuality: 70 };
const BG = 0x304050;
const WINDOW = { x: 40, y: 40, width: 300, height: 200 };
/** Further than the encoder's own window search (192 px): only a reported move finds it. */
const TO = { x: 820, y: 460 };

async function dragged(hints: Move[]) {
  const first = blank(1280, 720, BG);
  photo(first, WINDOW, 7);
  const enc = new UpdateEncoder(new TurboJpegEncoder());
  const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  await dec.apply(enc.reset(first.width, first.height));
  const apply = async (frame: PixelBuffer, damage: Rect[] | null, moveHints: Move[]) => {
    const result = await enc.encode(frame, damage, QUALITY, { now: 0, moveHints });
    const ops: string[] = [];
    let bytes = 0;
    for (const m of result.messages) {
      bytes += m.byteLength;
      const parsed = parseScreenMessage(m, dec.framebuffer);
      if (parsed.kind === 'update') ops.push(...parsed.ops.map((o) => o.op));
      await dec.apply(m);
    }
    return { ops, bytes };
  };
  await apply(first, null, []);
  const next = clone(first);
  copyRect(next, WINDOW, TO.x, TO.y);
  fill(next, WINDOW, BG);
  const damage = [WINDOW, { ...WINDOW, ...TO }];
  const update = await apply(next, damage, hints);
  return { ...update, exact: countDiff(next, dec.framebuffer!.data) === 0 };
}

describe('moves reported by the system (DXGI move rectangles)', () => {
  const move: Move = { rect: { ...WINDOW, ...TO }, srcX: WINDOW.x, srcY: WINDOW.y };

  it('a reported move that holds is sent as one COPY, far smaller than the pixels', async () => {
    const without = await dragged([]);
    const withHint = await dragged([move]);
    expect(without.exact).toBe(true);
    expect(without.ops).not.toContain('copy');
    expect(withHint.exact).toBe(true);
    expect(withHint.ops[0]).toBe('copy');
    expect(withHint.bytes * 10).toBeLessThan(without.bytes);
  });

  it('a stale or impossible hint is not sent, and the picture stays exact', async () => {
    for (const wrong of [
      { ...move, srcX: move.srcX + 1 },
      { ...move, srcY: 700 },
      { ...move, rect: { ...move.rect, x: 1200 } },
      { ...move, srcX: move.rect.x, srcY: move.rect.y },
    ]) {
      const update = await dragged([wrong]);
      expect(update.exact).toBe(true);
      expect(update.ops).not.toContain('copy');
    }
  });
});
