/**
 * The drawing overlay on a real X server (Xvfb, an xterm on a solid background), checked with
 * independent X tools (xwd captures, xdotool's pointer and window queries, xwininfo):
 *   - each shape paints exactly the pixels of its outline in its exact colour, nothing else
 *     (the SHAPE region and the fill are the rasteriser's pixels), text from the X fonts;
 *   - the highlighter paints even rows only: the xterm shows through the others;
 *   - the helper's own capture (X11ScreenSource, MIT-SHM) through the mask equals the screen as it
 *     was before the drawings, whatever is drawn, removed or moved (clean pixels read through the
 *     same source, as in the session, or with core GetImage when there is none);
 *   - removing one of two overlapping shapes shows the other whole again; erase all destroys the
 *     windows;
 *   - a drawing or the laser put back at once where one was removed, over an application that
 *     repaints late (the xterm stopped), keeps the pixels from before, not the X server's white
 *     fill (the saved screenshot's "ghost outlines");
 *   - clicks go through (a middle click on a stroke pastes into the xterm below);
 *   - drawings stay above applications (also after one is raised) but under the sharing indicator;
 *   - the laser shows, moves, hides, and never moves the X pointer;
 *   - without an X display the overlay drops drawings with one log line.
 * On the way it saves overlay-customer-screen.png (every tool over an xterm; see test/support/screenshots.ts).
 * Figures (not asserted): time to show an arrow, a 1000-point stroke and a laser move, and the
 * cost the mask adds to a full-screen capture with drawings shown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rasterizeShape } from '../../../host/overlay/shape-raster';
import type { SpanRegion } from '../../../host/overlay/span-region';
import { X11IndicatorWindow } from '../../../host/platform/linux/x11-indicator-window';
import { X11AnnotationOverlay } from '../../../host/platform/linux/overlay/x11-annotation-overlay';
import { NO_GRANTS } from '../../../protocol/common';
import { silentPlatformLog } from '../../../host/platform/platform-log';
import { X11ScreenSource } from '../../../host/platform/linux/x11-screen-source';
import type { PixelBuffer, ScreenSource } from '../../../host/platform/types';
import { ScreenSourceView } from '../../../host/session/shared-screen-source';
import type { AnnotationMessage, Shape } from '../../../protocol/data/annotations';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { getPixel } from '../../host/screen/synthetic';
import { xwdCapture } from '../screen/xwd-capture';
import { screenshotPath } from '../../support/screenshots';

const W = 1024;
const H = 768;
const BOUNDS = { x: 0, y: 0, width: W, height: H };
const BACKGROUND = 0x204060;
const PEER = 3;
/** The customer's screen with drawings, for docs/viewer.md. */
const SCREENSHOT = screenshotPath('overlay-customer-screen.png');

let x: XDisplay;
let overlay: X11AnnotationOverlay;
let source: X11ScreenSource;
let masked: ScreenSource;
let baseline: PixelBuffer;
let rootChildren = 0;
let tmp = '';
let xterm: ChildProcess;
const logs: string[] = [];
const figures: Record<string, unknown> = {};

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function send(msg: AnnotationMessage): Promise<void> {
  overlay.apply(PEER, msg);
  await overlay.idle();
}

/** Pixels (as "x,y") where two captures differ. */
function diff(a: PixelBuffer, b: PixelBuffer): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < a.height; y++)
    for (let xx = 0; xx < a.width; xx++) if (getPixel(a, xx, y) !== getPixel(b, xx, y)) out.add(`${xx},${y}`);
  return out;
}

function pixelsOf(r: SpanRegion): Set<string> {
  const s = new Set<string>();
  r.forEachSpan((y, x0, x1) => {
    for (let i = x0; i < x1; i++) s.add(`${i},${y}`);
  });
  return s;
}

function rgb(hex: string): number {
  return parseInt(hex.slice(1), 16);
}

