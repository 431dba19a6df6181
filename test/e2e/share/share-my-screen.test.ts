/**
 * "Share my screen" end to end with real parts: the built extension in headless Chromium with
 * Chromium's fake screen capture (see share-browsers.ts for the flags that work in headless
 * Chromium 156 and those that do not), the real server, and the customer's support page in a
 * second Chromium. The agent opens the share window from the chat window and chooses what to
 * share; the customer's page shows the agent's picture.
 *
 * Checked: with the feature on, the customer's canvas shows non-blank pixels that change over
 * time, and the security codes on both ends are equal; the customer cannot send input (nothing
 * on the page sends any, and a frame forged with the customer's own credential is refused by the
 * server); stopping hides the customer's panel. With the feature off, the chat window's button
 * is disabled and says why, and the server refuses share.hello with feature_disabled, which the
 * share window shows. Figures (pictures/s, bytes/s for the fake source) are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { DataChannel, encodeFrame } from '../../../protocol/frame';
import { keyFor } from '../../../ui/support/request-store';
import { buildPages, type BuiltPages } from '../../support/built-pages';
import { createAgent, createPortal, PASSWORD, type TestAgent } from '../extension/accounts';
import { signIn } from '../viewer/support/viewer-browser';
import { startTestServer, type TestServer } from '../../support/test-server';
import { customerViaWs, closeAll, type ConnectedCustomer } from '../../support/workflow';
import { TestWsClient } from '../../support/ws-client';
import { EXTENSION_URL } from '../../support/agent-extension';
import { canvasPixels } from '../../support/canvas-pixels';
import { pageStartingWith } from '../../support/chromium';
import { until, wait } from '../../support/polling';
import { saveScreenshot } from '../../support/screenshots';
import type { Page } from 'puppeteer-core';
import {
  copyBuiltExtension,
  FAKE_CAPTURE_ARGS,
  launch,
  type ExtensionCopy,
  type LaunchedBrowser,
} from './share-browsers';

const CUSTOMER_CANVAS = 'canvas.ll-agent-screen-canvas';
/** How long the share test waits for what the customer or the agent should see, in ms. */
const SEE_WITHIN_MS = 20_000;

let pages: BuiltPages;
let extension: ExtensionCopy;
let server: TestServer;
let portal: string;
let customerBrowser: LaunchedBrowser;

/** Signs `agent` in through the popup (the agent is then online for the portal). */
async function signedIn(browser: LaunchedBrowser, agent: TestAgent): Promise<Page> {
  return signIn(browser.asAgent(), server.url, agent.email, PASSWORD);
}

/** Accepts the customer's request in the popup; returns the chat window that opens. */
async function acceptInChat(browser: LaunchedBrowser, popup: Page, sessionId: string): Promise<Page> {
  const accept = `.queue-entry[data-session="${sessionId}"] button.accept`;
  await popup.waitForSelector(accept, { timeout: 15_000 });
  await popup.click(accept);
  return pageStartingWith(browser.browser, `${EXTENSION_URL}/chat.html?session=${sessionId}`);
}

/** Share of pixels that are not black (a blank canvas is all zero or all black). */
function litShare(data: Uint8ClampedArray): number {
  let lit = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 30) lit++;
  return lit / (data.length / 4);
}

function changedShare(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let changed = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 24)
      changed++;
  }
  return changed / (a.length / 4);
}

beforeAll(async () => {
  pages = buildPages();
  extension = copyBuiltExtension();
  server = await startTestServer({ pagesDir: pages.dir });
  portal = await createPortal(server, 'Share desk');
  customerBrowser = await launch();
});

afterAll(async () => {
  await customerBrowser?.close();
  await server?.stop();
  extension?.remove();
  pages?.remove();
});

