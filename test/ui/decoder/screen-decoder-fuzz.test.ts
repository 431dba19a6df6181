/**
 * The decoder faces bytes from the network: whatever arrives, it must answer with a
 * ScreenFormatError (never another exception, never a hang, never a huge allocation), and a RESET
 * must bring it back. Property tests over random bytes, mutated real messages and truncations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ByteWriter,
  ScreenFormatError,
  writeReset,
  writeUpdateHeader,
  writeOperation,
  parseCursorMessage,
  parseAck,
} from '../../../protocol/screen';
import { UpdateEncoder } from '../../../host/screen/update-encoder';
import { TurboJpegEncoder } from '../../../host/screen/jpeg-encoder';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from './turbo-jpeg-decoder';
import { blank, countDiff, photo, text } from '../../host/screen/synthetic';

const W = 96;
const H = 64;

/** Real messages to mutate: a reset, a text/photo picture (JPEG), the photo again losslessly (GRADIENT). */
async function corpus(): Promise<Uint8Array[]> {
  const enc = new UpdateEncoder(new TurboJpegEncoder());
  const f = blank(W, H);
  text(f, { x: 0, y: 0, width: W, height: 40 }, 1);
  photo(f, { x: 0, y: 40, width: 64, height: 24 }, 2);
  const out = [enc.reset(W, H)];
  out.push(...(await enc.encode(f, null, { lossy: true, jpegQuality: 60 })).messages);
  photo(f, { x: 0, y: 40, width: 64, height: 24 }, 3);
  out.push(...(await enc.encode(f, null, { lossy: false, jpegQuality: 60 })).messages);
  return out;
}

function resetMsg(): Uint8Array {
  const w = new ByteWriter();
  writeReset(w, 1, W, H);
  return w.toBytes();
}

async function expectOnlyFormatErrors(dec: ScreenDecoder, payload: Uint8Array): Promise<void> {
  try {
    await dec.apply(payload);
  } catch (e) {
    if (!(e instanceof ScreenFormatError)) throw e;
  }
}

describe('ScreenDecoder on hostile input', () => {
  it('rejects random bytes with ScreenFormatError only (10k cases)', async () => {
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder(), maxPixels: 4096 * 4096 });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, afterReset) => {
        if (afterReset) await dec.apply(resetMsg());
        await expectOnlyFormatErrors(dec, bytes);
        const fb = dec.framebuffer;
        if (fb) expect(fb.data.byteLength).toBeLessThanOrEqual(4096 * 4096 * 4);
      }),
      { numRuns: 10_000 },
    );
  });

  it('rejects mutated and truncated real messages with ScreenFormatError only, and recovers on reset', async () => {
    const msgs = await corpus();
    const jpeg = new TurboJpegDecoder();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: msgs.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat()),
        async (which, flips, cut) => {
          const dec = new ScreenDecoder({ jpeg });
          await dec.apply(msgs[0]!);
          const m = msgs[which]!.slice();
          for (const [at, v] of flips) m[at % m.length] = v;
          const bad = cut === null ? m : m.subarray(0, cut % m.length);
          await expectOnlyFormatErrors(dec, bad);
          // A fresh stream always works again.
          await dec.apply(msgs[0]!);
          for (const good of msgs.slice(1)) await dec.apply(good);
          expect(dec.state).toBe('ready');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses oversized screens and huge operation counts before allocating', async () => {
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    const big = new ByteWriter();
    big.u8(1);
    big.varint(1);
    big.u16(65_535);
    big.u16(65_535);
    await expect(dec.apply(big.toBytes())).rejects.toMatchObject({ code: 'too_large' });
    expect(dec.framebuffer).toBeNull();
    await dec.apply(resetMsg());
    const many = new ByteWriter();
    writeUpdateHeader(many, 2, true, 0xffffffff);
    await expect(dec.apply(many.toBytes())).rejects.toMatchObject({ code: 'too_large' });
  });

  it('refuses a zlib bomb: more inflated bytes than the operations need', async () => {
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    await dec.apply(resetMsg());
    const { deflateRawSync, constants } = await import('node:zlib');
    const bomb = deflateRawSync(new Uint8Array(50 * 1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
    const w = new ByteWriter();
    writeUpdateHeader(w, 2, true, 1);
    writeOperation(w, { op: 'raw', x: 0, y: 0, w: 2, h: 2 });
    w.varint(bomb.byteLength);
    w.bytes(bomb);
    await expect(dec.apply(w.toBytes())).rejects.toMatchObject({ code: 'bad_zlib' });
  });

  it('paints any GRADIENT data back exactly as the encoder predicted it (random pictures)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.uint8Array({ minLength: 40 * 30 * 4, maxLength: 40 * 30 * 4 }),
        async (w, h, bytes) => {
          const f = { width: w, height: h, stride: w * 4, data: bytes.subarray(0, w * h * 4) };
          const enc = new UpdateEncoder(new TurboJpegEncoder());
          const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
          await dec.apply(enc.reset(w, h));
          for (const m of (await enc.encode(f, null, { lossy: false, jpegQuality: 60 })).messages)
            await dec.apply(m);
          expect(countDiff(f, dec.framebuffer!.data)).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses GRADIENT data that inflates to fewer bytes than its rectangle needs', async () => {
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    await dec.apply(resetMsg());
    const { deflateRawSync, constants } = await import('node:zlib');
    const short = deflateRawSync(new Uint8Array(4 * 4 * 3 - 1), { finishFlush: constants.Z_SYNC_FLUSH });
    const w = new ByteWriter();
    writeUpdateHeader(w, 2, true, 1);
    writeOperation(w, { op: 'gradient', x: W - 4, y: H - 4, w: 4, h: 4 });
    w.varint(short.byteLength);
    w.bytes(short);
    await expect(dec.apply(w.toBytes())).rejects.toMatchObject({ code: 'bad_zlib' });
    const outside = new ByteWriter();
    writeUpdateHeader(outside, 3, true, 1);
    writeOperation(outside, { op: 'gradient', x: W - 3, y: 0, w: 4, h: 1 });
    outside.varint(0);
    await dec.apply(resetMsg());
    await expect(dec.apply(outside.toBytes())).rejects.toMatchObject({ code: 'out_of_bounds' });
  });

  it('refuses a JPEG whose header claims another size than its rectangle', async () => {
    const enc = new UpdateEncoder(new TurboJpegEncoder());
    const f = blank(W, H);
    photo(f, { x: 0, y: 0, width: W, height: H }, 3);
    enc.reset(W, H);
    const [m] = (await enc.encode(f, null, { lossy: true, jpegQuality: 50 })).messages;
    const dec = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    await dec.apply(resetMsg());
    // Patch the JPEG's SOF height (first FFC0 marker) to 60000.
    const bad = m!.slice();
    for (let i = 0; i < bad.length - 8; i++) {
      if (bad[i] === 0xff && bad[i + 1] === 0xc0) {
        bad[i + 5] = 0xea;
        bad[i + 6] = 0x60;
        break;
      }
    }
    await expect(dec.apply(bad)).rejects.toMatchObject({ code: 'bad_jpeg' });
  });

  it('cursor and ack parsers reject random bytes with ScreenFormatError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const parse of [parseCursorMessage, parseAck]) {
          try {
            parse(bytes);
          } catch (e) {
            if (!(e instanceof ScreenFormatError)) throw e;
          }
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
