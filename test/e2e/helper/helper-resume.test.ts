/**
 * Reboot and resume, with real processes: a helper process (the real session client and X11
 * platform; its `systemctl reboot` is recorded, not run: this machine must not reboot) joins with
 * the agent's code and shares; the agent's viewer core (ViewerSession) asks for a reboot, which
 * the customer granted; the helper saves its resume state (0600, with the consent given) and
 * "reboots"; the test kills it with SIGKILL, as the restart would. Then the real bundled
 * `lifeline-helper resume` starts on a terminal (a pty from util-linux `script`), comes back into
 * the same session with the consent the customer gave (nothing asked again), shares the same
 * session again (the viewer's picture equals an xwd capture), shows the X indicator window and
 * the terminal line, and stops when the customer types "s" + Enter.
 *
 * Linux's way back by itself: before restarting, the helper writes a one-session XDG autostart
 * entry (valid for desktop-file-validate) whose Exec is its own `resume` command; the resumed
 * helper removes it once back in the session. Then the whole loop with nobody typing anything:
 * `dex -a` runs the login's autostart entries as a desktop session would, and the helper comes
 * back into the session by itself (no terminal), the entry gone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResumeState } from '../../../host/session/resume-state-file';
import { AgentViewer } from '../../support/agent-viewer';
import { until } from '../../support/polling';
import { exited, killNine, watch } from '../../support/processes';
import { RESUME_ENTRY_NAME } from '../../../host/platform/linux/xdg-resume-entry';
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
import { buildHelperBundle, REPO_ROOT, type HelperBundle } from '../../host/native/helper-bundle';
import { countDiff } from '../../host/screen/synthetic';
import { xwdCapture } from '../screen/xwd-capture';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'reboot-helper.ts');
let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let bundle: HelperBundle;
let tmp: string;
/** The customer's XDG config folder: where the autostart entry goes. */
let config: string;
let entry: string;
const children: ChildProcess[] = [];
let viewer: AgentViewer | undefined;

