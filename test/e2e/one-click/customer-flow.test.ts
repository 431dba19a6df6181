/**
 * The customer's whole path to "the agent sees my screen", with real parts: the real server; the
 * agent in headless Chromium with the built extension (popup, chat window, viewer window); the
 * customer in a real Chromium WINDOW on an X display with a window manager (openbox), the page in
 * French; the helper downloaded by that browser, unpacked with libarchive as a file manager does,
 * started as a file manager does (its own session, no terminal, no arguments), through a real
 * HTTP proxy (tinyproxy). Nothing is typed anywhere.
 *
 *   1. Linux, the page switched to French by the customer: the agent's panel follows each step in words (waiting for the download,
 *      downloading, helper started), the consent window opens on top of the browser and focused,
 *      in French although the system speaks English; Allow -> the agent's viewer shows the
 *      customer's screen. The customer stops with the indicator: the agent reads it, the viewer
 *      says so. Asked again, the customer declines: the agent reads "declined". The chat ends:
 *      "Ask again" goes away. The used download, started again, opens the window asking for the
 *      code and saying why.
 *   2. macOS (a Mac user agent): no download is offered; the page shows the screen from the
 *      browser itself (Chromium's fake capture), the agent's viewer shows it marked "view only
 *      (browser)" with the drawing tools off and saying why, and the header names the system.
 * Screenshots for docs/one-click.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_PACKAGE_SPECS } from '../../../server/downloads/helper-systems';
import { EXTENSION_URL } from '../../support/agent-extension';
import { buildPages, type BuiltPages } from '../../support/built-pages';
import { canvasPixels } from '../../support/canvas-pixels';
import { launchChromium, pageStartingWith, type LaunchedChromium } from '../../support/chromium';
import { downloaded } from '../../support/downloads';
import { until, wait } from '../../support/polling';
import { stageHelperDownload } from '../../support/helper-download-stage';
import { saveScreenshot, screenshotPath } from '../../support/screenshots';
import { activeWindow, helperWindows, stacking, windowName, xprop } from '../../support/helper-windows';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startTinyproxy, type Tinyproxy } from '../../support/tinyproxy';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { createAgent, createPortal, PASSWORD, type TestAgent } from '../extension/accounts';
import {
  copyBuiltExtension,
  FAKE_CAPTURE_ARGS,
  launch,
  type ExtensionCopy,
  type LaunchedBrowser,
} from '../share/share-browsers';
import { signIn } from '../viewer/support/viewer-browser';

const SEE_WITHIN_MS = 25_000;
const MAC_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

let tmp: string;
let x: XDisplay;
let pages: BuiltPages;
let extension: ExtensionCopy;
let server: TestServer;
let proxy: Tinyproxy;
let portal: string;
let agent: TestAgent;
let agentBrowser: LaunchedBrowser;
let popup: Page;
const helpers: ChildProcess[] = [];

function xShot(file: `${string}.png`): void {
  x.run('sh', ['-c', `xwd -root -silent | convert xwd:- ${screenshotPath(file)}`]);
}

/** The agent's panel step (extension/chat/screen-panel.tsx data-step). */
function step(chat: Page): Promise<string> {
  return chat.$eval('.helper-status', (e) => (e as HTMLElement).dataset.step ?? '').catch(() => '');
}

