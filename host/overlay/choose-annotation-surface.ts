/**
 * Picks where the agent's drawings go on this machine: the system's overlay from the platform
 * registry (on a Linux desktop with an X display, the X11 overlay: drawn on the customer's
 * screen, kept out of the picture stream, connected only when the first drawing arrives); elsewhere
 * the session's HeldAnnotations (kept, not shown) until an overlay exists for that system.
 * `screen` (the consent gate's screen source) is how the overlay reads the pixels its drawings
 * will cover.
 */
import { createAnnotationOverlay, type SystemFacts } from '../platform/registry';
import type { ScreenSource } from '../platform/types';
import { HeldAnnotations, type AnnotationSurface } from '../session/annotation-surface';

export function createAnnotationSurface(
  system: SystemFacts,
  log: (line: string) => void,
  screen?: () => Promise<ScreenSource>,
): AnnotationSurface {
  return createAnnotationOverlay(system, log, screen) ?? new HeldAnnotations();
}
