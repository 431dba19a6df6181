/**
 * The native-messaging host manifest each browser family reads. Chrome, Chromium and Edge allow
 * callers by origin (exactly `chrome-extension://ID/`, trailing slash required, no wildcards);
 * Firefox by add-on ID. Both allow only our extension (protocol/extension-ids.ts).
 */
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../protocol/extension-ids';
import type { BrowserFamily } from './browser-locations';

export const MANIFEST_DESCRIPTION = 'Lifeline helper: remote support screen sharing, with your consent';
export const MANIFEST_FILE_NAME = `${NATIVE_HOST_NAME}.json`;

export interface ChromiumHostManifest {
  name: string;
  description: string;
  path: string;
  type: 'stdio';
  allowed_origins: string[];
}

export interface FirefoxHostManifest {
  name: string;
  description: string;
  path: string;
  type: 'stdio';
  allowed_extensions: string[];
}

/** `launcherPath` must be absolute: browsers resolve relative paths against the manifest's folder only on some systems. */
export function hostManifest(
  family: BrowserFamily,
  launcherPath: string,
): ChromiumHostManifest | FirefoxHostManifest {
  const common = {
    name: NATIVE_HOST_NAME,
    description: MANIFEST_DESCRIPTION,
    path: launcherPath,
    type: 'stdio' as const,
  };
  return family === 'firefox'
    ? { ...common, allowed_extensions: [FIREFOX_EXTENSION_ID] }
    : { ...common, allowed_origins: [`chrome-extension://${CHROME_EXTENSION_ID}/`] };
}

export function manifestText(family: BrowserFamily, launcherPath: string): string {
  return `${JSON.stringify(hostManifest(family, launcherPath), null, 2)}\n`;
}
