/**
 * "Restart the customer's computer" in the real viewer: the built extension in headless Chromium
 * (signed in through its popup, the session accepted there, the viewer opened from the chat
 * window), the real server, and the real helper session client on Xvfb with the real X11 platform,
 * whose `systemctl reboot` is recorded, not run (this machine must not restart). The helper's death
 * at the restart is its socket dying; the helper after the restart resumes from the saved state.
 *
 * Checked: the item is offered only when the customer granted it AND the manager allows it; it
 * asks for confirmation (Cancel sends nothing); then restarting -> waiting for the computer ->
 * back with the picture, the chat window open and working throughout; and, when the computer does
 * not come back within the server's grace (shortened here; 10 minutes in the product), "gave up
 * after 10 minutes". Screenshots for docs/viewer.md are taken on the way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatform } from '../../../host/platform/registry';
import { readResumeState } from '../../../host/session/resume-state-file';
import { SessionClient } from '../../../host/session/session-client';
import type { Grants } from '../../../protocol/common';
import { EXTENSION_URL } from '../../support/agent-extension';
import { pageStartingWith } from '../../support/chromium';
import { until, wait } from '../../support/polling';
import { saveScreenshot } from '../../support/screenshots';
import { startTestServer, type TestServer } from '../../support/test-server';
import { ALL_GRANTS, closeAll, customerViaWs, type ConnectedCustomer } from '../../support/workflow';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { createAgent, createPortal, PASSWORD, type TestAgent } from '../extension/accounts';
import {
  acceptAndAskForScreen,
  launchAgentChromium,
  phaseOf,
  signIn,
  type AgentChromium,
} from './support/viewer-browser';

/** The server's wait for a helper that dropped, shortened so "gave up" shows in seconds. */
const GRACE_MS = 6_000;
const GRANTS: Grants = { ...ALL_GRANTS, files: false };

let x: XDisplay;
let server: TestServer;
let agent: AgentChromium;
let me: TestAgent;
let customer: ConnectedCustomer;
let chat: Page;
let viewer: Page;
let tmp: string;
let stateFile: string;
const helpers: SessionClient[] = [];
/** The restarts the helpers' platforms were asked for (recorded, never run). */
const restarts: string[] = [];

function helperClient(grants: Grants): SessionClient {
  const client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    platform: (system) =>
      loadPlatform({
        system,
        runCommand: (command, args) => {
          restarts.push(`${command} ${args.join(' ')}`);
          return Promise.resolve({ code: 0, stderr: '' });
        },
      }),
    stateFile,
    log: (line) => {
      if (process.env.LIFELINE_DEBUG) console.log('helper:', line);
    },
  });
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent(grants);
  });
  helpers.push(client);
  return client;
}

const stageOf = (page: Page) =>
  page.$eval('.reboot-progress', (e) => (e as HTMLElement).dataset.stage ?? '').catch(() => '');
const rebootButton = (page: Page) => page.$('.viewer-toolbar button.reboot');
const setRebootFeature = (on: boolean) =>
  server.services.accounts.updateUser(me.email, { features: { reboot: on } }, 'test');

/** A line from the customer arrives in the agent's chat window. */
async function chatStillWorks(text: string): Promise<void> {
  await customer.client.request({ type: 'chat.send', text });
  await chat.waitForFunction(
    (t) => [...document.querySelectorAll('.ll-chat-peer .ll-chat-text')].some((e) => e.textContent === t),
    {},
    text,
  );
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-viewer-reboot-'));
  stateFile = path.join(tmp, 'state', 'resume.json');
  x = await startXvfb({ width: 800, height: 600 });
  x.run('xsetroot', ['-solid', '#2a5d8f']);
  server = await startTestServer({}, { workflow: { reconnectGraceMs: GRACE_MS } });
  const portal = await createPortal(server, 'Restarts');
  me = await createAgent(server, { portals: [portal], name: 'Rae Restart' });
  agent = await launchAgentChromium();
  const popup = await signIn(agent, server.url, me.email, PASSWORD);
  customer = await customerViaWs(server, portal, { name: 'Casey Customer', problem: 'Needs a restart' });
  let joinCode: string;
  ({ chat, joinCode } = await acceptAndAskForScreen(agent, popup, customer.sessionId));
  await helperClient({ ...GRANTS, reboot: false }).join({ server: server.url, joinCode });
  await chat.waitForSelector('button.open-viewer');
  await chat.click('button.open-viewer');
  viewer = await pageStartingWith(
    agent.browser,
    `${EXTENSION_URL}/viewer.html?session=${customer.sessionId}`,
  );
  await viewer.setViewport({ width: 1000, height: 640 });
  await viewer.bringToFront();
  await until('streaming', async () => (await phaseOf(viewer)) === 'streaming');
});

