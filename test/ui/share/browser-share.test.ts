/**
 * The customer's browser-only share (BrowserShareSession) and the agent's viewer core
 * (ViewerSession) through the real server, in Node: a synthetic picture stands in for the screen
 * capture, libjpeg-turbo for the browsers' JPEG encoder and decoder. Checked: the viewer knows it
 * is a browser share (view only: no control whatever the account allows), the security codes are
 * equal on both ends, the viewer's picture is the shared one (within JPEG loss), and stopping on
 * the page tells the viewer the customer stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserShareSession } from '../../../ui/share/browser-share-session';
import type { WebSocketLike } from '../../../ui/data-plane/data-plane-socket';
import { ViewerSession } from '../../../ui/viewer/viewer-session';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAgent, addPortal, closeAll, screenRequested, seen, unique } from '../../support/workflow';
import { FramebufferPainter } from '../viewer/support/framebuffer-painter';
import { InProcessDecoder } from '../viewer/support/in-process-decoder';
import { NodeSocket } from '../viewer/support/node-socket';
import { meanError, MovingSquare } from './support/synthetic-picture';
import { TurboJpegEncoder } from './support/turbo-jpeg-encoder';

let server: TestServer;
let slug: string;

beforeAll(async () => {
  server = await startTestServer();
  slug = unique('bsh').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

async function until<T>(
  what: string,
  probe: () => T | null | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the customer's screen shared from the browser", () => {
  it("reaches the agent's viewer end to end, view only, and the viewer hears the stop", async () => {
    const agent = await addAgent(server, { portals: [slug], name: 'Vic Viewer' });
    const s = await screenRequested(server, agent, slug, {
      client: { system: 'macOS', browser: 'Chrome 156' },
    });
    const screen = new MovingSquare(320, 200);
    screen.moving = false;
    const share = new BrowserShareSession({
      url: server.wsUrl,
      requestToken: s.requestToken,
      createSocket: (url) => new NodeSocket(url, server.url) as WebSocketLike,
      source: screen,
      jpeg: new TurboJpegEncoder(),
      os: { platform: 'darwin', release: '', arch: '', display: 'Chrome 156 (browser)' },
      maxFps: 20,
    });
    share.start();
    await until('the page shares', () => share.phase === 'sharing');
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view === true,
      ),
    ).toMatchObject({ browser: true, grants: { control: false }, os: 'macOS (Chrome 156 (browser))' });

    const painter = new FramebufferPainter();
    const viewer = new ViewerSession({
      url: server.wsUrl,
      token: agent.token,
      sessionId: s.sessionId,
      painter,
      createDecoder: () => new InProcessDecoder(),
      createSocket: (url) => new NodeSocket(url, server.url),
      onClipboard: () => undefined,
    });
    try {
      await until('the picture', () => viewer.snapshot.phase === 'streaming' && painter.width === 320);
      const snap = viewer.snapshot;
      expect(snap.helperBrowser).toBe(true);
      expect(snap.controlAllowed).toBe(false);
      expect(snap.sas).toMatch(/^\d{3} \d{3}$/);
      expect(share.snapshot().codes).toEqual([snap.sas]);
      await until('the picture to settle', () => meanError(screen.grab().data, painter.data) < 3);
      share.stop();
      await until('the stop', () => viewer.snapshot.helperEnded === 'stopped');
    } finally {
      viewer.close();
      share.stop();
      await closeAll(agent.client, s.client);
    }
  });
});
