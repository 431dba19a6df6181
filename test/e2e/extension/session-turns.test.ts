/**
 * The turns of a session the agent sees in the built extension (Chromium) against a real
 * server, with customers as real WebSocket clients (the server side is test/server/session/
 * session-turns.test.ts): a customer whose support page closes is "away" in the popup, then the
 * request is withdrawn; on an accepted session the chat window says away, then left; a callback
 * request (details left) shows the e-mail address and is closed with "Mark as handled" and a note.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { startTestServer, type TestServer } from '../../support/test-server';
import { closeAll, customerViaWs, resultOf } from '../../support/workflow';
import { createAgent, createPortal, PASSWORD } from './accounts';
import { launchAgentBrowser, textOf, until, type AgentBrowser } from './harness';

/**
 * How long a closed page keeps its request, in ms (2 minutes in production): long enough for the
 * popup to show "away" on a loaded machine, short enough to watch the withdrawal.
 */
const GRACE_MS = 4_000;

let server: TestServer;
let browser: AgentBrowser;
let portal: string;
let popup: Page;

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { customerGraceMs: GRACE_MS, requestsPerAddress: 10_000 } });
  portal = await createPortal(server, 'Turns desk');
  const me = await createAgent(server, { portals: [portal], name: 'Tess Turns' });
  browser = await launchAgentBrowser();
  popup = await browser.openPage('popup.html');
  await signInThroughPopup(popup, server.url, me.email, PASSWORD);
  await popup.waitForSelector('.connection.online');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const entry = (sessionId: string) => `.queue-entry[data-session="${sessionId}"]`;

/** The text of `selector` once it has `state` as a class, read in the same turn as the class. */
async function presenceText(page: Page, selector: string, state: 'away' | 'left', timeoutMs = 5000) {
  const handle = await page.waitForFunction(
    (sel, cls) => {
      const el = document.querySelector(sel);
      return el?.classList.contains(cls) ? (el.textContent ?? '').trim() : null;
    },
    { timeout: timeoutMs, polling: 50 },
    selector,
    state,
  );
  return (await handle.jsonValue()) as string;
}

it('shows a waiting customer whose page closed as away, then withdraws the request', async () => {
  const customer = await customerViaWs(server, portal, { name: 'Wanda Away', problem: 'Mail stuck' });
  await popup.waitForSelector(entry(customer.sessionId), { timeout: 5000 });
  await closeAll(customer.client);
  expect(await presenceText(popup, `${entry(customer.sessionId)} .customer-presence`, 'away')).toMatch(
    /^Their support page closed at .+; if they do not come back, the request is withdrawn\.$/,
  );
  await popup.waitForSelector(entry(customer.sessionId), { hidden: true, timeout: GRACE_MS + 10_000 });
});

it('says in the chat window that the customer is away, then that they left', async () => {
  const customer = await customerViaWs(server, portal, { name: 'Lou Left', problem: 'Printer' });
  await popup.waitForSelector(`${entry(customer.sessionId)} button.accept`, { timeout: 5000 });
  await popup.click(`${entry(customer.sessionId)} button.accept`);
  await customer.client.waitType('session.accepted');
  const url = `${EXTENSION_URL}/chat.html?session=${customer.sessionId}`;
  const chat = await until(
    async () => (await pagesStartingWith(browser.browser, url))[0],
    5000,
    'the chat window',
  );
  await chat.waitForSelector('.chat-window');
  await closeAll(customer.client);
  expect(await presenceText(chat, '.customer-presence', 'away')).toMatch(
    /^Lou Left's support page closed at .+\. They may be reconnecting\.$/,
  );
  expect(await presenceText(chat, '.customer-presence', 'left', GRACE_MS + 10_000)).toMatch(
    /^Lou Left left: their support page has been closed since .+\. End the session when you are done\.$/,
  );
  // The session stays the agent's to end.
  expect((await server.store.sessions.byId(customer.sessionId))?.state).toBe('accepted');
  await chat.close();
});

it('closes a callback request with "Mark as handled" and a note', async () => {
  const customer = await customerViaWs(server, portal, { name: 'Cal Back', problem: 'VPN drops' });
  resultOf(await customer.client.request({ type: 'request.callback', email: 'cal@example.test' }));
  await closeAll(customer.client);
  const item = `${entry(customer.sessionId)}[data-kind=callback]`;
  expect(await textOf(popup, `${item} .callback-note`)).toMatch(
    /^Callback Left their details at .+ and went: write to cal@example\.test, then mark it handled\.$/,
  );
  // Not a live chat: nothing to accept.
  expect(await popup.$(`${item} button.accept`)).toBeNull();
  await popup.click(`${item} button.handled`);
  await popup.waitForSelector(`${item} textarea.reason`);
  await popup.type(`${item} textarea.reason`, 'Wrote back with the VPN fix');
  await popup.click(`${item} button.confirm-handled`);
  await popup.waitForSelector(entry(customer.sessionId), { hidden: true, timeout: 5000 });
  expect(await server.store.sessions.byId(customer.sessionId)).toMatchObject({
    state: 'ended',
    endReason: 'handled',
    comment: 'Wrote back with the VPN fix',
  });
});
