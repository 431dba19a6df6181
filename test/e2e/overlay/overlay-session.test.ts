/**
 * Drawing on the customer's screen, end to end with real parts only: a real server (SQLite, /ws,
 * relay), an agent and a customer through the support workflow, a real X server (Xvfb) with an
 * xterm, the helper's SessionClient as shipped (its default annotation surface: the X11 overlay,
 * because DISPLAY is set), and the agent's viewer core (ViewerSession in Node: e2e handshake,
 * the decoder the worker runs), whose drawing tools send the `annotations` messages.
 *
 * Checked against the X server with xwd and xdotool:
 *   - an arrow sent by the viewer is on the customer's X screen, in its colour, along its line;
 *   - the picture the viewer decodes does not contain the arrow: it is the screen as it was under
 *     it, while changes elsewhere (typing in the xterm) keep streaming;
 *   - the laser shows on the X screen and never moves the X pointer;
 *   - "erase all" takes the arrow off the X screen and its window away, and the viewer's picture
 *     equals the X screen again;
 *   - revoking view takes every drawing off the screen at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PixelBuffer } from '../../../host/platform/types';
import { SessionClient } from '../../../host/session/session-client';
import type { AnnotationMessage, Shape } from '../../../protocol/data/annotations';
import { clone, countDiff, getPixel } from '../../host/screen/synthetic';
import { startTestServer, type TestServer } from '../../support/test-server';
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
import { AgentViewer } from '../../support/agent-viewer';
import { xwdCapture } from '../screen/xwd-capture';

const GRANTS = { ...ALL_GRANTS, files: false, reboot: false };
const ARROW: Shape = { kind: 'arrow', from: [300, 200], to: [700, 450], color: '#e53935', width: 4 };
const ARROW_RGB = 0xe53935;
const LASER_RGB = 0xff1744;

let x: XDisplay;
let server: TestServer;
let agent: ConnectedAgent;
let customer: ConnectedCustomer & { joinCode: string };
let client: SessionClient;
let viewer: AgentViewer;
let tmp: string;
let rootChildren = 0;
/** Pixels the arrow covers on the X screen, and the screen as it was under them. */
let arrowPixels: [number, number][] = [];
let beforeArrow: PixelBuffer;
const logLines: string[] = [];

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(100);
  }
}

async function draw(msg: AnnotationMessage): Promise<void> {
  expect(viewer.session.sendAnnotation(msg)).toBe(true);
}

function children(): number {
  const m = /(\d+) child(ren)?/.exec(x.run('xwininfo', ['-root', '-children']));
  return m ? Number(m[1]) : 0;
}

function pointer(): { x: number; y: number } {
  const out = x.run('xdotool', ['getmouselocation', '--shell']);
  return { x: Number(/^X=(\d+)/m.exec(out)?.[1]), y: Number(/^Y=(\d+)/m.exec(out)?.[1]) };
}

/** The viewer's picture differs from `truth` in this many pixels (-1: no picture yet). */
function viewerDiff(truth: PixelBuffer): number {
  const p = viewer.painter;
  if (p.width !== truth.width || p.height !== truth.height) return -1;
  return countDiff(truth, p.data);
}

/** The viewer's pixel at (px, py) as 0xRRGGBB. */
function viewerPixel(px: number, py: number): number | null {
  return viewer.pixel(px, py);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-overlay-e2e-'));
  x = await startXvfb({ width: 1024, height: 768 });
  x.spawnClient('xterm', ['-geometry', '80x24+20+20', '-e', 'bash', '--norc', '--noprofile'], {
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
  x.run('xdotool', ['mousemove', '200', '60']); // no window manager: focus follows the pointer

  server = await startTestServer();
  await addPortal(server, 'overlay-e2e');
  agent = await addAgent(server, { portals: ['overlay-e2e'], name: 'Alex Agent' });
  customer = await screenRequested(server, agent, 'overlay-e2e');
  client = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: x.display } },
    stateFile: path.join(tmp, 'state', 'resume.json'),
    log: (line) => logLines.push(line),
  });
  client.onEvent((e) => {
    if (e.type === 'host.consent_needed') void client.consent(GRANTS);
  });
  await client.join({ server: server.url, joinCode: customer.joinCode });
  viewer = new AgentViewer({
    wsUrl: server.wsUrl,
    origin: server.url,
    token: agent.token,
    sessionId: customer.sessionId,
    downloads: tmp,
  });
  await until('the picture', () => viewer.snapshot.phase === 'streaming');
  await until('the picture to equal the X screen', () => viewerDiff(xwdCapture(x.display)) === 0);
  // Top-level windows now (the xterm, the helper's clipboard window): the overlay adds one.
  rootChildren = children();
});

