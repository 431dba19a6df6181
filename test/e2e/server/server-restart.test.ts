/**
 * The server killed with SIGKILL in the middle of a session, and started again on the same data
 * folder and port, all real processes: `lifeline serve` (bin/lifeline.mjs) in its own process; the
 * bundled `lifeline-helper join` on a terminal (a pty from `script`, consent answered there) on
 * Xvfb with a temporary home; the agent's real viewer core (ViewerSession) and the agent's and
 * customer's sockets in this process. Mid-session (chat going, the screen shared, a file moving)
 * the server is killed; once it serves again:
 *   - the chat is intact: both sides reconnect with their tokens, the transcript has every line
 *     once, and the next line continues the sequence without a gap;
 *   - the picture is back within 10 s of the server serving again, with no new code and no new
 *     consent (the same helper process resumed with its token; it asked nothing);
 *   - the transfer completes from the bytes already there, with the right SHA-256, and leaves
 *     no part file.
 * LIFELINE_SOAK=N repeats the kill N times (the soak); LIFELINE_RESTART_MB sets the file size.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { AgentViewer } from '../../support/agent-viewer';
import { answerConsentWindow } from '../../support/helper-windows';
import { until } from '../../support/polling';
import { randomFile, sha256Of } from '../../support/random-files';
import { findDescendant, killNine, running, soakRounds, watch, type Watched } from '../../support/processes';
import { makeDataDir, startTestServer } from '../../support/test-server';
import { addPortal, signInAgent, type SignedInAgent } from '../../support/workflow';
import { TestWsClient, type TestMessage } from '../../support/ws-client';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { buildHelperBundle, REPO_ROOT, type HelperBundle } from '../../host/native/helper-bundle';

const BYTES = Number(process.env.LIFELINE_RESTART_MB ?? '64') * 1_000_000;
const ROUNDS = soakRounds();
/** The bound: the picture is back this soon after the server serves again, in ms. */
const PICTURE_BACK_MS = 10_000;
const SLUG = 'restart-server';

let x: XDisplay;
let bundle: HelperBundle;
let tmp: string;
let home: string;
let dataDir: string;
let port: number;
let url: string;
let wsUrl: string;
let serverProc: ChildProcess | null = null;
let agentUser: SignedInAgent;
let agent: TestWsClient;
let customer: TestWsClient;
let requestToken: string;
let sessionId: string;
let viewer: AgentViewer;
let helperPid: number;
let helperOut: Watched;
const children: ChildProcess[] = [];
const figures: Record<string, number[]> = {};

function figure(name: string, value: number): void {
  (figures[name] ??= []).push(Math.round(value));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** `lifeline serve` on the data folder and port; resolves once it serves (performance.now()). */
async function startServerProcess(): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      'bin/lifeline.mjs',
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--data',
      dataDir,
      '--quiet',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  serverProc = child;
  await watch(child).until('Lifeline is serving on', 60_000);
  return performance.now();
}

async function connectAgent(): Promise<TestWsClient> {
  const c = await TestWsClient.connect(wsUrl, url);
  c.send({ type: 'agent.hello', token: agentUser.token, protocol: PROTOCOL_VERSION });
  const w = await c.waitFor((m) => m.type === 'agent.welcome' || m.type === 'error', 10_000, 'agent.welcome');
  if (w.type !== 'agent.welcome') throw new Error(`agent refused: ${JSON.stringify(w)}`);
  return c;
}

async function connectCustomer(): Promise<{ client: TestWsClient; welcome: TestMessage }> {
  const c = await TestWsClient.connect(wsUrl, url);
  c.send({ type: 'customer.hello', requestToken, protocol: PROTOCOL_VERSION });
  const welcome = await c.waitType('customer.welcome', 10_000);
  return { client: c, welcome };
}

/** Retries `connect` while the server is coming back (as the page and the extension do). */
async function reconnect<T>(connect: () => Promise<T>): Promise<T> {
  return until('a connection', () => connect().catch(() => undefined), 30_000) as Promise<T>;
}

