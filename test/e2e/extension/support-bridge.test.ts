/**
 * Customer mode: the support-page bridge of the built extension. On the configured server's
 * /support/ pages the content script answers the page's handshake (protocol/page-bridge.ts), starts
 * the helper through native messaging with the join code and the CONFIGURED server (never one the
 * page names), opens the consent window with one checkbox per capability, sends the customer's
 * answer, and stops in one click. A page on any other origin gets nothing and starts nothing.
 *
 * The helper here is a stand-in (fixtures/fake-native-host.mjs) that records what the extension
 * sends: this suite tests the extension's side of the native channel, the helper has its own.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { PAGE_BRIDGE_CHANNEL, PAGE_BRIDGE_VERSION } from '../../../protocol/page-bridge';
import { startTestServer, type TestServer } from '../../support/test-server';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD } from './accounts';
import { launchAgentBrowser, until, type AgentBrowser } from './harness';

declare const chrome: {
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
};
declare global {
  interface Window {
    bridgeMessages: { type: string; [key: string]: unknown }[];
  }
}

/** How long a page waits for the extension's answer before concluding it is absent, in ms. */
const SILENCE_MS = 2000;
const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>Support</title><p>Support page stand-in</p>';

let server: TestServer;
let hostile: Server;
let hostileOrigin: string;
let browser: AgentBrowser;
let work: string;
let hostLog: string;
let portal: string;

function hostMessages(): Record<string, unknown>[] {
  if (!existsSync(hostLog)) return [];
  return readFileSync(hostLog, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Opens a page that records every bridge message from the extension, from its very start. */
async function openRecordingPage(url: string): Promise<Page> {
  const page = await browser.browser.newPage();
  await page.evaluateOnNewDocument((channel) => {
    window.bridgeMessages = [];
    window.addEventListener('message', (e: MessageEvent) => {
      const d = e.data as { channel?: string; from?: string; type: string };
      if (d && d.channel === channel && d.from === 'extension') window.bridgeMessages.push(d);
    });
  }, PAGE_BRIDGE_CHANNEL);
  await page.goto(url);
  return page;
}

async function post(page: Page, message: Record<string, unknown>): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, location.origin), {
    channel: PAGE_BRIDGE_CHANNEL,
    from: 'page',
    ...message,
  });
}

async function bridgeMessage(page: Page, type: string, timeoutMs = 5000) {
  return until(
    async () => (await page.evaluate(() => window.bridgeMessages)).find((m) => m.type === type),
    timeoutMs,
    `bridge message ${type}`,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-bridge-'));
  hostLog = join(work, 'host.log');
  const pagesDir = join(work, 'pages');
  mkdirSync(join(pagesDir, 'support'), { recursive: true });
  writeFileSync(join(pagesDir, 'support/index.html'), PAGE_HTML);
  server = await startTestServer({ pagesDir });
  portal = await createPortal(server);
  // The same page, served from another origin (same host, another port).
  hostile = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE_HTML);
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', () => r()));
  const address = hostile.address();
  hostileOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const wrapper = join(work, 'fake-host.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec "${process.execPath}" "${join(import.meta.dirname, 'fixtures/fake-native-host.mjs')}" "$@"\n`,
    { mode: 0o755 },
  );
  browser = await launchAgentBrowser({
    env: { LIFELINE_FAKE_HOST_LOG: hostLog },
    nativeHost: { name: NATIVE_HOST_NAME, executable: wrapper },
  });
  // Signing in once makes this server the configured one (IT would set it by policy).
  const agent = await createAgent(server);
  const popup = await browser.openPage('popup.html');
  await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
  await popup.waitForSelector('.alert-list');
  await popup.click('button.logout');
  await popup.close();
  const scripts = await until(
    async () => {
      const s = await browser.inWorker(() => chrome.scripting.getRegisteredContentScripts());
      return s.length > 0 ? s : undefined;
    },
    5000,
    'the bridge registration',
  );
  expect(scripts[0]?.matches).toEqual(['http://127.0.0.1/support/*']);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => hostile?.close(r));
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a page on another origin', () => {
  it('gets no answer and starts no helper, even on a /support/ path', async () => {
    const page = await openRecordingPage(`${hostileOrigin}/support/${portal}`);
    await post(page, { type: 'bridge.probe', version: PAGE_BRIDGE_VERSION });
    await post(page, { type: 'helper.start', id: 'h1', joinCode: '123456789', agentName: 'Mallory' });
    await new Promise((r) => setTimeout(r, SILENCE_MS));
    expect(await page.evaluate(() => window.bridgeMessages)).toEqual([]);
    expect(hostMessages()).toEqual([]);
    await page.close();
  });

  it('gets nothing on the configured server outside /support/ either', async () => {
    const page = await openRecordingPage(`${server.url}/status`);
    await post(page, { type: 'bridge.probe', version: PAGE_BRIDGE_VERSION });
    await new Promise((r) => setTimeout(r, SILENCE_MS));
    expect(await page.evaluate(() => window.bridgeMessages)).toEqual([]);
    expect(hostMessages()).toEqual([]);
    await page.close();
  });
});

