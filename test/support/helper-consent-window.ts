/**
 * Answers the standalone helper's own consent window (host/platform/linux/dialog/) as a customer
 * does with the keyboard: finds the window (WM_CLASS "lifeline-helper"), gives it the focus (no
 * window manager needed), then ticks the boxes asked for and presses Allow. The boxes come in the
 * order the helper asks (view, control, clipboard, files, reboot: those requested), the keyboard
 * starts on the first, Tab moves to the next, Space ticks, Enter presses Allow.
 */
import type { Capability } from '../../host/i18n/helper-text';
import { until } from './polling';
import type { XDisplay } from './xvfb';

/** The visible windows of the helper on this display. */
export function helperWindows(x: XDisplay): string[] {
  try {
    return x
      .run('xdotool', ['search', '--onlyvisible', '--classname', 'lifeline-helper'])
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // xdotool search exits 1 when nothing matches
  }
}

/** Ticks `allow` among `asked` (in the window's order) and presses Allow. */
export async function answerConsentWindow(
  x: XDisplay,
  asked: readonly Capability[],
  allow: readonly Capability[],
  timeoutMs = 30_000,
): Promise<void> {
  const id = await until('the consent window', () => helperWindows(x)[0], timeoutMs);
  x.run('xdotool', ['windowfocus', '--sync', id]);
  const keys = asked.flatMap((c, i) => [...(i > 0 ? ['Tab'] : []), ...(allow.includes(c) ? ['space'] : [])]);
  x.run('xdotool', ['key', '--delay', '100', ...keys, 'Return']);
  await until('the consent window to close', () => helperWindows(x).length === 0 || undefined, timeoutMs);
}
