/**
 * Which wallpaper control a Linux desktop has, from XDG_CURRENT_DESKTOP: GNOME's settings (and the
 * desktops that draw GNOME's background), KDE Plasma's, or, with no desktop environment named, the
 * X root window (a bare X server or a plain window manager, where the root is what shows). Other
 * desktops draw their own background window over the root, so changing the root would show
 * nothing: they get a clear "not supported on this desktop" answer instead.
 */
import type { CommandRunner } from '../command-runner';
import { stderrLog } from '../platform-log';
import type { SystemFacts } from '../system-facts';
import type { DesktopBackgroundChoice } from '../types';
import { GNOME_KIND, GnomeBackground } from './gnome-background';
import { KDE_KIND, KdeBackground } from './kde-background';
import { X11RootBackground, X_ROOT_KIND } from './x11-root-background';

/** XDG_CURRENT_DESKTOP names that draw org.gnome.desktop.background. */
const GNOME_NAMES = new Set(['GNOME', 'UNITY', 'BUDGIE', 'PANTHEON', 'GNOME-FLASHBACK', 'GNOME-CLASSIC']);
/** Window managers that leave the root window visible. */
const ROOT_NAMES = new Set(['OPENBOX', 'I3', 'FLUXBOX', 'AWESOME', 'BSPWM', 'DWM', 'ICEWM', 'XMONAD']);

function desktopNames(facts: SystemFacts): string[] {
  return (facts.env.XDG_CURRENT_DESKTOP ?? '')
    .split(':')
    .map((n) => n.trim().toUpperCase())
    .filter(Boolean);
}

function kindFor(facts: SystemFacts): string | null {
  const names = desktopNames(facts);
  if (names.some((n) => GNOME_NAMES.has(n))) return GNOME_KIND;
  if (names.includes('KDE')) return KDE_KIND;
  if (names.length === 0 || names.every((n) => ROOT_NAMES.has(n))) return X_ROOT_KIND;
  return null;
}

export function linuxDesktopBackground(
  facts: SystemFacts,
  run: CommandRunner,
  kind: string | undefined = kindFor(facts) ?? undefined,
): DesktopBackgroundChoice {
  const display = facts.env.DISPLAY;
  switch (kind) {
    case GNOME_KIND:
      return { ok: true, background: new GnomeBackground(run) };
    case KDE_KIND:
      return { ok: true, background: new KdeBackground(run) };
    case X_ROOT_KIND:
      if (!display) return { ok: false, reason: 'no X display to change the background of' };
      return { ok: true, background: new X11RootBackground(display, stderrLog) };
    default: {
      const name = facts.env.XDG_CURRENT_DESKTOP || 'this desktop';
      return {
        ok: false,
        reason: `the plain background is not supported on this desktop (${name.slice(0, 60)}): it works on GNOME, KDE Plasma and plain X window managers`,
      };
    }
  }
}