function children(): number {
  const out = x.run('xwininfo', ['-root', '-children']);
  const m = /(\d+) child(ren)?/.exec(out);
  return m ? Number(m[1]) : 0;
}

function mouse(): { x: number; y: number; window: string } {
  const out = x.run('xdotool', ['getmouselocation', '--shell']);
  const v = (k: string) => new RegExp(`^${k}=(\\d+)`, 'm').exec(out)?.[1] ?? '';
  return { x: Number(v('X')), y: Number(v('Y')), window: v('WINDOW') };
}

/** The helper's own capture of the whole screen, through the mask. */
async function maskedCapture(): Promise<PixelBuffer> {
  const f = await masked.capture();
  return { ...f, data: f.data.slice() };
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-overlay-'));
  x = await startXvfb({ width: W, height: H });
  x.run('xsetroot', ['-solid', '#204060']);
  xterm = x.spawnClient('xterm', ['-geometry', '80x24+40+40', '-e', 'bash', '--norc', '--noprofile'], {
    PS1: '$ ',
  });
  await until('the xterm', () => {
    try {
      return x.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm']).trim() !== '';
    } catch {
      return false;
    }
  });
  x.run('xdotool', ['mousemove', '5', '5']);
  await wait(300);
  source = await X11ScreenSource.open(x.display, silentPlatformLog);
  // As in the session: clean pixels are read through the helper's own (MIT-SHM) screen source.
  overlay = new X11AnnotationOverlay(
    x.display,
    (event, details) => logs.push(`${event} ${JSON.stringify(details)}`),
    async () => source,
  );

  masked = overlay.excludeFrom(new ScreenSourceView(source));
  baseline = xwdCapture(x.display);
  rootChildren = children();
});

afterAll(async () => {
  overlay?.close();
  await overlay?.idle();
  await masked?.close();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  console.log('overlay figures', JSON.stringify(figures));
});

