/**
 * "Share my screen" on a real server with real WebSocket clients: the agent's share page (sharer
 * channel) and the customer's page (customer channel, then a watcher socket). Checked: the
 * feature is the server's word (feature_disabled), only the session's agent may share, the
 * customer's page hears when sharing starts and stops (also after a reload), frames are routed
 * between sharer and watchers with `from` stamped, the watcher cannot send input (or anything
 * but key agreement, acks and refresh requests), and stop, a closed share page, a second share
 * page, the session's end and a transfer all close the room.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import {
  DataChannel,
  encodeFrame,
  parseFrame,
  PEER_ALL_VIEWERS,
  type DataChannelId,
} from '../../../protocol/frame';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  seenType,
  unique,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { TestWsClient, type TestMessage } from '../../support/ws-client';

let server: TestServer;
let slug: string;
const open: TestWsClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  slug = unique('share').toLowerCase();
  await addPortal(server, slug);
});

afterAll(async () => {
  await server.stop();
});

afterEach(async () => {
  await closeAll(...open.splice(0));
});

async function client(): Promise<TestWsClient> {
  const c = await TestWsClient.connect(server.wsUrl, server.url);
  open.push(c);
  return c;
}

async function agentWithFeature(on: boolean): Promise<ConnectedAgent> {
  const agent = await addAgent(server, { portals: [slug] });
  open.push(agent.client);
  await server.services.accounts.updateUser(agent.email, { features: { shareMyScreen: on } }, 'test');
  return agent;
}

async function session(agent: ConnectedAgent): Promise<ConnectedCustomer> {
  const customer = await acceptedSession(server, agent, slug);
  open.push(customer.client);
  return customer;
}

async function hello(
  agent: ConnectedAgent,
  sessionId: string,
): Promise<{ c: TestWsClient; first: TestMessage }> {
  const c = await client();
  c.send({ type: 'share.hello', token: agent.token, sessionId, protocol: PROTOCOL_VERSION });
  const first = await c.waitFor(
    (m) => m.type === 'share.welcome' || m.type === 'error',
    5000,
    'share hello answer',
  );
  return { c, first };
}

async function watch(requestToken: string): Promise<{ c: TestWsClient; first: TestMessage }> {
  const c = await client();
  c.send({ type: 'share.watch', requestToken, protocol: PROTOCOL_VERSION });
  const first = await c.waitFor(
    (m) => m.type === 'share.watching' || m.type === 'error',
    5000,
    'watch answer',
  );
  return { c, first };
}

/** A sharing agent, a customer and one watcher, all welcomed. */
async function sharing() {
  const agent = await agentWithFeature(true);
  const customer = await session(agent);
  const sharer = await hello(agent, customer.sessionId);
  expect(sharer.first.type).toBe('share.welcome');
  await seenType(customer.client, 'share.status');
  const watcher = await watch(customer.requestToken);
  expect(watcher.first.type).toBe('share.watching');
  await sharer.c.waitType('watcher.joined');
  return { agent, customer, sharer: sharer.c, watcher: watcher.c, watcherId: watcher.first.peerId as number };
}

function frame(channel: DataChannelId, to: number, payload: number[]): Buffer {
  return Buffer.from(encodeFrame({ channel, from: 0, to }, new Uint8Array(payload)));
}

