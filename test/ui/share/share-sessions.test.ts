/**
 * The share page's core (SharerSession) and the support page's core (WatcherSession) against a
 * real server over real WebSockets, in Node: a synthetic picture with a moving square stands in
 * for the screen capture, libjpeg-turbo for the browsers' JPEG encoder and decoder. Checked: both
 * ends agree the same security code, the watcher's picture is the shared one (within JPEG loss)
 * and follows it as it moves, acks keep the sharer's in-flight bytes under its window, a frame
 * whose bits were flipped on the way is never painted and the picture is repaired, stopping
 * reaches the watcher, and a sharer without the feature is refused with its reason.
 */
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SharerSession } from '../../../ui/share/sharer-session';
import type { CreateSocket, WebSocketLike } from '../../../ui/data-plane/data-plane-socket';
import { WatcherSession, type WatcherSnapshot } from '../../../ui/share/watcher-session';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  unique,
  type ConnectedAgent,
} from '../../support/workflow';
import { TurboJpegDecoder } from '../decoder/turbo-jpeg-decoder';
import { KeptPicture, meanError, MovingSquare, SQUARE } from './support/synthetic-picture';
import { TurboJpegEncoder } from './support/turbo-jpeg-encoder';

const WIDTH = 320;
const HEIGHT = 200;

