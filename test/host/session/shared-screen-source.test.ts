/**
 * The session's views of one shared screen: a lone viewer reads the capture buffer itself (X11's
 * mapped MIT-SHM segment), and no other capture may write into that buffer until the viewer's
 * encoder gives the frame back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PixelBuffer, Rect, ScreenSource } from '../../../host/platform/types';
import { ScreenEncoder } from '../../../host/screen/screen-encoder';
import {
  LentFrameTimeoutError,
  ScreenSourceView,
  ScreenViewGroup,
} from '../../../host/session/shared-screen-source';

const W = 64;
const H = 32;

/** Captures into ONE buffer it reuses, every byte set to the capture's number (1, 2, ...). */
class OneBufferSource implements ScreenSource {
  captures = 0;
  readonly memory = new Uint8Array(W * H * 4);
  constructor(readonly lendsFrames: boolean) {}
  desktopSize() {
    return { width: W, height: H };
  }
  monitors() {
    return Promise.resolve([]);
  }
  async capture(rect?: Rect): Promise<PixelBuffer> {
    const r = rect ?? { x: 0, y: 0, width: W, height: H };
    await Promise.resolve(); // the X round trip
    this.memory.fill(++this.captures);
    return {
      width: r.width,
      height: r.height,
      stride: r.width * 4,
      data: this.memory.subarray(0, r.width * r.height * 4),
    };
  }
  onDamage() {
    return () => {};
  }
  pointer() {
    return Promise.resolve({ x: 0, y: 0 });
  }
  cursor() {
    return Promise.resolve(null);
  }
  close() {
    return Promise.resolve();
  }
}

/** Whether `p` settled within a few event-loop turns. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  return done;
}

const encoders: ScreenEncoder[] = [];
afterEach(async () => {
  for (const e of encoders.splice(0)) await e.close();
});

describe('ScreenSourceView in a group', () => {
  it('lends a lone viewer the capture buffer itself (no copy)', async () => {
    const source = new OneBufferSource(true);
    const view = new ScreenSourceView(source, new ScreenViewGroup());
    const frame = await view.capture();
    expect(frame.data.buffer).toBe(source.memory.buffer);
    expect(frame.data[0]).toBe(1);
  });

  it('keeps a lent frame unwritten until it is given back: a second viewer waits, then gets a copy', async () => {
    const source = new OneBufferSource(true);
    const group = new ScreenViewGroup();
    const a = new ScreenSourceView(source, group);
    const lent = await a.capture();
    const b = new ScreenSourceView(source, group);
    const pending = b.capture();
    expect(await settled(pending)).toBe(false);
    expect(source.captures).toBe(1);
    expect(lent.data.every((v) => v === 1)).toBe(true); // what A's encoder reads is still frame 1
    a.releaseFrame();
    const copied = await pending;
    expect(copied.data[0]).toBe(2);
    expect(copied.data.buffer).not.toBe(source.memory.buffer);
    // Two viewers: both get copies, and neither blocks the other.
    const again = await a.capture();
    expect(again.data.buffer).not.toBe(source.memory.buffer);
    expect(copied.data[0]).toBe(2);
  });

  it('a frame never given back makes the other viewer fail after the wait, saying why, without a capture', async () => {
    const source = new OneBufferSource(true);
    const group = new ScreenViewGroup(50);
    const a = new ScreenSourceView(source, group);
    const lent = await a.capture();
    const b = new ScreenSourceView(source, group);
    await expect(b.capture()).rejects.toBeInstanceOf(LentFrameTimeoutError);
    await expect(b.capture()).rejects.toThrow(/kept the screen's capture buffer for more than 50 ms/);
    expect(source.captures).toBe(1);
    expect(lent.data[0]).toBe(1);
  });

  it('closing the borrowing view gives the frame back; the viewer left alone is lent frames again', async () => {
    const source = new OneBufferSource(true);
    const group = new ScreenViewGroup();
    const a = new ScreenSourceView(source, group);
    const b = new ScreenSourceView(source, group);
    await b.capture(); // two views: a copy, nothing lent
    expect(await settled(a.capture())).toBe(true);
    await b.close();
    const lent = await a.capture();
    expect(lent.data.buffer).toBe(source.memory.buffer);
    const c = new ScreenSourceView(source, group);
    const pending = c.capture();
    expect(await settled(pending)).toBe(false);
    await a.close();
    expect((await pending).data.buffer).toBe(source.memory.buffer); // c is alone now
  });

  it("the overlay's captures (the group's guest) never write into a lent frame, even one still being captured", async () => {
    const source = new OneBufferSource(true);
    const group = new ScreenViewGroup();
    const view = new ScreenSourceView(source, group);
    const overlay = group.guest(source);
    // The viewer's capture is in flight (not lent yet) when the overlay asks.
    const viewing = view.capture();
    const covering = overlay.capture({ x: 0, y: 0, width: 8, height: 8 });
    const lent = await viewing;
    expect(lent.data.buffer).toBe(source.memory.buffer);
    expect(await settled(covering)).toBe(false);
    expect(lent.data.every((v) => v === 1)).toBe(true);
    view.releaseFrame();
    expect((await covering).data[0]).toBe(2);
    // The guest is not a viewer: the lone viewer is still lent its frames.
    expect((await view.capture()).data.buffer).toBe(source.memory.buffer);
  });

  it('copies when the source does not lend its frames, or without a group', async () => {
    const source = new OneBufferSource(false);
    const grouped = await new ScreenSourceView(source, new ScreenViewGroup()).capture();
    expect(grouped.data.buffer).not.toBe(source.memory.buffer);
    const lending = new OneBufferSource(true);
    const alone = await new ScreenSourceView(lending).capture();
    expect(alone.data.buffer).not.toBe(lending.memory.buffer);
  });

  it("the encoder gives each frame back after encoding it, so another viewer's capture is not held up", async () => {
    const source = new OneBufferSource(true);
    const group = new ScreenViewGroup(60_000);
    const sent: Uint8Array[] = [];
    const encoder = new ScreenEncoder(new ScreenSourceView(source, group), {
      cursor: false,
      send: (channel, payload) => {
        if (channel === 'screen') sent.push(payload);
      },
    });
    encoders.push(encoder);
    await encoder.start();
    const end = Date.now() + 5_000;
    while (sent.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(sent.length).toBeGreaterThan(0);
    // Without the encoder's release, this would wait the group's full minute.
    const other = new ScreenSourceView(source, group);
    expect(await settled(other.capture())).toBe(true);
  });
});
