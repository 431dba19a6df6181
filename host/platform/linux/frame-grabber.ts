/**
 * Reads pixels of the root window. Two ways, same contract (BGRX rows, stride = width * 4, the
 * returned buffer reused by the next grab):
 * - MIT-SHM: one shared segment, created once and grown only when the desktop grows. The segment is
 *   an unlinked /dev/shm file passed to the server with ShmAttachFd (MIT-SHM 1.2). With the
 *   mapping provider (mapped-shm-provider.ts) the segment is mapped into our memory and the frame
 *   handed out IS the server's segment: no copy. Without it (koffi cannot load: said in the log
 *   once) the `x11` package's own provider pulls the bytes with one positional read per grab into
 *   a Buffer it keeps.
 * - core GetImage: the fallback for servers where no segment attaches (remote X, no /dev/shm,
 *   MIT-SHM < 1.2); about 10-20 times slower per full frame, so we say so in the log once.
 *
 * One frame at a time: the X server writes the segment only while a grab's GetImage is pending,
 * and the caller (X11ScreenSource) starts a grab only after the previous one has resolved, so the
 * pixels of a frame stay as they are until the NEXT grab is asked for. A consumer reading a frame
 * in place must finish before it captures again (ScreenEncoder: capture, encode, send, and only
 * then the next capture); one that keeps pixels across another consumer's capture copies them
 * (ScreenSourceView).
 */
import type { ShmExtension, ShmSegment } from 'x11';
import type { PixelBuffer, Rect } from '../types';
import { toBgrxInPlace, type PixelLayout } from './pixel-format';
import type { X11Connection } from './x11-connection';
import type { PlatformLog } from '../platform-log';

/** ZPixmap image format (core protocol). */
const Z_PIXMAP = 2;
const ALL_PLANES = 0xffffffff;
const BYTES_PER_PIXEL = 4;

export interface FrameGrabber {
  readonly method: 'mit-shm' | 'core-getimage';
  /** True when frames are read in place from the server's shared segment (no copy per grab). */
  readonly mapped: boolean;
  grab(rect: Rect): Promise<PixelBuffer>;
  close(): Promise<void>;
}

function imageOf(data: Uint8Array, rect: Rect): PixelBuffer {
  return { width: rect.width, height: rect.height, stride: rect.width * BYTES_PER_PIXEL, data };
}

export class CoreGrabber implements FrameGrabber {
  readonly method = 'core-getimage';
  readonly mapped = false;
  constructor(
    private readonly conn: X11Connection,
    private readonly layout: PixelLayout,
  ) {}

  async grab(rect: Rect): Promise<PixelBuffer> {
    const reply = await this.conn.call<{ data: Buffer }>('GetImage', (cb) =>
      this.conn.client.GetImage(
        Z_PIXMAP,
        this.conn.root,
        rect.x,
        rect.y,
        rect.width,
        rect.height,
        ALL_PLANES,
        cb,
      ),
    );
    const bytes = rect.width * rect.height * BYTES_PER_PIXEL;
    if (reply.data.length < bytes)
      throw new Error(`GetImage returned ${reply.data.length} bytes, expected ${bytes}`);
    const data = reply.data.subarray(0, bytes);
    if (this.layout.swap) toBgrxInPlace(data, bytes);
    return imageOf(data, rect);
  }

  async close(): Promise<void> {}
}

export class ShmGrabber implements FrameGrabber {
  readonly method = 'mit-shm';
  private constructor(
    private readonly conn: X11Connection,
    private readonly shm: ShmExtension,
    private readonly layout: PixelLayout,
    private segment: ShmSegment,
  ) {}

  /** A grabber with a segment of `bytes`, or null (with the reason) when MIT-SHM cannot be used here. */
  static async create(
    conn: X11Connection,
    layout: PixelLayout,
    bytes: number,
  ): Promise<{ grabber: ShmGrabber } | { reason: string }> {
    if (!conn.info.isLocalSocket) return { reason: 'the X display is not on a local socket (remote X)' };
    const shm = await conn.extension('shm');
    if (!shm) return { reason: 'the X server has no MIT-SHM extension' };
    if (shm.major < 1 || (shm.major === 1 && shm.minor < 2)) {
      return { reason: `the X server has MIT-SHM ${shm.major}.${shm.minor}; passing a segment needs 1.2` };
    }
    if (!shm.provider) return { reason: 'no shared-memory provider (no writable /dev/shm or no fd passing)' };
    try {
      const segment = await createSegment(shm, bytes);
      return { grabber: new ShmGrabber(conn, shm, layout, segment) };
    } catch (err) {
      return {
        reason: `the X server refused the shared segment: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  get mapped(): boolean {
    return this.segment.zeroCopy;
  }

  async grab(rect: Rect): Promise<PixelBuffer> {
    const bytes = rect.width * rect.height * BYTES_PER_PIXEL;
    if (bytes > this.segment.size) {
      // The desktop grew (RandR resize): one bigger segment, kept from now on.
      const old = this.segment;
      this.segment = await createSegment(this.shm, bytes);
      old.detach();
    }
    const segment = this.segment;
    await this.conn.call<unknown>('MIT-SHM.GetImage', (cb) =>
      segment.getImage(this.conn.root, rect.x, rect.y, rect.width, rect.height, ALL_PLANES, Z_PIXMAP, 0, cb),
    );
    // Mapped: these bytes are the segment itself, as the server left them at its reply.
    const data = segment.buffer.subarray(0, bytes);
    if (this.layout.swap) toBgrxInPlace(data, bytes);
    return imageOf(data, rect);
  }

  async close(): Promise<void> {
    const segment = this.segment;
    if (this.conn.closed) return;
    await new Promise<void>((resolve) => segment.detach(() => resolve()));
  }
}

function createSegment(shm: ShmExtension, bytes: number): Promise<ShmSegment> {
  return new Promise((resolve, reject) => {
    shm.createSegment(bytes, (err, seg) => (err ? reject(err) : resolve(seg)));
  });
}

/**
 * MIT-SHM where it works, else core GetImage with one log line saying why. `noMappingReason`: why
 * the connection's segments are copied rather than mapped (logged only if MIT-SHM is used).
 */
export async function createFrameGrabber(
  conn: X11Connection,
  layout: PixelLayout,
  bytes: number,
  log: PlatformLog,
  options: { forceCore?: boolean; noMappingReason?: string } = {},
): Promise<FrameGrabber> {
  if (!options.forceCore) {
    const shm = await ShmGrabber.create(conn, layout, bytes);
    if ('grabber' in shm) {
      const mapped = shm.grabber.mapped;
      if (!mapped) {
        log.warn('screen.shm_copy_fallback', {
          reason: options.noMappingReason ?? 'the shared segment is not mapped',
          note: 'each capture is copied out of the shared segment (about 1-3 ms more per 1080p frame)',
        });
      }
      log.info('screen.capture_method', { method: 'mit-shm', mapped });
      return shm.grabber;
    }
    log.warn('screen.capture_fallback', {
      method: 'core-getimage',
      reason: shm.reason,
      note: 'capture is slower (about 13-35 ms per 1080p frame instead of 1.5-2 ms)',
    });
  }
  return new CoreGrabber(conn, layout);
}
