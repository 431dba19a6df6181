/**
 * An agent's day in the built extension (Chromium) against a real server, with customers as
 * real WebSocket clients of the customer channel: the alert for a new request (a system
 * notification, cleared after the agent's duration and not before), the queue in the popup with a
 * ticking waiting time, accept, chat both ways with the typing indicator, comments, canned
 * replies, "view screen", a second customer and arranging the two chat windows, an alert
 * withdrawn when another agent accepts, and ending the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAgent, closeAll, customerViaWs, seen, type ConnectedCustomer } from '../../support/workflow';
import { EXTENSION_URL, fill, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD, type TestAgent } from './accounts';
import {
  launchAgentBrowser,
  alertState,
  notifications,
  recordAlerts,
  textOf,
  until,
  type AgentBrowser,
  type ChromeApi,
  POLL_MS,
} from './harness';

declare const chrome: ChromeApi;

/** The agent's alert duration in this test, in seconds (short, so the test can watch it end). */
const ALERT_SECONDS = 2;
/** Bound on an alert reaching (or leaving) the screen, in ms: a hang guard, not a speed target. */
const ALERT_ARRIVES_MS = 10_000;
/** How early a worker's timer may fire against performance.now() (clock granularity), in ms. */
const TIMER_SLACK_MS = 100;

let server: TestServer;
let browser: AgentBrowser;
let portal: string;
let me: TestAgent;
let popup: Page;
const customers: ConnectedCustomer[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { requestsPerAddress: 10_000 } });
  portal = await createPortal(server, 'Printers');
  me = await createAgent(server, { portals: [portal], name: 'Alex Agent' });
  browser = await launchAgentBrowser();
  popup = await browser.openPage('popup.html');
  await popup.setViewport({ width: 380, height: 600 });
  await signInThroughPopup(popup, server.url, me.email, PASSWORD);
  await popup.waitForSelector('.connection.online');
});
afterAll(async () => {
  await closeAll(...customers.map((c) => c.client));
  await browser?.close();
  await server?.stop();
});

async function chatWindow(sessionId: string): Promise<Page> {
  const url = `${EXTENSION_URL}/chat.html?session=${sessionId}`;
  const page = await until(
    async () => (await pagesStartingWith(browser.browser, url))[0],
    5000,
    `chat window of ${sessionId}`,
  );
  await page.waitForSelector('.chat-window textarea.ll-chat-input');
  return page;
}

async function chatWindowBounds() {
  return browser.inWorker(async () => {
    const all = await chrome.windows.getAll({ populate: true, windowTypes: ['popup'] });
    return all
      .filter((win) => win.tabs?.some((t) => t.url?.includes('/chat.html')))
      .map((win) => ({ id: win.id, left: win.left, top: win.top, width: win.width, height: win.height }))
      .sort((a, b) => a.id - b.id);
  });
}

