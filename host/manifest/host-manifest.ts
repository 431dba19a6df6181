/**
 * The native-messaging host manifest each browser family reads. Chrome, Chromium and Edge allow
 * callers by origin (exactly `chrome-extension://ID/`, trailing slash required, no wildcards);
 * Firefox by add-on ID. Both allow only our extension (protocol/extension-ids.ts).
 */
import { NATIVE_HOST_NAME } from '../../protocol/extension-ids';
import { HELPER_EXTENSION_IDS, type ExtensionIds } from './extension-identity';
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
  ids: ExtensionIds = HELPER_EXTENSION_IDS,
): ChromiumHostManifest | FirefoxHostManifest {
  const common = {
    name: NATIVE_HOST_NAME,
    description: MANIFEST_DESCRIPTION,
    path: launcherPath,
    type: 'stdio' as const,
  };
  return family === 'firefox'
    ? { ...common, allowed_extensions: [ids.firefox] }
    : { ...common, allowed_origins: [`chrome-extension://${ids.chrome}/`] };
}

export function manifestText(family: BrowserFamily, launcherPath: string, ids?: ExtensionIds): string {
  return `${JSON.stringify(hostManifest(family, launcherPath, ids), null, 2)}\n`;
}