describe('the X11 drawing overlay', () => {
  it('paints exactly the outline of pen, arrow and rectangle in their colours; captures exclude them', async () => {
    const shapes: Shape[] = [
      {
        kind: 'pen',
        points: [
          [600, 100],
          [700, 160],
          [760, 120],
          [820, 220],
        ],
        color: '#43a047',
        width: 4,
      },
      { kind: 'arrow', from: [560, 400], to: [900, 600], color: '#e53935', width: 4 },
      { kind: 'rectangle', from: [620, 640], to: [960, 740], color: '#fdd835', width: 6 },
    ];
    let expected = new Set<string>();
    let id = 1;
    for (const shape of shapes) {
      const t0 = performance.now();
      await send({ type: 'shape.add', id: id++, shape });
      figures[`${shape.kind}Ms`] = Number((performance.now() - t0).toFixed(1));
      expected = new Set([
        ...expected,
        ...pixelsOf(rasterizeShape(shape as Exclude<Shape, { kind: 'text' }>, BOUNDS)),
      ]);
    }
    const screen = xwdCapture(x.display);
    // On the solid background no painted pixel can equal what was there: the diff is the shape.
    expect(diff(baseline, screen)).toEqual(expected);
    for (const shape of shapes) {
      const region = rasterizeShape(shape as Exclude<Shape, { kind: 'text' }>, BOUNDS);
      region.forEachSpan((y, x0) => expect(getPixel(screen, x0, y)).toBe(rgb(shape.color)));
    }
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    expect(children()).toBe(rootChildren + shapes.length);
    await send({ type: 'shapes.clear' });
  });

  it('paints the highlighter on even rows only: the xterm shows through the rows between', async () => {
    const shape: Shape = {
      kind: 'highlighter',
      points: [
        [60, 60],
        [400, 60],
        [400, 200],
      ],
      color: '#fdd835',
      width: 18,
    };
    await send({ type: 'shape.add', id: 10, shape });
    const screen = xwdCapture(x.display);
    const changed = diff(baseline, screen);
    expect(changed.size).toBeGreaterThan(1000);
    for (const p of changed) {
      const [px, py] = p.split(',').map(Number) as [number, number];
      expect(py % 2).toBe(0);
      expect(getPixel(screen, px, py)).toBe(rgb('#fdd835'));
    }
    // An odd row inside the stroke is the xterm as it was.
    for (let px = 70; px < 390; px++) expect(getPixel(screen, px, 61)).toBe(getPixel(baseline, px, 61));
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    await send({ type: 'shapes.clear' });
  });

  it('draws text with the X fonts at the point (top-left), in its colour, and keeps it out of captures', async () => {
    const shape: Shape = {
      kind: 'text',
      at: [560, 300],
      text: 'Click here: Save',
      color: '#1e88e5',
      size: 24,
    };
    await send({ type: 'shape.add', id: 20, shape });
    const screen = xwdCapture(x.display);
    const changed = [...diff(baseline, screen)].map((p) => p.split(',').map(Number) as [number, number]);
    expect(changed.length).toBeGreaterThan(200);
    for (const [px, py] of changed) {
      expect(getPixel(screen, px, py)).toBe(rgb('#1e88e5'));
      expect(px).toBeGreaterThanOrEqual(560);
      expect(py).toBeGreaterThanOrEqual(300);
      expect(py).toBeLessThan(300 + 40);
    }
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    await send({ type: 'shapes.clear' });
  });

  it('repaints what stays when an overlapping shape is removed, and shows the screen again where it was', async () => {
    const under: Shape = { kind: 'rectangle', from: [600, 200], to: [800, 300], color: '#1e88e5', width: 8 };
    const over: Shape = {
      kind: 'pen',
      points: [
        [580, 250],
        [820, 250],
      ],
      color: '#e53935',
      width: 10,
    };
    await send({ type: 'shape.add', id: 30, shape: under });
    await send({ type: 'shape.add', id: 31, shape: over });
    expect(getPixel(xwdCapture(x.display), 600, 250)).toBe(rgb('#e53935'));
    await send({ type: 'shape.remove', id: 31 });
    const screen = xwdCapture(x.display);
    const rect = pixelsOf(rasterizeShape(under as Exclude<Shape, { kind: 'text' }>, BOUNDS));
    expect(diff(baseline, screen)).toEqual(rect);
    expect(getPixel(screen, 600, 250)).toBe(rgb('#1e88e5'));
    expect(getPixel(screen, 700, 250)).toBe(BACKGROUND);
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    await send({ type: 'shapes.clear' });
  });

  it('lets clicks through to the window below (a middle click on a stroke pastes into the xterm)', async () => {
    const file = path.join(tmp, 'clicked.txt');
    await send({
      type: 'shape.add',
      id: 40,
      shape: {
        kind: 'pen',
        points: [
          [150, 150],
          [250, 150],
        ],
        color: '#000000',
        width: 20,
      },
    });
    expect(getPixel(xwdCapture(x.display), 200, 150)).toBe(0x000000);
    // The PRIMARY selection holds a command; xterm pastes it on a middle click, if it gets the click.
    const copier = spawn('xclip', ['-quiet', '-i', '-selection', 'primary'], {
      env: x.env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    copier.stdin.end(`echo through > ${file}`);
    try {
      await wait(300);
      // bash's bracketed paste does not run a pasted line: Return does (the xterm has the focus).
      x.run('xdotool', ['mousemove', '200', '150', 'click', '2']);
      await wait(200);
      x.run('xdotool', ['key', 'Return']);
      await until('the command pasted by the click', () => existsSync(file), 10_000);
      expect(readFileSync(file, 'utf8')).toBe('through\n');
    } finally {
      // xclip (-quiet: in the foreground) keeps a window to own the selection until it stops.
      if (copier.exitCode === null && copier.signalCode === null) {
        const exited = new Promise((r) => copier.once('exit', r));
        copier.kill('SIGTERM');
        await exited;
      }
    }
    x.run('xdotool', ['mousemove', '5', '5']);
    await send({ type: 'shapes.clear' });
    // The xterm printed the command: the baseline is the screen as it is now.
    await wait(300);
    baseline = xwdCapture(x.display);
  });

  it('leaves no white ghost where a drawing is redone at once over an application that repaints late', async () => {
    // Text over the xterm's width, so the pixels under a stroke are text and background.
    // (No window manager: the keys go to the window under the pointer.)
    x.run('xdotool', ['mousemove', '300', '250']);
    x.run('xdotool', ['type', '--delay', '0', `echo ${'ghost '.repeat(12)}`]);
    x.run('xdotool', ['key', 'Return']);
    x.run('xdotool', ['mousemove', '5', '5']);
    await wait(400);
    baseline = xwdCapture(x.display);
    const stroke: Shape = {
      kind: 'pen',
      points: [50, 62, 74, 86, 98, 110].flatMap((y): [number, number][] => [
        [50, y],
        [520, y],
      ]),
      color: '#e53935',
      width: 12,
    };
    // Another drawing stays on (far from the xterm), so the overlay's windows stay open.
    const keeper: Shape = { kind: 'rectangle', from: [900, 700], to: [960, 740], color: '#43a047', width: 4 };
    await send({ type: 'shape.add', id: 69, shape: keeper });
    await send({ type: 'shape.add', id: 70, shape: stroke });
    // The xterm is busy (stopped): what the undone stroke uncovers stays the X server's white
    // fill until it repaints. Undo, the laser going back and forth over the text (each move
    // uncovers pixels the next one covers), then the same stroke again (redo).
    xterm.kill('SIGSTOP');
    try {
      await send({ type: 'shape.remove', id: 70 });
      for (const at of [
        [300, 60],
        [306, 60],
        [300, 60],
      ] as [number, number][])
        await send({ type: 'laser', at });
      await send({ type: 'shape.add', id: 71, shape: stroke });
    } finally {
      xterm.kill('SIGCONT');
    }
    await wait(300);
    // The helper's capture (so the stream, so the agent's saved screenshot) is the screen as it
    // was: no pixel of the xterm's white fill kept as "clean".
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    await send({ type: 'shapes.clear' });
    await wait(300);
    expect(diff(baseline, xwdCapture(x.display)).size).toBe(0);
  });

  it('stays above the applications but under the sharing indicator, and comes back over a raised window', async () => {
    const indicator = await X11IndicatorWindow.open(
      x.display,
      () => undefined,
      () => 'Lifeline: sharing with Alex Agent - Stop',
    );
    expect(indicator).not.toBeNull();
    indicator!.show({ agentNames: ['Alex Agent'], grants: { ...NO_GRANTS, view: true } });
    await wait(200);
    const withIndicator = xwdCapture(x.display);
    const xterm = x.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm']).trim().split('\n')[0]!;
    try {
      // A stroke across the top of the screen, through the indicator, and one across the xterm.
      await send({
        type: 'shape.add',
        id: 70,
        shape: {
          kind: 'pen',
          points: [
            [0, 8],
            [1023, 8],
          ],
          color: '#000000',
          width: 10,
        },
      });
      await send({
        type: 'shape.add',
        id: 71,
        shape: {
          kind: 'pen',
          points: [
            [60, 250],
            [480, 250],
          ],
          color: '#1e88e5',
          width: 10,
        },
      });
      const red = 0xb00020; // the indicator's background
      const indicatorAt = () => {
        const screen = xwdCapture(x.display);
        for (let px = 300; px < 724; px++) if (getPixel(screen, px, 2) === red) return { screen, px };
        return null;
      };
      await until(
        'the indicator above the stroke',
        () => {
          const found = indicatorAt();
          return found !== null && getPixel(found.screen, found.px, 8) === red;
        },
        5000,
      );
      // And it stays so (the indicator raises itself every 2 s; the overlay must not fight it).
      for (let k = 0; k < 6; k++) {
        await wait(400);
        const found = indicatorAt();
        expect(found !== null && getPixel(found.screen, found.px, 8)).toBe(red);
      }
      expect(getPixel(xwdCapture(x.display), 5, 8)).toBe(0x000000); // the stroke outside it
      // An application raised above the drawings: within a check or two they are above it again.
      x.run('xdotool', ['windowraise', xterm]);
      await until(
        'the stroke above the raised xterm',
        () => getPixel(xwdCapture(x.display), 200, 250) === rgb('#1e88e5'),
        5000,
      );
      expect(diff(withIndicator, await maskedCapture()).size).toBe(0);
    } finally {
      indicator!.close();
      await send({ type: 'shapes.clear' });
    }
    await wait(200);
    expect(diff(baseline, xwdCapture(x.display)).size).toBe(0);
  });

  it('shows and moves the laser without ever moving the X pointer', async () => {
    x.run('xdotool', ['mousemove', '33', '44']);
    const before = mouse();
    await send({ type: 'laser', at: [700, 500] });
    let screen = xwdCapture(x.display);
    expect(getPixel(screen, 700, 500)).toBe(rgb('#ff1744'));
    const moves = 30;
    const t0 = performance.now();
    for (let i = 1; i <= moves; i++) await send({ type: 'laser', at: [700 + i * 4, 500 + i * 2] });
    figures.laserMoveMs = Number(((performance.now() - t0) / moves).toFixed(2));
    screen = xwdCapture(x.display);
    expect(getPixel(screen, 700 + moves * 4, 500 + moves * 2)).toBe(rgb('#ff1744'));
    expect(getPixel(screen, 700, 500)).toBe(BACKGROUND); // where it was is the screen again
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    const after = mouse();
    expect({ x: after.x, y: after.y }).toEqual({ x: before.x, y: before.y });
    await send({ type: 'laser', at: null });
    expect(diff(baseline, xwdCapture(x.display)).size).toBe(0);
    expect(children()).toBe(rootChildren);
  });

  it('shows every tool at once over an application (screenshot for docs/viewer.md)', async () => {
    // A known screen: the xterm cleared, then one line of output at its top (6x13 "fixed" font).
    x.run('xdotool', ['mousemove', '200', '150']);
    x.run('xdotool', ['type', '--delay', '10', 'clear; echo Save your work, then click Restart']);
    x.run('xdotool', ['key', 'Return']);
    x.run('xdotool', ['mousemove', '5', '5']);
    await wait(400);
    baseline = xwdCapture(x.display);
    const ellipse = Array.from({ length: 41 }, (_, i) => {
      const a = (i / 40) * 2 * Math.PI;
      return [Math.round(183 + 19 * Math.cos(a)), Math.round(48 + 11 * Math.sin(a))] as [number, number];
    });
    const tools: Shape[] = [
      {
        kind: 'highlighter',
        points: [
          [44, 48],
          [124, 48],
        ],
        color: '#fdd835',
        width: 14,
      },
      { kind: 'pen', points: ellipse, color: '#1e88e5', width: 3 },
      { kind: 'rectangle', from: [201, 40], to: [249, 56], color: '#43a047', width: 3 },
      { kind: 'arrow', from: [420, 190], to: [254, 60], color: '#e53935', width: 4 },
      { kind: 'text', at: [380, 196], text: 'Click Restart', color: '#e53935', size: 24 },
    ];
    for (const [i, shape] of tools.entries()) await send({ type: 'shape.add', id: 60 + i, shape });
    await send({ type: 'laser', at: [140, 160] });
    const screen = xwdCapture(x.display);
    expect(getPixel(screen, 140, 160)).toBe(rgb('#ff1744'));
    expect(getPixel(screen, 60, 48)).toBe(rgb('#fdd835'));
    expect(getPixel(screen, 60, 49)).toBe(getPixel(baseline, 60, 49));
    expect(diff(baseline, await maskedCapture()).size).toBe(0);
    x.run('sh', ['-c', `xwd -root -silent | convert xwd:- -crop 600x250+20+20 +repage -strip ${SCREENSHOT}`]);
    expect(existsSync(SCREENSHOT)).toBe(true);
    await send({ type: 'laser', at: null });
    await send({ type: 'shapes.clear' });
    expect(diff(baseline, xwdCapture(x.display)).size).toBe(0);
  });

  it('destroys its window when the last drawing goes, and the screen is exactly as before', async () => {
    const stroke: [number, number][] = Array.from({ length: 1000 }, (_, i) => [
      100 + Math.round(i * 0.8),
      400 + Math.round(80 * Math.sin(i / 40)),
    ]);
    const t0 = performance.now();
    await send({
      type: 'shape.add',
      id: 50,
      shape: { kind: 'pen', points: stroke, color: '#e53935', width: 4 },
    });
    figures.pen1000PointsMs = Number((performance.now() - t0).toFixed(1));
    expect(overlay.windowCount).toBe(1);
    // The cost the mask adds to a full-screen capture while this stroke is shown (median of 15).
    const plain: number[] = [];
    const withMask: number[] = [];
    const view = new ScreenSourceView(source);
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      await view.capture();
      plain.push(performance.now() - t);
      t = performance.now();
      await masked.capture();
      withMask.push(performance.now() - t);
    }
    const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    figures.fullCaptureMs = {
      plain: Number(median(plain).toFixed(2)),
      masked: Number(median(withMask).toFixed(2)),
    };
    figures.strokePixels = overlay.mask.covered.pixelCount();
    await send({ type: 'shapes.clear' });
    expect(overlay.windowCount).toBe(0);
    expect(children()).toBe(rootChildren);
    expect(diff(baseline, xwdCapture(x.display)).size).toBe(0);
    expect(overlay.mask.idle).toBe(true);
  });

  it('without a screen source, reads clean pixels with core GetImage and masks the same', async () => {
    const core = new X11AnnotationOverlay(x.display, (event, d) =>
      logs.push(`${event} ${JSON.stringify(d)}`),
    );
    const coreMasked = core.excludeFrom(new ScreenSourceView(source));
    const shape: Shape = { kind: 'arrow', from: [560, 100], to: [900, 300], color: '#43a047', width: 6 };
    core.apply(PEER, { type: 'shape.add', id: 1, shape });
    await core.idle();
    const screen = xwdCapture(x.display);
    expect(diff(baseline, screen)).toEqual(
      pixelsOf(rasterizeShape(shape as Exclude<Shape, { kind: 'text' }>, BOUNDS)),
    );
    const f = await coreMasked.capture();
    expect(diff(baseline, { ...f, data: f.data.slice() }).size).toBe(0);
    core.apply(PEER, { type: 'shapes.clear' });
    await core.idle();
    expect(diff(baseline, xwdCapture(x.display)).size).toBe(0);
    core.close();
    await core.idle();
  });

  it('without an X display, drops drawings with one log line', async () => {
    const lines: string[] = [];
    const none = new X11AnnotationOverlay(':4999', (event, d) => lines.push(`${event} ${JSON.stringify(d)}`));
    none.apply(1, {
      type: 'shape.add',
      id: 1,
      shape: { kind: 'pen', points: [[1, 1]], color: '#000000', width: 2 },
    });
    none.apply(1, { type: 'laser', at: [5, 5] });
    await none.idle();
    expect(lines.filter((l) => l.startsWith('overlay_unavailable'))).toHaveLength(1);
    expect(none.windowCount).toBe(0);
    none.close();
    await none.idle();
    expect(logs.filter((l) => !l.startsWith('overlay_unavailable'))).toEqual([]);
  });
});
