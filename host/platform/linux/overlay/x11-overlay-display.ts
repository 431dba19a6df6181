/**
 * The drawing overlay's own connection to the X server (the `x11` package), with promises:
 * every request with a reply settles (reply, X error, timeout, or the connection ending), X
 * errors of requests sent without a callback are counted and logged, never thrown at the process.
 * It also checks, once, that the screen is one the overlay can mask exactly: a 24-bit TrueColor
 * root visual stored in 32 bits per pixel (the helper's capture format) and the SHAPE extension
 * with input shapes (1.1), so the overlay can be click-through. `open` resolves with the reason
 * instead of a display when any of it is missing.
 */
import {
  createClient,
  type ShapeExtension,
  type XCallback,
  type XClient,
  type XDisplayInfo,
  type XError,
  type XEvent,
  type XScreen,
} from 'x11';
import type { Rect } from '../../types';
import { toBgrxInPlace } from '../pixel-format';

/** How long connecting may take, in ms. */
const CONNECT_TIMEOUT_MS = 5000;
/** How long one request may wait for its reply, in ms. */
const REPLY_TIMEOUT_MS = 10_000;
/** X visual class TrueColor. */
const TRUE_COLOR = 4;
/** ZPixmap image format (core protocol). */
const Z_PIXMAP = 2;
const ALL_PLANES = 0xffffffff;
const BYTES_PER_PIXEL = 4;

export interface OverlayLog {
  (event: string, details?: Record<string, unknown>): void;
}

export class X11OverlayDisplay {
  readonly screen: XScreen;
  readonly root: number;
  readonly width: number;
  readonly height: number;
  /** X errors seen on requests sent without a callback (tests check it stays 0). */
  asyncErrors = 0;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly eventListeners = new Set<(raw: Buffer) => void>();
  private ended = false;

  private constructor(
    readonly client: XClient,
    readonly info: XDisplayInfo,
    readonly shape: ShapeExtension,
    private readonly swap: boolean,
    private readonly log: OverlayLog,
  ) {
    this.screen = info.screen[0]!;
    this.root = this.screen.root;
    this.width = this.screen.pixel_width;
    this.height = this.screen.pixel_height;
    client.on('event', (ev: XEvent) => {
      if (!Buffer.isBuffer(ev.rawData) || ev.rawData.length < 32) return;
      for (const l of this.eventListeners) l(ev.rawData);
    });
    client.on('error', (err: XError) => {
      this.asyncErrors++;
      this.log('overlay_x_error', { message: err.message, code: err.error, major: err.majorOpcode });
    });
    const onEnd = () => this.failAll(new Error('the X server closed the overlay connection'));
    client.on('end', onEnd);
    (client as unknown as { stream?: NodeJS.EventEmitter }).stream?.on('close', onEnd);
  }

