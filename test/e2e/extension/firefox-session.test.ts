/**
 * A session in Firefox ESR with the Firefox MV3 test build, past sign-in: the agent accepts in the
 * popup, chats both ways (typing indicator included) in the chat window the background opens,
 * asks to view the screen, and opens the viewer, whose security code equals the helper's, whose
 * canvas equals the customer's desktop, and whose clicks and keys reach the customer's desktop
 * (Firefox ignores preventDefault on pointerdown in extension pages: see ui/viewer/input-capture.ts).
 *
 * Real parts: the built extension in Firefox (puppeteer-core over WebDriver BiDi), the server,
 * the customer's channel (a ws client), the helper's session client with its end-to-end
 * handshake, encryption and screen encoder. Synthetic: only the customer's desktop (the recording
 * platform of the viewer's Node tests); the real X11 desktop runs in test/e2e/viewer/ (Chromium).
 * BiDi cannot navigate to moz-extension:// pages: every extension page here is one the extension
 * opened itself, found by asking each page where it is (firefox-launch.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { SessionClient } from '../../../host/session/session-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { ALL_GRANTS, closeAll, customerViaWs, seen, type ConnectedCustomer } from '../../support/workflow';
import { signInThroughPopup } from '../../support/agent-extension';
import { canvasPixels } from '../../support/canvas-pixels';
import { countDiff } from '../../host/screen/synthetic';
import {
  fakeHelperPlatform,
  RecordingSurface,
  type FakeHelperPlatform,
} from '../../ui/viewer/support/fake-helper-platform';
import { createAgent, createPortal, PASSWORD } from './accounts';
import { extensionPage, FIREFOX_BUILD, launchFirefox } from './firefox-launch';
import { POLL_MS, textOf, until } from './harness';
import { clientPointOf } from '../viewer/support/viewer-browser';

const GRANTS = { ...ALL_GRANTS, files: false, reboot: false };

let server: TestServer;
let firefox: Browser;
let popup: Page;
let customer: ConnectedCustomer;
let chat: Page;
let helper: SessionClient | undefined;
let platform: FakeHelperPlatform;
const surface = new RecordingSurface();
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-firefox-session-'));
  server = await startTestServer();
  firefox = await launchFirefox();
  await firefox.installExtension(FIREFOX_BUILD);
  popup = await extensionPage(firefox, '/popup.html');
  const portal = await createPortal(server, 'Firefox desk');
  const agent = await createAgent(server, { portals: [portal], name: 'Fiona Firefox' });
  await signInThroughPopup(popup, server.url, agent.email, PASSWORD);
  await popup.waitForSelector('.connection.online', { timeout: 15_000 });
  customer = await customerViaWs(server, portal, { name: 'Gecko Gabi', problem: 'Tabs crash' });
}, 60_000);

afterAll(async () => {
  await helper?.close();
  await closeAll(customer?.client);
  await firefox?.close();
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a session in Firefox', () => {
  it('accepts from the popup, and the chat window opens', async () => {
    const accept = `.queue-entry[data-session="${customer.sessionId}"] button.accept`;
    await popup.waitForSelector(accept, { timeout: 5000 });
    await popup.click(accept);
    const accepted = await customer.client.waitType('session.accepted');
    expect(accepted.agentName).toBe('Fiona Firefox');
    chat = await extensionPage(firefox, `/chat.html?session=${customer.sessionId}`);
    await chat.waitForSelector('.chat-window textarea.ll-chat-input');
    expect(await textOf(chat, '.session-head h1')).toBe('Gecko Gabi');
    expect(await textOf(chat, '.session-head .problem')).toBe('Tabs crash');
  });

  it('chats both ways, with the typing indicator on both sides', async () => {
    const from = customer.client.received.length;
    await chat.type('textarea.ll-chat-input', 'Hello Gabi, which tabs?');
    const typing = await seen(
      customer.client,
      (m) => m.type === 'chat.typing' && m.typing === true,
      'agent typing',
      from,
    );
    expect(typing.from).toMatchObject({ kind: 'agent', name: 'Fiona Firefox' });
    await chat.keyboard.press('Enter');
    const line = await seen(customer.client, (m) => m.type === 'chat.message', 'the agent line', from);
    expect((line.line as { text: string }).text).toBe('Hello Gabi, which tabs?');
    await chat.waitForSelector('.ll-chat-own .ll-chat-text');

    customer.client.send({ type: 'chat.typing', typing: true });
    expect(await textOf(chat, '.ll-chat-typing-text')).toBe('Gecko Gabi is typing…');
    const reply = await customer.client.request({ type: 'chat.send', text: 'All of them, on video sites' });
    expect(reply.type).toBe('reply');
    await chat.waitForFunction(
      () =>
        [...document.querySelectorAll('.ll-chat-peer .ll-chat-text')].some(
          (e) => e.textContent === 'All of them, on video sites',
        ),
      { polling: POLL_MS, timeout: 5000 },
    );
    await chat.waitForSelector('.ll-chat-typing[data-active=false]');
    const delivered = await seen(customer.client, (m) => m.type === 'chat.delivered', 'delivery mark', from);
    expect(delivered.seq).toBeGreaterThan(0);
  });
});

describe('the viewer in Firefox', () => {
  let viewer: Page;

  it('asks to view the screen; the helper joins with the code and the customer consents', async () => {
    const from = customer.client.received.length;
    await chat.click('button.view-screen');
    await chat.click('button.screen-request');
    const joinCode = (await textOf(chat, '.join-code strong')).replace(/\s/g, '');
    expect(joinCode).toMatch(/^\d{9}$/);
    const requested = await seen(
      customer.client,
      (m) => m.type === 'screen.requested',
      'screen.requested',
      from,
    );
    expect(requested.joinCode).toBe(joinCode);

    platform = fakeHelperPlatform();
    const client = new SessionClient({
      version: '0.1.0',
      system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: ':0' } },
      platform: () => Promise.resolve(platform),
      stateFile: path.join(tmp, 'resume.json'),
      annotations: surface,
      log: (l) => {
        if (process.env.LIFELINE_DEBUG) console.log('helper:', l);
      },
    });
    helper = client;
    client.onEvent((e) => {
      if (e.type === 'host.consent_needed') void client.consent(GRANTS);
    });
    await client.join({ server: server.url, joinCode });
  });

  it('opens from the chat window with the helper security code and the customer desktop exactly', async () => {
    await chat.waitForSelector('button.open-viewer', { timeout: 10_000 });
    await chat.click('button.open-viewer');
    viewer = await extensionPage(firefox, `/viewer.html?session=${customer.sessionId}`);
    const sas = await until(
      async () => (await viewer.$eval('.sas-code', (e) => e.textContent ?? '').catch(() => '')) || undefined,
      15_000,
      'the security code in the viewer',
      100,
    );
    expect(sas).toMatch(/^\d{3} \d{3}$/);
    expect(helper!.viewerStats().map((p) => p.sas)).toContain(sas);

    const desktop = platform.source.desktop;
    let diff = -1;
    await until(
      async () => {
        const pic = await canvasPixels(viewer, 'canvas.picture');
        diff =
          pic.width === desktop.width && pic.height === desktop.height ? countDiff(desktop, pic.data) : -1;
        return diff === 0 ? true : undefined;
      },
      15_000,
      'the canvas to equal the desktop',
      200,
    ).catch((e: Error) => {
      throw new Error(`${e.message} (last difference: ${diff} pixels)`);
    });
    expect(await viewer.$eval('.viewer', (el) => (el as HTMLElement).dataset.phase)).toBe('streaming');
    expect(await textOf(viewer, '.badge')).toBe('You have control');
  });

  it('clicks on the picture and then types: both reach the customer desktop', async () => {
    // The centre of remote pixel (200, 150), through the real layout (the picture is scaled).
    const at = await viewer.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.picture')!;
      const r = c.getBoundingClientRect();
      return { x: r.left + (200.5 * r.width) / c.width, y: r.top + (150.5 * r.height) / c.height };
    });
    const before = platform.sink.calls.length;
    await viewer.mouse.click(at.x, at.y);
    await until(
      async () => (platform.sink.calls.slice(before).includes('button left up') ? true : undefined),
      5000,
      'the click at the helper',
    );
    // A click, not a press cut short: Firefox's mousedown once took the keyboard away from the
    // viewer, and the blur released the button before the agent let go of it.
    expect(platform.sink.calls.slice(before).filter((c) => !c.startsWith('move'))).toEqual([
      'button left down',
      'button left up',
    ]);
    expect(platform.sink.calls.slice(before)).toContain('move 200,150');
    expect(await viewer.evaluate(() => document.activeElement?.className)).toBe('key-target');

    const typed = platform.sink.calls.length;
    await viewer.keyboard.press('ArrowUp');
    await viewer.keyboard.press('F5');
    await until(
      async () => (platform.sink.calls.length >= typed + 4 ? true : undefined),
      5000,
      'the keys at the helper',
    );
    expect(platform.sink.calls.slice(typed)).toEqual([
      'key ArrowUp down',
      'key ArrowUp up',
      'key F5 down',
      'key F5 up',
    ]);
  });

  it('draws an arrow and a text, which reach the customer, and the keyboard goes where the agent expects', async () => {
    const before = surface.messages.length;
    await viewer.click('button.tool-arrow');
    const from = await clientPointOf(viewer, { x: 60, y: 40 });
    const to = await clientPointOf(viewer, { x: 200, y: 120 });
    await viewer.mouse.move(from.x, from.y);
    await viewer.mouse.down();
    await viewer.mouse.move(to.x, to.y, { steps: 6 });
    await viewer.mouse.up();
    const arrow = await until(
      async () => surface.messages.slice(before).find((m) => m.msg.type === 'shape.add'),
      5000,
      'the arrow at the helper',
    );
    expect(arrow.msg).toMatchObject({ shape: { kind: 'arrow', from: [60, 40], to: [200, 120] } });

    // Text: one click where it goes, then typing lands in the prompt without another click.
    await viewer.click('button.tool-text');
    const spot = await clientPointOf(viewer, { x: 100, y: 160 });
    await viewer.mouse.click(spot.x, spot.y);
    await viewer.waitForSelector('.text-prompt-input');
    await until(
      async () =>
        (await viewer.evaluate(() => document.activeElement?.classList.contains('text-prompt-input'))) ||
        undefined,
      5000,
      'the text prompt focused',
    );
    await viewer.keyboard.type('Here');
    await viewer.keyboard.press('Enter');
    const text = await until(
      async () =>
        surface.messages.slice(before).find((m) => m.msg.type === 'shape.add' && m.msg.shape.kind === 'text'),
      5000,
      'the text at the helper',
    );
    expect(text.msg).toMatchObject({ shape: { kind: 'text', at: [100, 160], text: 'Here' } });

    // Back to control: keys reach the customer again, none went there while drawing.
    expect(platform.sink.calls.filter((c) => c.startsWith('type') || c.includes('KeyH'))).toEqual([]);
    await viewer.click('button.tool-control');
    const at = await clientPointOf(viewer, { x: 300, y: 100 });
    await viewer.mouse.click(at.x, at.y);
    const typed = platform.sink.calls.length;
    await viewer.keyboard.press('ArrowDown');
    await until(
      async () => (platform.sink.calls.slice(typed).includes('key ArrowDown up') ? true : undefined),
      5000,
      'the key at the helper',
    );
  });
});
