/**
 * The helper a customer downloads and starts with the mouse, for real: a real server serves the
 * download bound to the request; the archive is unpacked with libarchive (what file managers use)
 * into the customer's Downloads; the helper is started the way a file manager starts a program
 * (its own session, no terminal, no arguments, nothing on stdin, the folder as working
 * directory); under a real window manager (openbox) with another application focused, the consent
 * window opens on top and focused, in the language the customer chose on the page (French) while
 * the system speaks English; keys typed go to it; Allow -> the agent's viewer gets the picture;
 * Decline -> the agent reads it; ending the chat closes the window and the helper exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_PACKAGE_SPECS } from '../../../server/downloads/helper-systems';
import { stageHelperDownload } from '../../support/helper-download-stage';
import { screenshotPath } from '../../support/screenshots';
import { activeWindow, helperWindows, stacking, windowName, xprop } from '../../support/helper-windows';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import {
  addAgent,
  addPortal,
  closeAll,
  resultOf,
  screenRequested,
  seen,
  type ConnectedAgent,
} from '../../support/workflow';
import { NodeViewer } from './node-viewer';

const slug = 'one-click';
let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let tmp: string;
const helpers: ChildProcess[] = [];

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(100);
  }
}

/** Downloads the helper the page offers for this request, unpacked like a file manager does. */
async function download(ticket: string, downloads: string): Promise<string> {
  const res = await fetch(`${server.url}/downloads/helper/linux/${ticket}`);
  expect(res.status).toBe(200);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')![1]!;
  mkdirSync(downloads, { recursive: true });
  const archive = path.join(downloads, name);
  writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
  const r = spawnSync('bsdtar', ['-xzf', archive, '-C', downloads], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const exe = path.join(downloads, ...HELPER_PACKAGE_SPECS.linux!.executable.split('/'));
  expect(statSync(exe).mode & 0o100).toBe(0o100);
  return exe;
}

/**
 * Starts `exe` as a file manager does on a double-click: a new session (no controlling terminal),
 * no arguments, stdin empty, the file's folder as working directory, the desktop's environment.
 */
function startLikeAFileManager(exe: string, home: string): { child: ChildProcess; log: string } {
  const log = path.join(home, `helper-${helpers.length}.log`);
  const child = spawn(exe, [], {
    cwd: path.dirname(exe),
    detached: true,
    stdio: ['ignore', 'ignore', openSync(log, 'w')],
    env: { PATH: process.env.PATH, HOME: home, DISPLAY: x.display, LANG: 'en_US.UTF-8' },
  });
  helpers.push(child);
  return { child, log };
}

function exited(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the helper did not exit')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-one-click-'));
  await stageHelperDownload(path.join(tmp, 'downloads'));
  x = await startXvfb({ width: 1024, height: 768 });
  x.spawnClient('openbox', ['--config-file', '/etc/xdg/openbox/rc.xml']);
  await waitFor('the window manager', () => xprop(x, ['-root', '_NET_SUPPORTING_WM_CHECK']).includes('#'));
  // The application the customer was using (the browser, in the full flow): focused, full size.
  x.spawnClient('xterm', ['-geometry', '160x50+0+0']);
  await waitFor('the focused application', () => activeWindow(x) !== 0);
  server = await startTestServer({ downloadsDir: path.join(tmp, 'downloads') });
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Alex Martin' });
});

afterAll(async () => {
  for (const h of helpers) if (h.exitCode === null && h.pid) process.kill(-h.pid, 'SIGTERM');
  await closeAll(agent?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the helper started with the mouse', () => {
  it('joins with no code, asks on top and focused in French, and the agent sees the picture once allowed', async () => {
    const home = mkdtempSync(path.join(tmp, 'home-'));
    const s = await screenRequested(server, agent, slug, { name: 'Léa', language: 'fr' });
    const exe = await download(s.ticket, path.join(home, 'Downloads'));
    const browser = activeWindow(x);
    const { child, log } = startLikeAFileManager(exe, home);
    await seen(
      agent.client,
      (m) => m.type === 'helper.status' && m.sessionId === s.sessionId && m.connected === true,
      'helper',
      0,
      20_000,
    );
    const viewer = await NodeViewer.connect(server.wsUrl, server.url, agent.token, s.sessionId);
    const win = await waitFor('the consent window', () => helperWindows(x)[0], 20_000).catch((err: Error) => {
      throw new Error(`${err.message}; helper log: ${readFileSync(log, 'utf8')}`);
    });
    expect(windowName(x, win)).toBe("Lifeline : partage d'écran");
    // On top of every window and focused, although another application had the focus.
    await waitFor('the consent window to be active', () => activeWindow(x) === win);
    expect(activeWindow(x)).not.toBe(browser);
    expect(stacking(x).at(-1)).toBe(win);
    expect(xprop(x, ['-id', String(win), '_NET_WM_STATE'])).toContain('_NET_WM_STATE_ABOVE');
    x.run('sh', ['-c', `xwd -root -silent | convert xwd:- ${screenshotPath('helper-consent-fr.png')}`]);
    // The keys go to it: Space ticks "voir votre écran", Enter presses "Autoriser".
    x.run('xdotool', ['key', 'space', 'Return']);
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view === true,
      ),
    ).toMatchObject({ sessionId: s.sessionId, grants: { view: true, control: false } });
    await viewer.until(() => viewer.decoder.state === 'ready', 20_000, 'the first picture');
    expect(viewer.decoder.framebuffer?.width).toBe(1024);
    await waitFor('the consent window to close', () => helperWindows(x).length === 0);
    // Ending the chat ends the helper.
    resultOf(await s.client.request({ type: 'session.end' }));
    expect(await exited(child)).toBe(0);
    viewer.close();
    await closeAll(s.client);
  });

  it('Decline: the agent reads that the customer declined; ending the chat closes an open question', async () => {
    const home = mkdtempSync(path.join(tmp, 'home-'));
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    const exe = await download(s.ticket, path.join(home, 'Downloads'));
    const first = startLikeAFileManager(exe, home);
    const viewer = await NodeViewer.connect(server.wsUrl, server.url, agent.token, s.sessionId);
    const win = await waitFor('the consent window', () => helperWindows(x)[0], 20_000);
    await waitFor('the consent window to be active', () => activeWindow(x) === win);
    x.run('xdotool', ['key', 'Escape']);
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && m.sessionId === s.sessionId && m.ended !== undefined,
      ),
    ).toMatchObject({ connected: false, ended: 'declined' });
    expect(await exited(first.child)).toBe(0);
    viewer.close();

    // Asked again, the customer downloads again and leaves the question open; the chat ends.
    const from = s.client.received.length;
    resultOf(await agent.client.request({ type: 'screen.request', sessionId: s.sessionId }));
    const again = await seen(s.client, (m) => m.type === 'screen.requested', 'request', from);
    const exe2 = await download(String(again.download), path.join(home, 'Downloads2'));
    const second = startLikeAFileManager(exe2, home);
    const viewer2 = await NodeViewer.connect(server.wsUrl, server.url, agent.token, s.sessionId);
    await waitFor('the second consent window', () => helperWindows(x)[0], 20_000);
    resultOf(await s.client.request({ type: 'session.end' }));
    await waitFor('the consent window to close with the chat', () => helperWindows(x).length === 0);
    expect(await exited(second.child)).toBe(0);
    viewer2.close();
    await closeAll(s.client);
  });
});