afterAll(async () => {
  for (const h of helpers) await h.close().catch(() => undefined);
  await agent?.close();
  await closeAll(customer?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("restarting the customer's computer from the viewer", () => {
  it('is offered only when the customer granted it and the manager allows it', async () => {
    expect(await rebootButton(viewer)).toBeNull();
    await helpers[0]!.consent(GRANTS);
    await viewer.waitForSelector('.viewer-toolbar button.reboot');
    await setRebootFeature(false);
    await until('withdrawn by the manager', async () => (await rebootButton(viewer)) === null);
    await setRebootFeature(true);
    await viewer.waitForSelector('.viewer-toolbar button.reboot:not([disabled])');
  });

  it('asks for confirmation; Cancel sends nothing', async () => {
    await viewer.click('button.reboot');
    await viewer.waitForSelector('.reboot-confirm');
    expect(await viewer.$eval('.reboot-confirm p', (e) => e.textContent)).toBe(
      "Restart the customer's computer now? The session comes back by itself after the restart.",
    );
    await saveScreenshot(viewer, 'viewer-reboot-confirm.png');
    await viewer.click('.reboot-confirm button.reboot-no');
    await wait(500);
    expect(await viewer.$('.reboot-confirm')).toBeNull();
    expect(restarts).toEqual([]);
    expect(await stageOf(viewer)).toBe('');
  });

  it('shows restarting -> waiting for the computer -> back, and the chat goes on', async () => {
    await viewer.click('button.reboot');
    await viewer.click('.reboot-confirm button.reboot-yes');
    await until('the recorded restart', () => restarts.length === 1);
    expect(restarts).toEqual(['systemctl reboot']);
    expect(await stageOf(viewer)).toBe('restarting');
    expect(await viewer.$eval('.reboot-progress', (e) => e.textContent)).toBe(
      "Restarting the customer's computer…",
    );
    await saveScreenshot(viewer, 'viewer-reboot-restarting.png');

    // The machine goes down: the helper's socket dies with it.
    await helpers[0]!.close();
    await until('waiting', async () => (await stageOf(viewer)) === 'waiting');
    expect(await viewer.$eval('.reboot-progress', (e) => e.textContent)).toBe(
      "Waiting for the customer's computer to come back (up to 10 minutes)…",
    );
    expect(await rebootButton(viewer)).toBeNull();
    await chatStillWorks('It is restarting now');
    await saveScreenshot(viewer, 'viewer-reboot-waiting.png');

    // After the restart the helper resumes from its saved state, asking nothing.
    const saved = await readResumeState(stateFile);
    await helperClient({ ...GRANTS, view: false }).resume({
      server: server.url,
      resumeToken: saved.resumeToken,
      consent: saved.consent!,
    });
    await until('back', async () => (await stageOf(viewer)) === 'back', 20_000);
    await until('streaming again', async () => (await phaseOf(viewer)) === 'streaming', 20_000);
    expect(await viewer.$eval('.notice', (e) => (e as HTMLElement).dataset.notice)).toBe('rebootBack');
    await chatStillWorks('It is back!');
    await saveScreenshot(viewer, 'viewer-reboot-back.png');
  });

  it('says it gave up after 10 minutes when the computer does not come back', async () => {
    await viewer.click('button.reboot');
    await viewer.click('.reboot-confirm button.reboot-yes');
    await until('the second recorded restart', () => restarts.length === 2);
    await helpers[1]!.close();
    await until('waiting', async () => (await stageOf(viewer)) === 'waiting');
    await until('gave up', async () => (await stageOf(viewer)) === 'gaveUp', GRACE_MS + 15_000);
    expect(await viewer.$eval('.reboot-progress', (e) => e.textContent)).toContain(
      'Gave up after 10 minutes',
    );
    expect(await viewer.$eval('.notice', (e) => (e as HTMLElement).dataset.notice)).toBe('rebootGaveUp');
    // Only the screen sharing ended: the chat window is open and the conversation goes on.
    await chatStillWorks('Sorry, it did not start');
    await saveScreenshot(viewer, 'viewer-reboot-gave-up.png');
  });
});
