/**
 * Firefox ESR with the Firefox MV3 test build, as the Firefox end-to-end suites launch it:
 * puppeteer-core over WebDriver BiDi, the build (LIFELINE_E2E=1, .output/e2e/firefox-mv3) made
 * when older than its sources, the extension's moz-extension UUID pinned (pref
 * extensions.webextensions.uuids) so its pages' addresses are known. BiDi cannot navigate to
 * moz-extension:// pages, so the tests find the pages the extension opens itself (the popup tab
 * the test build opens at startup, chat and viewer windows) by asking each page where it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_EXTENSION_ID } from '../../../protocol/extension-ids';
import { ensureBuilt, ROOT } from '../../support/agent-extension';
import { until } from './harness';

export const FIREFOX_BUILD = join(ROOT, '.output/e2e/firefox-mv3');
/** The moz-extension UUID the tests pin for the extension (any fixed UUID works). */
export const EXTENSION_UUID = '6f1f7a9e-2b6c-4c55-9a3e-5d1c0b7e4a21';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

/**
 * Builds the test build if needed and starts headless Firefox ESR with the UUID pinned and
 * Firefox's own alert windows (`extraPrefs` adds or overrides prefs). The extension is not
 * installed yet: `firefox.installExtension(FIREFOX_BUILD)` does that, as a test step.
 */
export async function launchFirefox(extraPrefs: Record<string, unknown> = {}): Promise<Browser> {
  refuseMachinePolicy();
  ensureBuilt(FIREFOX_BUILD, ['wxt', 'build', '-b', 'firefox', '--mv3'], { LIFELINE_E2E: '1' });
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: EXTENSION_UUID }),
      // Headless Firefox has no system notification service and closes every alert at once;
      // Firefox's own alert windows keep it up, as a desktop's notification area would.
      'alerts.useSystemBackend': false,
      ...extraPrefs,
    },
  });
}

/** Where Debian's Firefox ESR reads machine-wide enterprise policies. */
const MACHINE_POLICY_FILES = [
  '/etc/firefox/policies/policies.json',
  '/etc/firefox-esr/policies/policies.json',
  '/usr/lib/firefox-esr/distribution/policies.json',
];

/**
 * A machine-wide policy naming the extension (force-install from some server, a locked server
 * address) overrides what these suites install and type: the popup then signs in to that server
 * and never gets online. Said plainly here instead of as a selector timeout.
 */
function refuseMachinePolicy(): void {
  for (const file of MACHINE_POLICY_FILES) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(FIREFOX_EXTENSION_ID))
      throw new Error(
        `${file} configures the extension for every Firefox on this machine (left by a policy test?); remove it`,
      );
  }
}

/**
 * The open extension page whose address starts with `path` (e.g. "/popup.html"), once there is
 * one. BiDi reports such a tab's URL as about:blank (it did not see the navigation), so each page
 * is asked for its location.
 */
export function extensionPage(firefox: Browser, path: string, timeoutMs = 15_000): Promise<Page> {
  const prefix = `${EXTENSION_ORIGIN}${path}`;
  return until(
    async () => {
      for (const page of await firefox.pages()) {
        const href = await page.evaluate(() => location.href).catch(() => '');
        if (href.startsWith(prefix)) return page;
      }
      return undefined;
    },
    timeoutMs,
    `the extension page ${path}`,
    200,
  );
}
