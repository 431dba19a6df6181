/**
 * Browsers for the share-my-screen end-to-end test. The agent's Chromium loads the BUILT
 * extension from a private copy (built with `npx wxt build` when older than its sources, then
 * copied, so another test rebuilding .output/ cannot change files under a running browser) with
 * Chromium's fake capture: in headless Chromium 156, `--use-fake-ui-for-media-stream` answers
 * the screen picker (it picks the first screen) and `--use-fake-device-for-media-stream` makes
 * that screen a synthetic, always-changing picture (a green gradient with a moving pattern and a
 * frame counter, at the size asked for: 1920x1080 with the share page's limits, 800x450 with
 * none). Measured: without the fake device getDisplayMedia
 * fails with NotReadableError ("Could not start video source", there is no real screen in
 * headless mode); `--auto-select-desktop-capture-source=...` and
 * `--auto-accept-this-tab-capture` alone leave the picker unanswered (the call never settles).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BUILD, ensureBuilt, EXTENSION_URL, type AgentChromium } from '../viewer/support/viewer-browser';

export const FAKE_CAPTURE_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

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

export interface ExtensionCopy {
  dir: string;
  remove(): void;
}

/** Builds the extension if needed and copies it to a private folder. */
export function copyBuiltExtension(): ExtensionCopy {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-share-ext-'));
  cpSync(BUILD, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }) };
}

export interface LaunchedBrowser {
  browser: Browser;
  open(url: string): Promise<Page>;
  /** The same browser as the viewer tests' helpers (signIn) expect it. */
  asAgent(): AgentChromium;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile; the agent's with the extension and the fake capture. */
export async function launch(
  options: { extension?: string; args?: string[] } = {},
): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'lifeline-share-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    defaultViewport: null,
    ...(options.extension ? { enableExtensions: [options.extension] } : {}),
    args: [...CHROMIUM_ARGS, '--lang=en-US', ...(options.args ?? []), `--user-data-dir=${profile}`],
  });
  if (options.extension) {
    await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL), {
      timeout: 10_000,
    });
  }
  const open = async (url: string) => {
    const page = await browser.newPage();
    await page.goto(url);
    return page;
  };
  const close = async () => {
    await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  };
  return {
    browser,
    open,
    close,
    asAgent: () => ({
      browser,
      downloads: profile,
      open: (path: string) => open(`${EXTENSION_URL}/${path}`),
      close,
      async worker() {
        const target = await browser.waitForTarget(
          (t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_URL),
          { timeout: 10_000 },
        );
        const w = await target.worker();
        if (!w) throw new Error('no extension service worker');
        return w;
      },
    }),
  };
}

/** RGBA of a canvas on the page (what the customer sees, before CSS scaling). */
export async function canvasPixels(
  page: Page,
  selector: string,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const r = await page.evaluate((sel: string) => {
    const c = document.querySelector<HTMLCanvasElement>(sel);
    if (!c || c.width === 0) return null;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    const CHUNK = 0x8000;
    for (let i = 0; i < d.length; i += CHUNK) s += String.fromCharCode(...d.subarray(i, i + CHUNK));
    return { width: c.width, height: c.height, b64: btoa(s) };
  }, selector);
  if (!r) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
  return { width: r.width, height: r.height, data: new Uint8ClampedArray(Buffer.from(r.b64, 'base64')) };
}
