/**
 * Picks how photographic areas are sent, from how the link keeps up: a ladder from lossless down
 * to JPEG quality 30 (`auto` mode uses JPEG 90 and below, `low` JPEG 20 throughout). Each time an update had to wait for the window (the link is the
 * bottleneck) the level steps down; after a quiet stretch of updates that never waited it steps
 * up again. Steps are rate-limited so one burst does not slam quality to the floor. Text and UI
 * are lossless at every level (rect-encoder.ts decides by content).
 */
import type { QualityMode } from '../../protocol/screen';
import type { EncodeQuality } from './rect-encoder';

/** Quality levels, best first. */
export const QUALITY_LADDER: readonly EncodeQuality[] = [
  { lossy: false, jpegQuality: 95 },
  { lossy: true, jpegQuality: 90 },
  { lossy: true, jpegQuality: 80 },
  { lossy: true, jpegQuality: 70 },
  { lossy: true, jpegQuality: 55 },
  { lossy: true, jpegQuality: 40 },
  { lossy: true, jpegQuality: 30 },
];
/**
 * Best level `auto` mode climbs to: JPEG 90. Changing photographic areas stay lossy in `auto`
 * (lossless RAW of moving pictures costs more CPU and bytes than any link gains); they become
 * lossless by the encoder's idle refresh once they stop changing, or always in `lossless` mode.
 */
export const QUALITY_AUTO_BEST_LEVEL = 1;
/**
 * `low` mode (the viewer's "Fast (less data)"): photographic areas at JPEG 20 whatever the link
 * does, below the ladder's floor; `auto` on a slow link sits at 30-40 already, so anything above
 * would save nothing (bench/screen/quality-mode-bench.ts, docs/performance.md).
 */
export const QUALITY_LOW: EncodeQuality = { lossy: true, jpegQuality: 20 };
/** Where a new stream starts: JPEG 80 until the link shows what it can do. */
export const QUALITY_START_LEVEL = 2;
/** Shortest time between two steps down, in ms. */
const STEP_DOWN_MIN_MS = 300;
/** Time without waiting for the window before a step up, in ms. */
const STEP_UP_AFTER_MS = 2000;

export class QualityController {
  private level = QUALITY_START_LEVEL;
  private lastDown = -Infinity;
  private clearSince: number;
  private mode: QualityMode = 'auto';

  constructor(now: number) {
    this.clearSince = now;
  }

  setMode(mode: QualityMode): void {
    this.mode = mode;
  }

  /** False in `low` mode: a still JPEG area stays as it is (its lossless re-send is what costs). */
  get refreshesLossless(): boolean {
    return this.mode !== 'low';
  }

  current(): EncodeQuality {
    if (this.mode === 'lossless') return QUALITY_LADDER[0]!;
    return this.mode === 'low' ? QUALITY_LOW : QUALITY_LADDER[this.level]!;
  }

  get levelIndex(): number {
    return this.level;
  }

  /** An update had to wait for the window. */
  onBlocked(now: number): void {
    this.clearSince = now;
    if (now - this.lastDown < STEP_DOWN_MIN_MS) return;
    if (this.level < QUALITY_LADDER.length - 1) this.level++;
    this.lastDown = now;
  }

  /** An update went out without waiting. */
  onClear(now: number): void {
    if (now - this.clearSince >= STEP_UP_AFTER_MS && this.level > QUALITY_AUTO_BEST_LEVEL) {
      this.level--;
      this.clearSince = now;
    }
  }
}
