/**
 * Where Chrome, Chromium, Edge and Firefox look for native-messaging host manifests on Linux:
 * user folders under $HOME, system folders absolute (joined under `root`). `detect` is a folder
 * whose presence says the browser is (or was) used here.
 */
import { join } from 'node:path';
import type { BrowserName, InstallScope, NativeHostLocations } from '../native-host-locations';

type Paths = { dir: string; detect: string };

const TABLE: Record<BrowserName, Record<InstallScope, Paths>> = {
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

export const linuxNativeHosts: NativeHostLocations = {
  launcher: 'script',
  manifest(browser, scope, ctx) {
    const paths = TABLE[browser][scope];
    const base = scope === 'user' ? ctx.home : ctx.root;
    return { browser, dir: join(base, paths.dir), detect: join(base, paths.detect) };
  },
  launcherDir: (scope, ctx) =>
    scope === 'user' ? join(ctx.home, '.local/lib/lifeline') : join(ctx.root, 'usr/local/lib/lifeline'),
};
