/**
 * The viewer core (ViewerSession) against the real server and the real helper session client:
 * real WebSockets on 127.0.0.1, the real relay, the real end-to-end handshake and encryption, the
 * real screen encoder and decoder. Only the customer's desktop is synthetic (a recording
 * platform; the real X11 desktop runs in test/e2e/viewer/) and the decoder runs in-process
 * instead of in a browser Worker.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionClient } from '../../../host/session/session-client';
import { ViewerSession, type ViewerSnapshot } from '../../../ui/viewer/viewer-session';
import { phaseText } from '../../../ui/viewer/view/status-bar';
import { catalogKey } from '../../../ui/viewer/viewer-text';
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
import { countDiff, fill } from '../../host/screen/synthetic';
import { FramebufferPainter } from './support/framebuffer-painter';
import {
  fakeHelperPlatform,
  RecordingSurface,
  type FakeHelperPlatform,
} from './support/fake-helper-platform';
import { InProcessDecoder } from './support/in-process-decoder';
import { NodeSocket, type Tamper } from './support/node-socket';

let server: TestServer;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let platform: FakeHelperPlatform;
let client: SessionClient;
let surface: RecordingSurface;
let tmp: string;
const slug = 'viewer-core';
const NO_CONTROL = { ...ALL_GRANTS, control: false, files: false, reboot: false };
const GRANTS = { ...ALL_GRANTS, files: false, reboot: false };

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

interface Opened {
  session: ViewerSession;
  painter: FramebufferPainter;
  clips: string[];
  states: ViewerSnapshot[];
}

const sockets: NodeSocket[] = [];

function openViewer(tamper?: Tamper, make?: (url: string) => NodeSocket): Opened {
  const painter = new FramebufferPainter();
  const clips: string[] = [];
  const states: ViewerSnapshot[] = [];
  const session = new ViewerSession({
    url: server.wsUrl,
    token: agent.token,
    sessionId: customer.sessionId,
    painter,
    createDecoder: () => new InProcessDecoder(),
    createSocket: (url) => {
      const socket = make ? make(url) : new NodeSocket(url, server.url, tamper);
      sockets.push(socket);
      return socket;
    },
    onClipboard: (t) => clips.push(t),
  });
  session.subscribe((s) => states.push(s));
  return { session, painter, clips, states };
}

/** The viewer's picture equals the helper's desktop (the synthetic desktop is all lossless content). */
async function pictureMatches(v: Opened, timeoutMs = 10_000): Promise<void> {
  await until(
    'the picture to equal the desktop',
    () => {
      const d = platform.source.desktop;
      return (
        v.painter.width === d.width && v.painter.height === d.height && countDiff(d, v.painter.data) === 0
      );
    },
    timeoutMs,
  );
}

let current: Opened | null = null;
afterEach(() => {
  current?.session.close();
  current = null;
});

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-viewer-core-'));
  server = await startTestServer();
  await addPortal(server, slug);
  agent = await addAgent(server, { portals: [slug], name: 'Vera Viewer' });
  customer = await screenRequested(server, agent, slug);
  platform = fakeHelperPlatform();
  surface = new RecordingSurface();
  client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: ':0' } },
    platform: () => Promise.resolve(platform),
    stateFile: path.join(tmp, 'resume.json'),
    annotations: surface,
    log: () => undefined,
  });
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent(GRANTS);
  });
  await client.join({ server: server.url, joinCode: customer.joinCode });
});

