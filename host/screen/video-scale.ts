/**
 * The scale a playing video region is coded at (video-frame-coder.ts). A video fills any link, so
 * the question is how much picture per frame the link carries at a frame rate worth watching:
 * the scale steps down when an update had to wait for the flow-control window (frames are then
 * skipped: the link, not the source, sets the rate) or when the measured delivery rate cannot
 * carry VIDEO_TARGET_FPS frames of the estimated size; it steps up after VIDEO_STEP_UP_AFTER_MS of
 * updates that never waited, if the rate does not rule the larger frames out (a rate measured
 * while we sent small frames understates the link, hence the margin). The picture becomes exact
 * anyway once the video stops (the lossless refresh of lossy areas).
 */

/** Scales tried, largest first (per side). */
export const VIDEO_SCALES: readonly number[] = [1, 3 / 4, 1 / 2, 3 / 8, 1 / 4];
/** Frames per second the scale aims to let through the measured delivery rate. */
export const VIDEO_TARGET_FPS = 24;
/** Shortest time between two steps down, in ms (one burst does not slam the scale to the floor). */
const STEP_DOWN_MIN_MS = 300;
/** Time without waiting for the window before a step up, in ms. */
export const VIDEO_STEP_UP_AFTER_MS = 2000;
/** A step up is allowed while the larger frame's estimate is within this many budgets; beyond, the scale steps down. */
const STEP_UP_MARGIN = 2;

export class VideoScale {
  private level = 0;
  private lastDown = -Infinity;
  private clearSince: number;
  /** JPEG bytes per coded pixel of the last frame, null before the first. */
  private bytesPerPixel: number | null = null;

  constructor(now: number) {
    this.clearSince = now;
  }

  get scale(): number {
    return VIDEO_SCALES[this.level]!;
  }

  /** The coded size of a `width` x `height` region at the current scale (at least 1 x 1). */
  size(width: number, height: number, scale = this.scale): { width: number; height: number } {
    return {
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    };
  }

  /**
   * Before coding a frame of a `width` x `height` region: `waited` says whether this update had to
   * wait for the window, `rateBps` is the measured delivery rate (null: not yet measured).
   */
  beforeFrame(width: number, height: number, waited: boolean, rateBps: number | null, now: number): void {
    const budget = rateBps === null ? Infinity : rateBps / VIDEO_TARGET_FPS;
    const estimate = (level: number): number => {
      if (this.bytesPerPixel === null) return 0;
      const s = this.size(width, height, VIDEO_SCALES[level]);
      return s.width * s.height * this.bytesPerPixel;
    };
    const last = VIDEO_SCALES.length - 1;
    if (waited) {
      this.clearSince = now;
      if (now - this.lastDown >= STEP_DOWN_MIN_MS && this.level < last) {
        this.level++;
        this.lastDown = now;
      }
    }
    // Frames the rate clearly cannot carry at the target rate are too large, waited or not (the
    // same margin as for a step up, so the two never undo each other frame after frame).
    while (this.level < last && estimate(this.level) > budget * STEP_UP_MARGIN) this.level++;
    if (
      !waited &&
      now - this.clearSince >= VIDEO_STEP_UP_AFTER_MS &&
      this.level > 0 &&
      estimate(this.level - 1) <= budget * STEP_UP_MARGIN
    ) {
      this.level--;
      this.clearSince = now;
    }
  }

  /** A frame of `pixels` coded pixels took `bytes`. */
  afterFrame(pixels: number, bytes: number): void {
    this.bytesPerPixel = bytes / Math.max(1, pixels);
  }

  /** The coded frame was too large to send whole: smaller from now on. */
  tooLarge(): boolean {
    if (this.level >= VIDEO_SCALES.length - 1) return false;
    this.level++;
    return true;
  }
}
