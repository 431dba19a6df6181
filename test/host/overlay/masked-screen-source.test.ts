/**
 * The masking hook end to end inside the helper, without X: an in-memory desktop (the fake
 * screen source of the encoder tests; the real X server is in test/e2e/overlay/) on which
 * "overlay ink" is painted, the session's per-viewer copy (ScreenSourceView), the MaskedScreenSource,
 * the real ScreenEncoder and the reference ScreenDecoder. The decoded picture never shows the
 * ink, changes elsewhere still stream, and once the ink is taken off the screen and the mask
 * releases it, the exposure alone (no X damage) makes the encoder re-send the area.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MaskedScreenSource } from '../../../host/overlay/masked-screen-source';
import { OverlayMask } from '../../../host/overlay/overlay-mask';
import { rasterizeShape } from '../../../host/overlay/shape-raster';
import type { PixelBuffer, Rect } from '../../../host/platform/types';
import { ScreenEncoder } from '../../../host/screen/screen-encoder';
import { ScreenSourceView } from '../../../host/session/shared-screen-source';
import { encodeAck, screenMessageSeq } from '../../../protocol/screen';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { FakeScreenSource } from '../screen/fake-screen-source';
import { blank, clone, countDiff, fill, setPixel, text } from '../screen/synthetic';

const W = 320;
const H = 200;
const INK = 0xe53935;
const encoders: ScreenEncoder[] = [];
afterEach(async () => {
  for (const e of encoders.splice(0)) await e.close();
});

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup() {
  const desk = blank(W, H);
  text(desk, { x: 0, y: 0, width: W, height: H }, 7);
  const fake = new FakeScreenSource(desk);
  const mask = new OverlayMask();
  const source = new MaskedScreenSource(new ScreenSourceView(fake), mask);
  const decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  let chain = Promise.resolve();
  const encoder = new ScreenEncoder(source, {
    fullCompareMs: 0,
    minIntervalMs: 1,
    cursor: false,
    send(channel, payload) {
      if (channel !== 'screen') return;
      chain = chain.then(async () => {
        await decoder.apply(payload);
        encoder.onAck(encodeAck(screenMessageSeq(payload)));
      });
    },
  });
  encoders.push(encoder);
  const picture = () => decoder.framebuffer;
  return { desk, fake, mask, encoder, picture };
}

/** What the overlay does on add: clean capture of the new pixels, cover, then paint the ink. */
function draw(t: ReturnType<typeof setup>, region: ReturnType<typeof rasterizeShape>): void {
  const b = region.bounds()!;
  const clean = clone(t.desk);
  t.mask.cover(region, [
    {
      ...b,
      stride: clean.stride,
      data: clean.data.subarray(b.y * clean.stride + b.x * 4),
    },
  ]);
  t.fake.paint(b, (pb) =>
    region.forEachSpan((y, x0, x1) => {
      for (let x = x0; x < x1; x++) setPixel(pb, x, y, INK);
    }),
  );
}

describe('MaskedScreenSource with the real encoder and decoder', () => {
  it('streams the desktop without the ink, follows changes elsewhere, and re-sends the area when the ink goes', async () => {
    const t = setup();
    await t.encoder.start();
    await until(
      'the first picture',
      () => t.picture() !== null && countDiff(t.desk, t.picture()!.data) === 0,
    );
    const before = clone(t.desk);

    const region = rasterizeShape(
      { kind: 'arrow', from: [40, 40], to: [260, 150], color: '#e53935', width: 4 },
      { x: 0, y: 0, width: W, height: H },
    );
    draw(t, region);
    // Something else changes on the desktop while the arrow is shown: that must still arrive.
    const elsewhere: Rect = { x: 250, y: 10, width: 40, height: 20 };
    t.fake.paint(elsewhere, (pb) => fill(pb, elsewhere, 0x00aa00));
    const expected = clone(before);
    fill(expected, elsewhere, 0x00aa00);
    await until('the change elsewhere', () => countDiff(expected, t.picture()!.data) === 0);
    // The decoded picture is the desktop as it was under the arrow: no ink pixel at all.
    expect(countDiff(expected, t.picture()!.data)).toBe(0);
    const screenNow: PixelBuffer = t.desk;
    expect(countDiff(screenNow, t.picture()!.data)).toBe(region.pixelCount());

    // The overlay takes the arrow off the screen (the desktop shows what is under it again) and
    // the mask releases it: the exposure makes the encoder capture the area again.
    const under: Rect = region.bounds()!;
    const restored = clone(t.desk);
    region.forEachSpan((y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        const o = y * restored.stride + x * 4;
        restored.data.set(expected.data.subarray(o, o + 4), o);
      }
    });
    // Meanwhile the content under the arrow changed (a limit while it is shown): now it streams.
    region.clip({ x: under.x, y: under.y, width: under.width, height: 30 }).forEachSpan((y, x0, x1) => {
      for (let x = x0; x < x1; x++) setPixel(restored, x, y, 0x0000ff);
    });
    t.desk.data.set(restored.data);
    t.mask.keepOnly(region.subtract(region));
    await until('the area under the arrow', () => countDiff(t.desk, t.picture()!.data) === 0);
    expect(t.mask.idle).toBe(true);
  });
});
