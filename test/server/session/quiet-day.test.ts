/**
 * No inactivity timeout and no duration limit (DESIGN: "Sessions never end for inactivity and have
 * no duration limit"): a support session with chat and screen sharing stays up through 24 hours
 * of silence on a fake clock, through the real server's code paths: its clock (ctx.now is
 * Date.now), its timers (heartbeat, presence grace, answer deadlines, reconnect grace) and the
 * clients' (the helper's link-silence watch and state refresh), all on vitest's fake timers, with
 * real sockets on 127.0.0.1 between them.
 *
 * The heartbeat has to keep working, so the day advances one heartbeat interval at a time, and
 * after each step the test waits (in real time) until every server socket has answered that
 * step's ping: the server's real Heartbeat then finds each socket alive on the next round. A
 * socket killed or closed on the way fails the test. After the day: the session is still
 * accepted, the screen still streaming, the agent's viewer gets the customer's picture, and chat
 * goes both ways.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WebSocket } from 'ws';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SessionClient } from '../../../host/session/session-client';
import { HEARTBEAT_INTERVAL_MS } from '../../../protocol/limits';
import { ViewerSession } from '../../../ui/viewer/viewer-session';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  screenRequested,
  seen,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { countDiff } from '../../host/screen/synthetic';
import { FramebufferPainter } from '../../ui/viewer/support/framebuffer-painter';
import { fakeHelperPlatform } from '../../ui/viewer/support/fake-helper-platform';
import { InProcessDecoder } from '../../ui/viewer/support/in-process-decoder';
import { NodeSocket } from '../../ui/viewer/support/node-socket';

const DAY_MS = 24 * 60 * 60_000;
/** Real time a step may take for every socket's pong to come back (a slow machine, not a limit). */
const PONG_WAIT_MS = 10_000;

// Captured before the clock is faked: the test's own waits for real I/O.
const realSetTimeout = globalThis.setTimeout;
const realWait = (ms: number) => new Promise<void>((r) => realSetTimeout(r, ms));

let server: TestServer | undefined;
let helper: SessionClient | undefined;
let agent: ConnectedAgent | undefined;
let customer: (ConnectedCustomer & { joinCode: string }) | undefined;
let tmp: string | undefined;

afterAll(async () => {
  vi.useRealTimers();
  await helper?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function realUntil(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await realWait(5);
  }
}

/** A viewer that shows the customer's picture; resolves once it equals the helper's desktop. */
async function pictureArrives(platform: ReturnType<typeof fakeHelperPlatform>): Promise<ViewerSession> {
  const painter = new FramebufferPainter();
  const viewer = new ViewerSession({
    url: server!.wsUrl,
    token: agent!.token,
    sessionId: customer!.sessionId,
    painter,
    createDecoder: () => new InProcessDecoder(),
    createSocket: (url) => new NodeSocket(url, server!.url),
  });
  const d = platform.source.desktop;
  await realUntil(
    'the picture',
    () => painter.width === d.width && painter.height === d.height && countDiff(d, painter.data) === 0,
  );
  expect(viewer.snapshot.phase).toBe('streaming');
  return viewer;
}

describe('a quiet support session over 24 hours', () => {
  it('never times out: heartbeats go on, chat and screen sharing still work after the day', async () => {
    // Everything below (the server's timers included) runs on the fake clock; it also follows
    // real time while the test waits for sockets (shouldAdvanceTime).
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      shouldAdvanceTime: true,
    });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-quiet-day-'));
    server = await startTestServer();
    await addPortal(server, 'quiet');
    agent = await addAgent(server, { portals: ['quiet'], name: 'Quinn Quiet' });
    customer = await screenRequested(server, agent, 'quiet');
    const platform = fakeHelperPlatform();
    helper = new SessionClient({
      version: '0.1.0',
      system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: ':0' } },
      platform: () => Promise.resolve(platform),
      stateFile: path.join(tmp, 'resume.json'),
      log: () => undefined,
    });
    helper.onEvent((e) => {
      if (e.type === 'host.consent_needed') void helper!.consent({ ...ALL_GRANTS, files: false });
    });
    await helper.join({ server: server.url, joinCode: customer.joinCode });
    (await pictureArrives(platform)).close();
    await realUntil('the viewer gone', () => server!.hub.connections() === 3);

    // The three sockets of the quiet day: agent, customer, helper. Count pongs and closes.
    const sockets = [...server.hub.wss.clients] as WebSocket[];
    expect(sockets).toHaveLength(3);
    const pongs = new Map<WebSocket, number>(sockets.map((ws) => [ws, 0]));
    let closed = 0;
    for (const ws of sockets) {
      ws.on('pong', () => pongs.set(ws, pongs.get(ws)! + 1));
      ws.on('close', () => closed++);
    }

    const start = Date.now();
    const steps = DAY_MS / HEARTBEAT_INTERVAL_MS;
    for (let step = 1; step <= steps; step++) {
      await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
      // Each socket was pinged once in this interval: its pong must be back before the next round.
      await realUntil(
        `every pong of step ${step}`,
        () => closed > 0 || [...pongs.values()].every((n) => n >= step),
        PONG_WAIT_MS,
      );
      expect(closed).toBe(0);
    }
    expect(Date.now() - start).toBeGreaterThanOrEqual(DAY_MS);
    expect(Math.min(...pongs.values())).toBeGreaterThanOrEqual(steps);

    // A day later: nothing ended, nothing moved.
    expect(closed).toBe(0);
    const session = await server.store.sessions.byId(customer.sessionId);
    expect(session?.state).toBe('accepted');
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).toBe('streaming');
    expect(helper.viewerStats()).toEqual([]);

    // Chat both ways.
    const fromCustomer = customer.client.received.length;
    await agent.client.request({ type: 'chat.send', sessionId: customer.sessionId, text: 'Still there?' });
    await seen(
      customer.client,
      (m) => m.type === 'chat.message' && (m.line as { text: string }).text === 'Still there?',
      'the agent line',
      fromCustomer,
    );
    const fromAgent = agent.client.received.length;
    await customer.client.request({ type: 'chat.send', text: 'Yes, a day later.' });
    await seen(
      agent.client,
      (m) => m.type === 'chat.message' && (m.line as { text: string }).text === 'Yes, a day later.',
      'the customer line',
      fromAgent,
    );
    // Screen sharing: a new viewer gets the picture.
    (await pictureArrives(platform)).close();
  }, 600_000);
});
