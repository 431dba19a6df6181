/**
 * The screen pipeline on a real X server: Xvfb + xterm, the helper's X11 ScreenSource (MIT-SHM,
 * DAMAGE), our encoder, the reference decoder. After typing, scrolling, moving, dragging and
 * resizing windows, the decoder's picture must equal an independent X capture (xwd) pixel for pixel (an
 * xterm desktop is all lossless content).
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../support/polling';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { startDecodedScreen, type DecodedScreen } from './decoded-screen';

let x: XDisplay;
let screen: DecodedScreen;
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
  screen = await startDecodedScreen(x.display);
});

afterAll(async () => {
  await screen?.close();
  await x?.stop();
});

const settle = (timeoutMs?: number) => screen.settle(timeoutMs);

describe('screen stream of a real X desktop (Xvfb + xterm)', () => {
  it('reconstructs the initial desktop exactly', async () => {
    expect(await settle()).toBe(0);
  });

  it('follows typing exactly, with small updates', async () => {
    const before = screen.encoder.stats().screenBytes;
    x.run('xdotool', ['type', '--delay', '20', 'echo hello lifeline']);
    x.run('xdotool', ['key', 'Return']);
    expect(await settle()).toBe(0);
    // ~24 keystrokes plus the command's output: a few KB at most, not whole frames.
    expect(screen.encoder.stats().screenBytes - before).toBeLessThan(20_000);
  });

  it('follows a scrolling terminal exactly, sending scrolls as moves', async () => {
    const copies = screen.encoder.stats().counters.copy;
    // A line every 100 ms, so captures see the text move (a few lines at a time on a loaded
    // machine). `seq 1 300` at once could be all printed between two captures: the screen then
    // held only new text, with no move to find (this test failed that way under load).
    // The loop leaves a file when done, so the picture is compared once the text stands still.
    const done = join(tmpdir(), `lifeline-scrolled-${process.pid}`);
    rmSync(done, { force: true });
    x.run('xdotool', [
      'type',
      '--delay',
      '10',
      `for i in $(seq 1 40); do echo $i; sleep 0.1; done; touch ${done}`,
    ]);
    x.run('xdotool', ['key', 'Return']);
    await until('the terminal printed every line', () => existsSync(done), 30_000);
    rmSync(done, { force: true });
    expect(await settle()).toBe(0);
    expect(screen.encoder.stats().counters.copy).toBeGreaterThan(copies);
  });

  it('follows a moved window exactly', async () => {
    x.run('xdotool', ['windowmove', xtermId, '300', '250']);
    expect(await settle()).toBe(0);
  });

  it('follows a dragged window exactly, sending its steps as moves', async () => {
    const before = screen.encoder.stats();
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
    const after = screen.encoder.stats();
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
    expect(screen.errors).toEqual([]);
    expect(screen.decoder.state).toBe('ready');
  });
});
