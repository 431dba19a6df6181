/**
 * Files through the chat, as people do it: the real support page (built pages, Chromium) and the
 * built extension's chat window, against a real server, no screen sharing. The customer sends a
 * file with "Send a file…", the agent accepts, and the agent's browser downloads the same bytes
 * (checked against the SHA-256 on both ends); the agent sends one and the customer downloads it
 * from the page; a file the customer drops on the chat is declined, and the customer reads why,
 * in French.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { buildPages, type BuiltPages } from '../../support/built-pages';
import { downloaded } from '../../support/downloads';
import { startTestServer, type TestServer } from '../../support/test-server';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { createAgent, createPortal, PASSWORD } from './accounts';
import { launchAgentBrowser, until, type AgentBrowser } from './harness';

let pages: BuiltPages;
let server: TestServer;
let browser: AgentBrowser;
let portal: string;
let work: string;
let downloads: string;
let customer: Page;
let chat: Page;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Clicks in a page after bringing it to the front (a background tab does not take input). */
async function clickIn(page: Page, selector: string): Promise<void> {
  await page.bringToFront();
  const el = await page.waitForSelector(selector, { timeout: 15_000 });
  await el!.click();
}

/** Text of a file card's status, once it says `expected`. */
async function cardSays(page: Page, name: string, expected: string): Promise<void> {
  await page.waitForFunction(
    (n: string, text: string) =>
      [...document.querySelectorAll('.ll-chat-file')].some(
        (card) =>
          card.querySelector('.ll-chat-file-name')?.textContent === n &&
          card.querySelector('.ll-chat-file-status')?.textContent === text,
      ),
    { timeout: 15_000 },
    name,
    expected,
  );
}

function cardButton(name: string, selector: string): string {
  return `xpath///span[contains(@class,"ll-chat-file")][span[contains(@class,"ll-chat-file-name")][text()="${name}"]]//${selector}`;
}

beforeAll(async () => {
  pages = buildPages();
  server = await startTestServer({ pagesDir: pages.dir });
  portal = await createPortal(server, 'Printers');
  const agent = await createAgent(server, { portals: [portal], name: 'Alex Agent' });
  work = mkdtempSync(join(tmpdir(), 'lifeline-chat-files-'));
  downloads = join(work, 'downloads');
  browser = await launchAgentBrowser();
  const cdp = await browser.browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  const popup = await browser.openPage('popup.html');
  await popup.setViewport({ width: 380, height: 600 });
  await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
  await popup.waitForSelector('.connection.online');

  // The customer asks on the real support page.
  customer = await browser.browser.newPage();
  await customer.setViewport({ width: 760, height: 760, deviceScaleFactor: 1 });
  await customer.goto(`${server.url}/support/${portal}`);
  await customer.waitForSelector('[data-view="form"]');
  await customer.type('input[name="name"]', 'Chloé Customer');
  await customer.type('textarea[name="problem"]', 'The printer prints blank pages.');
  await customer.click('button[type="submit"]');
  await customer.waitForSelector('[data-view="waiting"]');

  await popup.bringToFront();
  const entry = await popup.waitForSelector('.queue-entry button.accept', { timeout: 5000 });
  await entry!.click();
  await customer.waitForSelector('[data-view="chat"]');
  chat = await until(
    async () => (await pagesStartingWith(browser.browser, `${EXTENSION_URL}/chat.html`))[0],
    5000,
    'the chat window',
  );
  await chat.waitForSelector('.chat-window textarea.ll-chat-input');
  await popup.close();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  pages?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('files through the chat', () => {
  it('customer sends a file from the support page, the agent accepts, the agent’s browser saves the same bytes', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const path = join(work, 'printer-log.txt');
    writeFileSync(path, bytes);
    const input = await customer.waitForSelector('[data-testid="chat-file-input"]');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
    await cardSays(customer, 'printer-log.txt', 'Waiting for the agent to accept it.');

    await cardSays(chat, 'printer-log.txt', 'The customer offers you this file.');
    await chat.bringToFront();
    await saveScreenshot(chat, 'chat-window-file-offer.png');
    await clickIn(chat, cardButton('printer-log.txt', 'button[contains(@class,"file-accept")]'));

    // Both sides see it go; the agent's window downloads it as soon as it is there.
    await cardSays(customer, 'printer-log.txt', 'The agent downloaded it.');
    await cardSays(chat, 'printer-log.txt', 'Downloaded and checked (SHA-256).');
    const saved = await downloaded(downloads, (n) => n === 'printer-log.txt', 15_000);
    expect(sha(readFileSync(saved))).toBe(sha(bytes));
    await customer.bringToFront();
    await saveScreenshot(customer, 'support-chat-files.png');
  });

  it('agent sends a file into the chat, the customer downloads it from the page', async () => {
    const bytes = randomBytes(300_000);
    const path = join(work, 'driver-settings.reg');
    writeFileSync(path, bytes);
    const input = await chat.waitForSelector('[data-testid="chat-file-input"]');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
    await cardSays(chat, 'driver-settings.reg', 'Sent. The customer can download it now.');
    await cardSays(customer, 'driver-settings.reg', 'Ready to download.');
    await clickIn(customer, cardButton('driver-settings.reg', 'button'));
    await cardSays(customer, 'driver-settings.reg', 'Downloaded and checked (SHA-256).');
    const saved = await downloaded(downloads, (n) => n === 'driver-settings.reg', 15_000);
    expect(readFileSync(saved).equals(bytes)).toBe(true);
    await cardSays(chat, 'driver-settings.reg', 'The customer downloaded it.');
    await chat.bringToFront();
    await saveScreenshot(chat, 'chat-window-files.png');
  });

  it('a file dropped on the chat is declined: the customer reads why, in French', async () => {
    await customer.bringToFront();
    await customer.select('.ll-language select', 'fr');
    await customer.waitForFunction(() => document.documentElement.lang === 'fr');
    // A real drop: a DataTransfer holding a File, as the browser builds it for a dragged file.
    await customer.evaluate(() => {
      const target = document.querySelector('.ll-chat')!;
      const data = new DataTransfer();
      data.items.add(new File(['MZ fake program'], 'installer.exe', { type: 'application/octet-stream' }));
      target.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }),
      );
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await cardSays(customer, 'installer.exe', "En attente de l'accord du technicien.");
    await cardSays(chat, 'installer.exe', 'The customer offers you this file.');
    await clickIn(chat, cardButton('installer.exe', 'button[contains(@class,"file-decline")]'));
    await chat.type('.file-decline-reason', 'Nous ne prenons pas de programmes ; envoyez une capture.');
    await clickIn(chat, '.file-decline-confirm');
    await cardSays(
      customer,
      'installer.exe',
      'Le technicien a refusé ce fichier : Nous ne prenons pas de programmes ; envoyez une capture.',
    );
    await cardSays(chat, 'installer.exe', 'You declined this file.');
    await customer.bringToFront();
    await saveScreenshot(customer, 'support-chat-file-declined-fr.png');
  });
});
