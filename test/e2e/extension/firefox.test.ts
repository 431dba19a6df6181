/**
 * Firefox ESR with the Firefox MV3 build (an event-page background): the extension installs, an
 * agent signs in through the popup and receives a new-request alert. Driven by puppeteer-core
 * over WebDriver BiDi, which cannot navigate to moz-extension:// pages, so the test build
 * (LIFELINE_E2E=1, .output/e2e/firefox-mv3) opens the popup in a tab itself; the extension's
 * UUID is pinned with the pref extensions.webextensions.uuids so its pages are known.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { FIREFOX_EXTENSION_ID } from '../../../protocol/extension-ids';
import { startTestServer, type TestServer } from '../../support/test-server';
import { closeAll, customerViaWs, type ConnectedCustomer } from '../../support/workflow';
import { signInThroughPopup } from '../../support/agent-extension';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD } from './accounts';
import { extensionPage, FIREFOX_BUILD, launchFirefox } from './firefox-launch';
import { textOf, until } from './harness';

/**
 * Firefox suspends an idle event page after this long, in ms. Its default is 30 s; 25 s here so
 * that the watchdog alarm (also every 30 s, itself an event that wakes the page) cannot hide a
 * missing keepalive by landing just in time.
 */
const EVENT_PAGE_IDLE_MS = 25_000;

/** The agent's alert duration: the default, the FAQ's 30 s. */
const ALERT_MS = 30_000;
/** Slack for the window to close once its time is up (a timer, a storage write, a window close), in ms. */
const CLOSE_SLACK_MS = 5_000;

declare const browser: {
  notifications: { getAll(): Promise<Record<string, unknown>> };
  storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  windows: { getAll(): Promise<{ id: number }[]> };
};

let server: TestServer;
let firefox: Browser;
let popup: Page;
let customer: ConnectedCustomer | undefined;
let agentId = '';

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { requestsPerAddress: 10_000 } });
  firefox = await launchFirefox({ 'extensions.background.idle.timeout': EVENT_PAGE_IDLE_MS });
});
afterAll(async () => {
  await closeAll(customer?.client);
  await firefox?.close();
  await server?.stop();
});

it('installs, and an agent signs in and gets the alert for a new request', async () => {
  const id = await firefox.installExtension(FIREFOX_BUILD);
  expect(id).toBe(FIREFOX_EXTENSION_ID);
  popup = await extensionPage(firefox, '/popup.html');
  expect(await textOf(popup, 'h1', 10_000)).toBe('Sign in to Lifeline');

  const slug = await createPortal(server, 'Firefox desk');
  const agent = await createAgent(server, { portals: [slug], name: 'Fiona Firefox' });
  agentId = agent.id;
  await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
  await popup.waitForSelector('.connection.online', { timeout: 15_000 });
  expect(await textOf(popup, '.agent-name')).toBe('Fiona Firefox');

  customer = await customerViaWs(server, slug, { name: 'Gecko Gabi', problem: 'Tabs crash' });
  const alertId = `lifeline-request:${customer.sessionId}`;
  await popup.waitForSelector(`.queue-entry[data-session="${customer.sessionId}"]`, { timeout: 5000 });
  const shown = await until(
    async () => {
      const ids = Object.keys(await popup.evaluate(() => browser.notifications.getAll()));
      return ids.includes(alertId) ? ids : undefined;
    },
    5000,
    'the Firefox notification',
  );
  expect(shown).toContain(alertId);
  expect(await textOf(popup, `.queue-entry[data-session="${customer.sessionId}"] .customer`)).toBe(
    'Gecko Gabi',
  );
  await saveScreenshot(popup, 'firefox-popup-queue.png');
});

it(
  "keeps the alert up for the agent's 30 s in a window of its own (Firefox hides its notifications early)",
  async () => {
    const sessionId = customer!.sessionId;
    const alertWindow = await extensionPage(firefox, '/popup.html?alert=1');
    expect(await alertWindow.evaluate(() => document.title)).toBe('New request - Lifeline');
    expect(await textOf(alertWindow, `.queue-entry[data-session="${sessionId}"] .customer`)).toBe(
      'Gecko Gabi',
    );
    await saveScreenshot(alertWindow, 'firefox-alert-window.png');
    const expiresAt = await popup.evaluate(async (id) => {
      const live = (await browser.storage.session.get('live')).live as {
        alertExpiry: Record<string, number>;
      };
      return live.alertExpiry[id]!;
    }, sessionId);
    const windowId = await popup.evaluate(
      async () => (await browser.storage.session.get('alertWindowId')).alertWindowId as number,
    );
    expect(windowId).toEqual(expect.any(Number));
    // Asked of the browser through the extension (BiDi does not always report a closed window).
    const isOpen = () =>
      popup.evaluate(async (id) => (await browser.windows.getAll()).some((w) => w.id === id), windowId);
    // Up for the whole duration: looked at every second until its last second.
    while (Date.now() < expiresAt - 1000) {
      expect(await isOpen()).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await until(
      async () => ((await isOpen()) ? undefined : true),
      expiresAt + CLOSE_SLACK_MS - Date.now(),
      'the alert window to close',
    );
    // The request itself still waits: only the alert ended.
    expect(await popup.$(`.queue-entry[data-session="${sessionId}"]`)).not.toBeNull();
  },
  ALERT_MS + 30_000,
);

it('stays online with no extension page open, past the event page idle timeout', async () => {
  await popup.close();
  // Watched for one and a half idle timeouts: the agent never drops off the server.
  const until = Date.now() + EVENT_PAGE_IDLE_MS * 1.5;
  while (Date.now() < until) {
    expect(server.services.workflow.presence.isOnline(agentId)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 90_000);
