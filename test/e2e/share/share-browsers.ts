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
import type { Browser, Page } from 'puppeteer-core';
import { CHROME_BUILD, ensureBuilt, EXTENSION_URL } from '../../support/agent-extension';
import { extensionWorkerTarget, launchChromium } from '../../support/chromium';
import { agentChromium, type AgentChromium } from '../viewer/support/viewer-browser';

export const FAKE_CAPTURE_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export interface ExtensionCopy {
  dir: string;
  remove(): void;
}

/** Builds the extension if needed and copies it to a private folder. */
export function copyBuiltExtension(): ExtensionCopy {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-share-ext-'));
  cpSync(CHROME_BUILD, dir, { recursive: true });
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
  const chromium = await launchChromium({
    defaultViewport: null,
    ...(options.extension ? { extensions: [options.extension] } : {}),
    args: ['--lang=en-US', ...(options.args ?? [])],
    profilePrefix: 'lifeline-share-chromium-',
  });
  const { browser } = chromium;
  if (options.extension) await extensionWorkerTarget(browser, EXTENSION_URL);
  return {
    browser,
    async open(url: string) {
      const page = await browser.newPage();
      await page.goto(url);
      return page;
    },
    close: chromium.close,
    asAgent: () => agentChromium(chromium, chromium.profile),
  };
}
