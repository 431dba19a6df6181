/**
 * Transfer between two agents, each in their own browser with the built extension: the first
 * hands the session over with a comment; the second gets the alert (the comment in it) and the
 * queue entry with the comment, accepts, and has the conversation so far. Then the turns of a
 * transfer: declined with a reason (the sender reads it in the chat window), and taken back.
 * Each test brings its own customer. Alerts are read from a recorder in each extension's service
 * worker (what it asked Chrome to show, and whether Chrome answered yet), so a wait for an alert
 * to go cannot pass while a create for it is still in flight, and a wait for the transfer's alert
 * cannot pass on an older alert of the same request.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAgent, closeAll, customerViaWs, seen, type ConnectedCustomer } from '../../support/workflow';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD, type TestAgent } from './accounts';
import {
  alertState,
  launchAgentBrowser,
  recordAlerts,
  withWorkerPaused,
  textOf,
  until,
  type AgentBrowser,
  type AlertState,
  POLL_MS,
} from './harness';

/** How long an alert may take to go up or away in the extension, in ms (a hang guard, not a speed check). */
const ALERT_WAIT_MS = 10_000;

let server: TestServer;
let portal: string;
let first: { agent: TestAgent; browser: AgentBrowser; popup: Page };
let second: { agent: TestAgent; browser: AgentBrowser; popup: Page };
const customers: ConnectedCustomer[] = [];

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
    `the chat window of ${sessionId}`,
  );
  await page.waitForSelector('.chat-window textarea.ll-chat-input');
  return page;
}

/** A new request in the portal, from a customer over the customer channel. */
async function newCustomer(name: string, problem: string): Promise<ConnectedCustomer> {
  const customer = await customerViaWs(server, portal, { name, problem });
  customers.push(customer);
  return customer;
}

/**
 * Waits until the extension is done with alert `id` and it is not on screen: it was asked to show
 * it, no call for it is in flight (one landing late would put it back up), and it is gone.
 */
async function alertWithdrawn(agent: AgentBrowser, id: string, who: string): Promise<void> {
  await until(
    async (saw) => {
      const state = await alertState(agent, id);
      saw(state);
      return state.created.length > 0 && state.inFlight === 0 && !state.shown ? true : undefined;
    },
    ALERT_WAIT_MS,
    `${who}'s alert ${id} to be withdrawn (created, no call in flight, not shown)`,
  );
}

/** Waits until alert `id` is on screen with `title` (the last one the extension created for it). */
async function alertShown(agent: AgentBrowser, id: string, title: string, who: string): Promise<AlertState> {
  return until(
    async (saw) => {
      const state = await alertState(agent, id);
      saw(state);
      return state.shown && state.inFlight === 0 && state.created.at(-1)?.title === title ? state : undefined;
    },
    ALERT_WAIT_MS,
    `${who}'s alert ${id} titled "${title}" on screen`,
  );
}

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { requestsPerAddress: 10_000 } });
  portal = await createPortal(server, 'Colour printing');
  first = await signedIn('Frank First');
  second = await signedIn('Sam Second');
  // Record what each agent's alerts say, as the extension hands them to the system.
  await recordAlerts(first.browser);
  await recordAlerts(second.browser);
});
afterAll(async () => {
  await closeAll(...customers.map((c) => c.client));
  await first?.browser.close();
  await second?.browser.close();
  await server?.stop();
});

it('withdraws the alert of a request that leaves the queue while the alert is still going up', async () => {
  // A loaded machine starves the agent's service worker: the request and its removal (a colleague
  // accepted it) then reach it back to back, and the withdrawal comes while Chrome is still
  // putting the alert up (it loads the icon first). Held in the debugger, Sam's worker is in
  // that spot on any machine. The alert must not come up after its withdrawal and stay there.
  const quick = await addAgent(server, { portals: [portal], name: 'Quinn Quick' });
  try {
    const customer = await withWorkerPaused(second.browser, async () => {
      const waiting = await newCustomer('Wendy Waiting', 'Paper jam');
      const reply = await quick.client.request({ type: 'request.accept', sessionId: waiting.sessionId });
      expect(reply.type).toBe('reply');
      return waiting;
    });
    const alertId = `lifeline-request:${customer.sessionId}`;
    await alertWithdrawn(second.browser, alertId, 'Sam');
    await alertWithdrawn(first.browser, alertId, 'Frank');
  } finally {
    await closeAll(quick.client);
  }
});

it('transfers a session to another agent, whose alert and queue show the comment', async () => {
  const customer = await newCustomer('Terry Transfer', 'Colours come out wrong');
  await first.popup.waitForSelector(`.queue-entry[data-session="${customer.sessionId}"] button.accept`);
  await first.popup.click(`.queue-entry[data-session="${customer.sessionId}"] button.accept`);
  await customer.client.waitType('session.accepted');
  // The other agent's alert for this request is withdrawn when the first one accepts.
  const alertId = `lifeline-request:${customer.sessionId}`;
  await alertWithdrawn(second.browser, alertId, 'Sam');

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
  const { created } = await alertShown(
    second.browser,
    alertId,
    'Terry Transfer, transferred by Frank First',
    'Sam',
  );
  const alert = created.at(-1);
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
  // Sam takes a request of his own (this test does not lean on the one above), hands it to
  // Frank, who declines.
  const customer = await newCustomer('Dana Decline', 'Billing question about toner');
  const entry = `.queue-entry[data-session="${customer.sessionId}"]`;
  await second.popup.waitForSelector(`${entry} button.accept`);
  await second.popup.click(`${entry} button.accept`);
  await customer.client.waitType('session.accepted');
  const chat2 = await chatWindow(second.browser, customer.sessionId);
  // Frank's alert for the request Sam took goes before the transfer brings the request to him.
  const alertId = `lifeline-request:${customer.sessionId}`;
  await alertWithdrawn(first.browser, alertId, 'Frank');
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
  await alertWithdrawn(first.browser, alertId, 'Frank');
  // The chat goes on with Sam.
  await chat2.type('textarea.ll-chat-input', 'Still with you');
  await chat2.keyboard.press('Enter');
  await seen(
    customer.client,
    (m) => m.type === 'chat.message' && (m.line as { text: string }).text === 'Still with you',
    'the line',
  );
});
