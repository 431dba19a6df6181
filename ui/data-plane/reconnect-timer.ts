/**
 * The one timer that owns reconnecting a data-plane socket: after a drop the next socket opens
 * after a delay that doubles from `firstMs` up to `maxMs`, each stretched by up to `jitter` of
 * itself (so that a server restart is not met by every viewer at the same instant); a welcome
 * starts the doubling over. At most one attempt is ever pending.
 */

export interface ReconnectOptions {
  /** First delay after a drop, in ms. */
  firstMs: number;
  /** Longest delay, in ms. */
  maxMs: number;
  /** Up to this fraction of each delay is added at random (0: none). */
  jitter?: number;
  /** Returns [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

export class ReconnectTimer {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ReconnectOptions) {}

  /** The socket was welcomed: the next drop waits `firstMs` again. */
  reset(): void {
    this.attempt = 0;
  }

  /** Runs `connect` after the next delay; a pending attempt is replaced. */
  schedule(connect: () => void): void {
    this.cancel();
    const { firstMs, maxMs, jitter = 0, random = Math.random } = this.options;
    const base = Math.min(maxMs, firstMs * 2 ** this.attempt);
    this.attempt++;
    const delay = jitter > 0 ? base * (1 + jitter * random()) : base;
    this.timer = setTimeout(() => {
      this.timer = null;
      connect();
    }, delay);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
