// The support page's other views against a real server: nobody online (keep waiting until an
// agent comes; or leave an e-mail and go), cancel, and the agent's screen-sharing request with
// the helper download and join code, the helper's os_not_supported, and the extension bridge.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { PAGE_BRIDGE_CHANNEL } from '../../../protocol/page-bridge';
import type { TestServer } from '../../support/test-server';
import { addAgent, addPortal, closeAll, resultOf, seen, type ConnectedAgent } from '../../support/workflow';
import { TestWsClient } from '../../support/ws-client';
import { saveScreenshot } from '../../support/screenshots';
import { openPage, textOf, waitForText, waitForView, type TestBrowser } from './browser';
import { startPagesStage, type PagesStage } from './pages-stage';

let stage: PagesStage;
let server: TestServer;
let chromium: TestBrowser;
const clients: TestWsClient[] = [];

beforeAll(async () => {
  stage = await startPagesStage();
  ({ server, chromium } = stage);
});

afterAll(async () => {
  await closeAll(...clients);
  await stage?.close();
});

async function agentOn(portal: string, name: string): Promise<ConnectedAgent> {
  const agent = await addAgent(server, { portals: [portal], name });
  clients.push(agent.client);
  return agent;
}

async function ask(page: Page, portal: string, details: { name: string; email?: string; problem: string }) {
  await page.goto(`${server.url}/support/${portal}`);
  await waitForView(page, 'form');
  await page.type('input[name="name"]', details.name);
  if (details.email) await page.type('input[name="email"]', details.email);
  await page.type('textarea[name="problem"]', details.problem);
  await page.click('button[type="submit"]');
}

/** Asks on `portal`, lets `agent` accept, and returns the session id once the page shows the chat. */
async function chatWith(page: Page, portal: string, agent: ConnectedAgent): Promise<string> {
  const mark = agent.client.received.length;
  await ask(page, portal, { name: 'Chloé Customer', problem: 'Need a hand' });
  const added = await seen(agent.client, (m) => m.type === 'queue.added', 'queue.added', mark);
  const sessionId = (added.entry as { sessionId: string }).sessionId;
  resultOf(await agent.client.request({ type: 'request.accept', sessionId }));
  await waitForView(page, 'chat');
  return sessionId;
}

