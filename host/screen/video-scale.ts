/**
 * The scale a playing video region is coded at (video-frame-coder.ts). A video fills any link, so
 * the question is how much picture per frame gets through at a frame rate worth watching: the
 * scale steps down when an update had to wait for the flow-control window (frames are then
 * skipped: the link or the viewer, not the source, sets the rate), at most every
 * STEP_DOWN_MIN_MS, and steps up after VIDEO_STEP_UP_AFTER_MS of updates that never waited. The
 * measured delivery rate is not used: while we send small frames it measures what we send, not
 * what the link could carry (on the loaded benchmark machine it read 42 KB/s on an 8 Mbit/s link),
 * so a rule on it never let the scale up again. The picture becomes exact anyway once the video
 * stops (the lossless refresh of lossy areas).
 */

/** Scales tried, largest first (per side). */
export const VIDEO_SCALES: readonly number[] = [1, 3 / 4, 1 / 2, 3 / 8, 1 / 4];
/** Shortest time between two steps down, in ms (one burst does not slam the scale to the floor). */
const STEP_DOWN_MIN_MS = 300;
/** Time without waiting for the window before a step up, in ms. */
export const VIDEO_STEP_UP_AFTER_MS = 2000;

export class VideoScale {
  private level = 0;
  private lastDown = -Infinity;
  private clearSince: number;

  constructor(now: number) {
    this.clearSince = now;
  }

  get scale(): number {
    return VIDEO_SCALES[this.level]!;
  }

  /** The coded size of a `width` x `height` region at the current scale (at least 1 x 1). */
  size(width: number, height: number): { width: number; height: number } {
    return {
      width: Math.max(1, Math.round(width * this.scale)),
      height: Math.max(1, Math.round(height * this.scale)),
    };
  }

  /** Before coding a frame: `waited` says whether this update had to wait for the window. */
  beforeFrame(waited: boolean, now: number): void {
    if (waited) {
      this.clearSince = now;
      if (now - this.lastDown >= STEP_DOWN_MIN_MS && this.level < VIDEO_SCALES.length - 1) {
        this.level++;
        this.lastDown = now;
      }
    } else if (now - this.clearSince >= VIDEO_STEP_UP_AFTER_MS && this.level > 0) {
      this.level--;
      this.clearSince = now;
    }
  }

  /** The coded frame was too large to send whole: smaller from now on (false: already smallest). */
  tooLarge(): boolean {
    if (this.level >= VIDEO_SCALES.length - 1) return false;
    this.level++;
    return true;
  }
}
