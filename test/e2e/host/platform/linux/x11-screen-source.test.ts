import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11ScreenSource } from '../../../../../host/platform/linux/x11-screen-source';
import { silentPlatformLog } from '../../../../../host/platform/platform-log';
import type { PixelBuffer, Rect } from '../../../../../host/platform/types';
import { startXvfb, type XDisplay } from '../../../../support/xvfb';
import { waitFor } from '../support/wait-for';
import { parseXwd } from '../support/xwd-image';

const run = promisify(execFile);
const TITLE = 'lifeline-screen-test';

let x: XDisplay;
let screen: X11ScreenSource;
let core: X11ScreenSource;
let xterm: Rect;

async function xdotool(...args: string[]): Promise<string> {
  return (await run('xdotool', args, { env: x.env })).stdout;
}

function copyOf(p: PixelBuffer): Buffer {
  return Buffer.from(p.data.subarray(0, p.stride * p.height));
}

/** How long the xterm may take to draw its first text, in ms (a hang guard, not a speed). */
const XTERM_DRAWN_MS = 30_000;

beforeAll(async () => {
  x = await startXvfb({ width: 1920, height: 1080 });
  const xtermProcess = x.spawnClient(
    'xterm',
    [
      '-T',
      TITLE,
      '-geometry',
      '80x20+40+30',
      '-e',
      'sh',
      '-c',
      'ls -la /; echo Lifeline capture test; sleep 600',
    ],
    {
      LC_ALL: 'C.UTF-8',
    },
  );
  let xtermStderr = '';
  xtermProcess.stderr?.on('data', (d: Buffer) => (xtermStderr = (xtermStderr + d.toString()).slice(-2000)));
  // The xterm's window as mapped at its requested size: a loaded machine once gave the window
  // before xterm had sized it (10x17 at 0,0), and the text was then looked for in the wrong place.
  xterm = await waitFor(
    'the xterm window, mapped at its 80x20 size',
    async () => {
      const found = (await xdotool('search', '--onlyvisible', '--name', TITLE).catch(() => '')).trim();
      if (!found) return undefined;
      const geometry = await xdotool('getwindowgeometry', '--shell', found.split('\n')[0]!);
      const num = (k: string) => Number(new RegExp(`^${k}=(\\d+)$`, 'm').exec(geometry)?.[1]);
      const rect = { x: num('X'), y: num('Y'), width: num('WIDTH'), height: num('HEIGHT') };
      return rect.width > 100 && rect.height > 100 ? rect : undefined;
    },
    XTERM_DRAWN_MS,
  );
  screen = await X11ScreenSource.open(x.display, silentPlatformLog);
  core = await X11ScreenSource.open(x.display, silentPlatformLog, { forceCoreCapture: true });
  // Wait until the xterm has drawn its text (a fixed pause was too short on a loaded machine,
  // and 10 s twice too in CI runs: the failure now says what the screen and the xterm showed).
  let seen = 0;
  try {
    await waitFor(
      'the xterm text on screen',
      async () => {
        if (xtermProcess.exitCode !== null || xtermProcess.signalCode !== null)
          throw new Error(`xterm ended (${xtermProcess.exitCode ?? xtermProcess.signalCode})`);
        seen = xtermColours(await core.capture());
        return seen > 1 ? true : undefined;
      },
      XTERM_DRAWN_MS,
    );
  } catch (err) {
    throw new Error(
      `${String(err)}; colours in the xterm's area ${JSON.stringify(xterm)}: ${seen}; ` +
        `xterm stderr: ${JSON.stringify(xtermStderr)}`,
    );
  }
});

/** This process's mappings of helper MIT-SHM segments (unlinked /dev/shm files). */
function segmentMappings(): string[] {
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.includes(`/dev/shm/lifeline-x11-shm-${process.pid}-`));
}

/** How many colours the xterm's area has in a captured frame (sampled every third pixel). */
function xtermColours(frame: PixelBuffer): number {
  const data = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  const colours = new Set<number>();
  for (let y = xterm.y; y < Math.min(xterm.y + xterm.height, frame.height); y += 3) {
    for (let xx = xterm.x; xx < Math.min(xterm.x + xterm.width, frame.width); xx += 3)
      colours.add(data.readUInt32LE(y * frame.stride + xx * 4) & 0xffffff);
  }
  return colours.size;
}

afterAll(async () => {
  await screen?.close();
  await core?.close();
  await x?.stop();
});

