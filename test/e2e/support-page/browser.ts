/**
 * Headless Chromium (test/support/chromium.ts) for the support-page tests: an optional UI
 * language (French browser: --lang plus Accept-Language), and pages that record console errors
 * and every CSP violation (the `securitypolicyviolation` event and the browser's own console report).
 */
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../../support/chromium';

/** Small screenshots: a phone-to-laptop width, 1x pixels. */
export const VIEWPORT = { width: 760, height: 720, deviceScaleFactor: 1 };

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(options: { lang?: string } = {}): Promise<TestBrowser> {
  const lang = options.lang
    ? [`--lang=${options.lang}`, `--accept-lang=${options.lang},${options.lang.split('-')[0]}`]
    : ['--lang=en-US', '--accept-lang=en-US,en'];
  return launchChromium({ args: lang });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** CSP violations, from the page's event and from the browser's console report. */
  csp: string[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  await page.setViewport(VIEWPORT);
  const errors: string[] = [];
  const csp: string[] = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy/i.test(text)) csp.push(text);
    if (msg.type() === 'error') errors.push(text);
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  // Reported through a binding, not a page global: the page's own scripts cannot see or fake it.
  await page.exposeFunction('__llReportCsp', (text: string) => void csp.push(text));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __llReportCsp: (t: string) => void }).__llReportCsp;
      report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return { page, errors, csp };
}

/** Text of the first element matching `selector`, once it exists. */
export async function textOf(page: Page, selector: string, timeoutMs = 5000): Promise<string> {
  const el = await page.waitForSelector(selector, { timeout: timeoutMs });
  if (!el) throw new Error(`no ${selector}`);
  return el.evaluate((e) => e.textContent ?? '');
}

/** Waits until the page body's text contains `text`. */
export async function waitForText(page: Page, text: string, timeoutMs = 5000): Promise<void> {
  await page.waitForFunction(
    (t: string) => document.body.innerText.includes(t),
    { timeout: timeoutMs },
    text,
  );
}

/** Waits for the support page to show a view (`data-view` attribute of the current card). */
export async function waitForView(page: Page, view: string, timeoutMs = 5000): Promise<void> {
  await page.waitForSelector(`[data-view="${view}"]`, { timeout: timeoutMs });
}
