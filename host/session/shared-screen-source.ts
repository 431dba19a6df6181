/**
 * One viewer's view of the shared ScreenSource. The platform's source captures into ONE buffer
 * that its next capture reuses, and each viewer has its own encoder that keeps using a frame
 * across awaits (JPEG, zlib): so each view copies its capture into a buffer of its own (kept and
 * grown, never reallocated per frame) before another viewer's capture can run. The copy happens
 * synchronously when the capture resolves: the platform's next grab needs an X round trip first,
 * so it cannot overwrite the buffer in between. close() of a view leaves the shared source open
 * (the session owns it).
 */
import type { PixelBuffer, Rect, ScreenMove, ScreenSource } from '../platform/types';

const BYTES_PER_PIXEL = 4;

export class ScreenSourceView implements ScreenSource {
  private buffer = new Uint8Array(0);
  private readonly unsubscribers = new Set<() => void>();
  /** The shared source's moves, where it reports them (ScreenSource.onMoves). */
  readonly onMoves?: (listener: (moves: ScreenMove[]) => void) => () => void;

  constructor(private readonly shared: ScreenSource) {
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
    const frame = await this.shared.capture(rect);
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

  /** Unsubscribes what this view subscribed; the shared source stays open. */
  async close(): Promise<void> {
    for (const off of this.unsubscribers) off();
    this.unsubscribers.clear();
  }
}
