/**
 * The helper killed with SIGKILL in the middle of a large transfer, and started again by the
 * customer, all real processes: the bundled `lifeline-helper join` on a terminal (a pty from
 * util-linux `script`, consent answered y/n there), on Xvfb with a temporary home (its places are
 * that home's folders); the agent's real viewer core (ViewerSession) in this process; the real
 * server. After the kill, the customer runs `lifeline-helper resume` (no terminal needed): it
 * comes back into the same session with the consent saved when it was given, the picture comes
 * back, and the transfer completes from the bytes already on disk with the right SHA-256. No part
 * file and no journal entry stays. LIFELINE_SOAK=N repeats each kill N times, and
 * LIFELINE_RESTART_MB sets the size (64 MB in `npm test`, 200 MB in the soak).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentViewer } from '../../support/agent-viewer';
import { answerConsentWindow } from '../../support/helper-windows';
import { until } from '../../support/polling';
import { randomFile, sha256Of } from '../../support/random-files';
import { exited, findDescendant, killNine, soakRounds, watch, type Watched } from '../../support/processes';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAgent, addPortal, closeAll, screenRequested, type ConnectedAgent } from '../../support/workflow';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { buildHelperBundle, type HelperBundle } from '../../host/native/helper-bundle';

/** Size of the transfers killed mid-way: 64 MB in `npm test`, LIFELINE_RESTART_MB=200 for the soak. */
const BYTES = Number(process.env.LIFELINE_RESTART_MB ?? '64') * 1_000_000;
const ROUNDS = soakRounds();

let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let bundle: HelperBundle;
let viewer: AgentViewer;
let tmp: string;
let home: string;
let env: NodeJS.ProcessEnv;
/** The helper running now: its process (the wrapper, if any), its own pid, and its output. */
let helper: { child: ChildProcess; pid: number; out: Watched };
const children: ChildProcess[] = [];
const figures: Record<string, number[]> = {};

function figure(name: string, value: number): void {
  (figures[name] ??= []).push(Math.round(value));
}

const parts = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.lifeline-part'));
const journal = () => path.join(tmp, 'state', 'lifeline', 'transfers');