describe('alerts', () => {
  it('lets the agent set the alert duration in the options page', async () => {
    const options = await browser.openPage('options.html');
    await fill(options, '#alert-seconds', String(ALERT_SECONDS));
    await options.keyboard.press('Tab');
    expect(await textOf(options, '.status')).toBe('Saved');
    await saveScreenshot(options, 'options.png');
    await options.close();
  });

  it('shows a notification for a new request, and clears it after the chosen duration, not before', async () => {
    await recordAlerts(browser);
    const asked = Date.now();
    const customer = await customerViaWs(server, portal, {
      name: 'Casey Customer',
      problem: 'The printer prints only blank pages',
    });
    customers.push(customer);
    const id = `lifeline-request:${customer.sessionId}`;
    // How fast is the workflow bench's to say (a timed assertion fails on a starved CI machine);
    // the figure is printed.
    await until(
      async () => ((await notifications(browser)).includes(id) ? true : undefined),
      ALERT_ARRIVES_MS,
      'the notification',
      10,
    );
    console.info(`[agent-session] the alert was on screen ${Date.now() - asked} ms after the request`);

    // The popup lists the request: name, problem, portal, and a waiting time that ticks.
    const entry = `.queue-entry[data-session="${customer.sessionId}"]`;
    expect(await textOf(popup, `${entry} .customer`)).toBe('Casey Customer');
    expect(await textOf(popup, `${entry} .problem`)).toBe('The printer prints only blank pages');
    expect(await textOf(popup, `${entry} .portal`)).toBe('Printers');
    const waited = await textOf(popup, `${entry} .waiting`);
    await popup.waitForFunction(
      (sel, before) => document.querySelector(sel)?.textContent?.trim() !== before,
      { timeout: 3000, polling: POLL_MS },
      `${entry} .waiting`,
      waited,
    );
    expect(await textOf(popup, `${entry} .waiting`)).toMatch(/^\d+ s$/);
    expect(await textOf(popup, '#queue-title')).toBe('Waiting customers (1)');
    await saveScreenshot(popup, 'popup-queue.png');

    await until(
      async () => ((await notifications(browser)).includes(id) ? undefined : true),
      ALERT_SECONDS * 1000 + ALERT_ARRIVES_MS,
      'the notification to clear',
      20,
    );
    // The duration as the worker kept it (its own clock, from the create to the clear), not as
    // seen from here through a starved machine's delays.
    const { calls } = await alertState(browser, id);
    const created = calls.find((c) => c.call === 'create');
    const cleared = calls.find((c) => c.call === 'clear');
    expect(created && cleared, JSON.stringify(calls)).toBeTruthy();
    const shownFor = cleared!.at - created!.at;
    expect(shownFor).toBeGreaterThanOrEqual(ALERT_SECONDS * 1000 - TIMER_SLACK_MS);
    expect(shownFor).toBeLessThan(ALERT_SECONDS * 1000 + ALERT_ARRIVES_MS);
    // Cleared from the screen, still waiting in the queue.
    expect(await popup.$(entry)).not.toBeNull();
  });

  it('plays the sound from an offscreen document (a service worker has no audio)', async () => {
    const contexts = await browser.inWorker(() =>
      chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] }),
    );
    expect(contexts).toHaveLength(1);
  });

  it('gives a busy agent no alert, and gives it when they are available again', async () => {
    await popup.click('button.presence');
    await popup.waitForSelector('button.presence.busy');
    await until(
      async () => (server.services.workflow.presence.isAvailable(me.id) ? undefined : true),
      3000,
      'busy on the server',
    );
    const customer = await customerViaWs(server, portal, { name: 'Patient Pat' });
    customers.push(customer);
    const id = `lifeline-request:${customer.sessionId}`;
    await new Promise((r) => setTimeout(r, 700));
    expect(await notifications(browser)).not.toContain(id);
    await popup.click('button.presence');
    await popup.waitForSelector('button.presence.available');
    await until(
      async () => ((await notifications(browser)).includes(id) ? true : undefined),
      3000,
      'the alert',
    );
    // Someone else takes it, so the rest of the suite starts from an empty queue.
    const other = await addAgent(server, { portals: [portal] });
    expect((await other.client.request({ type: 'request.accept', sessionId: customer.sessionId })).type).toBe(
      'reply',
    );
    await until(
      async () => ((await notifications(browser)).includes(id) ? undefined : true),
      3000,
      'the withdrawal',
    );
    await closeAll(other.client);
  });

  it('withdraws the alert at once when another agent accepts the request', async () => {
    const colleague = await addAgent(server, { portals: [portal], name: 'Cleo Colleague' });
    const customer = await customerViaWs(server, portal, { name: 'Quick Quentin' });
    customers.push(customer);
    const id = `lifeline-request:${customer.sessionId}`;
    await until(
      async () => ((await notifications(browser)).includes(id) ? true : undefined),
      3000,
      'the notification',
    );
    const accepted = Date.now();
    const reply = await colleague.client.request({ type: 'request.accept', sessionId: customer.sessionId });
    expect(reply.type).toBe('reply');
    await until(
      async () => ((await notifications(browser)).includes(id) ? undefined : true),
      ALERT_ARRIVES_MS,
      'the withdrawal',
      10,
    );
    console.info(`[agent-session] the alert was withdrawn ${Date.now() - accepted} ms after the accept`);
    await popup.waitForFunction(
      (sel) => document.querySelector(sel) === null,
      { polling: POLL_MS },
      `.queue-entry[data-session="${customer.sessionId}"]`,
    );
    await closeAll(colleague.client);
  });
});

