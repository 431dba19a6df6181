/**
 * The agent's browser for the viewer's end-to-end tests: the BUILT extension (rebuilt with
 * `npx wxt build` when older than its sources, ui/ included, since the viewer lives there) in
 * headless Chromium with a fresh profile, downloads going to a folder the test reads, the agent
 * signed in through the popup as a person would. Helpers read the viewer's canvas and state.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, WebWorker } from 'puppeteer-core';
import {
  CHROME_BUILD,
  ensureBuilt,
  EXTENSION_URL,
  signInThroughPopup,
} from '../../../support/agent-extension';
import { canvasPixels, type CanvasPixels } from '../../../support/canvas-pixels';
import {
  extensionWorkerTarget,
  launchChromium,
  pageStartingWith,
  type LaunchedChromium,
} from '../../../support/chromium';

export interface AgentChromium {
  browser: Browser;
  downloads: string;
  worker(): Promise<WebWorker>;
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** The agent's view of a Chromium that runs the extension: its worker, its pages, where downloads go. */
export function agentChromium(chromium: LaunchedChromium, downloads: string): AgentChromium {
  const { browser } = chromium;
  return {
    browser,
    downloads,
    async worker() {
      const w = await (await extensionWorkerTarget(browser, EXTENSION_URL)).worker();
      if (!w) throw new Error('no extension service worker');
      return w;
    },
    async open(path: string) {
      const page = await browser.newPage();
      await page.goto(`${EXTENSION_URL}/${path}`);
      return page;
    },
    close: chromium.close,
  };
}

export async function launchAgentChromium(): Promise<AgentChromium> {
  ensureBuilt();
  const chromium = await launchChromium({
    extensions: [CHROME_BUILD],
    defaultViewport: null,
    profilePrefix: 'lifeline-viewer-chromium-',
  });
  const downloads = join(chromium.profile, 'downloads');
  mkdirSync(downloads);
  const cdp = await chromium.browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  const agent = agentChromium(chromium, downloads);
  await agent.worker();
  return agent;
}

/** Signs in through the popup and waits until the agent is online. */
export async function signIn(
  agent: AgentChromium,
  server: string,
  email: string,
  password: string,
): Promise<Page> {
  const popup = await agent.open('popup.html');
  await popup.setViewport({ width: 380, height: 600 });
  await signInThroughPopup(popup, server, email, password);
  await popup.waitForSelector('.connection.online', { timeout: 10_000 });
  return popup;
}

/**
 * Accepts the customer's request in the popup, and in the chat window that opens asks the
 * customer to share their screen; returns the chat window and the join code it shows.
 */
export async function acceptAndAskForScreen(
  agent: AgentChromium,
  popup: Page,
  sessionId: string,
): Promise<{ chat: Page; joinCode: string }> {
  await popup.waitForSelector(`.queue-entry[data-session="${sessionId}"] button.accept`);
  await popup.click(`.queue-entry[data-session="${sessionId}"] button.accept`);
  const chat = await pageStartingWith(agent.browser, `${EXTENSION_URL}/chat.html?session=${sessionId}`);
  await chat.waitForSelector('button.view-screen');
  await chat.click('button.view-screen');
  await chat.click('button.screen-request');
  await chat.waitForSelector('.join-code strong');
  const joinCode = (await chat.$eval('.join-code strong', (e) => e.textContent ?? '')).replace(/\s/g, '');
  return { chat, joinCode };
}

/** The viewer's picture as RGBA (what the agent sees, before CSS scaling). */
export function readPicture(page: Page): Promise<CanvasPixels> {
  return canvasPixels(page, 'canvas.picture');
}

/** The client point at the centre of remote pixel `p` of the picture (through the real layout). */
export async function clientPointOf(
  page: Page,
  p: { x: number; y: number },
): Promise<{ x: number; y: number }> {
  return page.evaluate((pt) => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.picture')!;
    const r = c.getBoundingClientRect();
    return {
      x: r.left + ((pt.x + 0.5) * r.width) / c.width,
      y: r.top + ((pt.y + 0.5) * r.height) / c.height,
    };
  }, p);
}

export async function phaseOf(page: Page): Promise<string> {
  return page.$eval('.viewer', (el) => (el as HTMLElement).dataset.phase ?? '');
}
