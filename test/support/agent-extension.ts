/**
 * The BUILT agent extension as the end-to-end suites and benchmarks load it: where the build is,
 * its fixed ID's URL, a build made with `npx wxt build` when it is missing or older than its
 * sources (so a test never runs yesterday's extension), and its popup's sign-in as a person does it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { CHROME_EXTENSION_ID } from '../../protocol/extension-ids';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROME_BUILD = join(ROOT, '.output/chrome-mv3');
export const EXTENSION_URL = `chrome-extension://${CHROME_EXTENSION_ID}`;

/** Newest change under `path`: files and folders (a folder's time moves when a file is removed). */
function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let n = st.mtimeMs;
  for (const name of readdirSync(path)) n = Math.max(n, newest(join(path, name)));
  return n;
}

const checked = new Set<string>();

/**
 * Builds the extension (`npx wxt build`, or `args` and `env` for a variant) when missing or older
 * than extension/, ui/ (the chat, viewer and share windows live there), protocol/ or wxt.config.ts.
 */
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
    newest(join(ROOT, 'extension')),
    newest(join(ROOT, 'ui')),
    newest(join(ROOT, 'protocol')),
    statSync(join(ROOT, 'wxt.config.ts')).mtimeMs,
  );
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= sources) return;
  const r = spawnSync('npx', args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

/** Types into a field of a page, replacing what was there. */
export async function fill(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.$eval(selector, (el) => {
    (el as HTMLInputElement).value = '';
  });
  await page.type(selector, text);
}

/** Signs in through the popup page (server address, e-mail, password); `replaceFirst` takes a seat. */
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
