/**
 * What every helper package installs, whatever its format: the single executable, and one
 * native-messaging manifest per browser family naming it, machine-wide, allowing only the
 * extension built with it (its IDs from dist/downloads/extension/extension.json when present,
 * else the repository's). The formats (deb, rpm, msi) only place these.
 *
 * Linux (deb, rpm):
 *   /opt/lifeline-helper/lifeline-helper                                    the executable
 *   /etc/opt/chrome/native-messaging-hosts/dev.lifeline_support.helper.json  Chrome
 *   /etc/chromium/native-messaging-hosts/dev.lifeline_support.helper.json    Chromium
 *   /etc/opt/edge/native-messaging-hosts/dev.lifeline_support.helper.json    Edge
 *   /usr/lib/mozilla/native-messaging-hosts/dev.lifeline_support.helper.json Firefox
 * Windows (msi): %ProgramFiles%\Lifeline\ with lifeline-helper.exe, chromium-host.json and
 *   firefox-host.json (manifest paths relative to their folder, which Windows browsers allow), and
 *   HKLM keys for Chrome, Chromium, Edge and Firefox whose default value is the manifest's path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATIVE_HOST_NAME } from '../../protocol/extension-ids';
import { hostManifest } from '../../host/manifest/host-manifest';
import type { ExtensionIds } from '../../host/manifest/extension-identity';
import { readExtensionPackageInfo } from '../../server/downloads/extension-packages';
import { REPOSITORY_ROOT } from '../extension/signing-key';

export const PACKAGE_NAME = 'lifeline-helper';
export const PACKAGE_SUMMARY = 'Lifeline helper: remote support screen sharing, with your consent';
export const PACKAGE_DESCRIPTION =
  'The one-time helper of Lifeline remote support, with the native-messaging manifests that let ' +
  "the Lifeline agent extension start it in Chrome, Chromium, Edge and Firefox. It shares this computer's " +
  'screen only after its user agrees, in its own window.';
export const MAINTAINER = 'Lifeline <it@lifeline-support.dev>';

export const LINUX_EXECUTABLE = '/opt/lifeline-helper/lifeline-helper';
export const LINUX_MANIFESTS: readonly { browser: string; family: 'chromium' | 'firefox'; path: string }[] = [
  {
    browser: 'chrome',
    family: 'chromium',
    path: `/etc/opt/chrome/native-messaging-hosts/${NATIVE_HOST_NAME}.json`,
  },
  {
    browser: 'chromium',
    family: 'chromium',
    path: `/etc/chromium/native-messaging-hosts/${NATIVE_HOST_NAME}.json`,
  },
  {
    browser: 'edge',
    family: 'chromium',
    path: `/etc/opt/edge/native-messaging-hosts/${NATIVE_HOST_NAME}.json`,
  },
  {
    browser: 'firefox',
    family: 'firefox',
    path: `/usr/lib/mozilla/native-messaging-hosts/${NATIVE_HOST_NAME}.json`,
  },
];

export const WINDOWS_EXECUTABLE = 'lifeline-helper.exe';
export const WINDOWS_MANIFESTS = { chromium: 'chromium-host.json', firefox: 'firefox-host.json' } as const;
/** HKLM keys (64-bit view) whose default value is the path of the family's manifest. */
export const WINDOWS_REGISTRY_KEYS: readonly {
  browser: string;
  family: 'chromium' | 'firefox';
  key: string;
}[] = [
  {
    browser: 'chrome',
    family: 'chromium',
    key: `Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
  },
  {
    browser: 'chromium',
    family: 'chromium',
    key: `Software\\Chromium\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
  },
  {
    browser: 'edge',
    family: 'chromium',
    key: `Software\\Microsoft\\Edge\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
  },
  {
    browser: 'firefox',
    family: 'firefox',
    key: `Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
  },
];

/** The IDs the packaged manifests allow: those of the extension built alongside, else ours. */
export function packagedExtensionIds(
  downloadsDir = join(REPOSITORY_ROOT, 'dist/downloads'),
): ExtensionIds | undefined {
  const info = readExtensionPackageInfo(downloadsDir);
  return info ? { chrome: info.chrome.id, firefox: info.firefox.id } : undefined;
}

export function manifestJson(
  family: 'chromium' | 'firefox',
  executablePath: string,
  ids?: ExtensionIds,
): string {
  return `${JSON.stringify(hostManifest(family, executablePath, ids), null, 2)}\n`;
}

/** The version packages carry: package.json's (Debian, RPM and MSI all accept a.b.c). */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  if (!/^\d{1,5}\.\d{1,5}\.\d{1,5}$/.test(version))
    throw new Error(`package.json version ${version} is not a.b.c`);
  return version;
}
