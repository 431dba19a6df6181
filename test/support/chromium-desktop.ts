/**
 * Chromium as a customer's desktop program: a real window on an Xvfb display (not headless),
 * full screen in kiosk mode at (0, 0), showing one page. No window manager: the window takes the
 * screen's size, the keyboard follows the pointer. The "controlled by automated test software"
 * bar is left out (it is not what a customer sees). For the screen encoder's e2e test and the GUI
 * desktop of bench/screen/.
 */
import type { Page } from 'puppeteer-core';
import type { XDisplay } from './xvfb';
import { launchChromium, type LaunchedChromium } from './chromium';

export interface ChromiumDesktop extends LaunchedChromium {
  page: Page;
}

/** How long the page and its pictures may take to load, in ms. */
const PAGE_LOAD_MS = 30_000;

export async function startChromiumDesktop(x: XDisplay, url: string): Promise<ChromiumDesktop> {
  const launched = await launchChromium({
    headless: false,
    env: x.env,
    defaultViewport: null,
    ignoreDefaultArgs: ['--enable-automation'],
    args: [
      '--kiosk',
      '--window-position=0,0',
      `--window-size=${x.width},${x.height}`,
      '--disable-features=Translate,MediaRouter',
    ],
    profilePrefix: 'lifeline-desktop-chromium-',
  });
  try {
    const page = (await launched.browser.pages())[0] ?? (await launched.browser.newPage());
    await page.goto(url, { waitUntil: 'load', timeout: PAGE_LOAD_MS });
    await page.waitForFunction(
      () => document.readyState === 'complete' && [...document.images].every((i) => i.complete),
      { timeout: PAGE_LOAD_MS },
    );
    return { ...launched, page };
  } catch (err) {
    await launched.close();
    throw err;
  }
}
