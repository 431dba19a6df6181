/**
 * Transfer between two agents, each in their own browser with the built extension: the first
 * hands the session over with a comment; the second gets the alert (the comment in it) and the
 * queue entry with the comment, accepts, and has the conversation so far. Then the turns of a
 * transfer: declined with a reason (the sender reads it in the chat window), and taken back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startTestServer, type TestServer } from '../../support/test-server';
import { closeAll, customerViaWs, seen, type ConnectedCustomer } from '../../support/workflow';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD, type TestAgent } from './accounts';
import { launchAgentBrowser, notifications, textOf, until, type AgentBrowser, POLL_MS } from './harness';

interface CreatedNotification {
  id: string;
  title: string;
  message: string;
}
declare const chrome: {
  notifications: { create(id: string, options: { title: string; message: string }): Promise<string> };
};
declare const self: { createdNotifications?: CreatedNotification[] };

let server: TestServer;
let portal: string;
let first: { agent: TestAgent; browser: AgentBrowser; popup: Page };
let second: { agent: TestAgent; browser: AgentBrowser; popup: Page };
let customer: ConnectedCustomer;

async function signedIn(name: string) {
  const agent = await createAgent(server, { portals: [portal], name });
  const browser = await launchAgentBrowser();
  const popup = await browser.openPage('popup.html');
  await popup.setViewport({ width: 380, height: 600 });
  await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
  await popup.waitForSelector('.connection.online');
  return { agent, browser, popup };
}

async function chatWindow(browser: AgentBrowser, sessionId: string): Promise<Page> {
  const url = `${EXTENSION_URL}/chat.html?session=${sessionId}`;
  const page = await until(
    async () => (await pagesStartingWith(browser.browser, url))[0],
    5000,
    'the chat window',
  );
  await page.waitForSelector('.chat-window textarea.ll-chat-input');
  return page;
}

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { requestsPerAddress: 10_000 } });
  portal = await createPortal(server, 'Colour printing');
  first = await signedIn('Frank First');
  second = await signedIn('Sam Second');
  // Record what the second agent's alerts say, as the extension hands them to the system.
  await second.browser.inWorker(() => {
    const created: CreatedNotification[] = [];
    self.createdNotifications = created;
    const original = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (id, options) => {
      created.push({ id, title: options.title, message: options.message });
      return original(id, options);
    };
  });
});
afterAll(async () => {
  await closeAll(customer?.client);
  await first?.browser.close();
  await second?.browser.close();
  await server?.stop();
});

it('transfers a session to another agent, whose alert and queue show the comment', async () => {
  customer = await customerViaWs(server, portal, {
    name: 'Terry Transfer',
    problem: 'Colours come out wrong',
  });
  await first.popup.waitForSelector(`.queue-entry[data-session="${customer.sessionId}"] button.accept`);
  await first.popup.click(`.queue-entry[data-session="${customer.sessionId}"] button.accept`);
  await customer.client.waitType('session.accepted');
  // The other agent's alert for this request is withdrawn when the first one accepts.
  const alertId = `lifeline-request:${customer.sessionId}`;
  await until(
    async () => ((await notifications(second.browser)).includes(alertId) ? undefined : true),
    3000,
    'withdrawal',
  );

  const chat = await chatWindow(first.browser, customer.sessionId);
  await chat.type('textarea.ll-chat-input', 'Let me get a colour specialist');
  await chat.keyboard.press('Enter');
  await seen(customer.client, (m) => m.type === 'chat.message', 'the first line');

  await chat.click('button.transfer');
  await chat.waitForSelector(`#transfer-target option[value="agent:${second.agent.id}"]`);
  await chat.select('#transfer-target', `agent:${second.agent.id}`);
  await chat.type('#transfer-comment', 'Needs the ICC profile for the Xerox');
  await chat.click('button.transfer-submit');
  expect(await textOf(chat, '.closed-banner')).toBe(
    'The session was transferred. You can close this window.',
  );
  await customer.client.waitType('session.transferred');

  // The second agent: a new alert naming who transferred it, with the comment.
  await until(
    async () => ((await notifications(second.browser)).includes(alertId) ? true : undefined),
    3000,
    'the alert',
  );
  const created = await second.browser.inWorker(() => self.createdNotifications ?? []);
  const alert = created.filter((n) => n.id === alertId).at(-1);
  expect(alert?.title).toBe('Terry Transfer, transferred by Frank First');
  expect(alert?.message).toContain('Needs the ICC profile for the Xerox');
  expect(alert?.message).toContain('Colours come out wrong');

  const entry = `.queue-entry[data-session="${customer.sessionId}"]`;
  expect(await textOf(second.popup, `${entry} .transfer`)).toBe(
    'Transferred by Frank First: Needs the ICC profile for the Xerox',
  );
  await saveScreenshot(second.popup, 'popup-transfer.png');
  // Only the named agent is alerted: the first agent's queue stays empty.
  expect(await first.popup.$(entry)).toBeNull();

  await second.popup.click(`${entry} button.accept`);
  const chat2 = await chatWindow(second.browser, customer.sessionId);
  expect(await textOf(chat2, '.transfer-note')).toBe(
    'Transferred by Frank First: Needs the ICC profile for the Xerox',
  );
  await chat2.waitForFunction(
    () =>
      [...document.querySelectorAll('.ll-chat-text')].some(
        (e) => e.textContent === 'Let me get a colour specialist',
      ),
    { polling: POLL_MS },
  );
  const accepted = await customer.client.waitFor(
    (m) => m.type === 'session.transferred' && m.agentName !== undefined,
  );
  expect(accepted.agentName).toBe('Sam Second');
});

it('declined with a reason: back to the sender, who reads why; then sent again and taken back', async () => {
  // The session is Sam's now (the test above); he hands it to Frank, who declines.
  const chat2 = await chatWindow(second.browser, customer.sessionId);
  const transferTo = async (comment: string) => {
    await chat2.click('button.transfer');
    await chat2.waitForSelector(`#transfer-target option[value="agent:${first.agent.id}"]`);
    await chat2.select('#transfer-target', `agent:${first.agent.id}`);
    await chat2.type('#transfer-comment', comment);
    await chat2.click('button.transfer-submit');
  };
  await transferTo('Back to you for the billing part');
  // While Frank has not answered, Sam's window says where it went and offers to take it back.
  expect(await textOf(chat2, '.transfer-waiting')).toMatch(
    /^Transferring to Frank First\. If nobody accepts it by .+, it comes back to you\. Take it back$/,
  );
  const entry = `.queue-entry[data-session="${customer.sessionId}"]`;
  await first.popup.waitForSelector(`${entry} button.decline`);
  expect(await textOf(first.popup, `${entry} .answer-by`)).toMatch(
    /^Returns to the sender in .+ if nobody accepts it\.$/,
  );
  await first.popup.click(`${entry} button.decline`);
  await first.popup.type(`${entry} textarea.reason`, 'In a meeting until 3');
  await first.popup.click(`${entry} button.confirm-decline`);
  await first.popup.waitForFunction((sel) => !document.querySelector(sel), { polling: POLL_MS }, entry);

  expect(await textOf(chat2, '.transfer-returned p')).toBe(
    'Frank First declined the transfer. The session is yours again.',
  );
  expect(await textOf(chat2, '.transfer-returned .returned-reason')).toBe('Reason: In a meeting until 3');
  await saveScreenshot(chat2, 'chat-transfer-declined.png');
  await chat2.click('.transfer-returned button.dismiss');
  await chat2.waitForFunction(() => !document.querySelector('.transfer-returned'), { polling: POLL_MS });

  // Sent again, then taken back before Frank answers: his entry goes, the session is Sam's.
  await transferTo('Never mind');
  await first.popup.waitForSelector(`${entry} button.accept`);
  await chat2.waitForSelector('.transfer-waiting button.recall');
  await chat2.click('.transfer-waiting button.recall');
  expect(await textOf(chat2, '.transfer-returned p')).toBe('You took the session back.');
  await first.popup.waitForFunction((sel) => !document.querySelector(sel), { polling: POLL_MS }, entry);
  // The chat goes on with Sam.
  await chat2.type('textarea.ll-chat-input', 'Still with you');
  await chat2.keyboard.press('Enter');
  await seen(
    customer.client,
    (m) => m.type === 'chat.message' && (m.line as { text: string }).text === 'Still with you',
    'the line',
  );
});
