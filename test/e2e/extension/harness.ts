/**
 * Runs the BUILT agent extension in a real Chromium (puppeteer-core, /usr/bin/chromium, fresh
 * profile per browser, removed after) against a real Lifeline server. The build is made with
 * `npx wxt build` when it is missing or older than the extension's sources, so a test never runs
 * yesterday's extension. Helpers reach the extension the way an agent does (its pages), and read
 * what only the extension can see (its notifications) from its service worker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROME_EXTENSION_ID } from '../../../protocol/extension-ids';

/** The parts of Chrome's extension API the tests evaluate inside the extension's contexts. */
export interface ChromeApi {
  notifications: {
    getAll(): Promise<Record<string, boolean>>;
  };
  windows: {
    getAll(filter: {
      populate: boolean;
      windowTypes: string[];
    }): Promise<
      { id: number; left: number; top: number; width: number; height: number; tabs?: { url?: string }[] }[]
    >;
  };
  runtime: {
    getContexts(filter: { contextTypes: string[] }): Promise<unknown[]>;
    sendMessage(message: unknown): Promise<unknown>;
  };
  storage: {
    session: { get(key: string): Promise<Record<string, unknown>> };
    local: { get(key: string): Promise<Record<string, unknown>> };
    sync: { get(key: string): Promise<Record<string, unknown>> };
  };
}
declare const chrome: ChromeApi;

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CHROME_BUILD = join(ROOT, '.output/chrome-mv3');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const EXTENSION_URL = `chrome-extension://${CHROME_EXTENSION_ID}`;

/**
 * Polling interval for waitForFunction, in ms. Puppeteer's default polls on animation frames,
 * which never come in a tab the browser hides (the popup tab behind a chat window): use a timer.
 */
export const POLL_MS = 100;

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

const checked = new Set<string>();

/** Builds the extension (`npx wxt build`, plus env for a variant) when missing or stale. */
export function ensureBuilt(
  outDir = CHROME_BUILD,
  args: string[] = ['wxt', 'build'],
  env: NodeJS.ProcessEnv = {},
): void {
  // Once per test file: rebuilding while a browser of this file runs the extension from that
  // folder would swap its files underneath it (others edit extension/ and protocol/ meanwhile).
  if (checked.has(outDir)) return;
  checked.add(outDir);
  const manifest = join(outDir, 'manifest.json');
  const sources = Math.max(
    newestMtime(join(ROOT, 'extension')),
    newestMtime(join(ROOT, 'protocol')),
    newestMtime(join(ROOT, 'ui/chat')),
    statSync(join(ROOT, 'wxt.config.ts')).mtimeMs,
  );
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= sources) return;
  const r = spawnSync('npx', args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

export interface AgentBrowser {
  browser: Browser;
  userDataDir: string;
  /**
   * Runs a function in the extension's service worker (as it is now: Chrome may have restarted
   * it) and returns its JSON result. Attaches for this call only: a worker handle kept attached
   * leaves a restarted worker stuck in "starting" under puppeteer.
   */
  inWorker<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Opens an extension page (e.g. "popup.html") in a new tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** UI language (e.g. "fr"): --lang and the process locale. */
  lang?: string;
  extraArgs?: string[];
  /** Extra environment for the browser (inherited by native hosts it starts). */
  env?: NodeJS.ProcessEnv;
  /** A native-messaging host to install in this profile: its executable and manifest name. */
  nativeHost?: { name: string; executable: string };
}

export async function launchAgentBrowser(options: LaunchOptions = {}): Promise<AgentBrowser> {
  ensureBuilt();
  const userDataDir = mkdtempSync(join(tmpdir(), 'lifeline-chromium-'));
  if (options.nativeHost) {
    // Chromium with --user-data-dir=D reads host manifests from D/NativeMessagingHosts/.
    const dir = join(userDataDir, 'NativeMessagingHosts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${options.nativeHost.name}.json`),
      JSON.stringify({
        name: options.nativeHost.name,
        description: 'Lifeline helper (test stand-in)',
        path: options.nativeHost.executable,
        type: 'stdio',
        allowed_origins: [`${EXTENSION_URL}/`],
      }),
    );
  }
  const env = {
    ...process.env,
    ...(options.lang ? { LANGUAGE: options.lang, LANG: `${options.lang}_FR.UTF-8` } : {}),
    ...options.env,
  };
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    enableExtensions: [CHROME_BUILD],
    defaultViewport: null,
    args: [
      ...CHROMIUM_ARGS,
      `--user-data-dir=${userDataDir}`,
      ...(options.lang ? [`--lang=${options.lang}`, `--accept-lang=${options.lang}`] : []),
      ...(options.extraArgs ?? []),
    ],
    env,
  });
  const inWorker = async <A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> => {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL),
      { timeout: 10_000 },
    );
    const session = await target.createCDPSession();
    try {
      const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
        expression: `(${fn.toString()})(${JSON.stringify(arg ?? null)})`,
        awaitPromise: true,
        returnByValue: true,
      });
      if (exceptionDetails)
        throw new Error(
          `in the service worker: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
        );
      return result.value as R;
    } finally {
      await session.detach().catch(() => undefined);
    }
  };
  await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL), {
    timeout: 10_000,
  });
  return {
    browser,
    userDataDir,
    inWorker,
    async openPage(path: string) {
      const page = await browser.newPage();
      await page.goto(`${EXTENSION_URL}/${path}`);
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

export interface ShownNotification {
  id: string;
  title: string;
  message: string;
}

/** The extension's notifications, read in its service worker (what the agent sees). */
export async function notifications(agent: AgentBrowser): Promise<string[]> {
  return agent.inWorker(async () => Object.keys(await chrome.notifications.getAll()));
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Types into a field of a page, replacing what was there. */
export async function fill(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.$eval(selector, (el) => {
    (el as HTMLInputElement).value = '';
  });
  await page.type(selector, text);
}

/** Signs in through the popup page (server address, e-mail, password). */
export async function signInThroughPopup(
  popup: Page,
  server: string,
  email: string,
  password: string,
  replaceFirst = false,
): Promise<void> {
  await fill(popup, '#server', server);
  await fill(popup, '#email', email);
  await fill(popup, '#password', password);
  await popup.click('button[type=submit]');
  if (replaceFirst) {
    await popup.waitForSelector('.seat-holder button.replace');
    await popup.click('.seat-holder button.replace');
  }
}

/** Text content of the first element matching `selector`, once it exists. */
export async function textOf(page: Page, selector: string, timeoutMs = 5000): Promise<string> {
  const el = await page.waitForSelector(selector, { timeout: timeoutMs });
  if (!el) throw new Error(`no ${selector}`);
  return (await el.evaluate((e) => e.textContent ?? '')).trim();
}

/** Saves a screenshot of a page into docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) as `${string}.png` });
}

/** Pages whose URL starts with `prefix` (chat windows are pages of popup-type windows). */
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
