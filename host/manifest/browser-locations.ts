/**
 * Where each browser looks for native-messaging host manifests, per system and scope. Linux and
 * macOS read a file NAME.json in a directory; Windows reads a registry key that points at the
 * file (not written by this installer: docs/deployment.md gives the keys).
 *
 * `detect` is a directory whose presence says the browser is (or was) used here, for
 * `install` without --browser: we do not create a browser's configuration folder for a browser
 * that is not installed.
 */
import { join } from 'node:path';

export const BROWSER_NAMES = ['chrome', 'chromium', 'edge', 'firefox'] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];
export type BrowserFamily = 'chromium' | 'firefox';
export type InstallScope = 'user' | 'system';

export function isBrowserName(s: string): s is BrowserName {
  return (BROWSER_NAMES as readonly string[]).includes(s);
}

export function familyOf(browser: BrowserName): BrowserFamily {
  return browser === 'firefox' ? 'firefox' : 'chromium';
}

export interface ManifestLocation {
  browser: BrowserName;
  /** Directory that holds NAME.json. */
  dir: string;
  /** Exists when the browser is present for this scope. */
  detect: string;
}

export interface LocationContext {
  /** process.platform */
  platform: string;
  home: string;
  /** Prefix for system paths ("/" normally; a temporary folder in tests). */
  root: string;
}

type Paths = { dir: string; detect: string };
type Table = Record<BrowserName, Record<InstallScope, Paths>>;

/** Linux: user paths under $HOME, system paths absolute (joined under `root`). */
const LINUX: Table = {
  chrome: {
    user: { dir: '.config/google-chrome/NativeMessagingHosts', detect: '.config/google-chrome' },
    system: { dir: 'etc/opt/chrome/native-messaging-hosts', detect: 'etc/opt/chrome' },
  },
  chromium: {
    user: { dir: '.config/chromium/NativeMessagingHosts', detect: '.config/chromium' },
    system: { dir: 'etc/chromium/native-messaging-hosts', detect: 'etc/chromium' },
  },
  edge: {
    user: { dir: '.config/microsoft-edge/NativeMessagingHosts', detect: '.config/microsoft-edge' },
    system: { dir: 'etc/opt/edge/native-messaging-hosts', detect: 'etc/opt/edge' },
  },
  firefox: {
    user: { dir: '.mozilla/native-messaging-hosts', detect: '.mozilla' },
    system: { dir: 'usr/lib/mozilla/native-messaging-hosts', detect: 'usr/lib/mozilla' },
  },
};

const MAC_APP_SUPPORT = 'Library/Application Support';
/** macOS: user paths under $HOME; system paths under /Library (which differ for Chrome and Edge). */
const MAC: Table = {
  chrome: {
    user: {
      dir: `${MAC_APP_SUPPORT}/Google/Chrome/NativeMessagingHosts`,
      detect: `${MAC_APP_SUPPORT}/Google/Chrome`,
    },
    system: { dir: 'Library/Google/Chrome/NativeMessagingHosts', detect: 'Applications/Google Chrome.app' },
  },
  chromium: {
    user: { dir: `${MAC_APP_SUPPORT}/Chromium/NativeMessagingHosts`, detect: `${MAC_APP_SUPPORT}/Chromium` },
    system: { dir: `${MAC_APP_SUPPORT}/Chromium/NativeMessagingHosts`, detect: 'Applications/Chromium.app' },
  },
  edge: {
    user: {
      dir: `${MAC_APP_SUPPORT}/Microsoft Edge/NativeMessagingHosts`,
      detect: `${MAC_APP_SUPPORT}/Microsoft Edge`,
    },
    system: { dir: 'Library/Microsoft/Edge/NativeMessagingHosts', detect: 'Applications/Microsoft Edge.app' },
  },
  firefox: {
    user: { dir: `${MAC_APP_SUPPORT}/Mozilla/NativeMessagingHosts`, detect: `${MAC_APP_SUPPORT}/Firefox` },
    system: { dir: `${MAC_APP_SUPPORT}/Mozilla/NativeMessagingHosts`, detect: 'Applications/Firefox.app' },
  },
};

/** Systems whose browsers read manifests from directories (Windows uses the registry). */
export function supportsDirectoryManifests(platform: string): boolean {
  return platform === 'linux' || platform === 'darwin';
}

export function manifestLocation(
  browser: BrowserName,
  scope: InstallScope,
  ctx: LocationContext,
): ManifestLocation {
  const table = ctx.platform === 'darwin' ? MAC : LINUX;
  const paths = table[browser][scope];
  const base = scope === 'user' ? ctx.home : ctx.root;
  return { browser, dir: join(base, paths.dir), detect: join(base, paths.detect) };
}

/** Where the launcher script lives for a scope (one script shared by every browser). */
export function launcherDir(scope: InstallScope, ctx: LocationContext): string {
  if (ctx.platform === 'darwin') {
    return scope === 'user'
      ? join(ctx.home, MAC_APP_SUPPORT, 'Lifeline')
      : join(ctx.root, MAC_APP_SUPPORT, 'Lifeline');
  }
  return scope === 'user' ? join(ctx.home, '.local/lib/lifeline') : join(ctx.root, 'usr/local/lib/lifeline');
}
