import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeAck,
  encodeControl,
  parseControlToViewer,
  parseCursorMessage,
  screenMessageSeq,
} from '../../../protocol/screen';
import { ScreenEncoder, type ScreenChannel } from '../../../host/screen/screen-encoder';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { FakeScreenSource } from './fake-screen-source';
import { blank, countDiff, fill, photo, text } from './synthetic';

const encoders: ScreenEncoder[] = [];
afterEach(async () => {
  for (const e of encoders.splice(0)) await e.close();
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** An encoder whose screen messages are queued (like a link) until the test delivers them. */
function setup(source: FakeScreenSource, opts: { windowBytes?: number; autoAck?: boolean } = {}) {
  const queued: Uint8Array[] = [];
  const control: Uint8Array[] = [];
  const cursor: Uint8Array[] = [];
  const decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  const starts: { inFlight: number; window: number }[] = [];
  let sentBytes = 0;
  let ackedBytes = 0;
  const sizes = new Map<number, number>();
  const encoder: ScreenEncoder = new ScreenEncoder(source, {
    windowBytes: opts.windowBytes,
    fullCompareMs: 0,
    minIntervalMs: 1,
    send(channel: ScreenChannel, payload) {
      if (channel === 'control') control.push(payload);
      else if (channel === 'cursor') cursor.push(payload);
      else {
        // First message of an update: record the bytes in flight when it started.
        starts.push({ inFlight: sentBytes - ackedBytes, window: opts.windowBytes ?? 0 });
        sentBytes += payload.byteLength;
        sizes.set(screenMessageSeq(payload), payload.byteLength);
        queued.push(payload);
        if (opts.autoAck) void deliver();
      }
    },
  });
  encoders.push(encoder);
  /** Delivers every queued message to the decoder and acks the last. */
  async function deliver(): Promise<number> {
    const batch = queued.splice(0);
    let last = -1;
    for (const m of batch) {
      await decoder.apply(m);
      last = screenMessageSeq(m);
      ackedBytes += sizes.get(last)!;
    }
    if (last >= 0) encoder.onAck(encodeAck(last));
    return batch.length;
  }
  return { encoder, decoder, queued, control, cursor, deliver, starts, sentBytes: () => sentBytes };
}

describe('ScreenEncoder', () => {
  it('sends the monitor list, a reset and a full picture on start', async () => {
    const desk = blank(640, 400);
    text(desk, { x: 0, y: 0, width: 640, height: 400 }, 1);
    const src = new FakeScreenSource(desk, [
      { id: 0, name: 'A', primary: true, bounds: { x: 0, y: 0, width: 320, height: 400 } },
      { id: 1, name: 'B', primary: false, bounds: { x: 320, y: 0, width: 320, height: 400 } },
    ]);
    const t = setup(src, { autoAck: true });
    await t.encoder.start();
    await until(() => t.decoder.framebuffer !== null && countDiff(desk, t.decoder.framebuffer.data) === 0);
    const list = parseControlToViewer(t.control[0]!);
    expect(list.ok && list.value.monitors.map((m) => m.name)).toEqual(['A', 'B']);
  });

  it('shows one monitor when the viewer picks it, and the whole desktop again', async () => {
    const desk = blank(640, 400);
    text(desk, { x: 0, y: 0, width: 640, height: 400 }, 2);
    const src = new FakeScreenSource(desk, [
      { id: 0, name: 'A', primary: true, bounds: { x: 0, y: 0, width: 320, height: 400 } },
      { id: 1, name: 'B', primary: false, bounds: { x: 320, y: 0, width: 320, height: 400 } },
    ]);
    const t = setup(src, { autoAck: true });
    await t.encoder.start();
    await until(() => t.decoder.framebuffer?.width === 640);
    expect(
      t.encoder.onControl(encodeControl({ type: 'screen.select', target: { kind: 'monitor', id: 1 } })),
    ).toBe(true);
    await until(() => t.decoder.framebuffer?.width === 320);
    const fb = t.decoder.framebuffer!;
    await until(() => countDiff({ ...desk, width: 320, data: desk.data.subarray(320 * 4) }, fb.data) === 0);
    t.encoder.onControl(encodeControl({ type: 'screen.select', target: { kind: 'desktop' } }));
    await until(
      () => t.decoder.framebuffer?.width === 640 && countDiff(desk, t.decoder.framebuffer.data) === 0,
    );
  });

  it('never starts an update while the bytes in flight reach the window', async () => {
    const desk = blank(800, 600, 0);
    const src = new FakeScreenSource(desk);
    const windowBytes = 6000;
    const t = setup(src, { windowBytes });
    await t.encoder.start();
    await until(() => t.queued.length >= 2);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 8; i++) {
        src.paint({ x: 0, y: i * 60, width: 800, height: 60 }, (pb) =>
          text(pb, { x: 0, y: i * 60, width: 800, height: 60 }, round * 10 + i),
        );
        await new Promise((r) => setTimeout(r, 4));
      }
      await new Promise((r) => setTimeout(r, 20));
      await t.deliver();
    }
    await t.deliver();
    // Single-message updates here, so every message is the start of an update.
    expect(t.starts.length).toBeGreaterThan(5);
    for (const s of t.starts) expect(s.inFlight).toBeLessThan(windowBytes);
    expect(t.encoder.stats().blocked).toBeGreaterThan(0);
  });

  it('coalesces damage while blocked: one fresh update once acknowledged', async () => {
    const desk = blank(800, 600, 0);
    const src = new FakeScreenSource(desk);
    const windowBytes = 1;
    const t = setup(src, { windowBytes });
    await t.encoder.start();
    await until(() => t.queued.length >= 2); // reset + first picture
    await t.deliver();
    // Ten changes while nothing is acknowledged: at most one update may start.
    for (let i = 0; i < 10; i++) {
      src.paint({ x: 0, y: i * 40, width: 800, height: 40 }, (pb) =>
        text(pb, { x: 0, y: i * 40, width: 800, height: 40 }, 100 + i),
      );
      await new Promise((r) => setTimeout(r, 15));
    }
    const sentWhileBlocked = t.queued.length;
    expect(sentWhileBlocked).toBe(1);
    expect(t.encoder.stats().blocked).toBeGreaterThan(0);
    // Once acknowledged, ONE update brings the viewer to the latest picture.
    await t.deliver();
    await until(() => t.queued.length > 0);
    await new Promise((r) => setTimeout(r, 30));
    expect(t.queued.length).toBe(1);
    await t.deliver();
    expect(countDiff(desk, t.decoder.framebuffer!.data)).toBe(0);
  });

  it('lowers JPEG quality when the link keeps it waiting', async () => {
    const desk = blank(400, 300, 0);
    const src = new FakeScreenSource(desk);
    const t = setup(src, { windowBytes: 1024 });
    await t.encoder.start();
    await until(() => t.queued.length >= 2);
    const startLevel = t.encoder.stats().qualityLevel;
    for (let i = 0; i < 4; i++) {
      src.paint({ x: 0, y: 0, width: 400, height: 300 }, (pb) =>
        text(pb, { x: 0, y: 0, width: 400, height: 300 }, 200 + i),
      );
      await new Promise((r) => setTimeout(r, 20));
      // A second change while the first is unacknowledged: the update has to wait.
      src.paint({ x: 0, y: 0, width: 400, height: 300 }, (pb) =>
        text(pb, { x: 0, y: 0, width: 400, height: 300 }, 300 + i),
      );
      // Deliver slowly: each ack only after a long wait.
      await new Promise((r) => setTimeout(r, 320));
      await t.deliver();
    }
    expect(t.encoder.stats().qualityLevel).toBeGreaterThan(startLevel);
  });

  it('keeps sending a changing photo at its normal pace, and makes it lossless once it is still', async () => {
    const desk = blank(400, 300, 0x202020);
    const area = { x: 40, y: 40, width: 320, height: 200 };
    photo(desk, area, 1);
    const src = new FakeScreenSource(desk);
    const t = setup(src, { autoAck: true });
    await t.encoder.start();
    await until(() => t.encoder.stats().counters.jpeg > 0 && t.queued.length === 0);
    // A slideshow: a new photo every 100 ms. Each goes out before the next one is drawn (an update
    // takes a few ms here); held behind the 1.5 s lossless-refresh wait, none of them would.
    let shown = 0;
    for (let frame = 2; frame <= 7; frame++) {
      const before = t.encoder.stats().updates;
      src.paint(area, (pb) => photo(pb, area, frame));
      await new Promise((r) => setTimeout(r, 100));
      if (t.encoder.stats().updates > before) shown++;
    }
    expect(shown).toBeGreaterThanOrEqual(5);
    // JPEG is approximate; once the photo stays still, it is re-sent losslessly: pixel-exact.
    expect(countDiff(desk, t.decoder.framebuffer!.data)).toBeGreaterThan(0);
    await until(() => countDiff(desk, t.decoder.framebuffer!.data) === 0, 5000);
  });

  it('costs fewer bytes in `low` mode (Fast, less data) than in `auto` for the same photos and text', async () => {
    const area = { x: 40, y: 40, width: 320, height: 200 };
    /** The same slideshow, each picture sent before the next, then a still second and a half and more. */
    const measure = async (mode: 'auto' | 'low') => {
      const desk = blank(400, 300, 0x202020);
      text(desk, { x: 0, y: 260, width: 400, height: 40 }, 7);
      photo(desk, area, 1);
      const src = new FakeScreenSource(desk);
      const t = setup(src, { autoAck: true });
      t.encoder.setQuality(mode);
      await t.encoder.start();
      await until(() => t.encoder.stats().counters.jpeg > 0 && t.queued.length === 0);
      for (let frame = 2; frame <= 7; frame++) {
        const before = t.encoder.stats().updates;
        src.paint(area, (pb) => photo(pb, area, frame));
        await until(() => t.encoder.stats().updates > before && t.queued.length === 0);
      }
      // Past the lossless refresh's idle wait (1.5 s): `auto` re-sends the still photo exactly.
      await new Promise((r) => setTimeout(r, 2500));
      await until(() => t.queued.length === 0);
      return {
        bytes: t.sentBytes(),
        exact: countDiff(desk, t.decoder.framebuffer!.data) === 0,
        textExact:
          countDiff(desk, t.decoder.framebuffer!.data, { x: 0, y: 260, width: 400, height: 40 }) === 0,
        refreshed: t.encoder.stats().refreshedPixels,
      };
    };
    const auto = await measure('auto');
    const low = await measure('low');
    expect(auto.exact).toBe(true);
    expect(low.refreshed).toBe(0);
    expect(low.exact).toBe(false);
    // Text stays lossless in every mode.
    expect(low.textExact).toBe(true);
    expect(low.bytes).toBeLessThan(auto.bytes * 0.6);
  });

  it('makes a still photo lossless while a caret keeps blinking elsewhere', async () => {
    const desk = blank(400, 300, 0xffffff);
    const area = { x: 20, y: 20, width: 256, height: 192 };
    photo(desk, area, 3);
    const caret = { x: 300, y: 250, width: 2, height: 16 };
    const src = new FakeScreenSource(desk);
    const t = setup(src, { autoAck: true });
    await t.encoder.start();
    await until(() => t.encoder.stats().counters.jpeg > 0);
    let on = false;
    const blink = setInterval(() => {
      on = !on;
      src.paint(caret, (pb) => fill(pb, caret, on ? 0x000000 : 0xffffff));
    }, 100);
    try {
      // The screen is never still, but the photo is: it must not wait for the caret to stop.
      await until(() => countDiff(desk, t.decoder.framebuffer!.data, area) === 0, 5000);
      expect(t.encoder.stats().refreshedPixels).toBeGreaterThan(0);
    } finally {
      clearInterval(blink);
    }
  });

  it('starts the stream over on a refresh request (after a decoder error)', async () => {
    const desk = blank(200, 100, 0x123456);
    const src = new FakeScreenSource(desk);
    const t = setup(src, { autoAck: true });
    await t.encoder.start();
    await until(() => t.decoder.framebuffer !== null && countDiff(desk, t.decoder.framebuffer.data) === 0);
    await expect(t.decoder.apply(new Uint8Array([2, 99, 0, 1, 9]))).rejects.toThrow();
    expect(t.decoder.state).toBe('failed');
    src.paint({ x: 0, y: 0, width: 10, height: 10 }, (pb) =>
      fill(pb, { x: 0, y: 0, width: 10, height: 10 }, 0xff0000),
    );
    t.encoder.onControl(encodeControl({ type: 'screen.refresh' }));
    await until(() => t.decoder.state === 'ready' && countDiff(desk, t.decoder.framebuffer!.data) === 0);
  });

  it('sends the cursor shape once per serial and positions when the pointer moves', async () => {
    const desk = blank(200, 100);
    const src = new FakeScreenSource(desk);
    src.cursorImage = {
      width: 2,
      height: 2,
      hotX: 1,
      hotY: 1,
      serial: 7,
      rgba: new Uint8Array(16).fill(200),
    };
    const t = setup(src, { autoAck: true });
    await t.encoder.start();
    await until(() => t.cursor.length >= 2);
    src.pointerPos = { x: 50, y: 60 };
    await until(() =>
      t.cursor.some((c) => {
        const m = parseCursorMessage(c);
        return m.kind === 'position' && m.x === 50;
      }),
    );
    await new Promise((r) => setTimeout(r, 250));
    const shapes = t.cursor.map((c) => parseCursorMessage(c)).filter((m) => m.kind === 'shape');
    expect(shapes).toHaveLength(1);
    expect(shapes[0]).toMatchObject({ serial: 7, width: 2, hotX: 1 });
  });
});
