/**
 * ScreenSource for an X11 display: its own X connection; capture through MIT-SHM (or core GetImage
 * where shared memory cannot work), changed areas through DAMAGE, pointer through QueryPointer,
 * cursor shape through XFIXES. The desktop size follows RandR screen-change events.
 *
 * Captures run one at a time and share one buffer: with MIT-SHM mapped (mapped-shm-provider.ts)
 * that buffer is the X server's segment, so a frame is read in place and stays unchanged until the
 * next capture() starts (frame-grabber.ts says who may rely on that).
 */
import type {
  DamageExtension,
  FixesCursorImage,
  FixesExtension,
  QueryPointerReply,
  RandrExtension,
} from 'x11';
import type { CursorImage, Monitor, PixelBuffer, Rect, ScreenSource } from '../types';
import { toCursorImage } from './cursor-image';
import { DamageWatch } from './damage-watch';
import { createFrameGrabber, type FrameGrabber } from './frame-grabber';
import { pixelLayoutOf } from './pixel-format';
import { loadMappedShmProvider, type MappedShmProvider } from './mapped-shm-provider';
import { listMonitors } from './randr-monitors';
import { X11Connection } from './x11-connection';
import type { PlatformLog } from '../platform-log';

const BYTES_PER_PIXEL = 4;

export class InvalidCaptureRectError extends Error {
  constructor(rect: Rect, size: { width: number; height: number }) {
    super(
      `capture area ${rect.width}x${rect.height}+${rect.x}+${rect.y} is not inside the ${size.width}x${size.height} desktop`,
    );
    this.name = 'InvalidCaptureRectError';
  }
}

export interface X11ScreenOptions {
  /** Skip MIT-SHM (benchmarks compare the two ways). */
  forceCoreCapture?: boolean;
  /** Connect without descriptor passing, as over a remote display: MIT-SHM then cannot attach. */
  noFdPassing?: boolean;
  /** Copy each MIT-SHM capture out of the segment instead of mapping it (benchmarks, tests). */
  copyShm?: boolean;
  /** How koffi is imported (tests make it fail to check the fallback). */
  importKoffi?: () => Promise<unknown>;
}

export class X11ScreenSource implements ScreenSource {
  /** In a session, captured only through the view group (viewers, and the X11 overlay as guest). */
  readonly lendsFrames = true;
  private size: { width: number; height: number };
  private queue: Promise<unknown> = Promise.resolve();
  private lastCursor: CursorImage | null = null;
  private readonly damage: DamageWatch | null;

  private constructor(
    private readonly conn: X11Connection,
    private readonly grabber: FrameGrabber,
    private readonly shmProvider: MappedShmProvider | null,
    private readonly randr: RandrExtension | null,
    private readonly fixes: FixesExtension | null,
    damage: DamageExtension | null,
    private readonly log: PlatformLog,
  ) {
    this.size = { width: conn.screen.pixel_width, height: conn.screen.pixel_height };
    this.damage = damage ? new DamageWatch(conn, damage, () => this.desktopSize()) : null;
    if (randr) {
      const screenChange = randr.firstEvent; // RRScreenChangeNotify is RandR's event 0
      conn.onEvent((raw) => {
        if ((raw[0]! & 0x7f) !== screenChange || raw.readUInt32LE(12) !== conn.root) return;
        const width = raw.readUInt16LE(24);
        const height = raw.readUInt16LE(26);
        if (width > 0 && height > 0) this.size = { width, height };
      });
      randr.SelectInput(conn.root, randr.NotifyMask.ScreenChange);
    }
  }

