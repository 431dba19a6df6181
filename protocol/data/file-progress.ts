/**
 * Progress of one file transfer as both people see it (the agent's Files panel, the customer's
 * helper): bytes done of the total, the rate over the last few seconds, and the time left at that
 * rate. Shared by both sides so they show the same figures for the same bytes. Bounded memory:
 * one sample per RATE_SAMPLE_MS at most, none older than RATE_SPAN_MS.
 */

/** The rate is measured over this span, in ms. */
export const RATE_SPAN_MS = 3000;
/** Samples closer together than this are merged, in ms. */
const RATE_SAMPLE_MS = 100;

export interface TransferFigures {
  doneBytes: number;
  totalBytes: number;
  /** Bytes per second over the last RATE_SPAN_MS (null until measured). */
  rateBps: number | null;
  /** Seconds left at that rate (null while the rate is unknown or zero). */
  secondsLeft: number | null;
}

export class ProgressMeter {
  private samples: { at: number; done: number }[] = [];
  private done = 0;

  constructor(
    private readonly totalBytes: number,
    startBytes = 0,
  ) {
    this.done = startBytes;
  }

  /** The transfer reached `doneBytes` at `now` (ms). A resume may move it back. */
  update(doneBytes: number, now: number): void {
    if (doneBytes < this.done) this.samples = [];
    this.done = doneBytes;
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.at < RATE_SAMPLE_MS && this.samples.length > 1) last.done = doneBytes;
    else this.samples.push({ at: now, done: doneBytes });
    while (this.samples.length > 2 && now - this.samples[1]!.at > RATE_SPAN_MS) this.samples.shift();
  }

  /** Nothing moves for a while (link lost): the rate starts over. */
  reset(): void {
    this.samples = [];
  }

  figures(now: number): TransferFigures {
    const first = this.samples[0];
    let rate: number | null = null;
    if (first && now - first.at > 0 && this.samples.length > 1) {
      rate = ((this.done - first.done) * 1000) / (now - first.at);
    }
    const left = this.totalBytes - this.done;
    return {
      doneBytes: this.done,
      totalBytes: this.totalBytes,
      rateBps: rate,
      secondsLeft: rate !== null && rate > 0 ? left / rate : left === 0 ? 0 : null,
    };
  }
}
