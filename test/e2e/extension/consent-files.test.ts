/**
 * Customer mode, file transfers, all real: the BUILT extension in Chromium starts the REAL helper
 * (the bundle `npm run build` makes) through native messaging, from the configured server's
 * support page, with a join code the agent asked the real server for. The helper runs on Xvfb
 * with a temporary home (its places are that home's folders). The customer allows `view` and
 * `files` in the consent window; the agent's viewer core (ViewerSession in Node, e2e-encrypted
 * through the server) sends files.
 *
 * Checked: the consent window lists a file the agent sends ("Alex Agent is sending you ..."),
 * then where it was saved; a big file shows its progress bar, and the customer's "Stop" cancels
 * it: the agent's viewer sees it cancelled, and no partial file stays on the customer's disk.
 * The big file is a sparse 1 GB file (it reads as zeros, costs no disk on the agent's side), so
 * it is still moving (~40 MB/s here) whenever Stop is pressed. Then the helper Chromium started
 * is killed with SIGKILL mid-upload: the extension starts it again by itself, it comes back into
 * the same session with the consent given (nothing asked), and the upload completes whole.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openAsBlob,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { PAGE_BRIDGE_CHANNEL, PAGE_BRIDGE_VERSION } from '../../../protocol/page-bridge';
import { EXTENSION_URL, signInThroughPopup } from '../../support/agent-extension';
import { pagesStartingWith } from '../../support/chromium';
import { saveScreenshot } from '../../support/screenshots';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { buildHelperBundle, type HelperBundle } from '../../host/native/helper-bundle';
import { AgentViewer } from '../../support/agent-viewer';
import { findDescendant, killNine } from '../../support/processes';
import { createAgent, PASSWORD } from './accounts';
import { launchAgentBrowser, until, type AgentBrowser } from './harness';

const SLUG = 'consent-files';
const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>Support</title><p>Support page stand-in</p>';
/** The big file: sparse, so it costs nothing to make, and long enough to still move at Stop. */
const BIG_BYTES = 1_000_000_000;

let x: XDisplay;
let server: TestServer;
let bundle: HelperBundle;
let browser: AgentBrowser;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let viewer: AgentViewer;
let work: string;
let home: string;
let consent: Page;

/** Each transfer's line in the consent window, by phase. */
async function line(id: string, phase: string, timeoutMs = 30_000): Promise<string> {
  return lineIn(id, phase, timeoutMs).catch(async (err: unknown) => {
    // What the window and the helper were doing, for whoever reads the failure.
    const log = existsSync(join(work, 'helper.log')) ? readFileSync(join(work, 'helper.log'), 'utf8') : '';
    const windows = await pagesStartingWith(browser.browser, `${EXTENSION_URL}/consent.html`);
    const text = await consent.evaluate(() => document.body.innerText).catch((e: unknown) => String(e));
    throw new Error(
      `${String(err)}\nconsent windows open: ${windows.length}\nthis one says:\n${text.slice(0, 2000)}` +
        `\nhelper log (end):\n${log.slice(-4000)}`,
    );
  });
}

async function lineIn(id: string, phase: string, timeoutMs: number): Promise<string> {
  return until(
    async () => {
      const el = await consent.$(`.file-transfer[data-id="${id}"][data-phase="${phase}"]`);
      return el ? ((await el.evaluate((e) => e.textContent)) ?? '') : undefined;
    },
    timeoutMs,
    `transfer ${id} ${phase} in the consent window`,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-consent-files-'));
  home = join(work, 'home');
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(join(home, d), { recursive: true });
  mkdirSync(join(work, 'agent-downloads'));
  const pagesDir = join(work, 'pages');
  mkdirSync(join(pagesDir, 'support'), { recursive: true });
  writeFileSync(join(pagesDir, 'support/index.html'), PAGE_HTML);

  x = await startXvfb({ width: 1024, height: 768 });
  server = await startTestServer({ pagesDir });
  await addPortal(server, SLUG);
  bundle = await buildHelperBundle();
  // "Send a file to the agent..." opens the desktop's chooser: zenity is not installed here, so a
  // script of that name on the helper's PATH answers as zenity does (the file the customer picks).
  mkdirSync(join(work, 'bin'));
  writeFileSync(join(home, 'Desktop', 'offer.txt'), 'from the customer');
  writeFileSync(
    join(work, 'bin', 'zenity'),
    `#!/bin/sh\nprintf '%s\\n' '${join(home, 'Desktop', 'offer.txt')}'\n`,
    { mode: 0o755 },
  );
  // The real helper, started by Chromium; its home and display are the test's.
  const wrapper = join(work, 'helper.sh');
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `export HOME='${home}' DISPLAY='${x.display}' XDG_CONFIG_HOME='${join(home, '.config')}' XDG_STATE_HOME='${join(work, 'state')}' PATH='${join(work, 'bin')}':"$PATH"`,
      // The helper's log (stderr) goes to a file: a failure below shows its end.
      `exec '${process.execPath}' '${bundle.path}' "$@" 2>>'${join(work, 'helper.log')}'`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  browser = await launchAgentBrowser({ nativeHost: { name: NATIVE_HOST_NAME, executable: wrapper } });
  // Signing in once makes this server the configured one (IT would set it by policy).
  const someone = await createAgent(server);
  const popup = await browser.openPage('popup.html');
  await signInThroughPopup(popup, server.url, someone.email, PASSWORD);
  await popup.waitForSelector('.alert-list');
  await popup.click('button.logout');
  await popup.close();
  agent = await addAgent(server, { portals: [SLUG], name: 'Alex Agent' });
  customer = await screenRequested(server, agent, SLUG);
}, 180_000);

