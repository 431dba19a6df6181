/**
 * A screen shared across two server nodes, with real parts only: one real PostgreSQL 15, one
 * real Redis 7, two server nodes (each its own port, joined with --bus and --node-id), a real X
 * server (Xvfb) with an xterm running bash, the helper's real SessionClient on it joining node A
 * with the join code the agent got on A, and the agent's real viewer core (ViewerSession, with
 * its e2e key agreement, decoder and file transfers) connected to node B, which forwards it to A
 * over a node link.
 *
 * Checked: the viewer on B shows exactly what the X server shows (an xwd capture, pixel for
 * pixel), before and after typing; the viewer's keystrokes reach the shell on the customer's
 * desktop (it writes a file); a 5 MB file crosses from the agent to the customer's Documents
 * with the same SHA-256 and no temporary file left.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileAccess } from '../../../host/platform/files/node-file-access';
import { loadPlatform } from '../../../host/platform/registry';
import type { Platform } from '../../../host/platform/types';
import { SessionClient } from '../../../host/session/session-client';
import { JOIN_CODE_KEY_BYTES } from '../../../server/screen/join-code-key';
import { countDiff } from '../../host/screen/synthetic';
import { AgentViewer } from '../../support/agent-viewer';
import { startClusterNode } from '../../support/cluster-node';
import { until } from '../../support/polling';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { randomFile, sha256Of } from '../../support/random-files';
import { startRedis, type RedisServer } from '../../support/redis';
import type { TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { xwdCapture } from '../screen/xwd-capture';

const FILE_BYTES = 5_000_000;
const slug = 'cross-node-e2e';

let pg: PostgresServer;
let redis: RedisServer;
let a: TestServer;
let b: TestServer;
let x: XDisplay;
let tmp: string;
let home: string;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let client: SessionClient;
let viewer: AgentViewer;

/** The real platform of this machine, with file access over the test's home. */
function withHome(p: Platform, files: NodeFileAccess): Platform {
  return {
    name: p.name,
    screen: () => p.screen(),
    input: () => p.input(),
    clipboard: () => p.clipboard(),
    files: () => files,
    reboot: () => p.reboot(),
  };
}

/** Pixels where the viewer's picture differs from an xwd capture once they agree (or 15 s pass). */
async function settledDiff(): Promise<number> {
  let diff = -1;
  await until(
    'the picture on B to equal the X capture',
    () => {
      const p = viewer.painter;
      const truth = xwdCapture(x.display);
      if (p.width !== truth.width || p.height !== truth.height) return false;
      diff = countDiff(truth, p.data);
      return diff === 0;
    },
    15_000,
  ).catch(() => undefined);
  return diff;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-cross-node-'));
  home = path.join(tmp, 'home');
  for (const d of ['Desktop', 'Documents', 'Downloads']) mkdirSync(path.join(home, d), { recursive: true });
  [pg, redis, x] = await Promise.all([startPostgres(), startRedis(), startXvfb({ width: 800, height: 600 })]);
  x.run('xsetroot', ['-solid', '#000000']);
  x.spawnClient('xterm', ['-geometry', '70x20+20+20', '-e', 'bash', '--norc', '--noprofile'], {
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
    PS1: '$ ',
    HOME: tmp,
  });
  await until('the xterm window', () => {
    try {
      return x.run('xdotool', ['search', '--onlyvisible', '--class', 'xterm']).trim() !== '';
    } catch {
      return false;
    }
  });
  const place = {
    storeUrl: await pg.createDatabase(),
    busUrl: redis.url,
    joinKey: randomBytes(JOIN_CODE_KEY_BYTES),
  };
  a = await startClusterNode(place, 'node-a');
  b = await startClusterNode(place, 'node-b');
  await addPortal(a, slug);
  agent = await addAgent(a, { portals: [slug], name: 'Alex Agent' });
  customer = await screenRequested(a, agent, slug);

  const files = new NodeFileAccess({ home, env: {} });
  client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    stateFile: path.join(tmp, 'state', 'resume.json'),
    log: () => undefined,
    reconnect: { firstDelayMs: 50, maxDelayMs: 500 },
    platform: async (system) => withHome(await loadPlatform({ system }), files),
  });
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent({ ...ALL_GRANTS, reboot: false });
  });
  await client.join({ server: a.url, joinCode: customer.joinCode });
  viewer = new AgentViewer({
    wsUrl: b.wsUrl,
    origin: b.url,
    token: agent.token,
    sessionId: customer.sessionId,
    downloads: path.join(tmp, 'agent-downloads'),
  });
  await until('the picture on B', () => viewer.snapshot.phase === 'streaming', 20_000);
}, 120_000);

afterAll(async () => {
  viewer?.close();
  await client?.close();
  await closeAll(agent?.client, customer?.client);
  await b?.stop();
  await a?.stop();
  await x?.stop();
  await redis?.stop();
  await pg?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a screen shared across two nodes (helper on A, viewer on B)', () => {
  it("shows the viewer on B exactly the customer's screen, and B's keystrokes reach the customer's shell", async () => {
    // The viewer's socket is B's; the relay room is A's.
    expect(a.services.workflow.screen.relay.viewersOf(customer.sessionId)).toHaveLength(1);
    expect(b.services.workflow.screen.relay.viewersOf(customer.sessionId)).toHaveLength(0);
    expect(await settledDiff()).toBe(0);

    x.run('xdotool', ['mousemove', '200', '150']); // no window manager: focus follows the pointer
    const marker = path.join(tmp, 'typed-on-b');
    expect(viewer.session.sendInput({ type: 'text', text: `touch ${marker}` })).toBe(true);
    viewer.session.sendInput({ type: 'key', code: 'Enter', down: true });
    viewer.session.sendInput({ type: 'key', code: 'Enter', down: false });
    await until('the shell to run what the viewer on B typed', () => existsSync(marker), 15_000);
    expect(await settledDiff()).toBe(0);
  }, 60_000);

  it("sends a file from the viewer on B into the customer's Documents, byte for byte", async () => {
    await until('the files link', () => viewer.files.snapshot().connected && viewer.files.snapshot().allowed);
    const src = path.join(tmp, 'across.bin');
    const sha = randomFile(src, FILE_BYTES);
    const id = viewer.files.send(await openAsBlob(src), 'across.bin', { place: 'Documents', dirs: [] });
    const done = await viewer.phase(id, 'done', 60_000);
    expect(done.savedAs).toBe('across.bin');
    expect(await sha256Of(path.join(home, 'Documents', 'across.bin'))).toBe(sha);
    expect(readdirSync(path.join(home, 'Documents')).filter((n) => n.endsWith('.lifeline-part'))).toEqual([]);
  }, 90_000);
});
