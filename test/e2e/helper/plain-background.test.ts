/**
 * "Plain background during the session" with real processes: a real Xvfb (a bare X server, so the
 * root window is the desktop background: Xvfb's grey weave, not one colour), the real server, the
 * agent's real ViewerSession (node harness), and a helper process with the real session client and
 * X11 platform. What a customer relies on, read from the X server by an independent client (xwd):
 * the desktop really turns plain when the agent asks and the customer allows; it comes back pixel
 * for pixel when the agent turns it off, when the session ends, and after the helper was killed
 * with SIGKILL (the next start restores from the file it left).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_BACKGROUND_HEX } from '../../../protocol/data/background-control';
import type { PixelBuffer } from '../../../host/platform/types';
import { BACKGROUND_FILE_NAME } from '../../../host/session/plain-background/background-restore-file';
import { AgentViewer } from '../../support/agent-viewer';
import { until } from '../../support/polling';
import { exited, killNine, watch, type Watched } from '../../support/processes';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import {
  addAgent,
  addPortal,
  closeAll,
  resultOf,
  screenRequested,
  type ConnectedAgent,
} from '../../support/workflow';
import { REPO_ROOT } from '../../host/native/helper-bundle';
import { xwdCapture } from '../screen/xwd-capture';

const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'plain-background-helper.ts',
);
const PLAIN = Number.parseInt(PLAIN_BACKGROUND_HEX.slice(1), 16);

let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let tmp: string;
const children: ChildProcess[] = [];
const viewers: AgentViewer[] = [];

/** How many pixels of the screen are not the plain colour. */
function notPlain(img: PixelBuffer): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let xx = 0; xx < img.width; xx++) {
      const o = y * img.stride + xx * 4;
      const rgb = (img.data[o + 2]! << 16) | (img.data[o + 1]! << 8) | img.data[o]!;
      if (rgb !== PLAIN) n++;
    }
  }
  return n;
}

/** How many pixels differ between two captures of the same size (the X byte is ignored). */
function differing(a: PixelBuffer, b: PixelBuffer): number {
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let xx = 0; xx < a.width; xx++) {
      const oa = y * a.stride + xx * 4;
      const ob = y * b.stride + xx * 4;
      if (a.data[oa] !== b.data[ob] || a.data[oa + 1] !== b.data[ob + 1] || a.data[oa + 2] !== b.data[ob + 2])
        n++;
    }
  }
  return n;
}

function startHelper(
  mode: 'join' | 'resume',
  joinCode: string,
  stateFile: string,
): { child: ChildProcess; out: Watched } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, mode, server.url, joinCode, stateFile, x.display],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, HOME: path.join(tmp, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return { child, out: watch(child) };
}

function openViewer(sessionId: string): AgentViewer {
  const v = new AgentViewer({
    wsUrl: server.wsUrl,
    origin: server.url,
    token: agent.token,
    sessionId,
    downloads: path.join(tmp, 'downloads'),
  });
  viewers.push(v);
  return v;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-plain-'));
  [x, server] = await Promise.all([startXvfb({ width: 320, height: 240 }), startTestServer()]);
  await addPortal(server, 'plain-e2e');
  agent = await addAgent(server, { portals: ['plain-e2e'], name: 'Alex Agent' });
});

afterAll(async () => {
  for (const v of viewers) v.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await closeAll(agent?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('plain background during the session (X root window)', () => {
  it('turns the desktop plain after the yes, and brings it back exactly: off, after kill -9 at the next start, and at the session end', async () => {
    const before = xwdCapture(x.display);
    // Xvfb's default root is a two-colour weave: a restore to "some grey" would not pass.
    expect(notPlain(before)).toBe(before.width * before.height);

    const customer = await screenRequested(server, agent, 'plain-e2e');
    const stateFile = path.join(tmp, 'state', 'lifeline', 'resume.json');
    const restoreFile = path.join(path.dirname(stateFile), BACKGROUND_FILE_NAME);
    const first = startHelper('join', customer.joinCode, stateFile);
    await first.out.until('JOINED', 30_000);
    const v = openViewer(customer.sessionId);
    await until('the picture', () => v.snapshot.phase === 'streaming', 15_000);

    // 1. Asked, allowed, plain; then off: back pixel for pixel, and the restore file gone.
    v.session.setPlainBackground(true);
    await first.out.until('ASKED Alex Agent');
    await until('the viewer told on', () => v.snapshot.background === 'on');
    expect(notPlain(xwdCapture(x.display))).toBe(0);
    expect(statSync(restoreFile).mode & 0o777).toBe(0o600);
    expect(v.snapshot.notice?.key).toBe('backgroundOn');
    v.session.setPlainBackground(false);
    await until('the viewer told off', () => v.snapshot.background === 'off');
    expect(differing(xwdCapture(x.display), before)).toBe(0);
    expect(existsSync(restoreFile)).toBe(false);

    // 2. Plain again, then the helper is killed: the desktop stays plain, the file says what to restore.
    const from = first.out.text().length;
    v.session.setPlainBackground(true);
    await first.out.until('BACKGROUND on', 15_000, from);
    await killNine(first.child.pid!);
    expect(notPlain(xwdCapture(x.display))).toBe(0);
    expect(existsSync(restoreFile)).toBe(true);

    // The next start (a resume of the same session) puts the customer's background back first.
    const second = startHelper('resume', '-', stateFile);
    await second.out.until('JOINED', 30_000);
    expect(second.out.text()).toContain('background.leftover_restored');
    expect(differing(xwdCapture(x.display), before)).toBe(0);
    expect(existsSync(restoreFile)).toBe(false);

    // 3. Plain once more, and the agent ends the session: the helper restores before it exits.
    await until(
      'the picture again',
      () => v.snapshot.phase === 'streaming' && v.snapshot.background === 'off',
      20_000,
    );
    v.session.setPlainBackground(true);
    await until('on again', () => v.snapshot.background === 'on');
    expect(notPlain(xwdCapture(x.display))).toBe(0);
    resultOf(await agent.client.request({ type: 'session.end', sessionId: customer.sessionId }));
    await second.out.until('ENDED', 15_000);
    expect(await exited(second.child)).toBe(0);
    expect(differing(xwdCapture(x.display), before)).toBe(0);
    expect(existsSync(restoreFile)).toBe(false);
  });
});
