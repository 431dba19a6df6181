/**
 * The screen pipeline on a real X server: Xvfb + xterm, the helper's X11 ScreenSource (MIT-SHM,
 * DAMAGE), our encoder, the reference decoder. After typing, scrolling, moving, dragging and
 * resizing windows, the decoder's picture must equal an independent X capture (xwd) pixel for pixel (an
 * xterm desktop is all lossless content).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11ScreenSource } from '../../../host/platform/linux/x11-screen-source';
import { silentPlatformLog } from '../../../host/platform/platform-log';
import { ScreenEncoder } from '../../../host/screen/screen-encoder';
import { encodeAck, screenMessageSeq } from '../../../protocol/screen';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { countDiff } from '../../host/screen/synthetic';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { xwdCapture } from './xwd-capture';

let x: XDisplay;
let source: X11ScreenSource;
let encoder: ScreenEncoder;
const decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
const errors: unknown[] = [];
let xtermId = '';

beforeAll(async () => {
  x = await startXvfb({ width: 1024, height: 768 });
  x.spawnClient('xterm', ['-geometry', '80x24+20+20', '-e', 'bash', '--norc', '--noprofile']);
  for (let i = 0; i < 100 && xtermId === ''; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      xtermId = x.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm']).trim().split('\n')[0] ?? '';
    } catch {
      // not mapped yet
    }
  }
  if (xtermId === '') throw new Error('xterm did not map');
  x.run('xdotool', ['mousemove', '200', '150']); // no window manager: focus follows the pointer
  source = await X11ScreenSource.open(x.display, silentPlatformLog);
  // The decoder runs in step with the encoder: each message is applied, then acknowledged.
  let chain = Promise.resolve();
  encoder = new ScreenEncoder(source, {
    onError: (e) => errors.push(e),
    send(channel, payload) {
      if (channel !== 'screen') return;
      chain = chain.then(async () => {
        await decoder.apply(payload);
        encoder.onAck(encodeAck(screenMessageSeq(payload)));
      });
    },
  });
  await encoder.start();
});

afterAll(async () => {
  await encoder?.close();
  await source?.close();
  await x?.stop();
});

/** Waits until the decoder's picture equals an xwd capture of the screen; returns the differing pixel count. */
async function settle(timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let diff = -1;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 150));
    const fb = decoder.framebuffer;
    if (!fb) continue;
    const truth = xwdCapture(x.display);
    if (truth.width !== fb.width || truth.height !== fb.height) continue;
    diff = countDiff(truth, fb.data);
    if (diff === 0) return 0;
  }
  return diff;
}

describe('screen stream of a real X desktop (Xvfb + xterm)', () => {
  it('reconstructs the initial desktop exactly', async () => {
    expect(await settle()).toBe(0);
  });

  it('follows typing exactly, with small updates', async () => {
    const before = encoder.stats().screenBytes;
    x.run('xdotool', ['type', '--delay', '20', 'echo hello lifeline']);
    x.run('xdotool', ['key', 'Return']);
    expect(await settle()).toBe(0);
    // ~24 keystrokes plus the command's output: a few KB at most, not whole frames.
    expect(encoder.stats().screenBytes - before).toBeLessThan(20_000);
  });

  it('follows a scrolling terminal exactly, sending scrolls as moves', async () => {
    const copies = encoder.stats().counters.copy;
    x.run('xdotool', ['type', '--delay', '10', 'seq 1 300']);
    x.run('xdotool', ['key', 'Return']);
    expect(await settle()).toBe(0);
    expect(encoder.stats().counters.copy).toBeGreaterThan(copies);
  });

  it('follows a moved window exactly', async () => {
    x.run('xdotool', ['windowmove', xtermId, '300', '250']);
    expect(await settle()).toBe(0);
  });

  it('follows a dragged window exactly, sending its steps as moves', async () => {
    const before = encoder.stats();
    const steps = 12;
    let x0 = 300;
    let y0 = 250;
    for (let i = 0; i < steps; i++) {
      // A drag: small diagonal steps, a frame or two apart (xdotool moves the window itself; no
      // window manager here, so the X server copies the window's pixels and exposes the rest).
      x0 -= 9;
      y0 -= 5;
      x.run('xdotool', ['windowmove', xtermId, String(x0), String(y0)]);
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(await settle()).toBe(0);
    const after = encoder.stats();
    // Most steps arrive as moves (a step may coalesce with the next one into a single move).
    expect(after.counters.copy - before.counters.copy).toBeGreaterThanOrEqual(steps / 3);
    // A step costs the uncovered strips, not the window: the 484x316 xterm full of text costs
    // ~10 KB to send as pixels.
    expect((after.screenBytes - before.screenBytes) / steps).toBeLessThan(1500);
  });

  it('follows a resized window exactly', async () => {
    x.run('xdotool', ['windowsize', xtermId, '400', '200']);
    expect(await settle()).toBe(0);
    x.run('xdotool', ['windowsize', xtermId, '700', '500']);
    expect(await settle()).toBe(0);
  });

  it('reported no capture or encoding errors', () => {
    expect(errors).toEqual([]);
    expect(decoder.state).toBe('ready');
  });
});
