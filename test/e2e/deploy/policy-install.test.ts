/**
 * IT pushes the extension by enterprise policy, with the real browsers and without changing the
 * machine: each browser starts in a private mount namespace (test/e2e/deploy/private-mounts.ts)
 * where its system policy folder is a folder of this test's, holding what
 * `lifeline-helper policy` prints plus locked settings.
 *
 * - Chromium: /etc/chromium/policies/managed/lifeline.json force-installs the signed .crx from this
 *   server's update manifest (updates.xml), sets the server and locks two settings. The extension
 *   installs under the key's ID, its options show the locked values, the popup shows the server
 *   locked, the agent signs in there; then a newer version served by the server is picked up by
 *   an update check (ExtensionSettings.override_update_url).
 * - Firefox ESR: distribution/policies.json force-installs the .xpi from this server (unsigned:
 *   xpinstall.signatures.required is off, which ESR honours), and the agent signs in to the server
 *   the policy set. The .xpi is packed from the test build (LIFELINE_E2E=1), which opens its popup
 *   in a tab because WebDriver BiDi cannot navigate to moz-extension:// pages.
 *
 * Needs root (mount namespaces); as another user the suite fails and says so.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINUX_POLICY_FILES, policyTemplate } from '../../../host/manifest/policy-templates';
import { packageExtension } from '../../../packaging/extension/package-extension';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../../protocol/extension-ids';
import { CHROME_BUILD, ensureBuilt, signInThroughPopup } from '../../support/agent-extension';
import { CHROMIUM, CHROMIUM_FLAGS, extensionWorkerTarget } from '../../support/chromium';
import { startTestServer, type TestServer } from '../../support/test-server';
import { createAgent, createPortal, PASSWORD } from '../extension/accounts';
import { EXTENSION_UUID, extensionPage, FIREFOX_BUILD } from '../extension/firefox-launch';
import { until } from '../extension/harness';
import { browserInPrivateMounts, isRoot } from './private-mounts';

const FIREFOX = '/usr/lib/firefox-esr/firefox-esr';
/**
 * Debian ships /usr/lib/firefox-esr/distribution as a symlink to /usr/share/firefox-esr/distribution:
 * the real folder is what gets copied and mounted over (copying the link gave a link to the system
 * folder, and the test's policies.json landed there, force-installing a dead server's extension in
 * every Firefox on the machine).
 */
const FIREFOX_DISTRIBUTION = realpathSync('/usr/lib/firefox-esr/distribution');
/** Chromium reads /etc/chromium/policies/managed; /etc/chromium exists on Debian, policies/ may not. */
const CHROMIUM_ETC = '/etc/chromium';
/** Locked by policy: other than the defaults (30 s, sound on), so the options must show IT's values. */
const LOCKED = { alertSeconds: 7, playSound: false };
/** A policy install waits for the browser's first update check. */
const INSTALL_MS = 45_000;

let work: string;
let server: TestServer;
let downloadsDir: string;

beforeAll(async () => {
  if (!isRoot())
    throw new Error('the policy suite needs root: it runs browsers in a private mount namespace');
  ensureBuilt(CHROME_BUILD);
  ensureBuilt(FIREFOX_BUILD, ['wxt', 'build', '-b', 'firefox', '--mv3'], { LIFELINE_E2E: '1' });
  work = mkdtempSync(join(tmpdir(), 'lifeline-policy-'));
  downloadsDir = join(work, 'downloads');
  packageExtension({
    chromeDir: CHROME_BUILD,
    firefoxDir: FIREFOX_BUILD,
    outDir: join(downloadsDir, 'extension'),
    env: {},
  });
  server = await startTestServer({ downloadsDir });
});
afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

async function signedInAgent(): Promise<{ email: string; name: string; id: string }> {
  const slug = await createPortal(server, 'Policy desk');
  return createAgent(server, { portals: [slug], name: 'Pat Policy' });
}

