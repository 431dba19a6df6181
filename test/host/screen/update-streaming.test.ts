/**
 * A large update leaves in parts while it is still being encoded (EncodeOptions.onMessage,
 * MessageBuilder.streamTo): the parts come before the encode resolves, in sequence order, only the
 * update's last message carries END, and the viewer's picture is exact. What the first-picture
 * benchmark's time relies on; the order and END rules are what the viewer relies on.
 */
import { describe, expect, it } from 'vitest';
import { parseScreenMessage, screenMessageSeq } from '../../../protocol/screen';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { UpdateEncoder } from '../../../host/screen/update-encoder';
import type { EncodeQuality } from '../../../host/screen/rect-encoder';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { blank, countDiff, photo, text } from './synthetic';

const LOSSLESS: EncodeQuality = { lossy: false, jpegQuality: 70 };
const LOSSY: EncodeQuality = { lossy: true, jpegQuality: 70 };

/** A 1080p desktop: text in the top half, photos below (several MB of input, many parts). */
function desktop() {
  const f = blank(1920, 1080);
  text(f, { x: 0, y: 0, width: 1920, height: 540 }, 3);
  photo(f, { x: 0, y: 540, width: 960, height: 540 }, 4);
  photo(f, { x: 960, y: 540, width: 960, height: 540 }, 5);
  return f;
}

async function firstPicture(quality: EncodeQuality) {
  const f = desktop();
  const enc = new UpdateEncoder(new TurboJpegEncoder());
  const reset = enc.reset(f.width, f.height);
  const streamed: Uint8Array[] = [];
  let resolved = false;
  const streamedBeforeResolve: boolean[] = [];
  const result = await enc
    .encode(f, null, quality, {
      now: 0,
      onMessage: (m) => {
        streamed.push(m);
        streamedBeforeResolve.push(!resolved);
      },
    })
    .finally(() => (resolved = true));
  const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  await dec.apply(reset);
  const all = [...streamed, ...result.messages];
  const ends: boolean[] = [];
  for (const m of all) {
    ends.push(parseScreenMessage(m, dec.framebuffer).kind === 'update' && (await dec.apply(m)).end);
  }
  return { f, dec, streamed, streamedBeforeResolve, result, all, ends, reset };
}

describe('an update streamed in parts', () => {
  it('gives its first parts before the encode ends, numbered in order, END only on the last', async () => {
    const { streamed, streamedBeforeResolve, result, all, ends, reset } = await firstPicture(LOSSLESS);
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamedBeforeResolve.every(Boolean)).toBe(true);
    // The last message is kept for END: the result always holds it.
    expect(result.messages.length).toBeGreaterThan(0);
    const seqs = all.map((m) => screenMessageSeq(m));
    expect(seqs).toEqual(seqs.map((_, i) => screenMessageSeq(reset) + 1 + i));
    expect(ends).toEqual(all.map((_, i) => i === all.length - 1));
  });

  it('paints the exact picture from the parts, with the same bytes as the update given whole', async () => {
    const lossless = await firstPicture(LOSSLESS);
    expect(countDiff(lossless.f, lossless.dec.framebuffer!.data)).toBe(0);
    for (const quality of [LOSSLESS, LOSSY]) {
      const streamed = await firstPicture(quality);
      const whole = new UpdateEncoder(new TurboJpegEncoder());
      whole.reset(streamed.f.width, streamed.f.height);
      const { messages } = await whole.encode(streamed.f, null, quality, { now: 0 });
      expect(messages.map((m) => Buffer.from(m).toString('hex'))).toEqual(
        streamed.all.map((m) => Buffer.from(m).toString('hex')),
      );
    }
  });

  it('leaves a small update in one message, in the result', async () => {
    const f = blank(640, 480);
    text(f, { x: 10, y: 10, width: 300, height: 100 }, 1);
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    enc.reset(f.width, f.height);
    const streamed: Uint8Array[] = [];
    const result = await enc.encode(f, null, LOSSLESS, { now: 0, onMessage: (m) => streamed.push(m) });
    expect(streamed).toEqual([]);
    expect(result.messages.length).toBe(1);
  });
});
