/**
 * Pictures and bytes per second over the last RATE_SPAN_MS, for the share page's figures and the
 * watcher's status line. Keeps at most one entry per event inside the span, and never more than
 * MAX_SAMPLES (older ones are dropped first), so it stays small whatever the frame rate.
 */

/** The span rates are measured over, in ms. */
export const RATE_SPAN_MS = 2000;
/** Most samples kept. */
const MAX_SAMPLES = 1024;

export class RateMeter {
  private samples: { at: number; bytes: number }[] = [];
  totalEvents = 0;
  totalBytes = 0;

  constructor(private readonly now: () => number) {}

  /** One event (a picture sent or shown) of `bytes` bytes. */
  add(bytes: number): void {
    const at = this.now();
    this.totalEvents += 1;
    this.totalBytes += bytes;
    this.samples.push({ at, bytes });
    this.prune(at);
  }

  /** { perSecond: events/s, bytesPerSecond } over the span. */
  rates(): { perSecond: number; bytesPerSecond: number } {
    const now = this.now();
    this.prune(now);
    let bytes = 0;
    for (const s of this.samples) bytes += s.bytes;
    const seconds = RATE_SPAN_MS / 1000;
    return { perSecond: this.samples.length / seconds, bytesPerSecond: bytes / seconds };
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.samples.length && now - this.samples[drop]!.at > RATE_SPAN_MS) drop++;
    if (this.samples.length - drop > MAX_SAMPLES) drop = this.samples.length - MAX_SAMPLES;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }
}
