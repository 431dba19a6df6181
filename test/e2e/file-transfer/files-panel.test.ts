/**
 * The viewer's Files panel in the built extension, in headless Chromium, against the real server
 * and the real helper session client on Xvfb (its files in a temporary home): the agent opens
 * Files, sees the customer's places, opens Documents, sends a file with the file picker (it lands
 * there with the same bytes), copies a customer's file to the browser's downloads (same bytes),
 * and sees a clear refusal for a file the customer's disk has no room for; a file the customer
 * offers from the helper shows with Accept (downloaded, same bytes) and Decline (the customer is
 * told). Screenshots go to docs/screenshots/viewer-files.png and viewer-files-offer.png.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileAccess } from '../../../host/platform/files/node-file-access';
import { loadPlatform } from '../../../host/platform/registry';
import type { FileAccess } from '../../../host/platform/types';
import { SessionClient } from '../../../host/session/session-client';
import { EXTENSION_URL } from '../../support/agent-extension';
import { pageStartingWith } from '../../support/chromium';
import { downloaded } from '../../support/downloads';
import { until } from '../../support/polling';
import { saveScreenshot } from '../../support/screenshots';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { ALL_GRANTS, closeAll, customerViaWs, type ConnectedCustomer } from '../../support/workflow';
import { createAgent, createPortal, PASSWORD } from '../extension/accounts';
import { RecordingSurface } from '../../ui/viewer/support/fake-helper-platform';
import {
  acceptAndAskForScreen,
  launchAgentChromium,
  signIn,
  type AgentChromium,
} from '../viewer/support/viewer-browser';

const MB = 1_000_000;
let x: XDisplay;
let server: TestServer;
let agent: AgentChromium;
let customer: ConnectedCustomer;
let helper: SessionClient;
let viewer: Page;
let tmp: string;
let home: string;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The transfer row of a file in the panel, as the agent reads it. */
function row(name: string): Promise<{ phase: string; status: string } | null> {
  return viewer.evaluate((n) => {
    for (const li of document.querySelectorAll<HTMLElement>('.transfer')) {
      if (li.querySelector('.transfer-name')?.textContent === n)
        return {
          phase: li.dataset.phase ?? '',
          status: li.querySelector('.transfer-status')?.textContent ?? '',
        };
    }
    return null;
  }, name);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-files-panel-'));
  home = path.join(tmp, 'home');
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(path.join(home, d), { recursive: true });
  writeFileSync(path.join(home, 'Documents', 'crash-report.log'), randomBytes(3 * MB));
  x = await startXvfb({ width: 1024, height: 768 });
  server = await startTestServer();
  const portal = await createPortal(server, 'Files');
  const me = await createAgent(server, { portals: [portal], name: 'Fran Files' });
  agent = await launchAgentChromium();
  const popup = await signIn(agent, server.url, me.email, PASSWORD);
  customer = await customerViaWs(server, portal, { name: 'Casey Customer', problem: 'I need a driver' });
  const { chat, joinCode } = await acceptAndAskForScreen(agent, popup, customer.sessionId);

  const real = new NodeFileAccess({ home, env: {} });
  // Desktop "has" 1 MB free: the refusal the panel must show (the real tmpfs case runs in
  // file-transfer.test.ts; here only the wording in the browser matters).
  const files: FileAccess = {
    places: () => real.places(),
    list: (d) => real.list(d),
    freeBytes: (d) => (d.endsWith('Desktop') ? Promise.resolve(MB) : real.freeBytes(d)),
    openRead: (p, o) => real.openRead(p, o),
    openWrite: (d, n, o) => real.openWrite(d, n, o),
  };
  helper = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    stateFile: path.join(tmp, 'state', 'resume.json'),
    annotations: new RecordingSurface(),
    log: () => undefined,
    platform: async (system) => {
      const p = await loadPlatform({ system });
      return {
        name: p.name,
        screen: () => p.screen(),
        input: () => p.input(),
        clipboard: () => p.clipboard(),
        files: () => files,
        reboot: () => p.reboot(),
      };
    },
  });
  helper.onEvent((e) => {
    if (e.type === 'host.consent_needed') void helper.consent({ ...ALL_GRANTS, reboot: false, files: true });
  });
  await helper.join({ server: server.url, joinCode });
  await chat.waitForSelector('button.open-viewer');
  await chat.click('button.open-viewer');
  viewer = await pageStartingWith(
    agent.browser,
    `${EXTENSION_URL}/viewer.html?session=${customer.sessionId}`,
  );
  await viewer.setViewport({ width: 1100, height: 760 });
  await viewer.bringToFront();
  await viewer.waitForSelector('.sas-code');
}, 240_000);

