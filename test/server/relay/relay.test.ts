import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { DataChannel, encodeFrame, parseFrame, PEER_ALL_VIEWERS, PEER_HELPER } from '../../../protocol/frame';
import { DATA_FRAME_MAX_BYTES } from '../../../protocol/limits';
import { RELAY_HIGH_WATER_BYTES } from '../../../server/relay/flow-control';
import { RawWsClient } from '../../support/raw-ws-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import type { TestWsClient } from '../../support/ws-client';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  screenRequested,
  seen,
  unique,
  type ConnectedAgent,
} from '../../support/workflow';

let server: TestServer;
let slug: string;
beforeAll(async () => {
  // The backpressure test keeps a viewer from reading for as long as it takes a loaded machine to
  // fill the buffers; the relay's stall cut (15 s by default, tested on its own below) must not
  // fire in the middle of it, or frames it is meant to deliver in order are cut with the viewer.
  server = await startTestServer({}, { workflow: { stallMs: 10 * 60_000 } });
  slug = unique('rel').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

const relay = () => server.services.workflow.screen.relay;

async function sharingSession(grants = ALL_GRANTS): Promise<{
  agent: ConnectedAgent;
  sessionId: string;
  helper: TestWsClient;
  customer: TestWsClient;
}> {
  const agent = await addAgent(server, { portals: [slug] });
  const s = await screenRequested(server, agent, slug);
  const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
  helper.client.send({ type: 'helper.consent', grants });
  await seen(
    agent.client,
    (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view === grants.view,
  );
  return { agent, sessionId: s.sessionId, helper: helper.client, customer: s.client };
}

function nextBinary(c: TestWsClient, count = 1, timeoutMs = 5000): Promise<Buffer[]> {
  const start = c.binary.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for binary frames')), timeoutMs);
    const check = () => {
      if (c.binary.length - start < count) return;
      clearTimeout(timer);
      c.ws.off('message', check);
      resolve(c.binary.slice(start, start + count));
    };
    c.ws.on('message', check);
    check();
  });
}

describe('data-plane routing', () => {
  it('forwards frames both ways and stamps the sender’s real peer id', async () => {
    const { agent, helper, sessionId, customer } = await sharingSession();
    const viewer = await connectViewer(server, agent.token, sessionId);
    const peerId = viewer.first.peerId as number;

    // The helper claims to be peer 7: the relay writes 1.
    const toViewer = nextBinary(viewer.client);
    helper.ws.send(
      encodeFrame({ channel: DataChannel.screen, from: 7, to: peerId }, new Uint8Array([9, 8, 7])),
    );
    const [got] = await toViewer;
    const parsed = parseFrame(got!);
    expect(parsed).toMatchObject({ ok: true, header: { channel: DataChannel.screen, from: 1, to: peerId } });
    expect(parsed.ok && [...parsed.payload]).toEqual([9, 8, 7]);

    const toHelper = nextBinary(helper);
    viewer.client.ws.send(
      encodeFrame({ channel: DataChannel.input, from: 999, to: PEER_HELPER }, new Uint8Array([1])),
    );
    const [back] = await toHelper;
    expect(parseFrame(back!)).toMatchObject({
      ok: true,
      header: { channel: DataChannel.input, from: peerId, to: 1 },
    });
    await closeAll(agent.client, helper, customer, viewer.client);
  });

  it('fans a frame out to every viewer', async () => {
    const { agent, helper, sessionId, customer } = await sharingSession();
    const v1 = await connectViewer(server, agent.token, sessionId);
    const v2 = await connectViewer(server, agent.token, sessionId);
    const waits = [nextBinary(v1.client), nextBinary(v2.client)];
    helper.ws.send(
      encodeFrame({ channel: DataChannel.cursor, from: 1, to: PEER_ALL_VIEWERS }, new Uint8Array([5])),
    );
    for (const [f] of await Promise.all(waits))
      expect(parseFrame(f!)).toMatchObject({ ok: true, header: { from: 1 } });
    await closeAll(agent.client, helper, customer, v1.client, v2.client);
  });

  it('drops a frame for an unknown peer with a peer_not_found notice, never silently', async () => {
    const { agent, helper, sessionId, customer } = await sharingSession();
    const viewer = await connectViewer(server, agent.token, sessionId);
    const mark = helper.received.length;
    helper.ws.send(encodeFrame({ channel: DataChannel.screen, from: 1, to: 9 }, new Uint8Array([1, 2])));
    expect(await seen(helper, (m) => m.type === 'error', 'error', mark)).toMatchObject({
      code: 'peer_not_found',
      details: { to: 9, channel: DataChannel.screen },
    });
    // Viewers send to the helper only.
    const vmark = viewer.client.received.length;
    viewer.client.ws.send(
      encodeFrame({ channel: DataChannel.annotations, from: 2, to: 3 }, new Uint8Array([1])),
    );
    expect(await seen(viewer.client, (m) => m.type === 'error', 'error', vmark)).toMatchObject({
      code: 'peer_not_found',
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(viewer.client.binary).toHaveLength(0);
    // Both sockets still work.
    const ok = nextBinary(viewer.client);
    helper.ws.send(encodeFrame({ channel: DataChannel.screen, from: 1, to: 2 }, new Uint8Array([3])));
    await ok;
    await closeAll(agent.client, helper, customer, viewer.client);
  });

  it('answers malformed frames with a code and keeps the socket', async () => {
    const { agent, helper, customer } = await sharingSession();
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([1, 2, 3]), 'frame_too_short'],
      [new Uint8Array([9, DataChannel.screen, 0, 1, 0, 2, 0, 0]), 'bad_version'],
      [new Uint8Array([1, 200, 0, 1, 0, 2, 0, 0]), 'bad_channel'],
      [new Uint8Array([1, DataChannel.screen, 0, 1, 0, 0, 0, 0]), 'bad_peer'],
    ];
    for (const [frame, reason] of cases) {
      const mark = helper.received.length;
      helper.ws.send(frame);
      expect(await seen(helper, (m) => m.type === 'error', reason, mark)).toMatchObject({
        code: 'invalid_message',
        details: { frameError: reason },
      });
    }
    expect(helper.closeCode).toBeNull();
    await closeAll(agent.client, helper, customer);
  });

  it('drops frames on channels the customer has not granted, with consent_required', async () => {
    const { agent, helper, sessionId, customer } = await sharingSession({ ...ALL_GRANTS, control: false });
    const viewer = await connectViewer(server, agent.token, sessionId);
    const mark = viewer.client.received.length;
    viewer.client.ws.send(encodeFrame({ channel: DataChannel.input, from: 2, to: 1 }, new Uint8Array([1])));
    expect(await seen(viewer.client, (m) => m.type === 'error', 'error', mark)).toMatchObject({
      code: 'consent_required',
    });
    // The handshake needs no consent (keys are agreed before anything is shared).
    const got = nextBinary(helper);
    viewer.client.ws.send(
      encodeFrame({ channel: DataChannel.handshake, from: 2, to: 1 }, new Uint8Array([1])),
    );
    await got;
    await closeAll(agent.client, helper, customer, viewer.client);
  });

  it('refuses binary frames before the hello and on the agent and customer channels', async () => {
    const { agent, helper, customer } = await sharingSession();
    agent.client.ws.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(await seen(agent.client, (m) => m.type === 'error' && m.code === 'invalid_message')).toBeTruthy();
    customer.ws.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(await seen(customer, (m) => m.type === 'error' && m.code === 'invalid_message')).toBeTruthy();
    await closeAll(agent.client, helper, customer);
  });
});

describe('backpressure', () => {
  it('pauses the helper while a viewer does not read, keeps memory bounded, and delivers every frame in order', async () => {
    const { agent, helper, sessionId, customer } = await sharingSession();
    const viewer = await RawWsClient.connect(server.port, server.url);
    viewer.sendText(
      JSON.stringify({ type: 'viewer.hello', token: agent.token, sessionId, protocol: PROTOCOL_VERSION }),
    );
    await viewer.until(
      () => viewer.messages().some((m) => m.type === 'viewer.welcome'),
      5000,
      'viewer.welcome',
    );
    const peerId = viewer.messages().find((m) => m.type === 'viewer.welcome')!.peerId as number;
    viewer.pause();

    const FRAME_PAYLOAD = 256 * 1024;
    let sent = 0;
    const send = () => {
      const payload = new Uint8Array(FRAME_PAYLOAD);
      new DataView(payload.buffer).setUint32(0, sent);
      helper.ws.send(encodeFrame({ channel: DataChannel.screen, from: 1, to: peerId }, payload));
      sent++;
    };
    const serverHelper = () => relay().helperOf(sessionId)!;
    const serverViewer = () => relay().viewersOf(sessionId)[0]!;

    // Push until the relay pauses the helper's socket (the viewer's kernel buffers fill first).
    const deadline = Date.now() + 30_000;
    while (!serverHelper().paused) {
      if (Date.now() > deadline) throw new Error(`helper never paused after ${sent} frames`);
      if (helper.ws.bufferedAmount < 2 * 1024 * 1024) send();
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(serverHelper().conn.ws.isPaused).toBe(true);
    expect(relay().stats().paused).toBe(1);
    const bound = RELAY_HIGH_WATER_BYTES + 2 * DATA_FRAME_MAX_BYTES;
    expect(serverViewer().conn.bufferedAmount).toBeLessThanOrEqual(bound);

    // The helper keeps sending: once the kernel's loopback buffers are full (their size depends
    // on the machine: up to ~10 MiB), its frames wait on its own side (TCP pushes back), while
    // the server's buffer for the viewer never grows past the bound.
    const pausedAt = sent;
    while (helper.ws.bufferedAmount === 0) {
      if (sent - pausedAt >= 400) throw new Error('the helper was never pushed back (100 MiB sent)');
      send();
      await new Promise((r) => setTimeout(r, 5));
      expect(serverViewer().conn.bufferedAmount).toBeLessThanOrEqual(bound);
    }
    expect(serverHelper().paused).toBe(true);
    expect(serverViewer().conn.bufferedAmount).toBeLessThanOrEqual(bound);
    console.info(
      `backpressure: paused after ${pausedAt} frames of ${FRAME_PAYLOAD} B; server buffer for the viewer ` +
        `${(serverViewer().conn.bufferedAmount / 1048576).toFixed(2)} MiB (bound ${(bound / 1048576).toFixed(2)} MiB); ` +
        `helper-side backlog ${(helper.ws.bufferedAmount / 1048576).toFixed(2)} MiB`,
    );

    // The viewer reads again: everything arrives, in order, and the helper is read again.
    viewer.resume();
    await viewer.until(() => viewer.binaries().length >= sent, 60_000, `${sent} frames`);
    const seqs = viewer.binaries().map((b) => {
      const f = parseFrame(b);
      if (!f.ok) throw new Error(f.error);
      expect(f.header.from).toBe(1);
      return new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0);
    });
    expect(seqs).toEqual(Array.from({ length: sent }, (_, i) => i));
    expect(serverHelper().paused).toBe(false);
    expect(relay().stats().paused).toBe(0);
    // No drop notice was needed: nothing was dropped.
    expect(helper.received.some((m) => m.type === 'error')).toBe(false);
    viewer.close();
    await closeAll(agent.client, helper, customer);
  }, 90_000);
});

describe('a viewer that stops reading for good', () => {
  it('is cut after the stall time, which frees the helper for everyone else', async () => {
    const own = await startTestServer({}, { workflow: { stallMs: 500 } });
    try {
      const portal = unique('stall').toLowerCase();
      await addPortal(own, portal);
      const agent = await addAgent(own, { portals: [portal] });
      const s = await screenRequested(own, agent, portal);
      const helper = await connectHelper(own, { kind: 'join', joinCode: s.joinCode });
      helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
      await seen(agent.client, (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view);
      const healthy = await connectViewer(own, agent.token, s.sessionId);
      const dead = await RawWsClient.connect(own.port, own.url);
      dead.sendText(
        JSON.stringify({ type: 'viewer.hello', token: agent.token, sessionId: s.sessionId, protocol: 1 }),
      );
      await dead.until(
        () => dead.messages().some((m) => m.type === 'viewer.welcome'),
        5000,
        'viewer.welcome',
      );
      dead.pause();
      const ownRelay = own.services.workflow.screen.relay;
      const deadline = Date.now() + 30_000;
      while (!ownRelay.helperOf(s.sessionId)?.paused) {
        if (Date.now() > deadline) throw new Error('helper never paused');
        if (helper.client.ws.bufferedAmount < 2 * 1024 * 1024) {
          helper.client.ws.send(
            encodeFrame(
              { channel: DataChannel.screen, from: 1, to: PEER_ALL_VIEWERS },
              new Uint8Array(256 * 1024),
            ),
          );
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      // The dead viewer is terminated (the helper hears it left), the helper is read again, and
      // the healthy viewer still gets frames.
      expect(await seen(helper.client, (m) => m.type === 'peer.left', 'peer.left', 0, 10_000)).toMatchObject({
        peerId: 3,
      });
      expect(ownRelay.helperOf(s.sessionId)?.paused).toBe(false);
      expect(ownRelay.viewersOf(s.sessionId).map((p) => p.peerId)).toEqual([2]);
      const before = healthy.client.binary.length;
      helper.client.ws.send(
        encodeFrame({ channel: DataChannel.screen, from: 1, to: 2 }, new Uint8Array([1])),
      );
      await new Promise<void>((resolve) => {
        const tick = () => (healthy.client.binary.length > before ? resolve() : setTimeout(tick, 20));
        tick();
      });
      dead.close();
      await closeAll(agent.client, s.client, helper.client, healthy.client);
    } finally {
      await own.stop();
    }
  }, 60_000);
});