describe('support page views', () => {
  it('says nobody is online before and after asking, and switches to waiting when an agent comes', async () => {
    await addPortal(server, 'nobody', 'Night Desk');
    const { page, csp } = await openPage(chromium.browser);
    await page.goto(`${server.url}/support/nobody`);
    await waitForView(page, 'form');
    await waitForText(page, 'Nobody is available right now.');
    await ask(page, 'nobody', { name: 'Night Owl', problem: 'VPN down' });
    await waitForView(page, 'no-agents');
    await waitForText(page, 'Your request is in the queue.');
    await saveScreenshot(page, 'support-no-agents.png');

    await page.click('[data-view="no-agents"] .ll-actions .ll-primary'); // keep waiting
    await page.waitForFunction(() => document.querySelector('[data-view="no-agents"] .ll-actions') === null);
    // An agent of this portal signs in: the page hears it and shows the normal waiting view.
    const agent = await agentOn('nobody', 'Nina Night');
    await waitForView(page, 'waiting');
    const entry = (agent.welcome.queue as { sessionId: string; customerName: string }[])[0];
    expect(entry?.customerName).toBe('Night Owl');
    resultOf(await agent.client.request({ type: 'request.accept', sessionId: entry!.sessionId }));
    await waitForView(page, 'chat');
    expect(csp).toEqual([]);
    await page.close();
  });

  it('lets a customer with nobody online leave an e-mail and go; the request waits with it', async () => {
    await addPortal(server, 'weekend', 'Weekend Desk');
    const { page } = await openPage(chromium.browser);
    await ask(page, 'weekend', { name: 'Sam Weekend', problem: 'Laptop will not boot' });
    await waitForView(page, 'no-agents');
    await page.click('[data-view="no-agents"] .ll-actions .ll-secondary'); // leave my details
    await page.waitForSelector('input[name="leave-email"]');
    await page.type('input[name="leave-email"]', 'not-an-address');
    await page.click('.ll-inline-form button[type="submit"]');
    await waitForText(page, 'This does not look like an e-mail address.');
    await page.$eval('input[name="leave-email"]', (e) => {
      if (e instanceof HTMLInputElement) e.value = '';
    });
    await page.type('input[name="leave-email"]', 'Sam@Example.com');
    await page.click('.ll-inline-form button[type="submit"]');
    await waitForView(page, 'left');
    await waitForText(page, 'An agent will write to sam@example.com as soon as possible.');
    await saveScreenshot(page, 'support-left-details.png');
    // The agent who comes later finds exactly one request, with the e-mail to write to.
    const agent = await agentOn('weekend', 'Walt Weekend');
    const queue = agent.welcome.queue as { customerName: string; customerEmail?: string }[];
    expect(queue.map((e) => [e.customerName, e.customerEmail])).toEqual([['Sam Weekend', 'sam@example.com']]);
    await page.close();
  });

  it('cancels a waiting request, withdraws the alert, and offers to ask again with the details kept', async () => {
    await addPortal(server, 'cancel', 'Cancel Desk');
    const agent = await agentOn('cancel', 'Carl Cancel');
    const { page } = await openPage(chromium.browser);
    const mark = agent.client.received.length;
    await ask(page, 'cancel', { name: 'Changed Mind', email: 'cm@example.com', problem: 'Fixed it myself' });
    await waitForView(page, 'waiting');
    const added = await seen(agent.client, (m) => m.type === 'queue.added', 'queue.added', mark);
    const sessionId = (added.entry as { sessionId: string }).sessionId;
    await page.click('[data-view="waiting"] .ll-secondary');
    await waitForView(page, 'cancelled');
    await seen(
      agent.client,
      (m) => m.type === 'queue.removed' && m.sessionId === sessionId && m.reason === 'cancelled',
      'queue.removed cancelled',
      mark,
    );
    await saveScreenshot(page, 'support-cancelled.png');
    await page.click('[data-view="cancelled"] .ll-primary');
    await waitForView(page, 'form');
    expect(
      await page.$eval('input[name="name"]', (e) => (e instanceof HTMLInputElement ? e.value : '')),
    ).toBe('Changed Mind');
    expect(
      await page.$eval('textarea[name="problem"]', (e) => (e instanceof HTMLTextAreaElement ? e.value : '')),
    ).toBe('Fixed it myself');
    await page.close();
  });

  it('shows the helper download and the join code when the agent asks to see the screen, and names an unsupported system', async () => {
    await addPortal(server, 'screen', 'Screen Desk');
    const agent = await agentOn('screen', 'Sofia Screen');
    const { page, csp } = await openPage(chromium.browser);
    const sessionId = await chatWith(page, 'screen', agent);
    const { joinCode } = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId }),
    );

    await page.waitForSelector('[data-testid="helper-download"]');
    await waitForText(page, 'Sofia Screen asks to see your screen');
    const shown = await textOf(page, '[data-testid="join-code"]');
    expect(shown.replace(/ /g, '')).toBe(joinCode);
    expect(shown).toMatch(/^\d{3} \d{3} \d{3}$/);
    // Headless Chromium here runs on Linux: the first link is the Linux helper, bound to this
    // request (a ticket in the address), downloaded under the server's name for it.
    const link = await page.$eval('[data-testid="helper-download-link"]', (a) => ({
      href: a.getAttribute('href'),
      download: a.getAttribute('download'),
    }));
    expect(link.href).toMatch(/^\/downloads\/helper\/linux\/[A-Za-z0-9_-]{43}$/);
    expect(link.download).toBe('');
    // The instructions name what the customer will see: the file, what to double-click in it.
    await waitForText(
      page,
      'Open the file you downloaded (lifeline-helper-linux-x64.tar.xz), then double-click “lifeline-helper” in it.',
    );
    await waitForText(page, 'If the helper asks for a code, type this one:');
    expect(await page.$('.ll-command')).toBeNull();
    await saveScreenshot(page, 'support-screen-request.png');

    // The customer runs the helper on a system it does not support: the page names that system.
    const helper = await TestWsClient.connect(server.wsUrl);
    clients.push(helper);
    helper.send({
      type: 'helper.hello',
      credential: { kind: 'join', joinCode },
      protocol: PROTOCOL_VERSION,
      version: '0.1.0',
      os: { platform: 'freebsd', release: '14.1', arch: 'x64' },
      supported: false,
    });
    await helper.waitFor(
      (m) => m.type === 'error' && m.code === 'os_not_supported',
      5000,
      'os_not_supported',
    );
    await page.waitForSelector('[data-screen="os-not-supported"]');
    await waitForText(
      page,
      'Screen sharing is not available on FreeBSD 14.1 yet. Sofia Screen can still help you here in the chat.',
    );
    await saveScreenshot(page, 'support-os-not-supported.png');
    expect(csp).toEqual([]);
    await page.close();
  });

  it('follows screen sharing as the helper joins, the customer consents, and sharing stops', async () => {
    await addPortal(server, 'share', 'Share Desk');
    const agent = await agentOn('share', 'Hugo Helper');
    const { page, csp } = await openPage(chromium.browser);
    const sessionId = await chatWith(page, 'share', agent);
    const { joinCode } = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId }),
    );
    await page.waitForSelector('[data-testid="join-code"]');

    const helper = await TestWsClient.connect(server.wsUrl);
    clients.push(helper);
    helper.send({
      type: 'helper.hello',
      credential: { kind: 'join', joinCode },
      protocol: PROTOCOL_VERSION,
      version: '0.1.0',
      os: { platform: 'linux', release: '6.1', arch: 'x64', display: 'x11' },
      supported: true,
    });
    await helper.waitType('helper.welcome');
    const grants = { view: true, control: false, clipboard: false, files: false, reboot: false };
    helper.send({ type: 'helper.consent', grants });
    await page.waitForSelector('[data-screen="consented"]');
    await waitForText(page, 'Screen sharing with Hugo Helper is starting…');
    // The join code is gone once the helper is in: nothing left to type.
    expect(await page.$('[data-testid="join-code"]')).toBeNull();

    helper.send({ type: 'helper.consent', grants: { ...grants, view: false } });
    await page.waitForSelector('[data-screen="paused"]');
    await waitForText(page, 'Screen sharing is paused.');

    helper.send({ type: 'helper.stop' });
    await page.waitForSelector('[data-screen="ended-stopped"]');
    await waitForText(page, 'You stopped sharing your screen: Hugo Helper no longer sees it.');
    expect(csp).toEqual([]);
    await page.close();
  });

  it('starts the helper through the Lifeline extension when it is on the page', async () => {
    await addPortal(server, 'bridge', 'Bridge Desk');
    const agent = await agentOn('bridge', 'Bea Bridge');
    const { page, csp } = await openPage(chromium.browser);
    // Stand-in for the extension's content script (the real one is tested with the extension):
    // it speaks protocol/page-bridge.ts and reports what the page asked.
    const asked: unknown[] = [];
    await page.exposeFunction('__llBridgeAsked', (m: unknown) => void asked.push(m));
    await page.evaluateOnNewDocument((channel: string) => {
      const post = (m: Record<string, unknown>) =>
        window.postMessage({ channel, from: 'extension', ...m }, location.origin);
      window.addEventListener('message', (ev) => {
        const d: unknown = ev.data;
        if (ev.source !== window || typeof d !== 'object' || d === null) return;
        const m = d as { channel?: string; from?: string; type?: string; id?: string };
        if (m.channel !== channel || m.from !== 'page') return;
        (window as unknown as { __llBridgeAsked: (x: unknown) => void }).__llBridgeAsked(d);
        if (m.type === 'bridge.probe')
          post({ type: 'bridge.ready', version: 1, extensionVersion: '0.1.0', helper: 'available' });
        if (m.type === 'helper.start') {
          setTimeout(() => post({ type: 'helper.started', id: m.id, state: 'waiting_consent' }), 300);
        }
      });
    }, PAGE_BRIDGE_CHANNEL);

    const sessionId = await chatWith(page, 'bridge', agent);
    const { joinCode } = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId }),
    );
    await page.waitForSelector('[data-testid="helper-starting"]');
    await waitForText(
      page,
      'The Lifeline helper is open. Choose in its window what Bea Bridge may see and do.',
    );
    expect(await page.$('[data-testid="helper-download"]')).toBeNull();
    const start = asked.find((m) => (m as { type: string }).type === 'helper.start');
    expect(start).toMatchObject({ joinCode, agentName: 'Bea Bridge' });
    expect(csp).toEqual([]);
    await page.close();
  });
});
