/**
 * The browsers `lifeline-helper install` knows, and where each looks for native-messaging hosts on
 * this system: the locations come from the platform backend's table (host/platform/registry.ts),
 * so this file names no system. `detect` is a folder whose presence says the browser is (or was)
 * used here, for `install` without --browser: we do not create a browser's configuration folder
 * for a browser that is not installed.
 */
import {
  BROWSER_NAMES,
  type BrowserName,
  type InstallScope,
  type LocationContext,
  type ManifestLocation,
  type NativeHostLocations,
} from '../platform/native-host-locations';
import { nativeHostLocations } from '../platform/registry';

export {
  BROWSER_NAMES,
  type BrowserName,
  type InstallScope,
  type LocationContext,
  type ManifestLocation,
  type NativeHostLocations,
};
export type BrowserFamily = 'chromium' | 'firefox';

export function isBrowserName(s: string): s is BrowserName {
  return (BROWSER_NAMES as readonly string[]).includes(s);
}

export function familyOf(browser: BrowserName): BrowserFamily {
  return browser === 'firefox' ? 'firefox' : 'chromium';
}

/** This system's native-host locations, or null where installing is not automated. */
export function locationsFor(ctx: LocationContext): NativeHostLocations | null {
  return nativeHostLocations(ctx.platform);
}