let server: TestServer;
let slug: string;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  slug = unique('sh').toLowerCase();
  await addPortal(server, slug);
});
afterAll(async () => server.stop());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The `ws` client as the browser WebSocket these modules expect, optionally tampering with one frame. */
function socketFactory(tamper?: (frame: Uint8Array) => Uint8Array): CreateSocket {
  return (url) => {
    const ws = new WebSocket(url, { origin: server.url });
    ws.binaryType = 'arraybuffer';
    if (!tamper) return ws as unknown as WebSocketLike;
    const wrapper: WebSocketLike = {
      binaryType: 'arraybuffer',
      get readyState() {
        return ws.readyState;
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
    };
    ws.onopen = (ev) => wrapper.onopen?.(ev as unknown as Event);
    ws.onclose = (ev) => wrapper.onclose?.(ev as unknown as CloseEvent);
    ws.onerror = (ev) => wrapper.onerror?.(ev as unknown as Event);
    ws.onmessage = (ev) => {
      const data = ev.data instanceof ArrayBuffer ? tamper(new Uint8Array(ev.data)).slice().buffer : ev.data;
      wrapper.onmessage?.(new MessageEvent('message', { data }));
    };
    return wrapper;
  };
}

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

async function setup(options: { feature?: boolean; tamper?: (frame: Uint8Array) => Uint8Array } = {}) {
  const agent: ConnectedAgent = await addAgent(server, { portals: [slug] });
  await server.services.accounts.updateUser(
    agent.email,
    { features: { shareMyScreen: options.feature ?? true } },
    'test',
  );
  const customer = await acceptedSession(server, agent, slug);
  cleanups.push(() => closeAll(agent.client, customer.client));
  const screen = new MovingSquare(WIDTH, HEIGHT);
  const encoder = new TurboJpegEncoder();
  const sharer = new SharerSession({
    url: server.wsUrl,
    token: agent.token,
    sessionId: customer.sessionId,
    createSocket: socketFactory(),
    source: screen,
    jpeg: encoder,
    maxFps: 20,
  });
  cleanups.push(() => sharer.stop());
  sharer.start();
  const picture = new KeptPicture();
  const watcher = new WatcherSession({
    url: server.wsUrl,
    requestToken: customer.requestToken,
    createSocket: socketFactory(options.tamper),
    jpeg: new TurboJpegDecoder(),
    painter: picture,
  });
  cleanups.push(() => watcher.stop());
  return { agent, customer, screen, encoder, sharer, watcher, picture };
}

describe('share my screen: sharer and watcher cores through the real server', () => {
  it('shows the shared picture with equal security codes, follows it, and keeps the window', async () => {
    const { sharer, watcher, picture, screen } = await setup();
    await until('sharing', () => sharer.phase === 'sharing');
    watcher.start();
    const shown = await until('a picture', () =>
      watcher.snapshot().phase === 'showing' ? watcher.snapshot() : null,
    );
    const sharerSas = sharer.snapshot().watchers[0]?.sas;
    expect(shown.sas).toMatch(/^\d{3} \d{3}$/);
    expect(sharerSas).toBe(shown.sas);
    expect(shown.agentName).toMatch(/^Agent /);
    expect([picture.width, picture.height]).toEqual([WIDTH, HEIGHT]);

    // Hold the picture still: what the watcher shows converges to it (JPEG loss only).
    screen.moving = false;
    await until('the still picture', () => meanError(picture.data, screen.picture.data) < 6);
    // The square is where the sharer drew it: red in the middle.
    const { x, y } = screen.position;
    const o = ((y + SQUARE / 2) * WIDTH + x + SQUARE / 2) * 4;
    expect(picture.data[o]).toBeGreaterThan(180);
    expect(picture.data[o + 1]).toBeLessThan(80);

    // Moving again: the picture changes over time, and only the changed tiles travel.
    let overshoot = 0;
    sharer.subscribe((snap) => {
      for (const w of snap.watchers) overshoot = Math.max(overshoot, w.inFlightBytes - w.windowBytes);
    });
    const first = sharer.snapshot();
    screen.moving = true;
    const before = picture.data.slice();
    await until('a changed picture', () => meanError(before, picture.data) > 0.5);
    await until('five more pictures', () => sharer.snapshot().picturesSent >= first.picturesSent + 5);
    const later = sharer.snapshot();
    const fullPicture = first.bytesSent / first.picturesSent;
    const perUpdate = (later.bytesSent - first.bytesSent) / (later.picturesSent - first.picturesSent);
    expect(perUpdate).toBeLessThan(fullPicture / 2);
    // A picture starts only under the window, so in flight never passes it by more than one.
    expect(overshoot).toBeLessThan(fullPicture);
    // Acks come back for all of it: the watcher shows every picture the sharer sent.
    await until('the watcher caught up', () => watcher.snapshot().picturesShown >= later.picturesSent);
  });

  it('never paints a frame that failed its check, and repairs the picture', async () => {
    let screenFrames = 0;
    const flipped: number[] = [];
    const { sharer, watcher, picture, screen } = await setup({
      tamper: (frame) => {
        // The 4th screen frame from the sharer gets one bit of its ciphertext flipped.
        if (frame[1] !== 2) return frame;
        screenFrames++;
        if (screenFrames !== 4) return frame;
        const bad = frame.slice();
        bad[bad.length - 20]! ^= 0x01;
        flipped.push(screenFrames);
        return bad;
      },
    });
    const states: WatcherSnapshot[] = [];
    watcher.subscribe((s) => states.push(s));
    await until('sharing', () => sharer.phase === 'sharing');
    watcher.start();
    await until('the flipped frame', () => flipped.length === 1);
    await until('the damage shown', () => states.some((s) => s.damaged));
    await until('repaired', () => {
      const s = watcher.snapshot();
      return s.phase === 'showing' && !s.damaged;
    });
    screen.moving = false;
    await until('the still picture', () => meanError(picture.data, screen.picture.data) < 6);
  });

  it('stops on the watcher when the agent stops', async () => {
    const { sharer, watcher } = await setup();
    await until('sharing', () => sharer.phase === 'sharing');
    watcher.start();
    await until('a picture', () => watcher.phase === 'showing');
    sharer.stop();
    await until('stopped', () => watcher.phase === 'stopped');
    expect(sharer.phase).toBe('stopped');
  });

  it('is refused with feature_disabled when the manager has not switched it on', async () => {
    const { sharer } = await setup({ feature: false });
    await until('refused', () => sharer.phase === 'refused');
    expect(sharer.snapshot().refused).toBe('feature_disabled');
  });

  it('a watcher with nothing to watch is told so', async () => {
    const { sharer, watcher } = await setup();
    sharer.stop();
    watcher.start();
    await until('refused', () => watcher.phase === 'refused');
    expect(watcher.snapshot().refused).toBe('illegal_transition');
  });
});