async function say(from: TestWsClient, as: 'agent' | 'customer', text: string): Promise<number> {
  const msg = as === 'agent' ? { type: 'chat.send', sessionId, text } : { type: 'chat.send', text };
  const r = await from.request(msg, 10_000);
  if (r.type !== 'reply') throw new Error(`chat refused: ${JSON.stringify(r)}`);
  return (r.result as { line: { seq: number } }).line.seq;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-srv-restart-'));
  home = path.join(tmp, 'home');
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(path.join(home, d), { recursive: true });
  mkdirSync(path.join(tmp, 'agent-downloads'));
  dataDir = makeDataDir();
  // Accounts first, with the real services on the same folder; then the server in its own process.
  const setup = await startTestServer({ dataDir });
  await addPortal(setup, SLUG);
  agentUser = await signInAgent(setup, { portals: [SLUG], name: 'Alex Agent' });
  await setup.stop(true);
  [x, bundle, port] = await Promise.all([
    startXvfb({ width: 800, height: 600 }),
    buildHelperBundle(),
    freePort(),
  ]);
  x.run('xsetroot', ['-solid', '#406020']);
  url = `http://127.0.0.1:${port}`;
  wsUrl = `ws://127.0.0.1:${port}/ws`;
  await startServerProcess();

  agent = await connectAgent();
  const res = await fetch(`${url}/api/v1/portals/${SLUG}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Casey Customer', problem: 'My printer is on fire' }),
  });
  const body = (await res.json()) as { requestToken: string; session: { sessionId: string } };
  requestToken = body.requestToken;
  sessionId = body.session.sessionId;
  customer = (await connectCustomer()).client;
  expect((await agent.request({ type: 'request.accept', sessionId }, 10_000)).type).toBe('reply');
  await say(customer, 'customer', 'hello, my printer');
  await say(agent, 'agent', 'let me look at your screen');
  const code = await agent.request({ type: 'screen.request', sessionId }, 10_000);
  const joinCode = (code.result as { joinCode: string }).joinCode;

  const env = {
    ...process.env,
    HOME: home,
    XDG_STATE_HOME: path.join(tmp, 'state'),
    DISPLAY: x.display,
    TERM: 'dumb',
  };
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bundle.path)} join ${joinCode} --server ${url}`;
  const helper = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(helper);
  helperOut = watch(helper);
  await helperOut.until('Connected.', 30_000);
  viewer = new AgentViewer({
    wsUrl,
    origin: url,
    token: agentUser.token,
    sessionId,
    downloads: path.join(tmp, 'agent-downloads'),
  });
  // The customer answers in the helper's own consent window (it has a display), with the keyboard.
  await answerConsentWindow(
    x,
    ['view', 'control', 'clipboard', 'files', 'reboot'],
    ['view', 'control', 'files'],
  );
  helperPid = await findDescendant(helper.pid!, bundle.path);
  await until('the picture', () => viewer.snapshot.phase === 'streaming', 30_000);
  await until(
    'the files link',
    () => viewer.files.snapshot().connected && viewer.files.snapshot().allowed,
    30_000,
  );
}, 240_000);

afterAll(async () => {
  viewer?.close();
  agent?.close();
  customer?.close();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (helperPid) await killNine(helperPid).catch(() => undefined);
  await x?.stop();
  bundle?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  console.log(`server restart figures (${ROUNDS} rounds)`, JSON.stringify(figures));
});

describe('the server killed with SIGKILL mid-session and started again on the same folder and port', () => {
  it(
    'keeps the chat, brings the picture back without a new code, and completes the transfer',
    async () => {
      const src = path.join(tmp, 'upload.bin');
      const sha = randomFile(src, BYTES);
      let seq = 2; // the two lines said before the screen was shared
      for (let round = 1; round <= ROUNDS; round++) {
        const name = `during-restart-${round}.bin`;
        seq = await say(customer, 'customer', `line before restart ${round}`);
        const id = viewer.files.send(await openAsBlob(src), name, { place: 'Documents', dirs: [] });
        await until(
          'a third written',
          () => (viewer.transfer(id)?.figures.doneBytes ?? 0) > BYTES / 3,
          120_000,
        );
        const promptsBefore = (helperOut.text().match(/\[y\/N\]/g) ?? []).length;

        const killedAt = performance.now();
        await killNine(serverProc!.pid!);
        await until('the viewer notices', () => viewer.snapshot.phase === 'connecting', 15_000);
        const servingAt = await startServerProcess();
        figure('serverStartMs', servingAt - killedAt);

        // The picture: back within 10 s of the server serving, without a new code or consent.
        await until('the picture back', () => viewer.snapshot.phase === 'streaming', 30_000);
        const back = performance.now() - servingAt;
        figure('pictureBackAfterServingMs', back);
        figure('pictureBackAfterKillMs', performance.now() - killedAt);
        expect(back).toBeLessThan(PICTURE_BACK_MS);
        expect(running(helperPid)).toBe(true);
        expect((helperOut.text().match(/\[y\/N\]/g) ?? []).length).toBe(promptsBefore);

        // The chat: both sides back with their tokens, every line once, the sequence goes on.
        agent.close();
        customer.close();
        agent = await reconnect(connectAgent);
        const again = await reconnect(connectCustomer);
        customer = again.client;
        const lines = again.welcome.transcript as { seq: number; text: string }[];
        expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
        expect(lines.at(-1)).toMatchObject({ seq, text: `line before restart ${round}` });
        const next = await say(agent, 'agent', `line after restart ${round}`);
        expect(next).toBe(seq + 1);
        await customer.waitFor(
          (m) => m.type === 'chat.message' && (m.line as { seq: number }).seq === next,
          10_000,
          'the agent’s line',
        );
        seq = next;

        // The transfer goes on from what the helper had written, and lands whole.
        await viewer.phase(id, 'done', 300_000);
        figure('transferDoneAfterServingMs', performance.now() - servingAt);
        expect(await sha256Of(path.join(home, 'Documents', name))).toBe(sha);
        expect(readdirSync(path.join(home, 'Documents')).filter((n) => n.endsWith('.lifeline-part'))).toEqual(
          [],
        );
        rmSync(path.join(home, 'Documents', name));
      }
    },
    600_000 * ROUNDS,
  );
});
