/**
 * One viewer's view of the shared ScreenSource. The platform's source captures into ONE buffer
 * that its next capture reuses (X11: the MIT-SHM segment itself, mapped), and each viewer has its
 * own encoder that keeps using a frame across awaits (JPEG, zlib).
 *
 * - A lone viewer, on a source that lends its frames (ScreenSource.lendsFrames), gets the frame
 *   itself: no copy. The frame is lent until the viewer's encoder calls releaseFrame() (or
 *   captures again, or the view closes); meanwhile no other view of the group may capture, so the
 *   pixels being encoded are never rewritten under the encoder. Another view's capture waits for
 *   the frame to come back, at most LENT_FRAME_WAIT_MS, then fails saying so (its encoder retries).
 * - Otherwise (two viewers or more, or a source that does not lend) each view copies its capture
 *   into a buffer of its own (kept and grown, never reallocated per frame) synchronously when the
 *   capture resolves: the platform's next grab needs an X round trip first, so it cannot overwrite
 *   the buffer in between.
 *
 * The views of one session share a ScreenViewGroup, which also gives the session's other
 * capturer (the X11 overlay reading clean pixels) its turn: ScreenViewGroup.guest(). close() of a
 * view leaves the shared source open (the session owns it).
 */
import type { PixelBuffer, Rect, ScreenMove, ScreenSource } from '../platform/types';

const BYTES_PER_PIXEL = 4;
/** How long a capture waits for a frame lent to another viewer's encoder (one encode), in ms. */
export const LENT_FRAME_WAIT_MS = 5_000;

export class LentFrameTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`another viewer's encoder kept the screen's capture buffer for more than ${waitedMs} ms`);
    this.name = 'LentFrameTimeoutError';
  }
}

/**
 * The captures of one shared source in a session: one at a time, from the capture request until
 * its frame is copied, or, for a lent frame, until the borrowing view gives it back. The holder
 * is a view (or a guest capturer's token); the others wait, at most waitMs.
 */
export class ScreenViewGroup {
  readonly views = new Set<ScreenSourceView>();
  private holder: object | null = null;
  private waiters = new Set<() => void>();

  constructor(readonly waitMs = LENT_FRAME_WAIT_MS) {}

  /** True when `view` may be lent the next frame: it is the group's only view. */
  mayLend(view: ScreenSourceView): boolean {
    return this.views.size === 1 && this.views.has(view);
  }

  /** Resolves holding the group's capture turn; rejects after waitMs if another keeps it. */
  async acquire(who: object): Promise<void> {
    const started = Date.now();
    while (this.holder !== null && this.holder !== who) {
      const left = this.waitMs - (Date.now() - started);
      if (left <= 0) throw new LentFrameTimeoutError(this.waitMs);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
    this.holder = who;
  }

  release(who: object): void {
    if (this.holder !== who) return;
    this.holder = null;
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * `shared` for a capturer that is not a viewer (the X11 overlay reading the clean pixels under
   * a drawing): its captures take their turn like a view's, so they never write into a frame lent
   * to an encoder. Its caller must copy what it keeps as soon as the capture resolves.
   */
  guest(shared: ScreenSource): ScreenSource {
    const turn = {};
    const capture = async (rect?: Rect): Promise<PixelBuffer> => {
      await this.acquire(turn);
      try {
        return await shared.capture(rect);
      } finally {
        // The next holder's capture needs an X round trip before it writes: the caller's
        // synchronous copy comes first.
        this.release(turn);
      }
    };
    return {
      desktopSize: () => shared.desktopSize(),
      monitors: () => shared.monitors(),
      capture,
      onDamage: (listener) => shared.onDamage(listener),
      pointer: () => shared.pointer(),
      cursor: () => shared.cursor(),
      close: () => shared.close(),
    };
  }
}

export class ScreenSourceView implements ScreenSource {
  private buffer = new Uint8Array(0);
  private readonly unsubscribers = new Set<() => void>();
  private closed = false;
  /** The shared source's moves, where it reports them (ScreenSource.onMoves). */
  readonly onMoves?: (listener: (moves: ScreenMove[]) => void) => () => void;

  /** Without a group the view copies every capture (tests and wrappers that share nothing). */
  constructor(
    private readonly shared: ScreenSource,
    private readonly group: ScreenViewGroup | null = null,
  ) {
    group?.views.add(this);
    const sharedMoves = shared.onMoves?.bind(shared);
    if (sharedMoves) {
      this.onMoves = (listener) => {
        const off = sharedMoves(listener);
        this.unsubscribers.add(off);
        return () => {
          this.unsubscribers.delete(off);
          off();
        };
      };
    }
  }

  desktopSize(): { width: number; height: number } {
    return this.shared.desktopSize();
  }

  monitors() {
    return this.shared.monitors();
  }

  async capture(rect?: Rect): Promise<PixelBuffer> {
    // Asking again means the previous frame has been read.
    this.releaseFrame();
    const group = this.group;
    if (!group) return this.copyOf(await this.shared.capture(rect));
    await group.acquire(this);
    let lent = false;
    try {
      const frame = await this.shared.capture(rect);
      lent = Boolean(this.shared.lendsFrames) && !this.closed && group.mayLend(this);
      return lent ? frame : this.copyOf(frame);
    } finally {
      if (!lent) group.release(this);
    }
  }

  private copyOf(frame: PixelBuffer): PixelBuffer {
    const rowBytes = frame.width * BYTES_PER_PIXEL;
    const bytes = rowBytes * frame.height;
    if (this.buffer.byteLength < bytes) this.buffer = new Uint8Array(bytes);
    if (frame.stride === rowBytes) {
      this.buffer.set(frame.data.subarray(0, bytes));
    } else {
      for (let y = 0; y < frame.height; y++) {
        this.buffer.set(frame.data.subarray(y * frame.stride, y * frame.stride + rowBytes), y * rowBytes);
      }
    }
    return {
      width: frame.width,
      height: frame.height,
      stride: rowBytes,
      data: this.buffer.subarray(0, bytes),
    };
  }

  onDamage(listener: (rects: Rect[]) => void): () => void {
    const off = this.shared.onDamage(listener);
    this.unsubscribers.add(off);
    return () => {
      this.unsubscribers.delete(off);
      off();
    };
  }

  pointer() {
    return this.shared.pointer();
  }

  cursor() {
    return this.shared.cursor();
  }

  /** The encoder has read the last frame: a lent one goes back to the group. */
  releaseFrame(): void {
    this.group?.release(this);
  }

  /** Unsubscribes what this view subscribed; the shared source stays open. */
  async close(): Promise<void> {
    this.closed = true;
    this.releaseFrame();
    this.group?.views.delete(this);
    for (const off of this.unsubscribers) off();
    this.unsubscribers.clear();
  }
}
