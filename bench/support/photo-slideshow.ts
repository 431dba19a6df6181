/**
 * A photo slideshow for the benchmarks: our own X client (pure-JS x11) that shows photo-like
 * frames (ImageMagick's fractal plasma, made once with `convert`) in a window at a fixed rate with
 * plain PutImage requests. Not ImageMagick's `animate`: that grabs the X server while it draws, so
 * every other client (the xterms, both screen scrapers) stalls with it and the benchmark would
 * measure the grab, not the link.
 */
import { spawnSync } from 'node:child_process';
import { createClient, type XClient } from 'x11';

const COPY_FROM_PARENT = 0;
const INPUT_OUTPUT = 1;
const Z_PIXMAP = 2;
const DEPTH = 24;
/** Rows per PutImage request: keeps each request far under the core protocol's 256 KiB limit. */
const ROWS_PER_REQUEST = 64;
const CONNECT_TIMEOUT_MS = 5000;

/** PutImage is in the x11 package but not in our declaration of it (types/x11.d.ts). */
interface PutImageClient {
  PutImage(
    format: number,
    drawable: number,
    gc: number,
    width: number,
    height: number,
    dstX: number,
    dstY: number,
    leftPad: number,
    depth: number,
    data: Buffer,
  ): void;
}

export interface SlideshowOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  frames: number;
  framesPerSecond: number;
}

export interface Slideshow {
  /** Frames drawn so far. */
  readonly shown: number;
  /** Stops drawing, removes the window and disconnects. */
  stop(): void;
}

/** One photo-like frame, BGRX, from `convert` (a different picture for each seed). */
function plasma(width: number, height: number, seed: number): Buffer {
  const r = spawnSync(
    'convert',
    ['-size', `${width}x${height}`, '-seed', String(seed), 'plasma:fractal', '-depth', '8', 'bgra:-'],
    { maxBuffer: width * height * 4 + 1024 },
  );
  if (r.status !== 0 || r.stdout.byteLength !== width * height * 4)
    throw new Error(`convert failed (${r.status}): ${r.stderr?.toString() ?? ''}`);
  return r.stdout;
}

export async function startSlideshow(display: string, o: SlideshowOptions): Promise<Slideshow> {
  const frames = Array.from({ length: o.frames }, (_, i) => plasma(o.width, o.height, i + 1));
  const client = await new Promise<XClient>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('slideshow: X connection timed out')),
      CONNECT_TIMEOUT_MS,
    );
    const c = createClient({ display }, (err, info) => {
      clearTimeout(timer);
      if (err || !info) reject(err ?? new Error('slideshow: no X display'));
      else resolve(c);
    });
  });
  const root = client.display.screen[0]!.root;
  const window = client.AllocID();
  client.CreateWindow(
    window,
    root,
    o.x,
    o.y,
    o.width,
    o.height,
    0,
    COPY_FROM_PARENT,
    INPUT_OUTPUT,
    COPY_FROM_PARENT,
    {
      backgroundPixel: 0,
      overrideRedirect: 1,
    },
  );
  const gc = client.AllocID();
  client.CreateGC(gc, window, {});
  client.MapWindow(window);
  const put = client as unknown as PutImageClient;
  const stride = o.width * 4;
  let shown = 0;
  const draw = () => {
    const frame = frames[shown % frames.length]!;
    for (let y = 0; y < o.height; y += ROWS_PER_REQUEST) {
      const rows = Math.min(ROWS_PER_REQUEST, o.height - y);
      put.PutImage(
        Z_PIXMAP,
        window,
        gc,
        o.width,
        rows,
        0,
        y,
        0,
        DEPTH,
        frame.subarray(y * stride, (y + rows) * stride),
      );
    }
    shown++;
  };
  draw();
  const timer = setInterval(draw, 1000 / o.framesPerSecond);
  return {
    get shown() {
      return shown;
    },
    stop() {
      clearInterval(timer);
      client.DestroyWindow(window);
      client.terminate();
    },
  };
}