/** `lifeline-helper resume`, as the customer types it after the helper died: no terminal needed. */
async function restartHelper(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [bundle.path, 'resume'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = watch(child);
  helper = { child, pid: child.pid!, out };
  await out.until('Back in the session. You allowed earlier: screen, files', 30_000);
  expect(out.text()).not.toContain('[y/N]');
  return started;
}

/** Kills the helper running now with SIGKILL, as a crash would. */
async function killHelper(): Promise<void> {
  await killNine(helper.pid);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-restart-'));
  home = path.join(tmp, 'home');
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(path.join(home, d), { recursive: true });
  mkdirSync(path.join(tmp, 'agent-downloads'));
  [x, server, bundle] = await Promise.all([
    startXvfb({ width: 800, height: 600 }),
    startTestServer(),
    buildHelperBundle(),
  ]);
  x.run('xsetroot', ['-solid', '#204060']);
  await addPortal(server, 'restart-e2e');
  agent = await addAgent(server, { portals: ['restart-e2e'], name: 'Alex Agent' });
  const customer = await screenRequested(server, agent, 'restart-e2e');
  env = {
    ...process.env,
    HOME: home,
    XDG_STATE_HOME: path.join(tmp, 'state'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    DISPLAY: x.display,
    TERM: 'dumb',
  };
  // The first helper: the customer types the code on a terminal and answers there.
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bundle.path)} join ${customer.joinCode} --server ${server.url}`;
  const first = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(first);
  const out = watch(first);
  await out.until('Connected.', 30_000);
  viewer = new AgentViewer({
    wsUrl: server.wsUrl,
    origin: server.url,
    token: agent.token,
    sessionId: customer.sessionId,
    downloads: path.join(tmp, 'agent-downloads'),
  });
  // The customer answers in the helper's own consent window (it has a display), with the keyboard.
  await answerConsentWindow(x, ['view', 'control', 'clipboard', 'files', 'reboot'], ['view', 'files']);
  helper = { child: first, pid: await findDescendant(first.pid!, bundle.path), out };
  await until('the picture', () => viewer.snapshot.phase === 'streaming', 30_000);
  await until(
    'the files link',
    () => viewer.files.snapshot().connected && viewer.files.snapshot().allowed,
    30_000,
  );
}, 180_000);

afterAll(async () => {
  viewer?.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (helper) await killNine(helper.pid).catch(() => undefined);
  await closeAll(agent?.client);
  await server?.stop();
  await x?.stop();
  bundle?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  console.log(`helper restart figures (${ROUNDS} rounds)`, JSON.stringify(figures));
});

describe('the helper killed with SIGKILL mid-transfer and started again', () => {
  it(
    `an upload of ${BYTES / 1e6} MB completes from the bytes on disk, with the right SHA-256`,
    async () => {
      const src = path.join(tmp, 'upload.bin');
      const sha = randomFile(src, BYTES);
      for (let round = 1; round <= ROUNDS; round++) {
        const name = `upload-${round}.bin`;
        const sentBefore = viewer.files.bytesSent;
        const id = viewer.files.send(await openAsBlob(src), name, { place: 'Documents', dirs: [] });
        await until(
          'a third written',
          () => (viewer.transfer(id)?.figures.doneBytes ?? 0) > BYTES / 3,
          120_000,
        );
        expect(parts(path.join(home, 'Documents'))).toEqual([`.${name}.${id}.lifeline-part`]);
        await killHelper();
        await until('interrupted', () => viewer.transfer(id)?.phase === 'interrupted', 30_000);
        expect(viewer.snapshot.helperReconnecting).toBe(true);
        const started = await restartHelper();
        await until('the picture back', () => viewer.snapshot.phase === 'streaming', 30_000);
        figure('pictureBackMs', performance.now() - started);
        await until('moving again', () => viewer.transfer(id)?.phase === 'sending', 30_000).catch(
          (err: Error) => {
            const t = viewer.transfer(id);
            throw new Error(
              `${err.message}; transfer ${t?.phase} ${JSON.stringify(t?.error ?? null)}; helper said: ${helper.out.text().slice(-1500)}`,
            );
          },
        );
        figure('uploadMovingAgainMs', performance.now() - started);
        await viewer.phase(id, 'done', 300_000);
        expect(await sha256Of(path.join(home, 'Documents', name))).toBe(sha);
        expect(parts(path.join(home, 'Documents'))).toEqual([]);
        expect(existsSync(journal()) ? readdirSync(journal()) : []).toEqual([]);
        figure('uploadResentBytes', viewer.files.bytesSent - sentBefore - BYTES);
        rmSync(path.join(home, 'Documents', name));
      }
    },
    600_000 * ROUNDS,
  );

  it(
    `a fetch of ${BYTES / 1e6} MB completes from the bytes the viewer holds, with the right SHA-256`,
    async () => {
      const src = path.join(home, 'Documents', 'fetch.bin');
      const sha = randomFile(src, BYTES);
      for (let round = 1; round <= ROUNDS; round++) {
        const id = viewer.files.fetch({ place: 'Documents', dirs: [] }, 'fetch.bin', BYTES);
        await until(
          'a third received',
          () => (viewer.transfer(id)?.figures.doneBytes ?? 0) > BYTES / 3,
          120_000,
        );
        const heldAtKill = viewer.transfer(id)!.figures.doneBytes;
        await killHelper();
        await until('interrupted', () => viewer.transfer(id)?.phase === 'interrupted', 30_000);
        const started = await restartHelper();
        await until('moving again', () => viewer.transfer(id)?.phase === 'sending', 30_000).catch(
          (err: Error) => {
            const t = viewer.transfer(id);
            throw new Error(
              `${err.message}; transfer ${t?.phase} ${JSON.stringify(t?.error ?? null)}; helper said: ${helper.out.text().slice(-1500)}`,
            );
          },
        );
        figure('fetchMovingAgainMs', performance.now() - started);
        await viewer.phase(id, 'done', 300_000);
        const saved = viewer.saved.get('fetch.bin')!;
        expect(await sha256Of(saved)).toBe(sha);
        expect(heldAtKill).toBeGreaterThan(0);
        rmSync(saved);
        expect(parts(path.join(home, 'Documents'))).toEqual([]);
      }
    },
    600_000 * ROUNDS,
  );

  it('stops cleanly at the end: the state file goes, nothing stays', async () => {
    const from = helper.out.text().length;
    helper.child.kill('SIGTERM');
    await helper.out.until('You stopped sharing.', 15_000, from);
    expect(await exited(helper.child)).toBe(0);
    await until('the viewer told', () => viewer.snapshot.phase === 'waiting_helper' || undefined, 15_000);
    expect(existsSync(path.join(tmp, 'state', 'lifeline', 'resume.json'))).toBe(false);
    expect(parts(path.join(home, 'Documents'))).toEqual([]);
  });
});