/** Unpacks `archive` as a file manager does (libarchive) and returns the program to double-click. */
function unpack(archive: string): string {
  const dir = path.dirname(archive);
  const r = spawnSync('bsdtar', ['-xzf', archive, '-C', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const exe = path.join(dir, ...HELPER_PACKAGE_SPECS.linux!.executable.split('/'));
  expect(statSync(exe).mode & 0o100).toBe(0o100);
  return exe;
}

/** Starts `exe` as a file manager does: own session, no terminal, no arguments, the desktop's environment. */
function doubleClick(exe: string, home: string): { child: ChildProcess; log: string } {
  const log = path.join(home, `helper-${helpers.length}.log`);
  const child = spawn(exe, [], {
    cwd: path.dirname(exe),
    detached: true,
    stdio: ['ignore', 'ignore', openSync(log, 'w')],
    env: {
      PATH: process.env.PATH,
      HOME: home,
      DISPLAY: x.display,
      LANG: 'en_US.UTF-8',
      HTTP_PROXY: proxy.url,
    },
  });
  helpers.push(child);
  return { child, log };
}

function exited(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the helper did not exit')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function litShare(data: Uint8ClampedArray): number {
  let lit = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 30) lit++;
  return lit / Math.max(1, data.length / 4);
}

/** The customer's request, made on the support page (in `language`); returns the session id. */
async function request(page: Page, name: string, language: 'en' | 'fr'): Promise<string> {
  await page.goto(`${server.url}/support/${portal}`);
  await page.waitForSelector('[data-view="form"]');
  // The customer picks the page's language (it travels with the request to the helper).
  await page.select('.ll-language select', language);
  await page.type('input[name="name"]', name);
  await page.type('textarea[name="problem"]', "L'imprimante ne répond plus");
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-view="waiting"], [data-view="chat"]', { timeout: 10_000 });
  return until('the request on the server', async () => {
    const open = await server.store.sessions.open();
    return open.find((s) => s.portalSlug === portal && s.customerName === name)?.id;
  });
}

/** Accepts in the popup, opens "View screen" and asks; returns the chat window. */
async function acceptAndAsk(sessionId: string): Promise<Page> {
  await popup.waitForSelector(`.queue-entry[data-session="${sessionId}"] button.accept`, { timeout: 15_000 });
  await popup.click(`.queue-entry[data-session="${sessionId}"] button.accept`);
  const chat = await pageStartingWith(
    agentBrowser.browser,
    `${EXTENSION_URL}/chat.html?session=${sessionId}`,
  );
  await chat.waitForSelector('button.view-screen');
  await chat.click('button.view-screen');
  await chat.click('button.screen-request');
  return chat;
}

