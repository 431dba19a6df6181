/**
 * The agent's browser for the viewer's end-to-end tests: the BUILT extension (rebuilt with
 * `npx wxt build` when older than its sources, ui/ included, since the viewer lives there) in
 * headless Chromium with a fresh profile, downloads going to a folder the test reads, the agent
 * signed in through the popup as a person would. Helpers read the viewer's canvas and state.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { CHROME_EXTENSION_ID } from '../../../../protocol/extension-ids';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const BUILD = join(ROOT, '.output/chrome-mv3');
export const EXTENSION_URL = `chrome-extension://${CHROME_EXTENSION_ID}`;
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');

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

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let n = st.mtimeMs;
  for (const name of readdirSync(path)) n = Math.max(n, newest(join(path, name)));
  return n;
}

/** Builds the Chrome extension when it is missing or older than extension/, ui/, protocol/. */
export function ensureBuilt(): void {
  const manifest = join(BUILD, 'manifest.json');
  const sources = Math.max(
    newest(join(ROOT, 'extension')),
    newest(join(ROOT, 'ui')),
    newest(join(ROOT, 'protocol')),
    statSync(join(ROOT, 'wxt.config.ts')).mtimeMs,
  );
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= sources) return;
  const r = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx wxt build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface AgentChromium {
  browser: Browser;
  downloads: string;
  worker(): Promise<WebWorker>;
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchAgentChromium(): Promise<AgentChromium> {
  ensureBuilt();
  const profile = mkdtempSync(join(tmpdir(), 'lifeline-viewer-chromium-'));
  const downloads = join(profile, 'downloads');
  mkdirSync(downloads);
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    enableExtensions: [BUILD],
    defaultViewport: null,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`],
  });
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  const worker = async () => {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL),
      { timeout: 10_000 },
    );
    const w = await target.worker();
    if (!w) throw new Error('no extension service worker');
    return w;
  };
  await worker();
  return {
    browser,
    downloads,
    worker,
    async open(path: string) {
      const page = await browser.newPage();
      await page.goto(`${EXTENSION_URL}/${path}`);
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
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
  for (const [sel, value] of [
    ['#server', server],
    ['#email', email],
    ['#password', password],
  ] as const) {
    await popup.waitForSelector(sel);
    await popup.$eval(sel, (el) => ((el as HTMLInputElement).value = ''));
    await popup.type(sel, value);
  }
  await popup.click('button[type=submit]');
  await popup.waitForSelector('.connection.online', { timeout: 10_000 });
  return popup;
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

/** The viewer's picture as RGBA (what the agent sees, before CSS scaling). */
export async function readPicture(
  page: Page,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const r = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.picture');
    if (!c || c.width === 0) return null;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    const CHUNK = 0x8000;
    for (let i = 0; i < d.length; i += CHUNK) s += String.fromCharCode(...d.subarray(i, i + CHUNK));
    return { width: c.width, height: c.height, b64: btoa(s) };
  });
  if (!r) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
  return { width: r.width, height: r.height, data: new Uint8ClampedArray(Buffer.from(r.b64, 'base64')) };
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

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) as `${string}.png` });
}
