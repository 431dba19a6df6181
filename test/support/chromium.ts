/**
 * Headless Chromium for the end-to-end suites: Debian's /usr/bin/chromium through puppeteer-core
 * with the flags TOOLCHAIN.md measured (`pipe: true` is required), a fresh profile folder per
 * browser (which a test may prepare before the start, e.g. with a native host manifest) removed
 * after it closes, and the unpacked extensions to load. Also finds extension pages and service
 * workers, which open as targets of their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type Target, type Viewport } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags every test browser runs with (TOOLCHAIN.md: headless Chromium with the extension). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** How long an extension's service worker may take to start, in ms. */
export const WORKER_START_MS = 10_000;

export interface ChromiumOptions {
  /** Unpacked extension folders to load. */
  extensions?: string[];
  /** Flags after the common ones (language, fake capture, ...). */
  args?: string[];
  /** The browser's environment (inherited by native hosts it starts); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Puppeteer's page viewport; `null` lets pages take the window's size. Puppeteer's default if left out. */
  defaultViewport?: Viewport | null;
  /** Called with the fresh profile folder before the browser starts (native host manifests go there). */
  prepareProfile?: (profile: string) => void;
  /** Name prefix of the fresh profile folder (to tell the suites' folders apart in /tmp). */
  profilePrefix?: string;
  /** False: a real window on the display in `env.DISPLAY` (default: headless; the one-click test's customer). */
  headless?: boolean;
  /** What to start instead of /usr/bin/chromium (a wrapper script that execs it). */
  executablePath?: string;
  /** Puppeteer's default flags to leave out (e.g. the automation info bar's). */
  ignoreDefaultArgs?: string[];
}

export interface LaunchedChromium {
  browser: Browser;
  /** The --user-data-dir of this browser. */
  profile: string;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<LaunchedChromium> {
  const profile = mkdtempSync(join(tmpdir(), options.profilePrefix ?? 'lifeline-chromium-'));
  let browser: Browser;
  try {
    options.prepareProfile?.(profile);
    browser = await puppeteer.launch({
      executablePath: options.executablePath ?? CHROMIUM,
      headless: options.headless ?? true,
      pipe: true,
      ...(options.ignoreDefaultArgs ? { ignoreDefaultArgs: options.ignoreDefaultArgs } : {}),
      ...(options.extensions ? { enableExtensions: options.extensions } : {}),
      ...(options.defaultViewport !== undefined ? { defaultViewport: options.defaultViewport } : {}),
      ...(options.env ? { env: options.env } : {}),
      args: [...CHROMIUM_FLAGS, ...(options.args ?? []), `--user-data-dir=${profile}`],
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    throw err;
  }
  return {
    browser,
    profile,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** Waits for the service worker of the extension at `extensionUrl` (chrome-extension://ID). */
export function extensionWorkerTarget(
  browser: Browser,
  extensionUrl: string,
  timeoutMs = WORKER_START_MS,
): Promise<Target> {
  return browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(extensionUrl), {
    timeout: timeoutMs,
  });
}

/** Waits for a page whose URL starts with `prefix` (extension windows open as new targets). */
export async function pageStartingWith(browser: Browser, prefix: string, timeoutMs = 10_000): Promise<Page> {
  const target = await browser.waitForTarget((t) => t.type() === 'page' && t.url().startsWith(prefix), {
    timeout: timeoutMs,
  });
  const page = await target.page();
  if (!page) throw new Error(`no page for ${prefix}`);
  return page;
}

/** The pages open now whose URL starts with `prefix` (chat windows are pages of popup-type windows). */
export async function pagesStartingWith(browser: Browser, prefix: string): Promise<Page[]> {
  const out: Page[] = [];
  for (const target of browser.targets()) {
    if (target.type() === 'page' && target.url().startsWith(prefix)) {
      const page = await target.page();
      if (page) out.push(page);
    }
  }
  return out;
}