async function openViewer(chat: Page, sessionId: string): Promise<Page> {
  await chat.waitForSelector('button.open-viewer');
  await chat.click('button.open-viewer');
  return pageStartingWith(agentBrowser.browser, `${EXTENSION_URL}/viewer.html?session=${sessionId}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-one-click-flow-'));
  await stageHelperDownload(path.join(tmp, 'downloads'));
  pages = buildPages();
  extension = copyBuiltExtension();
  server = await startTestServer({ pagesDir: pages.dir, downloadsDir: path.join(tmp, 'downloads') });
  proxy = await startTinyproxy();
  portal = await createPortal(server, 'Assistance');
  agent = await createAgent(server, { portals: [portal], name: 'Alex Martin' });
  x = await startXvfb({ width: 1280, height: 800 });
  x.spawnClient('openbox', ['--config-file', '/etc/xdg/openbox/rc.xml']);
  await until('the window manager', () => xprop(x, ['-root', '_NET_SUPPORTING_WM_CHECK']).includes('#'));
  agentBrowser = await launch({ extension: extension.dir });
  popup = await signIn(agentBrowser.asAgent(), server.url, agent.email, PASSWORD);
});

afterAll(async () => {
  for (const h of helpers) if (h.exitCode === null && h.pid) process.kill(-h.pid, 'SIGTERM');
  await agentBrowser?.close();
  await proxy?.stop();
  await server?.stop();
  await x?.stop();
  extension?.remove();
  pages?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('one click, Linux, in French', () => {
  let customer: LaunchedChromium;
  let page: Page;
  let home: string;
  let downloads: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmp, 'home-'));
    downloads = path.join(home, 'Téléchargements');
    mkdirSync(downloads);
    // The customer's browser: a real window on the desktop, in French, downloading to their folder.
    customer = await launchChromium({
      headless: false,
      env: { ...process.env, DISPLAY: x.display },
      args: ['--window-position=0,0', '--window-size=1280,800'],
      defaultViewport: null,
      profilePrefix: 'lifeline-one-click-customer-',
    });
    const cdp = await customer.browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    page = (await customer.browser.pages())[0] ?? (await customer.browser.newPage());
  });
  afterAll(async () => {
    await customer?.close();
  });

  it('download, double-click, consent on top in French, Allow: the agent sees the screen; stop, decline, end', async () => {
    const sessionId = await request(page, 'Léa Dubois', 'fr');
    const chat = await acceptAndAsk(sessionId);
    expect(
      await until('waiting for the download', async () => (await step(chat)) === 'waiting_download'),
    ).toBe(true);

    // The page offers the helper bound to this request, and says what to do with it.
    const link = await page.waitForSelector('[data-testid="helper-download-link"]', {
      timeout: SEE_WITHIN_MS,
    });
    await until('the French instructions', () =>
      page.$eval('[data-testid="helper-open-step"]', (e) => e.textContent ?? ''),
    ).then((text) =>
      expect(text).toBe(
        "Ouvrez le fichier téléchargé (lifeline-helper-linux-x64.tar.xz), puis double-cliquez sur « lifeline-helper » qu'il contient.",
      ),
    );
    await saveScreenshot(page, 'one-click-support-page-fr.png');
    await link!.click();
    const archive = await downloaded(
      downloads,
      (n) => n === HELPER_PACKAGE_SPECS.linux!.fileName,
      SEE_WITHIN_MS,
    );
    await until('"downloading" on the agent side', async () => (await step(chat)) === 'downloaded');

    // The customer double-clicks; the browser keeps the focus until the helper asks.
    const exe = unpack(archive);
    const browserWindow = await until('the browser window active', () => activeWindow(x));
    const before = proxy.connects().length;
    const first = doubleClick(exe, home);
    await until(
      '"helper started" on the agent side',
      async () => (await step(chat)) === 'waiting_consent',
      SEE_WITHIN_MS,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; helper log: ${readFileSync(first.log, 'utf8')}`);
    });
    expect(proxy.connects().slice(before)).toEqual([`127.0.0.1:${server.port}`]);

    const viewer = await openViewer(chat, sessionId);
    const consent = await until('the consent window', () => helperWindows(x)[0], SEE_WITHIN_MS);
    expect(windowName(x, consent)).toBe("Lifeline : partage d'écran");
    await until(
      'the consent window on top and focused',
      () => activeWindow(x) === consent && stacking(x).at(-1) === consent,
    );
    expect(consent).not.toBe(browserWindow);
    xShot('one-click-consent-fr.png');
    x.run('xdotool', ['key', 'space', 'Return']);

    // The agent sees the customer's screen (their browser with the support page on it).
    await until(
      'the picture in the viewer',
      async () => litShare((await canvasPixels(viewer, 'canvas.picture')).data) > 0.2,
      SEE_WITHIN_MS,
    );
    await until('"allowed" on the agent side', async () => (await step(chat)) === 'sharing');
    expect(await page.$eval('[data-screen]', (e) => (e as HTMLElement).dataset.screen)).toMatch(
      /consented|streaming/,
    );
    await wait(300);
    xShot('one-click-sharing.png');

    // The customer stops with the indicator at the top of the screen.
    x.run('xdotool', ['mousemove', '640', '8', 'click', '1']);
    await until('"stopped" on the agent side', async () => (await step(chat)) === 'stopped');
    await until('the viewer says the customer stopped', async () =>
      (await viewer.$eval('.viewer-phase', (e) => e.textContent ?? '')).startsWith(
        'The customer stopped sharing',
      ),
    );
    expect(await exited(first.child)).toBe(0);
    await page.waitForSelector('[data-screen="ended-stopped"]');

    // Asked again: a new download; this time the customer declines.
    await chat.click('button.screen-request');
    const again = await page.waitForSelector('[data-testid="helper-download-link"]', {
      timeout: SEE_WITHIN_MS,
    });
    rmSync(path.join(downloads, HELPER_PACKAGE_SPECS.linux!.fileName), { force: true });
    rmSync(path.join(downloads, 'lifeline-helper'), { recursive: true, force: true });
    await again!.click();
    const second = doubleClick(
      unpack(await downloaded(downloads, (n) => n === HELPER_PACKAGE_SPECS.linux!.fileName, SEE_WITHIN_MS)),
      home,
    );
    const ask = await until('the second consent window', () => helperWindows(x)[0], SEE_WITHIN_MS);
    await until('the second consent window focused', () => activeWindow(x) === ask);
    x.run('xdotool', ['key', 'Escape']);
    await until('"declined" on the agent side', async () => (await step(chat)) === 'declined');
    expect(await chat.$eval('.helper-status', (e) => e.textContent ?? '')).toBe(
      'The customer declined: nothing is shared. You can ask again.',
    );
    await page.waitForSelector('[data-screen="ended-declined"]');
    expect(await exited(second.child)).toBe(0);

    // The chat ends: no "Ask again" any more.
    await page.click('[data-view="chat"] .ll-chat-head button');
    await until('"session ended" on the agent side', async () => (await step(chat)) === 'session_ended');
    expect(await chat.$('button.screen-request')).toBeNull();

    // The used download, started again: a window asks for the code and says why.
    const third = doubleClick(
      path.join(downloads, ...HELPER_PACKAGE_SPECS.linux!.executable.split('/')),
      home,
    );
    const codeWindow = await until('the code window', () => helperWindows(x)[0], SEE_WITHIN_MS);
    expect(windowName(x, codeWindow)).toBe('Assistant Lifeline');
    await until('the code window focused', () => activeWindow(x) === codeWindow);
    xShot('one-click-code-window-fr.png');
    x.run('xdotool', ['key', 'Escape']);
    expect(await exited(third.child)).toBe(0);
    await viewer.close();
  });
});