afterAll(async () => {
  viewer?.close();
  await client?.close();
  await closeAll(agent?.client, customer?.client);
  await server?.stop();
  await x?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("drawing on the customer's screen through the real server and helper", () => {
  it("shows the viewer's arrow on the X screen; the viewer's picture is what is under it", async () => {
    beforeArrow = xwdCapture(x.display);
    await draw({ type: 'shape.add', id: 1, shape: ARROW });
    // Along the shaft (up to where the head starts) every pixel is the arrow's exact colour.
    const [x0, y0] = ARROW.kind === 'arrow' ? ARROW.from : [0, 0];
    const [x1, y1] = ARROW.kind === 'arrow' ? ARROW.to : [0, 0];
    const along = Array.from({ length: 20 }, (_, i) => {
      const t = 0.05 + (i / 19) * 0.8;
      return [Math.floor(x0 + t * (x1 - x0)), Math.floor(y0 + t * (y1 - y0))] as const;
    });
    let screen = xwdCapture(x.display);
    await until('the arrow on the X screen', () => {
      screen = xwdCapture(x.display);
      return along.every(([px, py]) => getPixel(screen, px, py) === ARROW_RGB);
    });
    expect(children()).toBe(rootChildren + 1);
    arrowPixels = [];
    for (let py = 0; py < screen.height; py++)
      for (let px = 0; px < screen.width; px++)
        if (getPixel(screen, px, py) !== getPixel(beforeArrow, px, py)) arrowPixels.push([px, py]);
    expect(arrowPixels.length).toBeGreaterThan(1000);
    for (const [px, py] of arrowPixels) expect(getPixel(screen, px, py)).toBe(ARROW_RGB);

    // Something changes elsewhere on the customer's screen: it still reaches the viewer, and the
    // viewer's picture is the X screen with, under the arrow, what was there before it.
    x.run('xdotool', ['type', '--delay', '15', 'echo drawn']);
    x.run('xdotool', ['key', 'Return']);
    let expected = clone(beforeArrow);
    await until('the picture without the arrow', () => {
      const truth = xwdCapture(x.display);
      expected = clone(truth);
      for (const [px, py] of arrowPixels) {
        const o = py * truth.stride + px * 4;
        expected.data.set(beforeArrow.data.subarray(o, o + 4), o);
      }
      // Wait for the typing to be on the X screen too, else this compares before with before.
      const typed = Buffer.compare(Buffer.from(expected.data), Buffer.from(beforeArrow.data)) !== 0;
      return typed && viewerDiff(expected) === 0;
    });
    expect(viewerDiff(expected)).toBe(0);
    expect(arrowPixels.some(([px, py]) => viewerPixel(px, py) === ARROW_RGB)).toBe(false);
    // The typing did arrive (the picture is not simply frozen).
    expect(countDiff(beforeArrow, viewer.painter.data)).toBeGreaterThan(0);
  });

  it('shows the laser on the X screen without ever moving the X pointer', async () => {
    x.run('xdotool', ['mousemove', '900', '700']);
    const before = pointer();
    for (let i = 0; i <= 10; i++) await draw({ type: 'laser', at: [780 + i * 4, 300 + i * 2] });
    await until('the laser on the X screen', () => getPixel(xwdCapture(x.display), 820, 320) === LASER_RGB);
    expect(pointer()).toEqual(before);
    await wait(300);
    expect(viewerPixel(820, 320)).not.toBe(LASER_RGB);
    await draw({ type: 'laser', at: null });
    await until('the laser gone', () => getPixel(xwdCapture(x.display), 820, 320) !== LASER_RGB);
    expect(pointer()).toEqual(before);
    x.run('xdotool', ['mousemove', '200', '60']);
  });

  it('takes the arrow off the X screen on "erase all"; the picture equals the screen again', async () => {
    await draw({ type: 'shapes.clear' });
    await until('the arrow gone from the X screen', () => {
      const screen = xwdCapture(x.display);
      return arrowPixels.every(([px, py]) => getPixel(screen, px, py) === getPixel(beforeArrow, px, py));
    });
    expect(children()).toBe(rootChildren);
    await until('the picture to equal the X screen', () => viewerDiff(xwdCapture(x.display)) === 0);
  });

  it('takes every drawing off the screen at once when the customer revokes view', async () => {
    const rect: Shape = { kind: 'rectangle', from: [600, 500], to: [900, 700], color: '#1e88e5', width: 6 };
    await draw({ type: 'shape.add', id: 2, shape: rect });
    await until(
      'the rectangle on the X screen',
      () => getPixel(xwdCapture(x.display), 600, 600) === 0x1e88e5,
    );
    await client.consent({ ...GRANTS, view: false });
    await until('the rectangle gone', () => getPixel(xwdCapture(x.display), 600, 600) !== 0x1e88e5);
    expect(children()).toBe(rootChildren);
    expect(logLines.filter((l) => l.startsWith('overlay_'))).toEqual([]);
  });
});
