/**
 * Per-agent features in the built extension (Chromium) against a real server: an agent whose
 * manager has not enabled screen viewing sees the chat window's "View screen" greyed out with
 * the reason beside it, and cannot open the screen panel; the server would refuse the request
 * anyway (test/server/screen/agent-features.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startTestServer, type TestServer } from '../../support/test-server';
import { closeAll, customerViaWs, type ConnectedCustomer } from '../../support/workflow';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD, type TestAgent } from './accounts';
import { launchAgentBrowser, textOf, until, type AgentBrowser } from './harness';

let server: TestServer;
let browser: AgentBrowser;
let portal: string;
let me: TestAgent;
let popup: Page;
let customer: ConnectedCustomer;

beforeAll(async () => {
  server = await startTestServer();
  portal = await createPortal(server, 'Printers');
  me = await createAgent(server, { portals: [portal], name: 'Vic View-Off' });
  await server.services.accounts.updateUser(me.email, { features: { screenView: false } }, 'test');
  browser = await launchAgentBrowser();
  popup = await browser.openPage('popup.html');
  await signInThroughPopup(popup, server.url, me.email, PASSWORD);
  await popup.waitForSelector('.connection.online');
});
afterAll(async () => {
  await closeAll(customer?.client);
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

describe('a feature the manager has not enabled', () => {
  it('shows "View screen" disabled, with the reason, in the chat window', async () => {
    customer = await customerViaWs(server, portal, { name: 'Casey Customer', problem: 'Blank pages' });
    const entry = `.queue-entry[data-session="${customer.sessionId}"] button.accept`;
    await popup.waitForSelector(entry);
    await popup.click(entry);
    await customer.client.waitType('session.accepted');
    const chat = await chatWindow(customer.sessionId);

    const button = await chat.waitForSelector('button.view-screen');
    expect(await button!.evaluate((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await button!.evaluate((b) => b.getAttribute('title'))).toBe(
      'Screen viewing is not enabled for your account',
    );
    // Visible beside the button, and tied to it for screen readers.
    expect(await textOf(chat, '.tools .feature-off')).toBe('Screen viewing is not enabled for your account');
    expect(await button!.evaluate((b) => b.getAttribute('aria-describedby'))).toBe('view-screen-off');
    expect(
      await chat.$eval('#view-screen-off', (e) => (e as HTMLElement).offsetWidth > 0 && e.checkVisibility()),
    ).toBe(true);
    // A click does nothing: no panel, no request.
    await chat.click('button.view-screen').catch(() => undefined);
    expect(await chat.$('.screen-panel')).toBeNull();
    expect(customer.client.received.some((m) => m.type === 'screen.requested')).toBe(false);
    await saveScreenshot(chat, 'chat-view-screen-disabled.png');

    // The other tools are untouched.
    expect(await chat.$eval('button.transfer', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await chat.close();
  });
});
