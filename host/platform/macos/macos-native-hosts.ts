/**
 * Where Chrome, Chromium, Edge and Firefox look for native-messaging host manifests on macOS:
 * user folders under ~/Library/Application Support; system folders under /Library (which differ
 * for Chrome and Edge), joined under `root`.
 */
import { join } from 'node:path';
import type { BrowserName, InstallScope, NativeHostLocations } from '../native-host-locations';

const APP_SUPPORT = 'Library/Application Support';
type Paths = { dir: string; detect: string };

const TABLE: Record<BrowserName, Record<InstallScope, Paths>> = {
  chrome: {
    user: {
      dir: `${APP_SUPPORT}/Google/Chrome/NativeMessagingHosts`,
      detect: `${APP_SUPPORT}/Google/Chrome`,
    },
    system: { dir: 'Library/Google/Chrome/NativeMessagingHosts', detect: 'Applications/Google Chrome.app' },
  },
  chromium: {
    user: { dir: `${APP_SUPPORT}/Chromium/NativeMessagingHosts`, detect: `${APP_SUPPORT}/Chromium` },
    system: { dir: `${APP_SUPPORT}/Chromium/NativeMessagingHosts`, detect: 'Applications/Chromium.app' },
  },
  edge: {
    user: {
      dir: `${APP_SUPPORT}/Microsoft Edge/NativeMessagingHosts`,
      detect: `${APP_SUPPORT}/Microsoft Edge`,
    },
    system: { dir: 'Library/Microsoft/Edge/NativeMessagingHosts', detect: 'Applications/Microsoft Edge.app' },
  },
  firefox: {
    user: { dir: `${APP_SUPPORT}/Mozilla/NativeMessagingHosts`, detect: `${APP_SUPPORT}/Firefox` },
    system: { dir: `${APP_SUPPORT}/Mozilla/NativeMessagingHosts`, detect: 'Applications/Firefox.app' },
  },
};

export const macosNativeHosts: NativeHostLocations = {
  launcher: 'script',
  manifest(browser, scope, ctx) {
    const paths = TABLE[browser][scope];
    const base = scope === 'user' ? ctx.home : ctx.root;
    return { browser, dir: join(base, paths.dir), detect: join(base, paths.detect) };
  },
  launcherDir: (scope, ctx) => join(scope === 'user' ? ctx.home : ctx.root, APP_SUPPORT, 'Lifeline'),
};