afterAll(async () => {
  await client?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('ViewerSession with the real helper session', () => {
  it('agrees keys with the helper: the same security code on both ends, then the picture', async () => {
    const v = (current = openViewer());
    const sas = await until('the security code', () => v.session.snapshot.sas);
    expect(sas).toMatch(/^\d{3} \d{3}$/);
    const helperSide = await until('the helper side', () => client.viewerStats().find((p) => p.sas !== null));
    expect(helperSide.sas).toBe(sas);
    await pictureMatches(v);
    expect(v.session.snapshot.phase).toBe('streaming');
    expect(v.session.snapshot.controlAllowed).toBe(true);
    expect(v.states.map((s) => s.phase)).toContain('securing');
    // The monitors arrive, and round trips are measured by ping/pong through the relay.
    expect(v.session.snapshot.monitors.map((m) => m.name)).toEqual(['LEFT', 'RIGHT']);
    const rtt = await until('a round trip', () => v.session.statsSnapshot().rttMs);
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(1000);
  });

  it('follows changes on the desktop and acknowledges what it applied', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    const r = { x: 100, y: 120, width: 40, height: 30 };
    platform.source.paint(r, (pb) => fill(pb, r, 0x3366cc));
    await pictureMatches(v);
    // Every screen byte sent was acknowledged by the viewer once applied (flow control's window).
    const flow = await until('the acks', () => {
      const f = client.viewerStats().find((p) => p.stats.state === 'ready')?.stats.screen?.flow;
      return f && f.sentBytes > 0 && f.ackedBytes === f.sentBytes ? f : undefined;
    });
    expect(flow.inFlightBytes).toBe(0);
  });

  it('sends input while control is granted, and none once it is revoked', async () => {
    const v = (current = openViewer());
    await until('control', () => v.session.snapshot.controlAllowed);
    const before = platform.sink.calls.length;
    expect(v.session.sendInput({ type: 'key', code: 'ArrowUp', down: true })).toBe(true);
    v.session.sendInput({ type: 'key', code: 'ArrowUp', down: false });
    v.session.sendInput({ type: 'text', text: 'é€ü' });
    v.session.sendInput({ type: 'pointer.button', button: 'left', down: true, x: 5, y: 6 });
    v.session.sendInput({ type: 'pointer.button', button: 'left', down: false, x: 5, y: 6 });
    await until('input at the helper', () => platform.sink.calls.length >= before + 7);
    expect(platform.sink.calls.slice(before)).toEqual([
      'key ArrowUp down',
      'key ArrowUp up',
      'type é€ü',
      'move 5,6',
      'button left down',
      'move 5,6',
      'button left up',
    ]);
    await client.consent(NO_CONTROL);
    await until('the revoke', () => !v.session.snapshot.controlAllowed);
    expect(v.session.snapshot.notice?.key).toBe('controlRevoked');
    expect(v.session.snapshot.phase).toBe('streaming');
    expect(v.session.sendInput({ type: 'key', code: 'KeyA', down: true })).toBe(false);
    await client.consent(GRANTS);
    await until('control again', () => v.session.snapshot.controlAllowed);
  });

  it('says so when the customer is using their own mouse, and moves again once it is still', async () => {
    const v = (current = openViewer());
    await until('control', () => v.session.snapshot.controlAllowed);
    v.session.sendInput({ type: 'pointer.move', x: 40, y: 30 });
    await until('the move at the helper', () => platform.sink.calls.at(-1) === 'move 40,30');
    platform.sink.customerMoves(200, 100);
    v.session.sendInput({ type: 'pointer.move', x: 41, y: 30 });
    await until('the notice', () => v.session.snapshot.notice?.key === 'customerHasPointer');
    expect(platform.sink.position).toEqual({ x: 200, y: 100 });
    await wait(1100);
    v.session.sendInput({ type: 'pointer.move', x: 42, y: 30 });
    await until('the move at the helper', () => platform.sink.calls.at(-1) === 'move 42,30');
  });

  it("sends the special keys menu's combinations and releases everything on request", async () => {
    const v = (current = openViewer());
    await until('control', () => v.session.snapshot.controlAllowed);
    const before = platform.sink.calls.length;
    v.session.sendInput({ type: 'keys.combo', combo: 'ctrl-alt-del' });
    v.session.sendInput({ type: 'release.all' });
    await until('the combination', () => platform.sink.calls.length >= before + 7);
    expect(platform.sink.calls.slice(before)).toEqual([
      'key ControlLeft down',
      'key AltLeft down',
      'key Delete down',
      'key Delete up',
      'key AltLeft up',
      'key ControlLeft up',
      'releaseAll',
    ]);
  });

  it('blanks the picture at once when the customer stops sharing the screen, and comes back', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    await client.consent({ ...GRANTS, view: false, control: false });
    await until('the revoked phase', () => v.session.snapshot.phase === 'revoked');
    expect(v.painter.blanks).toBeGreaterThan(0);
    expect(v.session.snapshot.notice?.key).toBe('viewRevoked');
    await client.consent(GRANTS);
    await pictureMatches(v);
    expect(v.session.snapshot.phase).toBe('streaming');
    expect(v.session.snapshot.notice).toBeNull();
  });

  it('pauses and resumes sharing without ending the session', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    v.session.pause();
    expect(v.session.snapshot.pausePending).toBe('pause');
    await until('paused', () => v.session.snapshot.phase === 'paused');
    expect(v.session.snapshot.paused).toEqual({ by: 'agent' });
    expect(v.session.sendInput({ type: 'key', code: 'KeyA', down: true })).toBe(false);
    const r = { x: 0, y: 150, width: 50, height: 20 };
    platform.source.paint(r, (pb) => fill(pb, r, 0xff0000));
    await wait(300);
    const presents = v.painter.presents;
    v.session.resume();
    await until('streaming again', () => v.session.snapshot.phase === 'streaming');
    await pictureMatches(v);
    expect(v.painter.presents).toBeGreaterThan(presents);
    // Sharing is still on and the chat goes on.
    expect(server.services.workflow.screen.stateOf(customer.sessionId)).toBe('streaming');
    const from = agent.client.received.length;
    await customer.client.request({ type: 'chat.send', text: 'still here?' });
    await seen(agent.client, (m) => m.type === 'chat.message', 'the chat line', from);
  });

  it('shares clipboard text both ways, and refuses what is too large with a clear notice', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    expect(v.session.sendClipboard('from the agent: ünïcødé')).toBe(true);
    await until('the customer clipboard', () => platform.board.text === 'from the agent: ünïcødé');
    platform.board.copy('from the customer');
    await until('the remote clip', () => v.clips.includes('from the customer'));
    const big = 'z'.repeat(600_000);
    expect(v.session.sendClipboard(big)).toBe(true);
    await until('the big clip', () => platform.board.text === big, 15_000);
    expect(v.session.sendClipboard('y'.repeat(5 * 1024 * 1024))).toBe(false);
    expect(v.session.snapshot.notice).toMatchObject({
      key: 'clipTooLarge',
      args: [String(5 * 1024 * 1024), String(4 * 1024 * 1024)],
    });
  });

  it('sends drawings in desktop coordinates to the helper', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    const before = surface.messages.length;
    v.session.sendAnnotation({
      type: 'shape.add',
      id: 1,
      shape: { kind: 'arrow', from: [10, 10], to: [200, 150], color: '#e53935', width: 4 },
    });
    v.session.sendAnnotation({ type: 'laser', at: [50, 60] });
    v.session.sendAnnotation({ type: 'shapes.clear' });
    await until('the drawings', () => surface.messages.length >= before + 3);
    expect(surface.messages.slice(before).map((m) => m.msg.type)).toEqual([
      'shape.add',
      'laser',
      'shapes.clear',
    ]);
    // The laser never moves the customer's pointer.
    expect(platform.sink.calls.filter((c) => c.startsWith('move 50,60'))).toEqual([]);
  });

  it('follows the monitor picker: the picture is one monitor and its origin is known', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    v.session.selectMonitor({ kind: 'monitor', id: 1 });
    await until('the right monitor', () => v.painter.width === 160 && v.session.snapshot.origin.x === 160);
    expect(v.session.snapshot.selected).toEqual({ kind: 'monitor', id: 1 });
    v.session.selectMonitor({ kind: 'desktop' });
    await pictureMatches(v);
  });

  it('reconnects by itself after losing its socket, with new keys and a fresh picture', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    const firstSas = v.session.snapshot.sas;
    const presents = v.painter.presents;
    sockets.at(-1)!.ws.terminate();
    await until('the retry', () => v.states.some((s) => s.connection === 'retrying'));
    // The last picture stays while reconnecting.
    expect(v.painter.blanks).toBe(0);
    await until(
      'streaming again',
      () => v.session.snapshot.phase === 'streaming' && v.painter.presents > presents,
    );
    await pictureMatches(v);
    expect(v.session.snapshot.sas).toMatch(/^\d{3} \d{3}$/);
    // Fresh keys each time (a 1 in 10^6 chance of the same code).
    expect(v.session.snapshot.sas).not.toBe(firstSas);
  });

  it('refuses a frame with one flipped bit: a visible error, never a wrong picture, then a fresh picture', async () => {
    let screenFrames = 0;
    let flipped = false;
    const v = (current = openViewer((frame) => {
      // Flip one bit in the ciphertext of the 3rd screen frame after the picture is first complete.
      if (frame[1] !== 2 || flipped || current?.painter.presents === 0) return;
      if (++screenFrames === 3) {
        frame[frame.byteLength - 20]! ^= 0x10;
        flipped = true;
      }
    }));
    await pictureMatches(v);
    for (let i = 0; i < 6 && !flipped; i++) {
      const r = { x: 20 + i * 10, y: 100, width: 8, height: 8 };
      platform.source.paint(r, (pb) => fill(pb, r, 0x00ff00 + i));
      await wait(100);
    }
    expect(flipped).toBe(true);
    await until('the error', () => v.states.some((s) => s.notice?.key === 'frameRefused'));
    expect(v.states.some((s) => s.damaged)).toBe(true);
    expect(v.session.snapshot.refusedFrames).toBe(1);
    // The viewer asked for a new stream and shows the right picture again.
    await pictureMatches(v);
    await until('repaired', () => !v.session.snapshot.damaged);
  });

  it('stops for good when the server refuses the sign-in, saying why', async () => {
    const painter = new FramebufferPainter();
    const session = new ViewerSession({
      url: server.wsUrl,
      token: 'not-a-valid-token',
      sessionId: customer.sessionId,
      painter,
      createDecoder: () => new InProcessDecoder(),
      createSocket: (url) => new NodeSocket(url, server.url),
    });
    try {
      await until('the refusal', () => session.snapshot.phase === 'refused');
      expect(session.snapshot.refusedCode).toBe('token_invalid');
      await wait(1200);
      expect(session.snapshot.connection).toBe('refused');
    } finally {
      session.close();
    }
  });

  it("tells the customer's page the link is slow when its pings go unanswered", async () => {
    // A link that stops carrying the viewer's frames (pings, acks): text still goes.
    class HoldingSocket extends NodeSocket {
      hold = false;
      override send(data: string | ArrayBufferLike | ArrayBufferView<ArrayBuffer>): void {
        if (this.hold && typeof data !== 'string') return;
        super.send(data);
      }
    }
    let socket: HoldingSocket | null = null;
    const v = (current = openViewer(undefined, (url) => (socket = new HoldingSocket(url, server.url))));
    await pictureMatches(v);
    await until('a round trip', () => v.session.statsSnapshot().rttMs);
    const mark = customer.client.received.length;
    socket!.hold = true;
    const told = await seen(customer.client, (m) => m.type === 'screen.link', 'screen.link', mark, 10_000);
    expect(told).toEqual({ type: 'screen.link', slow: true });
    expect(v.session.statsSnapshot().quality).toBe('poor');
    // Once per change: the page heard it once, however many pings went unanswered since.
    await wait(1500);
    expect(customer.client.received.slice(mark).filter((m) => m.type === 'screen.link')).toHaveLength(1);
  });

  // Next to last: the helper stops for good.
  it('says the customer stopped sharing (not "waiting for the helper") when they press Stop', async () => {
    const v = (current = openViewer());
    await pictureMatches(v);
    await client.stop();
    await until('the stop', () => v.session.snapshot.helperEnded === 'stopped');
    expect(v.session.snapshot.phase).toBe('waiting_helper');
    const en = JSON.parse(
      readFileSync(new URL('../../../extension/public/_locales/en/messages.json', import.meta.url), 'utf8'),
    ) as Record<string, { message: string }>;
    expect(phaseText((key) => en[catalogKey(key)]!.message, v.session.snapshot)).toBe(
      'The customer stopped sharing their screen. Ask again from the chat window to see it again.',
    );
  });

  // Last: it ends the session.
  it('ends when the customer ends the session, and does not reconnect', async () => {
    const v = (current = openViewer());
    await until('the viewer connected', () => v.session.snapshot.connection === 'open');
    await customer.client.request({ type: 'session.end' });
    await until('the end', () => v.session.snapshot.phase === 'ended');
    expect(v.session.snapshot.endedBy).toBe('customer');
    const count = sockets.length;
    await wait(1500);
    expect(sockets.length).toBe(count);
    expect(v.session.snapshot.connection).toBe('ended');
  });
});