describe('macOS: the screen from the browser itself', () => {
  it('offers no download, shares from the page, and the viewer shows it view only', async () => {
    const customer = await launch({ args: [...FAKE_CAPTURE_ARGS, '--lang=en-US'] });
    try {
      const page = await customer.browser.newPage();
      await page.setUserAgent(MAC_UA);
      await page.evaluateOnNewDocument(() => {
        Object.defineProperty(navigator, 'platform', { get: () => 'MacIntel' });
        Object.defineProperty(navigator, 'userAgentData', { get: () => undefined });
      });
      await page.setViewport({ width: 900, height: 900 });
      const sessionId = await request(page, 'Max Mac', 'en');
      const chat = await acceptAndAsk(sessionId);
      await chat.waitForSelector('[data-testid="customer-client"]');
      expect(await chat.$eval('[data-testid="customer-client"]', (e) => e.textContent)).toBe(
        'Uses macOS · Chrome 156',
      );

      await page.waitForSelector('[data-screen="browser-only"]', { timeout: SEE_WITHIN_MS });
      expect(await page.$('[data-testid="helper-download-link"]')).toBeNull();
      expect(await page.$eval('[data-testid="browser-share-offer"]', (e) => e.textContent ?? '')).toContain(
        'they cannot use your mouse or keyboard',
      );
      await saveScreenshot(page, 'one-click-browser-share-offer.png');
      const viewer = await openViewer(chat, sessionId);
      await page.click('[data-testid="browser-share-start"]');
      await page.waitForSelector('[data-browser-share="sharing"]', { timeout: SEE_WITHIN_MS });
      await until(
        'the picture in the viewer',
        async () => litShare((await canvasPixels(viewer, 'canvas.picture')).data) > 0.2,
        SEE_WITHIN_MS,
      );
      // View only, and why the drawing tools are off.
      expect(await viewer.$eval('.badge-view-only', (e) => e.textContent)).toBe('View only (browser)');
      expect(await viewer.$eval('.tool-pen', (e) => (e as HTMLButtonElement).disabled)).toBe(true);
      expect(await viewer.$eval('.tools-off', (e) => e.textContent ?? '')).toContain(
        'Drawing needs the Lifeline helper',
      );
      // The same security code on both ends.
      const code = await page.$eval('[data-testid="browser-share-code"]', (e) => e.textContent ?? '');
      const sas = await viewer.$eval('.sas-code', (e) => e.textContent ?? '');
      expect(sas).toMatch(/^\d{3} \d{3}$/);
      expect(code).toContain(sas);
      await saveScreenshot(page, 'one-click-browser-sharing.png');
      await saveScreenshot(viewer, 'one-click-viewer-browser.png');
      await page.click('.ll-browser-sharing button');
      await until('"stopped" on the agent side', async () => (await step(chat)) === 'stopped');
      await viewer.close();
    } finally {
      await customer.close();
    }
  });
});
