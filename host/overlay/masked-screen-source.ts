/**
 * A ScreenSource whose captures never show the overlay's drawings: every capture is handed to
 * the OverlayMask (overlay-mask.ts), which writes the clean pixels under the drawings over it,
 * and the areas the overlay stops covering are reported as damage so the encoder captures them
 * again. The encoder (host/screen/) needs no change: it sees a desktop without drawings.
 *
 * The wrapped source must return a buffer this wrapper may write to (the session's per-viewer
 * ScreenSourceView copies every capture into a buffer of its own); close() closes only what this
 * wrapper subscribed, never the wrapped source's owner's resources beyond `inner.close()`.
 */
import type { PixelBuffer, Rect, ScreenMove, ScreenSource } from '../platform/types';
import type { OverlayMask } from './overlay-mask';

export class MaskedScreenSource implements ScreenSource {
  private readonly unsubscribers = new Set<() => void>();
  /** The inner source's moves, where it reports them (the encoder checks each against the masked pixels). */
  readonly onMoves?: (listener: (moves: ScreenMove[]) => void) => () => void;

  constructor(
    private readonly inner: ScreenSource,
    private readonly mask: OverlayMask,
  ) {
    const innerMoves = inner.onMoves?.bind(inner);
    if (innerMoves) {
      this.onMoves = (listener) => {
        const off = innerMoves(listener);
        this.unsubscribers.add(off);
        return () => {
          if (this.unsubscribers.delete(off)) off();
        };
      };
    }
  }

  desktopSize(): { width: number; height: number } {
    return this.inner.desktopSize();
  }

  monitors() {
    return this.inner.monitors();
  }

  async capture(rect?: Rect): Promise<PixelBuffer> {
    const token = this.mask.beginCapture();
    try {
      const frame = await this.inner.capture(rect);
      const size = this.inner.desktopSize();
      const area = rect ?? { x: 0, y: 0, width: size.width, height: size.height };
      this.mask.apply(frame, { x: area.x, y: area.y, width: frame.width, height: frame.height }, token);
      return frame;
    } finally {
      this.mask.endCapture(token);
    }
  }

  /** The mask wrote into the frame, which may be a lent one: giving it back is the inner source's. */
  releaseFrame(): void {
    this.inner.releaseFrame?.();
  }

  onDamage(listener: (rects: Rect[]) => void): () => void {
    const offInner = this.inner.onDamage(listener);
    const offMask = this.mask.onExposed(listener);
    const off = () => {
      offInner();
      offMask();
    };
    this.unsubscribers.add(off);
    return () => {
      if (this.unsubscribers.delete(off)) off();
    };
  }

  pointer() {
    return this.inner.pointer();
  }

  cursor() {
    return this.inner.cursor();
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribers) off();
    this.unsubscribers.clear();
    await this.inner.close();
  }
}
