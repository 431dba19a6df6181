/**
 * The Linux row of the platform table: a desktop running X11 (DISPLAY set; XWayland works for X11
 * windows only). Everything Linux-specific the helper needs beyond the Platform itself lives here:
 * the Wayland and no-display refusals, the X11 drawing overlay and indicator window, the
 * helper's own X11 windows (consent, "type the code"), the XDG state folder and the browsers' manifest folders.
 */
import path from 'node:path';
import type { PlatformBackend } from '../backend';
import { DesktopFileChooser } from './desktop-file-chooser';
import { X11DialogHost } from './dialog/x11-dialog-host';
import { linuxDesktopBackground } from './linux-desktop-background';
import { linuxNativeHosts } from './linux-native-hosts';
import { createLinuxX11Platform } from './linux-x11-platform';
import { X11AnnotationOverlay } from './overlay/x11-annotation-overlay';
import { X11IndicatorWindow } from './x11-indicator-window';
import { autostartFolder, XdgResumeEntry } from './xdg-resume-entry';
import type { SystemFacts } from '../system-facts';

function isWayland(env: SystemFacts['env']): boolean {
  return Boolean(env.WAYLAND_DISPLAY) || env.XDG_SESSION_TYPE === 'wayland';
}

export const linuxBackend: PlatformBackend = {
  id: 'linux-x11',
  label: 'Linux with X11',
  supports: (facts) => facts.platform === 'linux',
  unsupportedReason(facts) {
    if (facts.env.DISPLAY) return null;
    const name = facts.release ? `Linux ${facts.release}` : 'Linux';
    if (isWayland(facts.env)) {
      return (
        `This Linux desktop (${name}) runs Wayland without an X display (DISPLAY is not set), which is not supported yet: ` +
        `Lifeline's helper needs X11. Choose an "Xorg" or "X11" session at login and start the helper again`
      );
    }
    return `No desktop display was found on ${name} (DISPLAY is not set): Lifeline's helper needs a Linux desktop running X11`;
  },
  describe(facts) {
    const x11 = Boolean(facts.env.DISPLAY);
    const wayland = isWayland(facts.env);
    if (x11 && wayland) return { display: 'wayland (XWayland)' };
    if (x11) return { display: 'x11' };
    if (wayland) return { display: 'wayland' };
    return {};
  },
  async load(facts, options) {
    if (isWayland(facts.env)) {
      options.log.warn('platform.xwayland', {
        note: 'Wayland session with XWayland: only X11 windows can be captured and controlled',
      });
    }
    return createLinuxX11Platform({
      display: facts.env.DISPLAY!,
      log: options.log,
      runCommand: options.runCommand,
    });
  },
  annotationOverlay(facts, log, screen) {
    const display = facts.env.DISPLAY;
    if (!display) return null;
    return new X11AnnotationOverlay(
      display,
      (event, details) => log(`${event} ${JSON.stringify(details ?? {})}`),
      screen,
    );
  },
  async sharingIndicator(facts, onStop, words) {
    const display = facts.env.DISPLAY;
    return display
      ? X11IndicatorWindow.open(display, onStop, (state) => words.line(state) + words.lineStop)
      : null;
  },
  dialogHost(facts) {
    const display = facts.env.DISPLAY;
    return display ? new X11DialogHost(display) : null;
  },
  // zenity or kdialog where the desktop has one; the child inherits the helper's display.
  fileChooser: (facts) => (facts.env.DISPLAY ? DesktopFileChooser.find(facts.env) : null),
  desktopBackground: (facts, run, kind) => linuxDesktopBackground(facts, run, kind),
  resumeAtLogin(facts, home) {
    return new XdgResumeEntry(autostartFolder(facts, home));
  },
  stateFolder(facts, home) {
    const xdg = facts.env.XDG_STATE_HOME;
    // The XDG spec says relative values are invalid and must be ignored.
    const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state');
    return { dir: path.join(base, 'lifeline'), unixModes: true };
  },
  nativeHosts: linuxNativeHosts,
};
