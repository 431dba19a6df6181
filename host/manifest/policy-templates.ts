/**
 * Enterprise policy templates, for IT who deploy the agent extension to a fleet: force-install the
 * extension and set its server address through the browser's managed storage (the extension
 * reads `serverUrl`, see extension/lib/managed-policy.ts). Output is the JSON each browser reads
 * on Linux; docs/deployment.md maps the same keys to the Windows registry and macOS profiles.
 *
 * Chrome-family: ExtensionInstallForcelist ("ID;update URL") + "3rdparty".extensions.ID.
 * Firefox: policies.json with ExtensionSettings (force_installed from an install URL) +
 * "3rdparty".Extensions.ID.
 */
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../protocol/extension-ids';
import type { BrowserName } from './browser-locations';

/** The managed-storage key the extension reads for the server address. */
export const MANAGED_SERVER_URL_KEY = 'serverUrl';

export interface PolicyOptions {
  /** Server origin the agents' extension must use. */
  serverUrl: string;
  /**
   * Chrome-family: update manifest URL for a force-installed extension (the Chrome Web Store's
   * https://clients2.google.com/service/update2/crx, or your own). Firefox: the .xpi's URL.
   * Without it the template only sets the server address.
   */
  installFrom?: string;
}

/** Where Linux reads the policy file for each browser (any *.json name in managed/ works). */
export const LINUX_POLICY_FILES: Record<BrowserName, string> = {
  chrome: '/etc/opt/chrome/policies/managed/lifeline.json',
  chromium: '/etc/chromium/policies/managed/lifeline.json',
  edge: '/etc/opt/edge/policies/managed/lifeline.json',
  firefox: '/etc/firefox/policies/policies.json',
};

export function policyTemplate(browser: BrowserName, options: PolicyOptions): Record<string, unknown> {
  const managed = { [MANAGED_SERVER_URL_KEY]: options.serverUrl };
  if (browser === 'firefox') {
    return {
      policies: {
        ...(options.installFrom
          ? {
              ExtensionSettings: {
                [FIREFOX_EXTENSION_ID]: {
                  installation_mode: 'force_installed',
                  install_url: options.installFrom,
                },
              },
            }
          : {}),
        '3rdparty': { Extensions: { [FIREFOX_EXTENSION_ID]: managed } },
      },
    };
  }
  return {
    ...(options.installFrom
      ? { ExtensionInstallForcelist: [`${CHROME_EXTENSION_ID};${options.installFrom}`] }
      : {}),
    '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: managed } },
  };
}
