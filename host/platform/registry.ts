/**
 * Picks the Platform for the system the helper runs on; the only door from core helper code to a
 * platform folder. Today: Linux with an X11 display. Everywhere else loadPlatform() throws
 * ProtocolError('os_not_supported') whose message names the system, so the support page can tell
 * the customer exactly why ("Windows 10.0.19045 is not supported yet: ..."). describeOs() gives the
 * protocol's OsInfo for the helper's hello. The helper's own windows on the customer's screen come
 * through here too: createAnnotationOverlay() (the agent's drawings) and
 * openSharingIndicatorWindow() (the standalone helper's "sharing ... - Stop" window); both give
 * null where this system has none, and the caller falls back.
 */
import os from 'node:os';
import { ProtocolError } from '../../protocol/errors';
import type { OsInfo } from '../../protocol/helper-channel';
import type { SharingIndicator, SharingState } from '../consent/prompts/sharing-indicator';
import type { AnnotationSurface } from '../session/annotation-surface';
import { createLinuxX11Platform } from './linux/linux-x11-platform';
import { X11AnnotationOverlay } from './linux/overlay/x11-annotation-overlay';
import type { CommandRunner } from './linux/reboot';
import { X11DialogHost } from './linux/dialog/x11-dialog-host';
import { X11IndicatorWindow } from './linux/x11-indicator-window';
import { stderrLog, type PlatformLog } from './linux/x11-log';
import type { SystemProxySettings } from '../net/proxy-config';
import type { DialogHost, Platform, ScreenSource } from './types';

export type { PlatformLog } from './linux/x11-log';

/** What the registry looks at; injectable so tests can pretend to be another system. */
export interface SystemFacts {
  platform: string;
  release: string;
  arch: string;
  env: Record<string, string | undefined>;
}

export function currentSystem(): SystemFacts {
  return { platform: process.platform, release: os.release(), arch: process.arch, env: process.env };
}

const SYSTEM_NAMES: Record<string, string> = {
  win32: 'Windows',
  darwin: 'macOS',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  netbsd: 'NetBSD',
  sunos: 'Solaris',
  aix: 'AIX',
  android: 'Android',
  cygwin: 'Windows (Cygwin)',
  linux: 'Linux',
};

/** "Windows 10.0.19045", "macOS (Darwin 23.1.0)", "FreeBSD 14.0-RELEASE". */
export function systemName(facts: SystemFacts): string {
  const name = SYSTEM_NAMES[facts.platform] ?? facts.platform;
  if (facts.platform === 'darwin') return `macOS (Darwin ${facts.release})`;
  return facts.release ? `${name} ${facts.release}` : name;
}

function isWayland(env: SystemFacts['env']): boolean {
  return Boolean(env.WAYLAND_DISPLAY) || env.XDG_SESSION_TYPE === 'wayland';
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

export function describeOs(facts: SystemFacts = currentSystem()): OsInfo {
  const info: OsInfo = {
    platform: clip(facts.platform || 'unknown', 32),
    release: clip(facts.release, 100),
    arch: clip(facts.arch || 'unknown', 32),
  };
  if (facts.platform === 'linux') {
    const x11 = Boolean(facts.env.DISPLAY);
    const wayland = isWayland(facts.env);
    if (x11 && wayland) info.display = 'wayland (XWayland)';
    else if (x11) info.display = 'x11';
    else if (wayland) info.display = 'wayland';
  }
  return info;
}

/** Why this system has no platform, or null when it has one. */
export function unsupportedReason(facts: SystemFacts): string | null {
  const name = systemName(facts);
  if (facts.platform !== 'linux') {
    return `${name} is not supported yet: Lifeline's helper runs on Linux with X11`;
  }
  if (facts.env.DISPLAY) return null;
  if (isWayland(facts.env)) {
    return (
      `This Linux desktop (${name}) runs Wayland without an X display (DISPLAY is not set), which is not supported yet: ` +
      `Lifeline's helper needs X11. Choose an "Xorg" or "X11" session at login and start the helper again`
    );
  }
  return `No desktop display was found on ${name} (DISPLAY is not set): Lifeline's helper needs a Linux desktop running X11`;
}

export interface LoadPlatformOptions {
  system?: SystemFacts;
  log?: PlatformLog;
  runCommand?: CommandRunner;
}

export async function loadPlatform(options: LoadPlatformOptions = {}): Promise<Platform> {
  const facts = options.system ?? currentSystem();
  const reason = unsupportedReason(facts);
  if (reason) throw new ProtocolError('os_not_supported', reason, { os: describeOs(facts) });
  const log = options.log ?? stderrLog;
  if (isWayland(facts.env)) {
    log.warn('platform.xwayland', {
      note: 'Wayland session with XWayland: only X11 windows can be captured and controlled',
    });
  }
  return createLinuxX11Platform({ display: facts.env.DISPLAY!, log, runCommand: options.runCommand });
}

/**
 * The overlay that draws the agent's annotations on this system's screen, or null where there is
 * none yet (the caller keeps the drawings without showing them). Linux with DISPLAY: the X11
 * overlay, which connects only when the first drawing arrives. `screen` is how it reads the pixels
 * its drawings will cover (the session passes the consent gate's screen source).
 */
export function createAnnotationOverlay(
  system: SystemFacts,
  log: (line: string) => void,
  screen?: () => Promise<ScreenSource>,
): AnnotationSurface | null {
  const display = system.env.DISPLAY;
  if (system.platform !== 'linux' || !display) return null;
  return new X11AnnotationOverlay(
    display,
    (event, details) => log(`${event} ${JSON.stringify(details ?? {})}`),
    screen,
  );
}

/**
 * Opens the always-on-top sharing indicator window (with its Stop) on X display `display`;
 * resolves null when there is no X server to show it on.
 */
export function openSharingIndicatorWindow(
  display: string,
  onStop: () => void,
  describe: (state: SharingState) => string,
): Promise<SharingIndicator | null> {
  return X11IndicatorWindow.open(display, onStop, describe);
}

/**
 * Where the helper's own windows open (the consent question, "type the code", notices), or null
 * where this system has none reachable (no X display): the caller falls back to the terminal.
 * Nothing connects until the first dialog opens.
 */
export function dialogHost(system: SystemFacts = currentSystem()): DialogHost | null {
  const display = system.env.DISPLAY;
  if (system.platform !== 'linux' || !display) return null;
  return new X11DialogHost(display);
}

/**
 * The system's own proxy settings, where the system has them beyond the environment's
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (which host/net reads first, on every system). Linux desktops
 * export their proxy to those variables, so Linux has none here. Seam for Windows: its backend
 * reads Internet Options (HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings:
 * ProxyEnable, ProxyServer, ProxyOverride) and returns them in this shape.
 */
export function systemProxySettings(_system: SystemFacts = currentSystem()): SystemProxySettings | null {
  return null;
}