describe('share my screen, feature on', () => {
  let agentBrowser: LaunchedBrowser;
  let agent: TestAgent;
  let customerPage: Page;
  let chat: Page;
  let share: Page;
  let sessionId: string;
  let pictureSize = '';

  beforeAll(async () => {
    agent = await createAgent(server, { portals: [portal], name: 'Sam Sharer' });
    await server.services.accounts.updateUser(agent.email, { features: { shareMyScreen: true } }, 'test');
    agentBrowser = await launch({ extension: extension.dir, args: FAKE_CAPTURE_ARGS });
    const popup = await signedIn(agentBrowser, agent);

    customerPage = await customerBrowser.open(`${server.url}/support/${portal}`);
    await customerPage.setViewport({ width: 900, height: 900 });
    await customerPage.waitForSelector('[data-view="form"]');
    await customerPage.type('input[name="name"]', 'Casey Customer');
    await customerPage.type('textarea[name="problem"]', 'How do I find the export button?');
    await customerPage.click('button[type="submit"]');
    await customerPage.waitForSelector('[data-view="waiting"]', { timeout: 10_000 });
    sessionId = await until(
      'the request on the server',
      async () => {
        const open = await server.store.sessions.open();
        return open.find((s) => s.portalSlug === portal && s.customerName === 'Casey Customer')?.id;
      },
      SEE_WITHIN_MS,
    );

    chat = await acceptInChat(agentBrowser, popup, sessionId);
    await customerPage.waitForSelector('[data-view="chat"]', { timeout: 10_000 });
  });

  afterAll(async () => {
    await agentBrowser?.close();
  });

  it("opens the share window from the chat window and the customer sees the agent's changing picture", async () => {
    await chat.waitForSelector('button.share-my-screen:not([disabled])');
    expect(await chat.$('#share-my-screen-off')).toBeNull();
    await chat.click('button.share-my-screen');
    share = await pageStartingWith(agentBrowser.browser, `${EXTENSION_URL}/share.html?session=${sessionId}`);
    await share.waitForSelector('button.share-start');
    await share.click('button.share-start');
    await share.waitForSelector('button.share-stop', { timeout: 15_000 });

    await customerPage.waitForSelector('.ll-agent-screen[data-share="showing"]', { timeout: 20_000 });
    const first = await until(
      'a lit picture',
      async () => {
        const p = await canvasPixels(customerPage, CUSTOMER_CANVAS);
        return p.width > 0 && litShare(p.data) > 0.5 ? p : null;
      },
      SEE_WITHIN_MS,
    );
    // The fake screen follows the size asked for, within the share limits (1920 x 1200).
    expect(first.width).toBeGreaterThan(0);
    expect(first.width).toBeLessThanOrEqual(1920);
    expect(first.height).toBeLessThanOrEqual(1200);
    pictureSize = `${first.width}x${first.height}`;
    const later = await until(
      'the picture to change',
      async () => {
        const p = await canvasPixels(customerPage, CUSTOMER_CANVAS);
        return changedShare(first.data, p.data) > 0.01 ? p : null;
      },
      SEE_WITHIN_MS,
    );
    expect(litShare(later.data)).toBeGreaterThan(0.5);
  });

  it('shows the same security code on both ends', async () => {
    const customerCode = await until(
      'the customer code',
      async () => {
        const text = await customerPage
          .$eval('[data-testid="share-sas"] strong', (e) => e.textContent ?? '')
          .catch(() => '');
        return /(\d{3} \d{3})/.exec(text)?.[1];
      },
      SEE_WITHIN_MS,
    );
    const agentCode = await until(
      'the agent code',
      async () => {
        const text = await share.$eval('.share-sas', (e) => e.textContent ?? '').catch(() => '');
        return /(\d{3} \d{3})/.exec(text)?.[1];
      },
      SEE_WITHIN_MS,
    );
    expect(agentCode).toBe(customerCode);
    await saveScreenshot(share, 'share-agent-window.png');
    await saveScreenshot(customerPage, 'share-customer-page.png');
  });

  it('sends pictures at a bounded rate (figures for the fake source)', async () => {
    const samples: { pps: number; kBps: number }[] = [];
    for (let i = 0; i < 5; i++) {
      await wait(1000);
      const text = await share.$eval('.share-stats', (e) => e.textContent ?? '');
      const m = /([\d.]+) pictures\/s · (\d+) kB\/s/.exec(text);
      if (m) samples.push({ pps: Number(m[1]), kBps: Number(m[2]) });
    }
    expect(samples.length).toBe(5);
    const pps = samples.reduce((s, x) => s + x.pps, 0) / samples.length;
    const kBps = samples.reduce((s, x) => s + x.kBps, 0) / samples.length;
    console.log(
      `share my screen, fake ${pictureSize} source: ${pps.toFixed(1)} pictures/s, ${kBps.toFixed(0)} kB/s`,
    );
    expect(pps).toBeGreaterThan(0.5);
    expect(pps).toBeLessThanOrEqual(10.5); // SHARE_MAX_FPS
  });

  it('the customer cannot send input: the page sends none, and a forged input frame is refused', async () => {
    const before = server.services.workflow.share.relay.stats();
    const box = await customerPage.$eval(CUSTOMER_CANVAS, (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await customerPage.mouse.click(box.x, box.y);
    await customerPage.keyboard.type('hello');
    await wait(500);
    expect(server.services.workflow.share.relay.stats().refused).toBe(before.refused);

    // The customer's own credential, used by hand: the server drops input with `forbidden`.
    const token = await customerPage.evaluate(
      (key: string) => (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { token?: string }).token ?? '',
      keyFor(portal),
    );
    const raw = await TestWsClient.connect(server.wsUrl, server.url);
    try {
      raw.send({ type: 'share.watch', requestToken: token, protocol: PROTOCOL_VERSION });
      await raw.waitType('share.watching');
      raw.ws.send(encodeFrame({ channel: DataChannel.input, from: 0, to: 1 }, new Uint8Array([1, 2, 3])));
      expect(await raw.waitType('error')).toMatchObject({ code: 'forbidden' });
    } finally {
      await closeAll(raw);
    }
  });

  it("stopping hides the panel on the customer's page", async () => {
    await share.click('button.share-stop');
    await customerPage.waitForSelector('.ll-agent-screen', { hidden: true, timeout: 10_000 });
    await share.waitForSelector('.share-page[data-phase="stopped"]');
  });
});

describe('share my screen, feature off', () => {
  let agentBrowser: LaunchedBrowser;
  let agent: TestAgent;
  let customer: ConnectedCustomer;

  beforeAll(async () => {
    agent = await createAgent(server, { portals: [portal], name: 'Nia Nofeature' });
    agentBrowser = await launch({ extension: extension.dir, args: FAKE_CAPTURE_ARGS });
    customer = await customerViaWs(server, portal, { name: 'Dee Customer', problem: 'Show me how' });
  });

  afterAll(async () => {
    await closeAll(customer?.client);
    await agentBrowser?.close();
  });

  it('shows the button disabled with the reason, and the server refuses share.hello with feature_disabled', async () => {
    const chat = await acceptInChat(agentBrowser, await signedIn(agentBrowser, agent), customer.sessionId);
    await chat.waitForSelector('button.share-my-screen[disabled]');
    const reason = await chat.$eval('#share-my-screen-off', (e) => e.textContent ?? '');
    expect(reason).toBe('Share my screen is not enabled for your account; ask your manager');
    expect(await chat.$eval('button.share-my-screen', (e) => e.getAttribute('title'))).toBe(reason);
    await saveScreenshot(chat, 'share-disabled-chat.png');

    // Opened all the same (an old bookmark, a stale window): the server says no.
    const share = await agentBrowser.open(`${EXTENSION_URL}/share.html?session=${customer.sessionId}`);
    await share.click('button.share-start');
    await share.waitForSelector('.share-page[data-phase="refused"]', { timeout: 15_000 });
    const status = await share.$eval('.share-status', (e) => e.textContent ?? '');
    expect(status).toBe('Share my screen is not enabled for your account; ask your manager.');
    expect(customer.client.received.some((m) => m.type === 'share.status')).toBe(false);
  });
});