describe("the configured server's support page", () => {
  let page: Page;

  it('is answered: the extension is here and the helper is installed', async () => {
    page = await openRecordingPage(`${server.url}/support/${portal}`);
    await post(page, { type: 'bridge.probe', version: PAGE_BRIDGE_VERSION });
    const ready = await bridgeMessage(page, 'bridge.ready');
    expect(ready).toMatchObject({ version: PAGE_BRIDGE_VERSION, helper: 'available' });
    expect(typeof ready.extensionVersion).toBe('string');
  });

  it('starts the helper with the join code and the configured server', async () => {
    const before = hostMessages().length;
    await post(page, { type: 'helper.start', id: 's1', joinCode: '123-456-789', agentName: 'Alex Agent' });
    const started = await bridgeMessage(page, 'helper.started');
    expect(started).toMatchObject({ id: 's1', state: 'connecting' });
    const sent = hostMessages().slice(before);
    expect(sent.map((m) => m.type ?? 'started')).toEqual(['started', 'host.hello', 'host.join']);
    expect(sent[2]).toMatchObject({ server: server.url, joinCode: '123456789' });
  });

  it('asks the customer in the consent window, capability by capability, and sends the answer', async () => {
    const consent = await until(
      async () => (await pagesStartingWith(browser.browser, `${EXTENSION_URL}/consent.html`))[0],
      5000,
      'the consent window',
    );
    await consent.waitForSelector('input[name=view]');
    expect(await consent.$eval('h1', (h) => h.textContent)).toBe(
      'Alex Agent asks for access to your computer',
    );
    // One box per capability asked for, none ticked until the customer ticks it.
    const boxes = await consent.$$eval('.grants input', (inputs) =>
      inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).checked]),
    );
    expect(boxes).toEqual([
      ['view', false],
      ['control', false],
      ['clipboard', false],
    ]);
    await consent.click('input[name=view]');
    await consent.click('input[name=control]');
    await saveScreenshot(consent, 'consent-window.png');
    await consent.click('button.allow');
    await until(async () => hostMessages().find((m) => m.type === 'host.consent'), 5000, 'host.consent').then(
      (m) =>
        expect(m.grants).toEqual({
          view: true,
          control: true,
          clipboard: false,
          files: false,
          reboot: false,
        }),
    );
    const status = await until(
      async () =>
        (await page.evaluate(() => window.bridgeMessages)).find(
          (m) => m.type === 'helper.status' && m.state === 'sharing',
        ),
      5000,
      'helper.status sharing on the page',
    );
    expect(status.state).toBe('sharing');

    // The security code of the agent's viewer, which the agent sees too (the helper's host.status).
    await consent.waitForSelector('.security-code .sas');
    expect(
      await consent.$$eval('.security-code', (items) =>
        items.map((i) => i.textContent?.replace(/\s+/g, ' ')),
      ),
    ).toEqual(['Security code with Alex Agent: 482 913']);
    expect(await consent.$eval('.security-codes .why', (p) => p.textContent)).toContain(
      'The agent sees the same code',
    );
    await saveScreenshot(consent, 'consent-window-sharing.png');

    // Everything unticked: each change applies at once; with nothing left the helper is paused,
    // and the window says so (it still offers the boxes, the codes and "stop").
    await consent.click('input[name=view]');
    await consent.click('input[name=control]');
    await until(
      async () =>
        hostMessages().find(
          (m) => m.type === 'host.consent' && !Object.values(m.grants as object).some(Boolean),
        ),
      5000,
      'a consent that grants nothing',
    );
    await consent.waitForSelector('p.paused');
    expect(await consent.$eval('p.paused', (p) => p.textContent)).toBe(
      'Sharing is paused: nothing of this computer is shown now.',
    );
    expect(await consent.$('.security-code .sas')).not.toBeNull();
    expect(await consent.$('.sharing')).toBeNull();
    await until(
      async () =>
        (await page.evaluate(() => window.bridgeMessages)).find(
          (m) => m.type === 'helper.status' && m.state === 'paused',
        ),
      5000,
      'helper.status paused on the page',
    );
    // Ticked again: sharing again, the notice goes.
    await consent.click('input[name=view]');
    await consent.waitForSelector('.sharing');
    expect(await consent.$('p.paused')).toBeNull();

    // One click stops everything.
    await consent.waitForSelector('button.stop');
    await consent.click('button.stop');
    await until(async () => hostMessages().find((m) => m.type === 'host.stop'), 5000, 'host.stop');
    await until(
      async () =>
        (await page.evaluate(() => window.bridgeMessages)).find(
          (m) => m.type === 'helper.status' && m.state === 'ended',
        ),
      5000,
      'helper.status ended on the page',
    );
  });
});
