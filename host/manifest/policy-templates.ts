/**
 * Enterprise policy templates, for IT who deploy the agent extension to a fleet: force-install the
 * extension and set its server address through the browser's managed storage (the extension
 * reads `serverUrl`, see extension/lib/managed-policy.ts). Output is the JSON each browser reads
 * on Linux; docs/deployment.md maps the same keys to the Windows registry and macOS profiles.
 *
 * Chrome-family: ExtensionInstallForcelist ("ID;update URL") + "3rdparty".extensions.ID; for an
 * update URL other than the Chrome Web Store's, ExtensionSettings.ID.override_update_url too, so
 * that updates come from that URL as well (Chrome otherwise uses the update_url of the extension's
 * manifest for every update after the first install, and a build without LIFELINE_PUBLIC_URL has
 * none).
 * Firefox: policies.json with ExtensionSettings (force_installed from an install URL) +
 * "3rdparty".Extensions.ID.
 */
import { HELPER_EXTENSION_IDS } from './extension-identity';
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
  /** Further managed settings to force (extension/public/managed-schema.json), locked for agents. */
  settings?: Record<string, string | number | boolean>;
  /** IDs of a build signed with IT's own key (default: those this helper was built with). */
  chromeExtensionId?: string;
  firefoxExtensionId?: string;
}

/** The Chrome Web Store's update URL: updates from the store need no override. */
export const CHROME_WEB_STORE_UPDATE_URL = 'https://clients2.google.com/service/update2/crx';

/** Where Linux reads the policy file for each browser (any *.json name in managed/ works). */
export const LINUX_POLICY_FILES: Record<BrowserName, string> = {
  chrome: '/etc/opt/chrome/policies/managed/lifeline.json',
  chromium: '/etc/chromium/policies/managed/lifeline.json',
  edge: '/etc/opt/edge/policies/managed/lifeline.json',
  firefox: '/etc/firefox/policies/policies.json',
};

export function policyTemplate(browser: BrowserName, options: PolicyOptions): Record<string, unknown> {
  const managed = { ...options.settings, [MANAGED_SERVER_URL_KEY]: options.serverUrl };
  const firefoxId = options.firefoxExtensionId ?? HELPER_EXTENSION_IDS.firefox;
  const chromeId = options.chromeExtensionId ?? HELPER_EXTENSION_IDS.chrome;
  if (browser === 'firefox') {
    return {
      policies: {
        ...(options.installFrom
          ? {
              ExtensionSettings: {
                [firefoxId]: {
                  installation_mode: 'force_installed',
                  install_url: options.installFrom,
                },
              },
            }
          : {}),
        '3rdparty': { Extensions: { [firefoxId]: managed } },
      },
    };
  }
  const selfHosted = options.installFrom !== undefined && options.installFrom !== CHROME_WEB_STORE_UPDATE_URL;
  return {
    ...(options.installFrom ? { ExtensionInstallForcelist: [`${chromeId};${options.installFrom}`] } : {}),
    ...(selfHosted ? { ExtensionSettings: { [chromeId]: { override_update_url: true } } } : {}),
    '3rdparty': { extensions: { [chromeId]: managed } },
  };
}