afterAll(async () => {
  await helper?.close();
  await agent?.close();
  await closeAll(customer?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the Files panel', () => {
  it("shows the customer's places and a folder's files", async () => {
    await viewer.click('button.files-toggle');
    await viewer.waitForSelector('.files-place[data-place="Documents"]', { timeout: 15_000 });
    const places = await viewer.$$eval('.files-place', (b) => b.map((e) => (e as HTMLElement).dataset.place));
    expect(places).toEqual(['Home', 'Desktop', 'Downloads', 'Documents']);
    await viewer.click('.files-place[data-place="Documents"]');
    await viewer.waitForSelector('tr[data-entry="crash-report.log"]');
    expect(await viewer.$eval('.files-destination', (e) => e.textContent)).toContain('Documents');
  });

  it('sends a file chosen with the picker; it lands in Documents with the same bytes', async () => {
    const local = path.join(tmp, 'driver-setup.bin');
    const data = randomBytes(4 * MB);
    writeFileSync(local, data);
    const [chooser] = await Promise.all([
      viewer.waitForFileChooser(),
      viewer.click('button.files-send-button'),
    ]);
    await chooser.accept([local]);
    await until('the upload done', async () => (await row('driver-setup.bin'))?.phase === 'done', 60_000);
    expect((await row('driver-setup.bin'))!.status).toContain('Saved as "driver-setup.bin" in Documents');
    expect(sha(readFileSync(path.join(home, 'Documents', 'driver-setup.bin')))).toBe(sha(data));
    expect(readdirSync(path.join(home, 'Documents')).filter((n) => n.endsWith('.lifeline-part'))).toEqual([]);
  });

  it("copies a customer's file to the browser's downloads, checked", async () => {
    await viewer.click('tr[data-entry="crash-report.log"] button.files-fetch');
    await until('the fetch done', async () => (await row('crash-report.log'))?.phase === 'done', 60_000);
    const original = readFileSync(path.join(home, 'Documents', 'crash-report.log'));
    const saved = await downloaded(agent.downloads, (n) => n === 'crash-report.log');
    expect(sha(readFileSync(saved))).toBe(sha(original));
  });

  it("says plainly when the customer's disk has no room, and nothing is written", async () => {
    await viewer.click('.files-place[data-place="Desktop"]');
    await until(
      'Desktop shown',
      async () => (await viewer.$eval('.files-where', (e) => e.textContent).catch(() => '')) === 'Desktop',
    );
    const local = path.join(tmp, 'too-big.iso');
    writeFileSync(local, randomBytes(3 * MB));
    const [chooser] = await Promise.all([
      viewer.waitForFileChooser(),
      viewer.click('button.files-send-button'),
    ]);
    await chooser.accept([local]);
    await until('the refusal', async () => (await row('too-big.iso'))?.phase === 'failed', 30_000);
    expect((await row('too-big.iso'))!.status).toMatch(
      /^Not enough space on the customer's disk: the file needs 3(\.0)? MB, only 1(\.0)? MB are free\. Nothing was written\.$/,
    );
    expect(readdirSync(path.join(home, 'Desktop'))).toEqual([]);
    await viewer.click('.files-place[data-place="Documents"]');
    await viewer.waitForSelector('tr[data-entry="driver-setup.bin"]');
    await saveScreenshot(viewer, 'viewer-files.png');
  });

  it('shows a file the customer offers from the helper: Accept downloads it checked, Decline tells the customer, a withdrawal removes it', async () => {
    const answers: string[] = [];
    const off = helper.onNotice((n) => {
      if (n.type === 'file.offer') answers.push(`${n.offer.answer} ${n.offer.name}`);
    });
    try {
      const data = randomBytes(200_000);
      writeFileSync(path.join(home, 'Documents', 'invoice.pdf'), data);
      await helper.fileTransfers!.offerFile(path.join(home, 'Documents', 'invoice.pdf'));
      await viewer.waitForSelector('.files-offer', { timeout: 15_000 });
      expect(await viewer.$eval('.files-offer > span', (e) => e.textContent)).toMatch(
        /^The customer offers invoice\.pdf \(200(\.0)? kB, from Documents\)\.$/,
      );
      await saveScreenshot(viewer, 'viewer-files-offer.png');
      await viewer.click('.files-offer-accept');
      await until(
        'the offered file fetched',
        async () => (await row('invoice.pdf'))?.phase === 'done',
        60_000,
      );
      const saved = await downloaded(agent.downloads, (n) => n === 'invoice.pdf');
      expect(sha(readFileSync(saved))).toBe(sha(data));
      await until('the customer told it was accepted', () => answers.length === 1, 15_000);
      expect(answers).toEqual(['accepted invoice.pdf']);

      writeFileSync(path.join(home, 'Documents', 'photo.jpg'), randomBytes(1000));
      await helper.fileTransfers!.offerFile(path.join(home, 'Documents', 'photo.jpg'));
      await viewer.waitForSelector('.files-offer', { timeout: 15_000 });
      await viewer.click('.files-offer-decline');
      await until('the customer told it was declined', () => answers.length === 2, 15_000);
      expect(answers[1]).toBe('declined photo.jpg');
      expect(await viewer.$('.files-offer')).toBeNull();
      expect(await row('photo.jpg')).toBeNull();

      // The customer withdraws an offer: the bar goes from the agent's real viewer.
      await helper.fileTransfers!.offerFile(path.join(home, 'Documents', 'photo.jpg'));
      await viewer.waitForSelector('.files-offer', { timeout: 15_000 });
      expect(helper.fileTransfers!.withdrawOffer()).toBe('photo.jpg');
      await viewer.waitForSelector('.files-offer', { hidden: true, timeout: 15_000 });
      expect(answers).toHaveLength(2);
    } finally {
      off();
    }
  });
});