/** Waits until the viewer's picture equals the X server's (an xwd capture); returns the last difference. */
async function settle(v: AgentViewer, timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let diff = -1;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 150));
    const p = v.painter;
    if (p.width === 0) continue;
    const truth = xwdCapture(x.display);
    if (truth.width !== p.width || truth.height !== p.height) continue;
    diff = countDiff(truth, p.data);
    if (diff === 0) return 0;
  }
  return diff;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-resume-'));
  config = path.join(tmp, 'my config');
  entry = path.join(config, 'autostart', RESUME_ENTRY_NAME);
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
  it('saves the state, is killed, and `lifeline-helper resume` on a terminal shares the same session again, asking nothing', async () => {
    const customer = await screenRequested(server, agent, 'resume-e2e');
    const stateFile = path.join(tmp, 'state', 'lifeline', 'resume.json');
    const first = startRebootHelper(customer.joinCode, stateFile);
    const firstOut = watch(first);
    await firstOut.until('JOINED');
    mkdirSync(path.join(tmp, 'downloads'), { recursive: true });
    const v = (viewer = new AgentViewer({
      wsUrl: server.wsUrl,
      origin: server.url,
      token: agent.token,
      sessionId: customer.sessionId,
      downloads: path.join(tmp, 'downloads'),
    }));
    await until('the picture', () => v.snapshot.phase === 'streaming', 15_000);
    expect(await settle(v)).toBe(0);

    // The agent asks for a reboot from the viewer; the customer granted it.
    await until('the reboot grant', () => v.snapshot.grants?.reboot === true);
    expect(v.session.requestReboot()).toBe(true);
    await firstOut.until('REBOOT systemctl reboot');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    // The way back by itself: a valid autostart entry that runs this helper's own `resume`.
    expect(readFileSync(entry, 'utf8')).toContain(
      `Exec="${process.execPath}" "${bundle.path}" "resume" "--state-file" "${stateFile}"`,
    );
    expect(validate(entry)).toBe('');
    const saved = await readResumeState(stateFile);
    expect(saved).toMatchObject({
      sessionId: customer.sessionId,
      consent: {
        grants: { view: true, control: true, clipboard: false, files: false, reboot: true },
        agents: ['Alex Agent'],
      },
    });
    first.kill('SIGKILL');
    await exited(first);
    await until('the viewer told the helper will be back', () => v.snapshot.helperReconnecting);
    await until(
      'reconnecting',
      () => server.services.workflow.screen.stateOf(customer.sessionId) === 'reconnecting',
    );

    // After the restart: the real bundled helper, on a terminal.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bundle.path)} resume --state-file ${JSON.stringify(stateFile)}`;
    const second = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
      env: { ...process.env, DISPLAY: x.display, TERM: 'dumb', XDG_CONFIG_HOME: config },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(second);
    const out = watch(second);
    await out.until('Resuming the session');
    // The customer answered before the reboot: nothing is asked again, and they are told so.
    await out.until('Back in the session. You allowed earlier: screen, control, restart (Alex Agent)');
    await out.until('Sharing with Alex Agent (screen, control, restart). Type s and Enter to stop.');
    expect(out.text()).not.toContain('[y/N]');
    // Back in the session: the entry has done its job.
    await waitFor(() => !existsSync(entry));
    await out.until(/Security code with Alex Agent: \d{3} \d{3}/);
    const sas = /Security code with Alex Agent: (\d{3} \d{3})/.exec(out.text())![1];
    await until('the same SAS on both ends', () => v.snapshot.sas === sas);
    // The X indicator window is on the screen (white on red, top centre) and in the picture.
    await waitFor(() => {
      const shot = xwdCapture(x.display);
      const o = (5 * shot.width + shot.width / 2) * 4;
      return shot.data[o + 2] === 0xb0 && shot.data[o + 1] === 0x00 && shot.data[o] === 0x20;
    });
    expect(await settle(v)).toBe(0);
    // The new helper keeps the state current: a new token (the old one works once).
    await waitFor(() => {
      try {
        return (
          (JSON.parse(readFileSync(stateFile, 'utf8')) as { resumeToken: string }).resumeToken !==
          saved.resumeToken
        );
      } catch {
        return false;
      }
    });

    // "s" + Enter stops sharing; the state goes with it.
    second.stdin!.write('s\n');
    await until('the viewer told', () => v.snapshot.notice?.key === 'helperLeft');
    const code = await exited(second).catch((e: unknown) => {
      throw new Error(`${String(e)}; output:\n${out.text().slice(-2000)}`);
    });
    expect(code).toBe(0);
    expect(out.text()).toContain('You stopped sharing.');
    await waitFor(() => server.services.workflow.screen.stateOf(customer.sessionId) === 'none');
    expect(existsSync(stateFile)).toBe(false);
  });

  it('comes back by itself at the next login: the autostart entry runs `resume`, then goes', async () => {
    const customer = await screenRequested(server, agent, 'resume-e2e');
    const stateFile = path.join(tmp, 'state2', 'lifeline', 'resume.json');
    const first = startRebootHelper(customer.joinCode, stateFile);
    await watch(first).until('JOINED');
    viewer?.close();
    const v = (viewer = new AgentViewer({
      wsUrl: server.wsUrl,
      origin: server.url,
      token: agent.token,
      sessionId: customer.sessionId,
      downloads: path.join(tmp, 'downloads'),
    }));
    await until('the reboot grant', () => v.snapshot.phase === 'streaming' && v.snapshot.rebootAllowed);
    expect(v.session.requestReboot()).toBe(true);
    await until('the entry', () => existsSync(entry));
    await killNine(first.pid!);
    await until('waiting for the computer', () => v.snapshot.reboot?.stage === 'waiting');

    // The next login: the desktop runs the user's autostart entries (only theirs: no system folder).
    const login = spawn('dex', ['-a', '-w'], {
      env: {
        PATH: process.env.PATH,
        HOME: path.join(tmp, 'home'),
        DISPLAY: x.display,
        XDG_CONFIG_HOME: config,
        XDG_CONFIG_DIRS: path.join(tmp, 'no-system-autostart'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(login);
    const loginOut = watch(login);
    await until('back', () => v.snapshot.reboot?.stage === 'back', 30_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; the login's autostart said:\n${loginOut.text().slice(-2000)}`);
    });
    await until('the picture again', () => v.snapshot.phase === 'streaming', 15_000);
    expect(await settle(v)).toBe(0);
    await waitFor(() => !existsSync(entry));
    expect(loginOut.text()).toContain('Back in the session. You allowed earlier: screen, control, restart');
    // The agent ends the session: the resumed helper exits, and so does the login's autostart run.
    resultOf(await agent.client.request({ type: 'session.end', sessionId: customer.sessionId }));
    expect(await exited(login)).toBe(0);
  });
});

/** The reboot fixture: the real session client and X11 platform, its restart recorded. */
function startRebootHelper(joinCode: string, stateFile: string): ChildProcess {
  const resumeArgv = [process.execPath, bundle.path, 'resume', '--state-file', stateFile];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, server.url, joinCode, stateFile, x.display, JSON.stringify(resumeArgv)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, HOME: path.join(tmp, 'home'), XDG_CONFIG_HOME: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return child;
}

/** What desktop-file-validate says about a .desktop file (empty: valid). */
function validate(file: string): string {
  try {
    return execFileSync('desktop-file-validate', [file], { encoding: 'utf8' }).trim();
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

async function waitFor(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
