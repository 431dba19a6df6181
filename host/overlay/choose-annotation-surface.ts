/**
 * Picks where the agent's drawings go on this machine: on a Linux desktop with an X display, the
 * X11 overlay (drawn on the customer's screen, kept out of the picture stream); elsewhere the
 * session's HeldAnnotations (kept, not shown) until an overlay exists for that system. The X11
 * overlay connects to the display only when the first drawing arrives; `screen` (the consent
 * gate's screen source) is how it reads the pixels its drawings will cover.
 */
import type { SystemFacts } from '../platform/registry';
import type { ScreenSource } from '../platform/types';
import { HeldAnnotations, type AnnotationSurface } from '../session/annotation-surface';
import { X11AnnotationOverlay } from './x11-annotation-overlay';

export function createAnnotationSurface(
  system: SystemFacts,
  log: (line: string) => void,
  screen?: () => Promise<ScreenSource>,
): AnnotationSurface {
  const display = system.env.DISPLAY;
  if (system.platform === 'linux' && display) {
    return new X11AnnotationOverlay(
      display,
      (event, details) => log(`${event} ${JSON.stringify(details ?? {})}`),
      screen,
    );
  }
  return new HeldAnnotations();
}
