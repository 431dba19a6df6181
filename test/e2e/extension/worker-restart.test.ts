/**
 * Chrome stops an extension's service worker when it wants to (idle, memory, updates). The agent
 * must not notice: the live picture is in storage, and the watchdog alarm (every 30 s) wakes the
 * worker, which reconnects by itself and alerts what came in meanwhile, without alerting again
 * what was already alerted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startTestServer, type TestServer } from '../../support/test-server';
import { closeAll, customerViaWs, type ConnectedCustomer } from '../../support/workflow';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { createAgent, createPortal, PASSWORD, type TestAgent } from './accounts';
import { launchAgentBrowser, notifications, readExtensionState, until, type AgentBrowser } from './harness';

declare const chrome: {
  storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  action: { getBadgeText(details: object): Promise<string> };
};

/**
 * The watchdog alarm fires every 30 s, at any point of its period after the stop; then Chrome
 * starts the worker, which loads its state and signs in again. On a quiet machine the agent is
 * back 5-30 s after the stop; a CI run on a loaded machine once took over 45 s, so the bound is
 * two periods (what matters is that nothing but the alarm brings it back).
 */
const WATCHDOG_WAIT_MS = 60_000;

/** How long a DevTools client may take to let go of the worker before the stop, in ms. */
const DETACHED_WAIT_MS = 10_000;

let server: TestServer;
let browser: AgentBrowser;
let me: TestAgent;
let portal: string;
let popup: Page;
const customers: ConnectedCustomer[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { requestsPerAddress: 10_000 } });
  portal = await createPortal(server);
  me = await createAgent(server, { portals: [portal] });
  browser = await launchAgentBrowser();
  popup = await browser.openPage('popup.html');
  await signInThroughPopup(popup, server.url, me.email, PASSWORD);
  await popup.waitForSelector('.connection.online');
  await popup.close();
});
afterAll(async () => {
  await closeAll(...customers.map((c) => c.client));
  await browser?.close();
  await server?.stop();
});

/** Whether any DevTools client (ours, puppeteer's) is attached to the extension's service worker. */
async function workerHasDevToolsClient(): Promise<boolean> {
  const session = await browser.browser.target().createCDPSession();
  try {
    const { targetInfos } = await session.send('Target.getTargets');
    return targetInfos.some(
      (t) => t.type === 'service_worker' && t.url.startsWith(EXTENSION_URL) && t.attached,
    );
  } finally {
    await session.detach().catch(() => undefined);
  }
}

it('comes back by itself after Chrome stops the service worker, with its state and without repeating alerts', async () => {
  const first = await customerViaWs(server, portal, { name: 'Before Stop' });
  customers.push(first);
  await until(
    async () =>
      (await notifications(browser)).includes(`lifeline-request:${first.sessionId}`) ? true : undefined,
    3000,
    'the first alert',
  );
  expect(await browser.inWorker(() => chrome.action.getBadgeText({}))).toBe('1');

  // No DevTools client may be attached to the worker when it is stopped: Chrome then keeps the
  // stopped worker's target for that client, and the alarm's restart waits on it for ever (the
  // agent never came back in 2 CI runs; keeping a session on the worker over the stop gives the
  // same trace every time). Our own evaluations detach, and puppeteer lets go of the workers it
  // attaches to by itself, but either can still be under way here.
  await until(
    async () => ((await workerHasDevToolsClient()) ? undefined : true),
    DETACHED_WAIT_MS,
    'no DevTools client left on the service worker',
    100,
  );
  // Stop every service worker, as Chrome does on its own.
  const page = await browser.browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  // The tab holding this DevTools session stays open until the end: closing it would start
  // the worker again at once, and the point is that nothing but the extension's alarm does.
  await cdp.send('ServiceWorker.stopAllWorkers');
  const stoppedAt = Date.now();
  await until(
    async () => (server.services.workflow.presence.isOnline(me.id) ? undefined : true),
    5000,
    'the agent to drop off the server',
  );

  // While the worker is stopped, a second customer asks for help.
  const second = await customerViaWs(server, portal, { name: 'While Stopped' });
  customers.push(second);

  // Nobody touches the extension: the watchdog alarm wakes it and it reconnects. Each change of
  // (worker running, agent online) is noted, with its time since the stop, for the failure.
  const changes: string[] = [];
  const isWorkerRunning = () =>
    browser.browser.targets().some((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL));
  await until(
    async () => {
      const online = server.services.workflow.presence.isOnline(me.id);
      const seen = `worker ${isWorkerRunning() ? 'running' : 'stopped'}, agent ${online ? 'online' : 'offline'}`;
      if (!changes.at(-1)?.endsWith(seen)) changes.push(`+${Date.now() - stoppedAt} ms ${seen}`);
      return online ? true : undefined;
    },
    WATCHDOG_WAIT_MS,
    'the agent to be back online',
    250,
    async () => `${changes.join('; ')}; extension: ${await readExtensionState(browser)}`,
  );
  // Back within two of the watchdog's periods (plus the time to start and sign in again).
  const backAfterMs = Date.now() - stoppedAt;
  console.info(
    `[worker-restart] the agent was back online ${backAfterMs} ms after the stop (${changes.join('; ')}); extension: ${await readExtensionState(browser)}`,
  );
  expect(backAfterMs).toBeLessThan(WATCHDOG_WAIT_MS);
  await until(
    async () =>
      (await notifications(browser)).includes(`lifeline-request:${second.sessionId}`) ? true : undefined,
    5000,
    'the alert for the request that came in meanwhile',
  );
  expect(await browser.inWorker(() => chrome.action.getBadgeText({}))).toBe('2');
  // The first request is remembered as alerted (storage.session survived the stop).
  const live = await browser.inWorker(
    async () => (await chrome.storage.session.get('live')).live as { alerted: string[] },
  );
  expect(live.alerted).toEqual([first.sessionId, second.sessionId]);

  // And the popup shows both, at once.
  const again = await browser.browser.newPage();
  await again.goto(`${EXTENSION_URL}/popup.html`);
  await again.waitForSelector(`.queue-entry[data-session="${second.sessionId}"]`);
  expect(await again.$(`.queue-entry[data-session="${first.sessionId}"]`)).not.toBeNull();
  await page.close();
}, 120_000);