  static async open(
    displayName: string,
    log: PlatformLog,
    options: X11ScreenOptions = {},
  ): Promise<X11ScreenSource> {
    const shm = options.forceCoreCapture || options.noFdPassing ? null : await mappingFor(options);
    const shmProvider = shm && 'provider' in shm ? shm.provider : null;
    const conn = await X11Connection.open(displayName, log, {
      fdPassing: !options.noFdPassing,
      ...(shmProvider ? { shmProvider } : {}),
    });
    try {
      const layout = pixelLayoutOf(conn.info, conn.screen);
      const frameBytes = conn.screen.pixel_width * conn.screen.pixel_height * BYTES_PER_PIXEL;
      const grabber = await createFrameGrabber(conn, layout, frameBytes, log, {
        forceCore: options.forceCoreCapture,
        ...(shm && 'reason' in shm ? { noMappingReason: shm.reason } : {}),
      });
      const [randr, fixes, damage] = await Promise.all([
        conn.extension('randr'),
        conn.extension('fixes'),
        conn.extension('damage'),
      ]);
      if (!damage)
        log.warn('screen.no_damage', { note: 'the X server has no DAMAGE extension: no change reports' });
      if (!fixes)
        log.warn('screen.no_xfixes', { note: 'the X server has no XFIXES extension: no cursor shape' });
      return new X11ScreenSource(conn, grabber, shmProvider, randr, fixes, damage, log);
    } catch (err) {
      await conn.close();
      shmProvider?.destroyAll();
      throw err;
    }
  }

  /** 'mit-shm' or 'core-getimage': how this source reads pixels. */
  get captureMethod(): FrameGrabber['method'] {
    return this.grabber.method;
  }

  /** True when captures are read in place from the mapped MIT-SHM segment (no copy). */
  get captureMapped(): boolean {
    return this.grabber.mapped;
  }

  /** Shared segments this source still has mapped (0 after close). */
  get mappedSegments(): number {
    return this.shmProvider?.live ?? 0;
  }

  desktopSize(): { width: number; height: number } {
    return { ...this.size };
  }

  monitors(): Promise<Monitor[]> {
    return listMonitors(this.conn, this.randr, this.size);
  }

  capture(rect?: Rect): Promise<PixelBuffer> {
    const size = this.size;
    const area = rect ?? { x: 0, y: 0, width: size.width, height: size.height };
    if (
      !Number.isInteger(area.x) ||
      !Number.isInteger(area.y) ||
      !Number.isInteger(area.width) ||
      !Number.isInteger(area.height) ||
      area.x < 0 ||
      area.y < 0 ||
      area.width <= 0 ||
      area.height <= 0 ||
      area.x + area.width > size.width ||
      area.y + area.height > size.height
    ) {
      return Promise.reject(new InvalidCaptureRectError(area, size));
    }
    const run = this.queue.then(() => this.grabber.grab(area));
    this.queue = run.catch(() => undefined);
    return run;
  }

  onDamage(listener: (rects: Rect[]) => void): () => void {
    if (!this.damage) return () => {};
    return this.damage.subscribe(listener);
  }

  async pointer(): Promise<{ x: number; y: number }> {
    const reply = await this.conn.call<QueryPointerReply>('QueryPointer', (cb) =>
      this.conn.client.QueryPointer(this.conn.root, cb),
    );
    return { x: reply.rootX, y: reply.rootY };
  }

  async cursor(): Promise<CursorImage | null> {
    const fixes = this.fixes;
    if (!fixes) return null;
    const reply = await this.conn.call<FixesCursorImage>('XFIXES.GetCursorImage', (cb) =>
      fixes.GetCursorImage(cb),
    );
    if (this.lastCursor && this.lastCursor.serial === reply.cursorSerial) return this.lastCursor;
    this.lastCursor = toCursorImage(reply);
    return this.lastCursor;
  }

  async close(): Promise<void> {
    this.damage?.close();
    try {
      await this.queue;
      await this.grabber.close();
    } catch (err) {
      this.log.warn('screen.close_failed', { error: String(err) });
    }
    await this.conn.close();
    // Segments whose Detach never came back (the connection was already gone) are unmapped here.
    this.shmProvider?.destroyAll();
  }
}

function mappingFor(
  options: X11ScreenOptions,
): Promise<{ provider: MappedShmProvider } | { reason: string }> {
  if (options.copyShm) return Promise.resolve({ reason: 'turned off for this source (copyShm)' });
  return loadMappedShmProvider(options.importKoffi);
}