async function nextBinary(c: TestWsClient, count: number, timeoutMs = 3000): Promise<Buffer[]> {
  const end = Date.now() + timeoutMs;
  while (c.binary.length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return c.binary.slice(0, count);
}

describe('share my screen: opening the room', () => {
  it('refuses share.hello with feature_disabled when the manager has not switched it on', async () => {
    const agent = await agentWithFeature(false);
    const customer = await session(agent);
    const { c, first } = await hello(agent, customer.sessionId);
    expect(first).toMatchObject({ type: 'error', code: 'feature_disabled' });
    expect(String(first.message)).toMatch(/ask your manager/);
    // The customer's page was never told anything, and a watcher has nothing to watch.
    expect(customer.client.received.some((m) => m.type === 'share.status')).toBe(false);
    const w = await watch(customer.requestToken);
    expect(w.first).toMatchObject({ type: 'error', code: 'illegal_transition' });
    expect(c.closeCode).toBeNull();
  });

  it('lets only the agent who holds the session share it', async () => {
    const holder = await agentWithFeature(true);
    const other = await agentWithFeature(true);
    const customer = await session(holder);
    const { first } = await hello(other, customer.sessionId);
    expect(first).toMatchObject({ type: 'error', code: 'not_in_session' });
    const bad = await client();
    bad.send({ type: 'share.hello', token: 'not-a-real-token', sessionId: customer.sessionId, protocol: 1 });
    expect(await bad.waitType('error')).toMatchObject({ code: 'token_invalid' });
  });

  it('tells the customer when sharing starts, welcomes the sharer with the customer name', async () => {
    const agent = await agentWithFeature(true);
    const customer = await session(agent);
    const { first } = await hello(agent, customer.sessionId);
    expect(first).toMatchObject({
      type: 'share.welcome',
      sessionId: customer.sessionId,
      peerId: 1,
      customerName: 'Casey Customer',
    });
    const status = await seenType(customer.client, 'share.status');
    expect(status).toMatchObject({ active: true, agentName: agent.name });
  });

  it('announces a share in progress to a page that comes back (customer.hello), after its welcome', async () => {
    const { agent, customer } = await sharing();
    const again = await client();
    again.send({ type: 'customer.hello', requestToken: customer.requestToken, protocol: PROTOCOL_VERSION });
    await again.waitType('customer.welcome');
    const status = await again.waitType('share.status');
    expect(status).toMatchObject({ active: true, agentName: agent.name });
    const types = again.received.map((m) => m.type);
    expect(types.indexOf('customer.welcome')).toBeLessThan(types.indexOf('share.status'));
  });

  it('refuses a watcher with an unknown request token', async () => {
    await sharing();
    const w = await watch('unknown-request-token');
    expect(w.first).toMatchObject({ type: 'error', code: 'request_not_found' });
  });
});

describe('share my screen: the data plane', () => {
  it('routes key agreement and screen frames to the watcher, and acks, refresh and keys back to the sharer', async () => {
    const { sharer, watcher, watcherId } = await sharing();
    watcher.ws.send(frame(DataChannel.handshake, 1, [1, 1, 7]));
    watcher.ws.send(frame(DataChannel.ack, 1, [1, 5]));
    watcher.ws.send(frame(DataChannel.control, 1, [9, 9]));
    const toSharer = await nextBinary(sharer, 3);
    expect(toSharer.map((b) => parseFrame(b))).toEqual(
      [DataChannel.handshake, DataChannel.ack, DataChannel.control].map((channel) => ({
        ok: true,
        header: { channel, from: watcherId, to: 1 },
        payload: expect.any(Uint8Array),
      })),
    );
    sharer.ws.send(frame(DataChannel.screen, watcherId, [1, 2, 3]));
    sharer.ws.send(frame(DataChannel.screen, PEER_ALL_VIEWERS, [4]));
    const toWatcher = await nextBinary(watcher, 2);
    expect(toWatcher.map((b) => [...b])).toEqual([
      [1, DataChannel.screen, 0, 1, watcherId >> 8, watcherId & 0xff, 0, 0, 1, 2, 3],
      [1, DataChannel.screen, 0, 1, 0xff, 0xff, 0, 0, 4],
    ]);
  });

  it('refuses input (and clipboard, files, annotations) from the watcher: view only', async () => {
    const { sharer, watcher } = await sharing();
    for (const channel of [
      DataChannel.input,
      DataChannel.clipboard,
      DataChannel.files,
      DataChannel.annotations,
    ]) {
      watcher.ws.send(frame(channel, 1, [1, 2, 3]));
      const refusal = await watcher.waitFor(
        (m) => m.type === 'error' && (m.details as { channel?: number })?.channel === channel,
      );
      expect(refusal).toMatchObject({ code: 'forbidden' });
      expect(String(refusal.message)).toMatch(/view only/);
    }
    // Nothing reached the sharer, and the watcher's socket is still usable.
    await new Promise((r) => setTimeout(r, 200));
    expect(sharer.binary).toHaveLength(0);
    watcher.ws.send(frame(DataChannel.ack, 1, [1, 1]));
    expect(await nextBinary(sharer, 1)).toHaveLength(1);
  });

  it('refuses the sharer anything but key agreement and screen messages', async () => {
    const { sharer, watcher, watcherId } = await sharing();
    sharer.ws.send(frame(DataChannel.input, watcherId, [1]));
    sharer.ws.send(frame(DataChannel.cursor, watcherId, [1]));
    const refusals = [await sharer.waitType('error'), await sharer.waitType('error')];
    expect(refusals.map((r) => r.code)).toEqual(['forbidden', 'forbidden']);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.binary).toHaveLength(0);
  });

  it('answers a frame for a watcher that is not there with peer_not_found', async () => {
    const { sharer } = await sharing();
    sharer.ws.send(frame(DataChannel.screen, 77, [1]));
    expect(await sharer.waitType('error')).toMatchObject({ code: 'peer_not_found' });
  });
});

