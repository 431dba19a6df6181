/**
 * The screenshots the tests take for the docs. Every run takes them (so the code that takes them
 * stays working), but only `LIFELINE_UPDATE_SCREENSHOTS=1 npm test` writes them into
 * docs/screenshots/; other runs write to a temporary folder, so a test run leaves the checkout
 * clean (the pictures hold clocks and waiting times, so their bytes change on every run).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';

export const DOCS_SCREENSHOT_DIR = resolve(import.meta.dirname, '../../docs/screenshots');

export const SCREENSHOT_DIR =
  process.env.LIFELINE_UPDATE_SCREENSHOTS === '1'
    ? DOCS_SCREENSHOT_DIR
    : join(tmpdir(), 'lifeline-screenshots');

/** Where a screenshot named `file` goes in this run (the folder is created). */
export function screenshotPath(file: `${string}.png`): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, file);
}

/** Saves a PNG of the page's viewport as `file` (see the module comment for where). */
export async function saveScreenshot(page: Page, file: `${string}.png`): Promise<void> {
  await page.screenshot({ path: screenshotPath(file), type: 'png' });
}
