/**
 * The update manifests browsers poll for a self-hosted extension, made from the built packages'
 * description and the address the server is reached at:
 *
 * - Chrome, Chromium, Edge: the "gupdate" XML (the policy's update URL, and the manifest's
 *   update_url when built with LIFELINE_PUBLIC_URL):
 *     <gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">
 *       <app appid="ID"><updatecheck codebase="https://server/downloads/extension/lifeline-agent.crx" version="0.1.0"/></app>
 *     </gupdate>
 * - Firefox: the JSON update manifest (the add-on's gecko.update_url):
 *     {"addons": {"ID": {"updates": [{"version": "0.1.0", "update_link": ".../lifeline-agent.xpi",
 *       "update_hash": "sha256:..."}]}}}
 *
 * Both need absolute package URLs, which is why the server writes them and the build does not.
 */
import { EXTENSION_DOWNLOADS_PATH, type ExtensionPackageInfo } from './extension-packages';

export const GUPDATE_NAMESPACE = 'http://www.google.com/update2/response';

function packageUrl(baseUrl: string, file: string): string {
  return `${baseUrl}${EXTENSION_DOWNLOADS_PATH}/${file}`;
}

function xmlAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function chromeUpdateManifest(info: ExtensionPackageInfo, baseUrl: string): string {
  const codebase = packageUrl(baseUrl, info.chrome.file);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<gupdate xmlns="${GUPDATE_NAMESPACE}" protocol="2.0">\n` +
    `  <app appid="${xmlAttribute(info.chrome.id)}">\n` +
    `    <updatecheck codebase="${xmlAttribute(codebase)}" version="${xmlAttribute(info.version)}" hash_sha256="${info.chrome.sha256}"/>\n` +
    `  </app>\n` +
    `</gupdate>\n`
  );
}

export interface FirefoxUpdateManifest {
  addons: Record<string, { updates: { version: string; update_link: string; update_hash: string }[] }>;
}

export function firefoxUpdateManifest(info: ExtensionPackageInfo, baseUrl: string): FirefoxUpdateManifest {
  return {
    addons: {
      [info.firefox.id]: {
        updates: [
          {
            version: info.version,
            update_link: packageUrl(baseUrl, info.firefox.file),
            update_hash: `sha256:${info.firefox.sha256}`,
          },
        ],
      },
    },
  };
}
