/**
 * JPEG quality of the shared picture, from the watcher's measured delivery rate (send-window.ts):
 * a fast link gets a sharp picture, a slow one a softer picture at a usable frame rate. Steps
 * rather than a curve, so the quality does not wander with every ack.
 */

/** Quality (0-1, as canvas.toBlob takes it) before the link is measured. */
export const QUALITY_INITIAL = 0.7;

/** Delivery rate (bytes/s) at and above which each quality applies; the first match wins. */
export const QUALITY_STEPS: readonly { minRateBps: number; quality: number }[] = [
  { minRateBps: 2_000_000, quality: 0.85 },
  { minRateBps: 800_000, quality: 0.75 },
  { minRateBps: 300_000, quality: 0.6 },
  { minRateBps: 100_000, quality: 0.5 },
  { minRateBps: 0, quality: 0.4 },
];

export function jpegQuality(rateBps: number | null): number {
  if (rateBps === null || !Number.isFinite(rateBps)) return QUALITY_INITIAL;
  for (const step of QUALITY_STEPS) if (rateBps >= step.minRateBps) return step.quality;
  return QUALITY_STEPS[QUALITY_STEPS.length - 1]!.quality;
}
