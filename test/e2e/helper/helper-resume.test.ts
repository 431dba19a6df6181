/**
 * Reboot and resume, with real processes: a helper process (the real session client and X11
 * platform; its `systemctl reboot` is recorded, not run: this machine must not reboot) joins with
 * the agent's code and shares; the viewer asks for a reboot, which the customer granted; the
 * helper saves its resume token (0600) and "reboots"; the test kills it with SIGKILL, as the
 * restart would. Then the real bundled `lifeline-helper resume` starts on a terminal (a pty from
 * util-linux `script`), asks consent again in the terminal (y/n per capability), shares the
 * same session again (the viewer's picture equals an xwd capture), shows the X indicator window
 * and the terminal line, and stops when the customer types "s" + Enter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResumeState } from '../../../host/session/resume-state-file';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { addAgent, addPortal, closeAll, screenRequested, type ConnectedAgent } from '../../support/workflow';
import { buildHelperBundle, REPO_ROOT, type HelperBundle } from '../../host/native/helper-bundle';
import { countDiff } from '../../host/screen/synthetic';
import { xwdCapture } from '../screen/xwd-capture';
import { NodeViewer } from './node-viewer';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'reboot-helper.ts');
let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let bundle: HelperBundle;
let tmp: string;
const children: ChildProcess[] = [];
let viewer: NodeViewer | undefined;

function wait(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Collects a child's output and waits for text in it. */
function watch(child: ChildProcess) {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return {
    text: () => out,
    async until(needle: string | RegExp, timeoutMs = 15_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      const has = () => (typeof needle === 'string' ? out.includes(needle) : needle.test(out));
      while (!has()) {
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${String(needle)}; output:\n${out.slice(-2000)}`);
        await wait(30);
      }
    },
  };
}

function exited(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function settle(v: NodeViewer, timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let diff = -1;
  while (Date.now() < end) {
    await wait(150);
    const fb = v.decoder.framebuffer;
    if (!fb || v.decoder.state !== 'ready') continue;
    const truth = xwdCapture(x.display);
    if (truth.width !== fb.width || truth.height !== fb.height) continue;
    diff = countDiff(truth, fb.data);
    if (diff === 0) return 0;
  }
  return diff;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-resume-'));
  [x, server, bundle] = await Promise.all([
    startXvfb({ width: 800, height: 600 }),
    startTestServer(),
    buildHelperBundle(),
  ]);
  x.spawnClient('xterm', ['-geometry', '60x15+40+60', '-e', 'bash', '--norc', '--noprofile'], { PS1: '$ ' });
  await addPortal(server, 'resume-e2e');
  agent = await addAgent(server, { portals: ['resume-e2e'], name: 'Alex Agent' });
});

afterAll(async () => {
  viewer?.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await closeAll(agent?.client);
  await server?.stop();
  await x?.stop();
  bundle?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('reboot and resume across helper processes', () => {
  it('saves the token, is killed, and `lifeline-helper resume` on a terminal shares the same session again', async () => {
    const customer = await screenRequested(server, agent, 'resume-e2e');
    const stateFile = path.join(tmp, 'state', 'lifeline', 'resume.json');
    const first = spawn(
      process.execPath,
      ['--import', 'tsx', FIXTURE, server.url, customer.joinCode, stateFile, x.display],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(first);
    const firstOut = watch(first);
    await firstOut.until('JOINED');
    viewer = await NodeViewer.connect(server.wsUrl, server.url, agent.token, customer.sessionId);
    await viewer.until(() => viewer!.sas !== null, 15_000, 'keys');
    expect(await settle(viewer)).toBe(0);

    // The agent asks for a reboot; the customer granted it.
    await viewer.sendControl({ type: 'session.reboot' });
    await firstOut.until('REBOOT systemctl reboot');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    const saved = await readResumeState(stateFile);
    expect(saved.sessionId).toBe(customer.sessionId);
    first.kill('SIGKILL');
    await exited(first);
    await viewer.waitMessage((m) => m.type === 'helper.left' && m.reconnecting === true);
    await waitFor(() => server.services.workflow.screen.stateOf(customer.sessionId) === 'reconnecting');

    // After the restart: the real bundled helper, on a terminal.
    const from = viewer.messages.length;
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bundle.path)} resume --state-file ${JSON.stringify(stateFile)}`;
    const second = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
      env: { ...process.env, DISPLAY: x.display, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(second);
    const out = watch(second);
    await out.until('Resuming the session');
    await viewer.waitMessage((m) => m.type === 'helper.joined', from);
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).toBe('requested');
    // Consent is asked again, one capability at a time, in the terminal.
    for (const [question, answer] of [
      ['to see your screen? [y/N]', 'y'],
      ['to control your mouse and keyboard? [y/N]', 'yes'],
      ['clipboard? [y/N]', 'n'],
      ['files? [y/N]', ''],
      ['restart this computer', 'n'],
    ] as const) {
      await out.until(question);
      second.stdin!.write(`${answer}\n`);
    }
    await out.until('Sharing with Alex Agent (screen, control). Type s and Enter to stop.');
    await out.until(/Security code with Alex Agent: \d{3} \d{3}/);
    const sas = /Security code with Alex Agent: (\d{3} \d{3})/.exec(out.text())![1];
    await viewer.until(() => viewer!.sas === sas, 15_000, 'the same SAS on both ends');
    // The X indicator window is on the screen (white on red, top centre) and in the picture.
    await waitFor(() => {
      const shot = xwdCapture(x.display);
      const o = (5 * shot.width + shot.width / 2) * 4;
      return shot.data[o + 2] === 0xb0 && shot.data[o + 1] === 0x00 && shot.data[o] === 0x20;
    });
    expect(await settle(viewer)).toBe(0);
    // The state file was used up: a resume token works once.
    await expect(readResumeState(stateFile)).rejects.toMatchObject({ code: 'not_found' });

    // "s" + Enter stops sharing.
    second.stdin!.write('s\n');
    await viewer.waitMessage((m) => m.type === 'helper.left' && m.reconnecting === false, from);
    const code = await exited(second).catch((e: unknown) => {
      throw new Error(`${String(e)}; output:\n${out.text().slice(-2000)}`);
    });
    expect(code).toBe(0);
    expect(out.text()).toContain('You stopped sharing.');
    await waitFor(() => server.services.workflow.screen.stateOf(customer.sessionId) === 'none');
  });
});

async function waitFor(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await wait(50);
  }
}