afterAll(async () => {
  viewer?.close();
  await browser?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  await x?.stop();
  bundle?.remove();
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

describe('the consent window shows file transfers (real extension, helper, server)', () => {
  it('starts the real helper from the support page; the customer allows view and files', async () => {
    const page = await browser.browser.newPage();
    await page.evaluateOnNewDocument((channel) => {
      const w = window as unknown as { bridge: { type: string }[] };
      w.bridge = [];
      window.addEventListener('message', (e: MessageEvent) => {
        const d = e.data as { channel?: string; from?: string; type: string };
        if (d && d.channel === channel && d.from === 'extension') w.bridge.push(d);
      });
    }, PAGE_BRIDGE_CHANNEL);
    await page.goto(`${server.url}/support/${SLUG}`);
    const post = (m: Record<string, unknown>) =>
      page.evaluate((msg) => window.postMessage(msg, location.origin), {
        channel: PAGE_BRIDGE_CHANNEL,
        from: 'page',
        ...m,
      });
    const heard = (type: string) =>
      page.evaluate(
        (t) => (window as unknown as { bridge: { type: string }[] }).bridge.find((m) => m.type === t),
        type,
      );
    await post({ type: 'bridge.probe', version: PAGE_BRIDGE_VERSION });
    // The installed helper is found: "available", or "unknown" when it did not answer the probe
    // within its second (a loaded machine; the page then starts it all the same): never "missing".
    const ready = (await until(() => heard('bridge.ready'), 10_000, 'bridge.ready')) as unknown as {
      helper: string;
    };
    expect(['available', 'unknown']).toContain(ready.helper);
    await post({ type: 'helper.start', id: 's1', joinCode: customer.joinCode, agentName: 'Alex Agent' });
    expect(await until(() => heard('helper.started'), 20_000, 'helper.started')).toMatchObject({ id: 's1' });
    mkdirSync(join(work, 'agent-downloads'), { recursive: true });
    viewer = new AgentViewer({
      wsUrl: server.wsUrl,
      origin: server.url,
      token: agent.token,
      sessionId: customer.sessionId,
      downloads: join(work, 'agent-downloads'),
    });
    consent = await until(
      async () => (await pagesStartingWith(browser.browser, `${EXTENSION_URL}/consent.html`))[0],
      30_000,
      'the consent window',
    );
    await consent.waitForSelector('input[name=files]');
    await consent.click('input[name=view]');
    await consent.click('input[name=files]');
    await consent.click('button.allow');
    await until(async () => viewer.snapshot.sas ?? undefined, 20_000, 'the SAS');
    // The viewer offers a file only once the server told it the customer granted `files` (the
    // relay drops files frames before): the Files panel's own "allowed".
    await until(
      async () => (viewer.files.snapshot().connected && viewer.files.snapshot().allowed) || undefined,
      20_000,
      'the files link',
    );
  }, 90_000);

  it('lists a file the agent sends, then where it was saved', async () => {
    const bytes = randomBytes(300_000);
    const id = viewer.files.send(new Blob([bytes]), 'report.pdf', { place: 'Documents', dirs: [] });
    const done = await line(id, 'done');
    expect(done).toContain('From Alex Agent: report.pdf (300.0 kB) into Documents');
    expect(done).toContain('Saved in Documents as report.pdf.');
    expect(readFileSync(join(home, 'Documents', 'report.pdf')).equals(bytes)).toBe(true);
    expect(await consent.$(`.file-transfer[data-id="${id}"] button.file-stop`)).toBeNull();
  });

  it('shows a big file moving, and Stop cancels it for both people, leaving nothing behind', async () => {
    const src = join(work, 'big.iso');
    writeFileSync(src, '');
    truncateSync(src, BIG_BYTES);
    const id = viewer.files.send(await openAsBlob(src), 'big.iso', { place: 'Documents', dirs: [] });
    const moving = await line(id, 'sending');
    expect(moving).toContain('Alex Agent is sending you big.iso (1.0 GB) into Documents');
    // Some bytes shown as moving, then the customer presses Stop.
    await until(
      async () =>
        (await consent.$eval(
          `.file-transfer[data-id="${id}"] progress`,
          (p) => (p as HTMLProgressElement).value,
        )) > 0 || undefined,
      30_000,
      'progress in the consent window',
    );
    expect(await consent.$eval(`.file-transfer[data-id="${id}"] .percent`, (s) => s.textContent)).toMatch(
      /^\d+%$/,
    );
    await saveScreenshot(consent, 'consent-window-files.png');
    // With transfers listed, "Stop sharing" is still in view: one click, no scrolling.
    const stopInView = await consent.$eval('button.stop', (b) => {
      const r = b.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(stopInView).toBe(true);
    await consent.click(`.file-transfer[data-id="${id}"] button.file-stop`);
    expect(await line(id, 'cancelled', 10_000)).toContain('Stopped. Nothing was kept.');
    await until(
      async () =>
        viewer.files.snapshot().transfers.find((t) => t.id === id)?.phase === 'cancelled' || undefined,
      10_000,
      'the agent told',
    );
    await until(
      async () => readdirSync(join(home, 'Documents')).join(',') === 'report.pdf' || undefined,
      10_000,
      'the partial file removed',
    );
    // The saved one is still listed above the rest.
    expect(
      await consent.$$eval('.file-transfer', (li) => li.map((l) => l.getAttribute('data-phase'))),
    ).toEqual(['cancelled', 'done']);
  });

  it('starts the helper again by itself when it is killed mid-upload; the upload completes, nothing asked', async () => {
    const bytes = randomBytes(40_000_000);
    const id = viewer.files.send(new Blob([bytes]), 'after-crash.bin', { place: 'Documents', dirs: [] });
    await until(
      async () => ((viewer.transfer(id)?.figures.doneBytes ?? 0) > 10_000_000 ? true : undefined),
      60_000,
      'a quarter written',
    );
    const chromiumPid = browser.browser.process()!.pid!;
    const pid = await findDescendant(chromiumPid, bundle.path);
    await killNine(pid);
    // The window says it is coming back, then sharing again, with no question.
    await until(
      async () => (await consent.$('main[data-state="reconnecting"]')) ?? undefined,
      10_000,
      'the consent window saying it is coming back',
    );
    await until(
      async () => (await consent.$('main[data-state="sharing"]')) ?? undefined,
      30_000,
      'the consent window sharing again',
    );
    expect(await consent.$('button.allow')).toBeNull();
    const done = await viewer.phase(id, 'done', 120_000);
    expect(done.savedAs).toBe('after-crash.bin');
    const saved = readFileSync(join(home, 'Documents', 'after-crash.bin'));
    expect(createHash('sha256').update(saved).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    expect(readdirSync(join(home, 'Documents')).filter((n) => n.endsWith('.lifeline-part'))).toEqual([]);
    // A new helper process serves the session: the one killed is gone.
    expect(await findDescendant(chromiumPid, bundle.path)).not.toBe(pid);
    expect(viewer.phases.get(id)).toContain('interrupted');
  });
  it('"Send a file to the agent..." offers the file the customer picks; Withdraw takes it back', async () => {
    await consent.waitForSelector('button.offer-send');
    await consent.click('button.offer-send');
    const state = (s: string) =>
      until(
        async () => (await consent.$(`.offer-state[data-offer-state="${s}"]`)) ?? undefined,
        20_000,
        `the offer ${s} in the consent window`,
      );
    const pending = await state('pending');
    expect(await pending.evaluate((e) => e.textContent)).toBe(
      'offer.txt is offered to the agent; waiting for their answer.',
    );
    const offered = await until(
      async () => viewer.files.snapshot().offers[0],
      20_000,
      "the offer in the agent's viewer",
    );
    expect(offered).toMatchObject({ name: 'offer.txt', size: 17, folder: 'Desktop' });
    await consent.click('button.offer-withdraw');
    await state('withdrawn');
    await until(
      async () => viewer.files.snapshot().offers.length === 0 || undefined,
      20_000,
      "the offer gone from the agent's viewer",
    );
    // Offered again and accepted by the agent: the consent window says so, the copy is listed.
    await consent.click('button.offer-send');
    await state('pending');
    const again = await until(async () => viewer.files.snapshot().offers[0], 20_000, 'the second offer');
    const fetched = viewer.files.acceptOffer(again.offer)!;
    await state('accepted');
    await until(
      async () =>
        viewer.files.snapshot().transfers.find((t) => t.id === fetched)?.phase === 'done' || undefined,
      20_000,
      "the agent's copy done",
    );
  });
});