  /** Connects and checks the screen; resolves with the reason when the overlay cannot run there. */
  static async open(display: string, log: OverlayLog): Promise<X11OverlayDisplay | { reason: string }> {
    const connected = await connect(display);
    if ('reason' in connected) return connected;
    const { client, info } = connected;
    const fail = (reason: string) => {
      client.terminate();
      return { reason };
    };
    const screen = info.screen[0];
    if (!screen) return fail('the X display reported no screen');
    const depth = screen.root_depth;
    const format = info.format[depth];
    const visual = screen.depths[depth]?.[screen.root_visual];
    if (
      (depth !== 24 && depth !== 32) ||
      format?.bits_per_pixel !== 32 ||
      !visual ||
      visual.class !== TRUE_COLOR ||
      visual.red_mask !== 0xff0000 ||
      visual.green_mask !== 0xff00 ||
      visual.blue_mask !== 0xff
    ) {
      return fail(`the X screen is not 24-bit TrueColor in 32 bits per pixel (depth ${depth})`);
    }
    const shape = await new Promise<ShapeExtension | null>((resolve) =>
      client.require('shape', (err, ext) => resolve(err || !ext ? null : ext)),
    );
    if (!shape) return fail('the X server has no SHAPE extension');
    const display_ = new X11OverlayDisplay(client, info, shape, info.image_byte_order !== 0, log);
    try {
      const [major, minor] = await display_.call<[number, number]>('SHAPE.QueryVersion', (cb) =>
        shape.QueryVersion(cb),
      );
      // Input shapes (click-through) arrived in SHAPE 1.1.
      if (major < 1 || (major === 1 && minor < 1)) {
        display_.close();
        return { reason: `the X server has SHAPE ${major}.${minor}; click-through needs 1.1` };
      }
    } catch (err) {
      display_.close();
      return { reason: `SHAPE did not answer: ${String(err)}` };
    }
    return display_;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** The pixel value of an sRGB colour on this TrueColor screen. */
  pixel(c: { r: number; g: number; b: number }): number {
    return ((c.r << 16) | (c.g << 8) | c.b) >>> 0;
  }

  /** Sends one request through `send` and waits for its reply. */
  call<T>(what: string, send: (cb: XCallback<T>) => unknown): Promise<T> {
    if (this.ended) return Promise.reject(new Error('the overlay X connection is closed'));
    return new Promise<T>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.pending.delete(fail);
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new Error(`X request ${what} got no answer within ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      this.pending.add(fail);
      try {
        send((err, result) => {
          if (!this.pending.has(fail)) return true;
          clearTimeout(timer);
          this.pending.delete(fail);
          if (err) reject(new Error(`X request ${what} failed: ${err.message} (X error ${err.error})`));
          else resolve(result);
          return true;
        });
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Waits until the server has processed every request sent so far. */
  async sync(): Promise<void> {
    await this.call<unknown>('GetInputFocus', (cb) => this.client.GetInputFocus(cb));
  }

  /**
   * Reads `rect` of `drawable` (default: the root, i.e. the screen as it is now, overlay included)
   * as BGRX rows `rect.width * 4` bytes apart. A pixmap must have the root's depth.
   */
  async getImage(rect: Rect, drawable = this.root): Promise<Uint8Array> {
    const reply = await this.call<{ data: Buffer }>('GetImage', (cb) =>
      this.client.GetImage(Z_PIXMAP, drawable, rect.x, rect.y, rect.width, rect.height, ALL_PLANES, cb),
    );
    const bytes = rect.width * rect.height * BYTES_PER_PIXEL;
    if (reply.data.length < bytes)
      throw new Error(`GetImage returned ${reply.data.length} bytes, expected ${bytes}`);
    const data = new Uint8Array(reply.data.buffer, reply.data.byteOffset, bytes);
    if (this.swap) toBgrxInPlace(data, data.length);
    return data;
  }

  onEvent(listener: (raw: Buffer) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  close(): void {
    if (this.ended) return;
    this.failAll(new Error('the overlay X connection was closed'));
    try {
      this.client.terminate();
    } catch {
      // already gone
    }
  }

  private failAll(err: Error): void {
    this.ended = true;
    for (const fail of [...this.pending]) fail(err);
  }
}

function connect(display: string): Promise<{ client: XClient; info: XDisplayInfo } | { reason: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: { client: XClient; info: XDisplayInfo } | { reason: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const timer = setTimeout(
      () => done({ reason: `the X display ${display} did not answer within ${CONNECT_TIMEOUT_MS} ms` }),
      CONNECT_TIMEOUT_MS,
    );
    try {
      const client = createClient({ display }, (err, info) => {
        if (err || !info) done({ reason: `cannot open X display ${display}: ${err?.message ?? 'no setup'}` });
        else done({ client, info });
      });
      client.once('error', (err: Error) =>
        done({ reason: `cannot open X display ${display}: ${err.message}` }),
      );
    } catch (err) {
      done({ reason: `cannot open X display ${display}: ${String(err)}` });
    }
  });
}