describe('Chromium', () => {
  let chromium: Browser;
  let launch: () => Promise<Browser>;

  beforeAll(async () => {
    const etc = join(work, 'etc-chromium');
    // Everything Debian ships in /etc/chromium stays visible inside the namespace.
    cpSync(CHROMIUM_ETC, etc, { recursive: true });
    const policyFile = join(etc, LINUX_POLICY_FILES.chromium.slice(CHROMIUM_ETC.length));
    mkdirSync(join(policyFile, '..'), { recursive: true });
    const policy = policyTemplate('chromium', {
      serverUrl: server.url,
      installFrom: `${server.url}/downloads/extension/updates.xml`,
      settings: LOCKED,
    });
    // Test only: Chrome's default (DeveloperToolsAvailability 0) hides force-installed extensions
    // from DevTools, which is how puppeteer opens and reads their pages.
    writeFileSync(policyFile, JSON.stringify({ ...policy, DeveloperToolsAvailability: 1 }));
    const executablePath = browserInPrivateMounts(work, CHROMIUM, [{ source: etc, target: CHROMIUM_ETC }]);
    const profile = join(work, 'chromium-profile');
    launch = () =>
      puppeteer.launch({
        executablePath,
        headless: true,
        pipe: true,
        enableExtensions: true,
        // The extension updater is background networking: it must run for a policy install.
        ignoreDefaultArgs: ['--disable-background-networking'],
        args: [
          ...CHROMIUM_FLAGS.filter((f) => f !== '--disable-background-networking'),
          `--user-data-dir=${profile}`,
        ],
      });
    chromium = await launch();
  });
  afterAll(async () => {
    await chromium?.close().catch(() => undefined);
  });

  it('installs the .crx from this server under the key’s ID, with the locked settings shown', async () => {
    const worker = await extensionWorkerTarget(
      chromium,
      `chrome-extension://${CHROME_EXTENSION_ID}/`,
      INSTALL_MS,
    );
    expect(worker.url()).toContain(CHROME_EXTENSION_ID);
    // Chromium on Linux reads an extension's managed settings when it (re)loads policies and
    // knows the extension's schema: right after a first install they may wait for the next policy
    // reload (seen after ~10 s, or not for minutes) - at the latest the next browser start, which
    // is what an agent's machine meets after a rollout. The extension stays installed across it.
    await chromium.close();
    chromium = await launch();
    const options = await chromium.newPage();
    await until(
      async () => {
        await options.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
        await options.waitForSelector('#alert-seconds');
        return (await options.$eval('#alert-seconds', (e) => (e as HTMLInputElement).disabled)) || undefined;
      },
      INSTALL_MS,
      'the locked settings in the options',
      1000,
    );
    expect(
      await options.$eval('#alert-seconds', (e) => [
        (e as HTMLInputElement).value,
        (e as HTMLInputElement).disabled,
      ]),
    ).toEqual(['7', true]);
    expect(
      await options.$eval('#play-sound', (e) => [
        (e as HTMLInputElement).checked,
        (e as HTMLInputElement).disabled,
      ]),
    ).toEqual([false, true]);
    // Settings IT did not force stay the agent's.
    expect(await options.$eval('#in-session-alerts', (e) => (e as HTMLInputElement).disabled)).toBe(false);
    await options.close();
  });

  it('signs in to the server the policy set, which the agent cannot change', async () => {
    const agent = await signedInAgent();
    const popup = await chromium.newPage();
    await popup.goto(`chrome-extension://${CHROME_EXTENSION_ID}/popup.html`);
    await popup.waitForSelector('#server');
    expect(
      await popup.$eval('#server', (e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).readOnly]),
    ).toEqual([server.url, true]);
    await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
    await popup.waitForSelector('.connection.online', { timeout: 15_000 });
    expect(server.services.workflow.presence.isOnline(agent.id)).toBe(true);
    await popup.close();
  });

  it('updates to a newer version the server serves', async () => {
    const [chromeDir, firefoxDir, version] = newerCopies();
    packageExtension({ chromeDir, firefoxDir, outDir: join(downloadsDir, 'extension'), env: {} });
    const page = await chromium.newPage();
    await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
    const check = await page.evaluate(() => chrome.runtime.requestUpdateCheck());
    expect(check.status).toBe('update_available');
    expect(check.version).toBe(version);
  });
});

/** Copies of both builds with the version raised by one more number: what a newer build serves. */
function newerCopies(): [string, string, string] {
  const out: string[] = [];
  let version = '';
  for (const [name, build] of [
    ['chrome-newer', CHROME_BUILD],
    ['firefox-newer', FIREFOX_BUILD],
  ] as const) {
    const dir = join(work, name);
    cpSync(build, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version: string };
    version = `${manifest.version}.1`;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version }));
    out.push(dir);
  }
  return [out[0]!, out[1]!, version];
}

describe('Firefox ESR', () => {
  let firefox: Browser;

  beforeAll(async () => {
    const distribution = join(work, 'firefox-distribution');
    cpSync(FIREFOX_DISTRIBUTION, distribution, { recursive: true, dereference: true });
    const policy = policyTemplate('firefox', {
      serverUrl: server.url,
      installFrom: `${server.url}/downloads/extension/lifeline-agent.xpi`,
      settings: LOCKED,
    });
    writeFileSync(join(distribution, 'policies.json'), JSON.stringify(policy));
    firefox = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserInPrivateMounts(work, FIREFOX, [
        { source: distribution, target: FIREFOX_DISTRIBUTION },
      ]),
      headless: true,
      extraPrefsFirefox: {
        'xpinstall.signatures.required': false,
        'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: EXTENSION_UUID }),
      },
    });
  });
  afterAll(async () => {
    await firefox?.close().catch(() => undefined);
  });

  it('installs the .xpi from this server, reads the managed settings and signs in to that server', async () => {
    const popup: Page = await extensionPage(firefox, '/popup.html', INSTALL_MS);
    await popup.waitForSelector('#server');
    expect(
      await popup.$eval('#server', (e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).readOnly]),
    ).toEqual([server.url, true]);
    const managed = await popup.evaluate(() => browser.storage.managed.get());
    expect(managed).toEqual({ ...LOCKED, serverUrl: server.url });
    const agent = await signedInAgent();
    await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
    await popup.waitForSelector('.connection.online', { timeout: 15_000 });
    await until(
      async () => server.services.workflow.presence.isOnline(agent.id) || undefined,
      5000,
      'the agent online',
    );
  });
});

declare const browser: { storage: { managed: { get(): Promise<Record<string, unknown>> } } };
declare const chrome: { runtime: { requestUpdateCheck(): Promise<{ status: string; version?: string }> } };
