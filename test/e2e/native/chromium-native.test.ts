/**
 * The real thing: Chromium starts the helper through native messaging. A tiny TEST extension
 * (generated here, with our manifest `key` so its ID is CHROME_EXTENSION_ID, not the agent
 * extension) calls chrome.runtime.connectNative(NATIVE_HOST_NAME) from its service worker; the
 * host manifest is installed by `lifeline-helper install --user-data-dir <profile>`, as IT would
 * install it, and Chromium launches the bundled helper through the launcher script.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, MANIFEST_PUBLIC_KEY, NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { buildHelperBundle, type HelperBundle } from '../../host/native/helper-bundle';
import { extensionWorkerTarget, launchChromium, type LaunchedChromium } from '../../support/chromium';

/** Service worker of the test extension: one persistent port, replies matched by id. */
const SERVICE_WORKER = `
const HOST = ${JSON.stringify(NATIVE_HOST_NAME)};
let port = null;
const pending = new Map();
self.events = [];
self.disconnects = [];
function connect() {
  port = chrome.runtime.connectNative(HOST);
  port.onMessage.addListener((m) => {
    const resolve = m && typeof m.id === 'string' ? pending.get(m.id) : undefined;
    if (resolve) { pending.delete(m.id); resolve(m); } else self.events.push(m);
  });
  port.onDisconnect.addListener(() => {
    const why = chrome.runtime.lastError ? chrome.runtime.lastError.message : 'closed';
    self.disconnects.push(why);
    for (const resolve of pending.values()) resolve({ disconnected: why });
    pending.clear();
    port = null;
  });
}
self.callHost = (msg) => new Promise((resolve) => {
  if (!port) connect();
  pending.set(msg.id, resolve);
  port.postMessage(msg);
});
self.closeHost = () => { if (port) { port.disconnect(); port = null; } };
`;

let bundle: HelperBundle;
let scratch: string;
let chromium: LaunchedChromium;
let worker: WebWorker;

/** PIDs of processes running this test's bundle (the helper Chromium started). */
function helperPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(bundle.path)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  bundle = await buildHelperBundle();
  scratch = mkdtempSync(join(tmpdir(), 'lifeline-native-e2e-'));
  const extension = join(scratch, 'extension');
  execFileSync('mkdir', ['-p', extension]);
  writeFileSync(
    join(extension, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'Lifeline native messaging test',
      version: '0.0.1',
      key: MANIFEST_PUBLIC_KEY,
      permissions: ['nativeMessaging'],
      background: { service_worker: 'sw.js' },
    }),
  );
  writeFileSync(join(extension, 'sw.js'), SERVICE_WORKER);

  chromium = await launchChromium({
    extensions: [extension],
    // Installed exactly as a person would: the bundled command line, into this profile.
    prepareProfile: (profile) => {
      const out = execFileSync(process.execPath, [bundle.path, 'install', '--user-data-dir', profile], {
        encoding: 'utf8',
      });
      expect(out).toContain(`${NATIVE_HOST_NAME}.json`);
    },
  });
  const target = await extensionWorkerTarget(
    chromium.browser,
    `chrome-extension://${CHROME_EXTENSION_ID}/`,
    30_000,
  );
  worker = (await target.worker())!;
});

afterAll(async () => {
  await chromium?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
  bundle?.remove();
});

type Reply = Record<string, unknown>;
const call = (msg: Record<string, unknown>) =>
  worker.evaluate((m) => (self as unknown as { callHost(m: unknown): Promise<Reply> }).callHost(m), msg);

describe('Chromium starts the helper through native messaging', () => {
  it('the test extension has our fixed ID', () => {
    expect(worker.url()).toContain(CHROME_EXTENSION_ID);
  });

  it('host.hello gets the helper version, the OS and whether it is supported', async () => {
    const reply = await call({ type: 'host.hello', id: 'hello-1', extensionVersion: '0.0.1' });
    expect(reply).toEqual({
      type: 'reply',
      id: 'hello-1',
      result: {
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        os: expect.objectContaining({ platform: 'linux' }),
        supported: expect.any(Boolean),
      },
    });
    expect(helperPids()).toHaveLength(1);
  });

  it('over the same port: join is answered and its status arrives as an event; bad requests get codes', async () => {
    const join = await call({
      type: 'host.join',
      id: 'join-1',
      server: 'https://help.example.com',
      joinCode: '123-456-789',
    });
    // The session client really connects: help.example.com does not resolve here, so the join is
    // answered with a coded error after its status went through `connecting`.
    expect(join).toMatchObject({ type: 'error', id: 'join-1', code: 'unavailable' });
    const unknown = await call({ type: 'host.reboot_now', id: 'u-1' });
    expect(unknown).toMatchObject({ type: 'error', id: 'u-1', code: 'unknown_message_type' });
    const events = await worker.evaluate(() => (self as unknown as { events: Reply[] }).events);
    expect(events).toContainEqual(expect.objectContaining({ type: 'host.status', state: 'connecting' }));
    const disconnects = await worker.evaluate(
      () => (self as unknown as { disconnects: string[] }).disconnects,
    );
    expect(disconnects).toEqual([]);
    expect(helperPids()).toHaveLength(1);
  });

  it('the helper exits when the extension closes the port', async () => {
    await worker.evaluate(() => (self as unknown as { closeHost(): void }).closeHost());
    await waitUntil(() => helperPids().length === 0);
  });
});