describe('a session', () => {
  let first: ConnectedCustomer;
  let chat: Page;

  it('accepts from the popup: the customer is told and a chat window opens', async () => {
    first = customers[0]!;
    await popup.click(`.queue-entry[data-session="${first.sessionId}"] button.accept`);
    const accepted = await first.client.waitType('session.accepted');
    expect(accepted.agentName).toBe('Alex Agent');
    chat = await chatWindow(first.sessionId);
    expect(await textOf(chat, '.session-head h1')).toBe('Casey Customer');
    expect(await textOf(chat, '.session-head .problem')).toBe('The printer prints only blank pages');
    await popup.waitForSelector(`.open-session[data-session="${first.sessionId}"]`);
    expect(await textOf(popup, '#queue-title')).toBe('Waiting customers (0)');
  });

  it('chats both ways, with the typing indicator on both sides', async () => {
    const from = first.client.received.length;
    await chat.type('textarea.ll-chat-input', 'Hello Casey, I am looking at it');
    const typing = await seen(
      first.client,
      (m) => m.type === 'chat.typing' && m.typing === true,
      'agent typing',
      from,
    );
    expect(typing.from).toMatchObject({ kind: 'agent', name: 'Alex Agent' });
    await chat.keyboard.press('Enter');
    const line = await seen(first.client, (m) => m.type === 'chat.message', 'the agent line', from);
    expect((line.line as { text: string }).text).toBe('Hello Casey, I am looking at it');
    await chat.waitForSelector('.ll-chat-own .ll-chat-text');

    first.client.send({ type: 'chat.typing', typing: true });
    expect(await textOf(chat, '.ll-chat-typing-text')).toBe('Casey Customer is typing…');
    const reply = await first.client.request({ type: 'chat.send', text: 'Thank you! It is a LaserJet.' });
    expect(reply.type).toBe('reply');
    await chat.waitForFunction(
      () =>
        [...document.querySelectorAll('.ll-chat-peer .ll-chat-text')].some(
          (e) => e.textContent === 'Thank you! It is a LaserJet.',
        ),
      { polling: POLL_MS },
    );
    // The line ends the customer's typing indicator.
    await chat.waitForSelector('.ll-chat-typing[data-active=false]');
    // Shown on screen -> the customer hears it was delivered.
    const delivered = await seen(first.client, (m) => m.type === 'chat.delivered', 'delivery mark', from);
    expect(delivered.seq).toBeGreaterThan(0);
  });

  it('saves the comments to the session', async () => {
    await chat.type('#session-comment', 'LaserJet 4050, toner empty');
    await chat.waitForSelector('.save-state[data-state=saved]', { timeout: 5000 });
    const record = await server.store.sessions.byId(first.sessionId);
    expect(record?.comment).toBe('LaserJet 4050, toner empty');
  });

  it('keeps canned replies per agent and inserts one into the message', async () => {
    await chat.click('button.canned');
    await fill(chat, '.canned-new', 'Have you tried turning it off and on again?');
    await chat.click('.canned-add button[type=submit]');
    await chat.waitForSelector('.canned-insert');
    await chat.click('.canned-insert');
    const value = await chat.$eval('textarea.ll-chat-input', (t) => (t as HTMLTextAreaElement).value);
    expect(value).toBe('Have you tried turning it off and on again?');
    await chat.keyboard.press('Enter');
    const line = await seen(
      first.client,
      (m) => m.type === 'chat.message' && (m.line as { text: string }).text.startsWith('Have you'),
      'canned line',
    );
    expect((line.line as { text: string }).text).toBe('Have you tried turning it off and on again?');
    // Stored per agent, in the storage that follows the agent's browser profile.
    const stored = await browser.inWorker(
      async (key: string) => (await chrome.storage.sync.get(key))[key],
      `canned:${me.id}`,
    );
    expect(stored).toEqual(['Have you tried turning it off and on again?']);
    await chat.click('button.canned');
  });

  it('asks to view the screen: the customer gets the join code the agent sees', async () => {
    const from = first.client.received.length;
    await chat.click('button.view-screen');
    await chat.click('button.screen-request');
    const code = (await textOf(chat, '.join-code strong')).replace(/\s/g, '');
    expect(code).toMatch(/^\d{9}$/);
    const requested = await seen(
      first.client,
      (m) => m.type === 'screen.requested',
      'screen.requested',
      from,
    );
    expect(requested.joinCode).toBe(code);
    expect(requested.agentName).toBe('Alex Agent');
    await saveScreenshot(chat, 'chat-view-screen.png');
    await chat.click('button.view-screen');
    await saveScreenshot(chat, 'chat-window.png');
  });

  it('holds a second session in a second window, and arranges both windows', async () => {
    const second = await customerViaWs(server, portal, {
      name: 'Robin Second',
      problem: 'Cannot print in colour',
    });
    customers.push(second);
    // In a session, alerts still come (the default in-session choice).
    const id = `lifeline-request:${second.sessionId}`;
    await until(
      async () => ((await notifications(browser)).includes(id) ? true : undefined),
      3000,
      'the second alert',
    );
    await popup.click(`.queue-entry[data-session="${second.sessionId}"] button.accept`);
    await second.client.waitType('session.accepted');
    const chat2 = await chatWindow(second.sessionId);
    expect(await textOf(chat2, '.session-head h1')).toBe('Robin Second');
    expect(await notifications(browser)).not.toContain(id);

    const before = await chatWindowBounds();
    expect(before).toHaveLength(2);
    type Bounds = (typeof before)[number];
    const sideBySide = ([a, b]: Bounds[]) =>
      a !== undefined &&
      b !== undefined &&
      a.top === b.top &&
      Math.max(a.left, b.left) >= Math.min(a.left, b.left) + Math.min(a.width, b.width) - 1;
    const cascaded = ([a, b]: Bounds[]) =>
      a !== undefined &&
      b !== undefined &&
      a.width === b.width &&
      a.height === b.height &&
      Math.abs(b.left - a.left) === Math.abs(b.top - a.top) &&
      Math.abs(b.left - a.left) > 0;
    // Both windows opened at the browser's default place: neither arrangement yet.
    expect(sideBySide(before) || cascaded(before)).toBe(false);

    await chat2.click('button.windows');
    await chat2.click('button.arrange-tile');
    await until(
      async () => (sideBySide(await chatWindowBounds()) ? true : undefined),
      5000,
      'the windows side by side',
    );

    await chat2.click('button.windows');
    await chat2.click('button.arrange-cascade');
    await until(
      async () => (cascaded(await chatWindowBounds()) ? true : undefined),
      5000,
      'the windows in cascade',
    );
  });

  it('ends the session from its window: the customer is told and the window says so', async () => {
    await chat.click('button.end-session');
    await chat.click('button.end-confirm');
    const ended = await first.client.waitType('session.ended');
    expect(ended.by).toBe('agent');
    expect(await textOf(chat, '.closed-banner')).toBe('You ended the session.');
    expect(await chat.$eval('textarea.ll-chat-input', (t) => (t as HTMLTextAreaElement).disabled)).toBe(true);
    await popup.waitForFunction(
      (sel) => document.querySelector(sel) === null,
      { polling: POLL_MS },
      `.open-session[data-session="${first.sessionId}"]`,
    );
  });

  it('shows when the customer ends a session', async () => {
    const second = customers[customers.length - 1]!;
    const chat2 = await chatWindow(second.sessionId);
    const reply = await second.client.request({ type: 'session.end' });
    expect(reply.type).toBe('reply');
    expect(await textOf(chat2, '.closed-banner')).toBe('The customer ended the session.');
  });
});
