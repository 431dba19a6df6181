/**
 * Where Chrome, Chromium, Edge and Firefox find native-messaging hosts on Windows: a registry key
 * per browser, HKCU (per user) or HKLM (--system), whose default value is the path of the
 * manifest file. The manifests and the helper's copy live in Lifeline's own folder:
 * %LOCALAPPDATA%\Lifeline per user, %ProgramFiles%\Lifeline machine-wide, one manifest folder per
 * browser (Firefox's manifest differs from the Chromium family's). `detect` is the browser's own
 * data or program folder.
 */
import { win32 as path } from 'node:path';
import { NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import type {
  BrowserName,
  InstallScope,
  LocationContext,
  NativeHostLocations,
} from '../native-host-locations';
import { windowsNativeHostRegistry } from './win-registry';

/** Registry path (under HKCU or HKLM) of each browser's NativeMessagingHosts key. */
const REGISTRY: Record<BrowserName, string> = {
  chrome: 'Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'Software\\Chromium\\NativeMessagingHosts',
  edge: 'Software\\Microsoft\\Edge\\NativeMessagingHosts',
  firefox: 'Software\\Mozilla\\NativeMessagingHosts',
};

function env(ctx: LocationContext, name: string, fallback: string): string {
  return ctx.env?.[name] || fallback;
}

function localAppData(ctx: LocationContext): string {
  return env(ctx, 'LOCALAPPDATA', path.join(ctx.home, 'AppData', 'Local'));
}

function programFiles(ctx: LocationContext): string {
  return env(ctx, 'ProgramFiles', 'C:\\Program Files');
}

function lifelineDir(scope: InstallScope, ctx: LocationContext): string {
  return path.join(scope === 'user' ? localAppData(ctx) : programFiles(ctx), 'Lifeline');
}

function detect(browser: BrowserName, scope: InstallScope, ctx: LocationContext): string {
  if (scope === 'user') {
    const local = localAppData(ctx);
    const roaming = env(ctx, 'APPDATA', path.join(ctx.home, 'AppData', 'Roaming'));
    return {
      chrome: path.join(local, 'Google', 'Chrome'),
      chromium: path.join(local, 'Chromium'),
      edge: path.join(local, 'Microsoft', 'Edge'),
      firefox: path.join(roaming, 'Mozilla', 'Firefox'),
    }[browser];
  }
  const x86 = env(ctx, 'ProgramFiles(x86)', 'C:\\Program Files (x86)');
  return {
    chrome: path.join(programFiles(ctx), 'Google', 'Chrome'),
    chromium: path.join(programFiles(ctx), 'Chromium'),
    edge: path.join(x86, 'Microsoft', 'Edge'),
    firefox: path.join(programFiles(ctx), 'Mozilla Firefox'),
  }[browser];
}

export const windowsNativeHosts: NativeHostLocations = {
  launcher: 'executable',
  manifest(browser, scope, ctx) {
    return {
      browser,
      dir: path.join(lifelineDir(scope, ctx), 'NativeMessagingHosts', browser),
      detect: detect(browser, scope, ctx),
      registryKey: `${scope === 'user' ? 'HKCU' : 'HKLM'}\\${REGISTRY[browser]}\\${NATIVE_HOST_NAME}`,
    };
  },
  launcherDir: (scope, ctx) => lifelineDir(scope, ctx),
  registry: () => windowsNativeHostRegistry,
};