describe('X11ScreenSource capture', () => {
  it('captures through MIT-SHM, byte for byte what core GetImage returns', async () => {
    expect(screen.captureMethod).toBe('mit-shm');
    expect(screen.captureMapped).toBe(true);
    expect(core.captureMethod).toBe('core-getimage');
    expect(screen.desktopSize()).toEqual({ width: 1920, height: 1080 });
    const shm = await screen.capture();
    expect(shm).toMatchObject({ width: 1920, height: 1080, stride: 1920 * 4 });
    const a = copyOf(shm);
    const b = copyOf(await core.capture());
    expect(a.length).toBe(1920 * 1080 * 4);
    expect(Buffer.compare(a, b)).toBe(0);
    // The xterm really is in the picture: its area has more than one colour.
    expect(xtermColours(shm)).toBeGreaterThan(1);
  });

  it('equals what xwd (an independent X client) dumps, pixel for pixel', async () => {
    const frame = copyOf(await screen.capture());
    const dump = await run('xwd', ['-root', '-silent'], {
      env: x.env,
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    const xwd = parseXwd(dump.stdout);
    expect([xwd.width, xwd.height]).toEqual([1920, 1080]);
    let differing = 0;
    for (let i = 0, n = 1920 * 1080; i < n; i++) {
      const o = i * 4;
      const d = i * 3;
      if (frame[o] !== xwd.bgr[d] || frame[o + 1] !== xwd.bgr[d + 1] || frame[o + 2] !== xwd.bgr[d + 2])
        differing++;
    }
    expect(differing).toBe(0);
  });

  it('captures a rectangle equal to the same area of the full frame', async () => {
    const full = copyOf(await screen.capture());
    const rect = { x: xterm.x + 3, y: xterm.y + 5, width: 301, height: 77 };
    const part = await screen.capture(rect);
    expect(part).toMatchObject({ width: 301, height: 77, stride: 301 * 4 });
    for (let row = 0; row < rect.height; row++) {
      const want = full.subarray(
        ((rect.y + row) * 1920 + rect.x) * 4,
        ((rect.y + row) * 1920 + rect.x + rect.width) * 4,
      );
      const got = part.data.subarray(row * part.stride, row * part.stride + rect.width * 4);
      expect(Buffer.compare(Buffer.from(got), want)).toBe(0);
    }
  });

  it('falls back to core GetImage, saying why, where no shared segment can be passed', async () => {
    const lines: string[] = [];
    const log = {
      info: () => {},
      warn: (event: string, f?: Record<string, unknown>) => lines.push(`${event} ${f?.reason}`),
    };
    const remote = await X11ScreenSource.open(x.display, log, { noFdPassing: true });
    try {
      expect(remote.captureMethod).toBe('core-getimage');
      expect(lines).toEqual([
        'screen.capture_fallback no shared-memory provider (no writable /dev/shm or no fd passing)',
      ]);
      const a = copyOf(await remote.capture({ x: 0, y: 0, width: 640, height: 480 }));
      const b = copyOf(await screen.capture({ x: 0, y: 0, width: 640, height: 480 }));
      expect(Buffer.compare(a, b)).toBe(0);
    } finally {
      await remote.close();
    }
  });

  it('reads frames in place from the mapped segment: the next capture rewrites the same memory', async () => {
    const first = await screen.capture();
    const second = await screen.capture({ x: xterm.x, y: xterm.y, width: 200, height: 100 });
    // One mapping, no per-capture buffer: both frames view the segment's memory from its start.
    expect(second.data.buffer).toBe(first.data.buffer);
    expect(second.data.byteOffset).toBe(first.data.byteOffset);
    // ...and what it holds is the screen: the area as core GetImage reads it, byte for byte.
    const want = copyOf(await core.capture({ x: xterm.x, y: xterm.y, width: 200, height: 100 }));
    expect(Buffer.compare(copyOf(second), want)).toBe(0);
  });

  it('copies out of the segment, saying why, where koffi cannot map it; the picture is the same', async () => {
    const lines: string[] = [];
    const log = {
      info: (event: string, f?: Record<string, unknown>) => lines.push(`${event} ${JSON.stringify(f)}`),
      warn: (event: string, f?: Record<string, unknown>) => lines.push(`${event} ${f?.reason}`),
    };
    const copying = await X11ScreenSource.open(x.display, log, {
      importKoffi: () => Promise.reject(new Error('no koffi binary for this system')),
    });
    try {
      expect(copying.captureMethod).toBe('mit-shm');
      expect(copying.captureMapped).toBe(false);
      expect(copying.mappedSegments).toBe(0);
      expect(lines).toEqual([
        'screen.shm_copy_fallback koffi (the FFI) cannot be loaded here: no koffi binary for this system',
        'screen.capture_method {"method":"mit-shm","mapped":false}',
      ]);
      const a = copyOf(await copying.capture());
      const b = copyOf(await core.capture());
      expect(Buffer.compare(a, b)).toBe(0);
    } finally {
      await copying.close();
    }
  });

  it('unmaps its segment on close: gone from the address space, a frame kept past close reads zeros', async () => {
    const before = segmentMappings();
    const own = await X11ScreenSource.open(x.display, silentPlatformLog);
    let kept: PixelBuffer | null = null;
    try {
      expect(own.captureMapped).toBe(true);
      expect(own.mappedSegments).toBe(1);
      expect(segmentMappings()).toHaveLength(before.length + 1);
      kept = await own.capture({ x: xterm.x, y: xterm.y, width: 64, height: 64 });
      expect(kept.data.some((b) => b !== 0)).toBe(true);
    } finally {
      await own.close();
    }
    expect(own.mappedSegments).toBe(0);
    expect(segmentMappings()).toEqual(before);
    expect(kept.data.every((b) => b === 0)).toBe(true);
  });

  it('refuses areas outside the desktop', async () => {
    await expect(screen.capture({ x: 1900, y: 0, width: 100, height: 10 })).rejects.toThrow(
      /not inside the 1920x1080 desktop/,
    );
    await expect(screen.capture({ x: 0, y: 0, width: 0, height: 10 })).rejects.toThrow(/not inside/);
    await expect(screen.capture({ x: -1, y: 0, width: 10, height: 10 })).rejects.toThrow(/not inside/);
  });
});

describe('X11ScreenSource changes, pointer, cursor, monitors', () => {
  it('reports damage where the xterm changed', async () => {
    const seen: Rect[] = [];
    const inXterm = (r: Rect) =>
      r.x < xterm.x + xterm.width &&
      r.x + r.width > xterm.x &&
      r.y < xterm.y + xterm.height &&
      r.y + r.height > xterm.y;
    const stop = screen.onDamage((rects) => seen.push(...rects));
    try {
      // A new subscription first hears that everything changed (the server starts a Damage that way).
      await waitFor('the initial report', () => seen.length > 0);
      expect(seen).toEqual([{ x: 0, y: 0, width: 1920, height: 1080 }]);
      seen.length = 0;
      await xdotool('mousemove', String(xterm.x + 50), String(xterm.y + 50));
      await xdotool('type', '--delay', '5', 'damage here');
      // However slowly the xterm draws what was typed (a loaded machine), it is reported there.
      await waitFor('damage in the xterm', () => seen.some(inXterm));
    } finally {
      stop();
    }
    for (const r of seen) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(1920);
      expect(r.y + r.height).toBeLessThanOrEqual(1080);
    }
    // Typing changes a small area, not the whole screen.
    expect(seen.every((r) => r.width * r.height < 1920 * 1080)).toBe(true);
  });

  it('stops reporting after unsubscribe', async () => {
    let calls = 0;
    const stop = screen.onDamage(() => calls++);
    stop();
    await xdotool('type', '--delay', '5', 'more');
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(0);
  });

  it('tells the pointer position the X server has', async () => {
    await xdotool('mousemove', '123', '456');
    expect(await screen.pointer()).toEqual({ x: 123, y: 456 });
  });

  it('reads the cursor shape through XFIXES', async () => {
    const cursor = await screen.cursor();
    expect(cursor).not.toBeNull();
    expect(cursor!.width).toBeGreaterThan(0);
    expect(cursor!.rgba.length).toBe(cursor!.width * cursor!.height * 4);
    expect(cursor!.hotX).toBeLessThan(cursor!.width);
    // Same shape twice: same serial, same object (not converted again).
    expect(await screen.cursor()).toBe(cursor);
  });

  it('lists one monitor, then the RandR monitors set with xrandr', async () => {
    expect(await screen.monitors()).toEqual([
      { id: 0, name: 'screen', primary: true, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
    ]);
    await run('xrandr', ['--setmonitor', 'right', '960/254x1080/286+960+0', 'none'], { env: x.env });
    await run('xrandr', ['--setmonitor', 'left', '960/254x1080/286+0+0', 'screen'], { env: x.env });
    const monitors = await screen.monitors();
    expect(monitors.map((m) => [m.id, m.name, m.bounds])).toEqual([
      [0, 'left', { x: 0, y: 0, width: 960, height: 1080 }],
      [1, 'right', { x: 960, y: 0, width: 960, height: 1080 }],
    ]);
    expect(monitors.filter((m) => m.primary)).toHaveLength(1);
  });
});
