/** The screenshots the tests take for the docs: PNG files in docs/screenshots/. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../docs/screenshots');

/** Saves a PNG of the page's viewport as docs/screenshots/`file`. */
export async function saveScreenshot(page: Page, file: `${string}.png`): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, file), type: 'png' });
}
