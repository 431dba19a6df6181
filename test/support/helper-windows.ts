/**
 * The standalone helper's own windows on an X display, as the e2e suites see them: the helper's
 * windows (WM_CLASS "lifeline-helper"), what the window manager says (active window, stacking
 * order, names), and answering the consent window with the keyboard as a customer does.
 */
import type { Capability } from '../../host/i18n/helper-text';
import { until } from './polling';
import type { XDisplay } from './xvfb';

/** `xprop args` on the display ('' when it fails: no window manager, the window is gone). */
export function xprop(x: XDisplay, args: string[]): string {
  try {
    return x.run('xprop', args);
  } catch {
    return '';
  }
}

/** The active window's id, as the window manager says (0 when none). */
export function activeWindow(x: XDisplay): number {
  const m = /# (0x[0-9a-f]+)/.exec(xprop(x, ['-root', '_NET_ACTIVE_WINDOW']));
  return m ? Number(m[1]) : 0;
}

/** Client windows bottom to top, as the window manager stacks them. */
export function stacking(x: XDisplay): number[] {
  const m = /# (.*)$/m.exec(xprop(x, ['-root', '_NET_CLIENT_LIST_STACKING']));
  return m ? m[1]!.split(',').map((s) => Number(s.trim())) : [];
}

/** The helper's visible windows on this display. */
export function helperWindows(x: XDisplay): number[] {
  try {
    return x
      .run('xdotool', ['search', '--onlyvisible', '--classname', 'lifeline-helper'])
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // xdotool search exits 1 when nothing matches
  }
}

/** A window's title (_NET_WM_NAME). */
export function windowName(x: XDisplay, id: number): string {
  return /= "(.*)"$/m.exec(xprop(x, ['-id', String(id), '_NET_WM_NAME']))?.[1] ?? '';
}

/**
 * Ticks `allow` among `asked` and presses Allow, with the keyboard: the boxes come in the order the
 * helper asks (view, control, clipboard, files, reboot: those requested), the keyboard starts on
 * the first, Tab moves to the next, Space ticks, Enter presses Allow. The window is given the
 * focus first (no window manager needed).
 */
export async function answerConsentWindow(
  x: XDisplay,
  asked: readonly Capability[],
  allow: readonly Capability[],
  timeoutMs = 30_000,
): Promise<void> {
  const id = await until('the consent window', () => helperWindows(x)[0], timeoutMs);
  x.run('xdotool', ['windowfocus', '--sync', String(id)]);
  const keys = asked.flatMap((c, i) => [...(i > 0 ? ['Tab'] : []), ...(allow.includes(c) ? ['space'] : [])]);
  x.run('xdotool', ['key', '--delay', '100', ...keys, 'Return']);
  await until('the consent window to close', () => helperWindows(x).length === 0 || undefined, timeoutMs);
}