describe('share my screen: the end of a share', () => {
  it('share.stop: the watcher is told and closed, the page hears active: false, the sharer closes', async () => {
    const { customer, sharer, watcher } = await sharing();
    const from = customer.client.received.length;
    sharer.send({ type: 'share.stop' });
    expect(await watcher.waitType('share.stopped')).toEqual({ type: 'share.stopped' });
    expect(await watcher.waitClose()).toBe(1000);
    expect(await sharer.waitClose()).toBe(1000);
    const status = await customer.client.waitFor((m) => m.type === 'share.status' && m.active === false);
    expect(customer.client.received.indexOf(status)).toBeGreaterThanOrEqual(from);
    expect(server.services.workflow.share.stats()).toEqual({ rooms: 0, watchers: 0 });
  });

  it('a share page that closes ends the share the same way', async () => {
    const { customer, sharer, watcher } = await sharing();
    sharer.close();
    await watcher.waitType('share.stopped');
    await customer.client.waitFor((m) => m.type === 'share.status' && m.active === false);
  });

  it('a watcher that leaves is announced to the sharer', async () => {
    const { sharer, watcher, watcherId } = await sharing();
    watcher.close();
    expect(await sharer.waitType('watcher.left')).toEqual({ type: 'watcher.left', peerId: watcherId });
  });

  it('a second share page for the same session replaces the first', async () => {
    const { agent, customer, sharer, watcher } = await sharing();
    const second = await hello(agent, customer.sessionId);
    expect(second.first.type).toBe('share.welcome');
    expect(await sharer.waitType('error')).toMatchObject({ code: 'not_in_session' });
    expect(await sharer.waitClose()).toBe(4005);
    await watcher.waitType('share.stopped');
    // The page can watch the new share at once.
    const again = await watch(customer.requestToken);
    expect(again.first.type).toBe('share.watching');
    await second.c.waitType('watcher.joined');
  });

  it('the session ending closes sharer and watcher with session.ended', async () => {
    const { agent, customer, sharer, watcher } = await sharing();
    await agent.client.request({ type: 'session.end', sessionId: customer.sessionId });
    expect(await sharer.waitType('session.ended')).toMatchObject({ by: 'agent' });
    expect(await watcher.waitType('session.ended')).toMatchObject({ by: 'agent' });
    expect(await sharer.waitClose()).toBe(4004);
    expect(await watcher.waitClose()).toBe(4004);
  });

  it('a transfer to a portal stops the former agent sharing', async () => {
    const { agent, customer, sharer, watcher } = await sharing();
    const reply = await agent.client.request({
      type: 'session.transfer',
      sessionId: customer.sessionId,
      target: { kind: 'portal', slug },
      comment: '',
    });
    expect(reply.type).toBe('reply');
    expect(await sharer.waitType('error')).toMatchObject({ code: 'not_in_session' });
    await watcher.waitType('share.stopped');
    await customer.client.waitFor((m) => m.type === 'share.status' && m.active === false);
  });
});
