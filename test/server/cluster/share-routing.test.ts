/**
 * "Share my screen" across nodes, with one real PostgreSQL 15, one real Redis 7 and two real
 * server nodes (each its own HTTP/WebSocket port): the agent's share page and the customer's
 * pages reach different nodes, and the share room's node carries both ends. Guards what a help
 * desk behind a load balancer relies on:
 *   - sharer on A, customer and watcher on B (and the reverse): the customer's pages on the other
 *     node hear that the agent shares (also a page that arrives later), the watcher is forwarded
 *     to the room's node under its own address, frames cross byte for byte both ways, and the
 *     view-only rule is still the room node's (an input frame from the watcher is refused);
 *   - a node link that drops tells the watcher at once (node_lost, close 4011), the sharer sees
 *     the watcher leave, and watching again through the same node works;
 *   - a second share page reaching the other node replaces the first in the room where it
 *     lives; a stopped share gives its room up, so the next share page opens it where it lands.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../../protocol/close-codes';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import {
  DataChannel,
  encodeFrame,
  parseFrame,
  PEER_ALL_VIEWERS,
  type DataChannelId,
} from '../../../protocol/frame';
import { startTwoNodes, type TwoNodes } from '../../support/cluster-node';
import { until } from '../../support/polling';
import type { TestServer } from '../../support/test-server';
import {
  addPortal,
  closeAll,
  connectAgent,
  customerViaHttp,
  seen,
  signInAgent,
  unique,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';
import { TestWsClient, type TestMessage } from '../../support/ws-client';

/** The address the watcher's socket comes from (its own loopback address, not the forwarding node's). */
const WATCHER_ADDRESS = '127.0.0.78';
/** The share room's sharer is peer 1 (protocol/share/share-channel.ts). */
const SHARER_PEER = 1;

let nodes: TwoNodes;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  nodes = await startTwoNodes();
  ({ a, b } = nodes);
}, 60_000);

afterAll(async () => {
  await nodes?.stop();
});

/** An agent allowed to share, signed in on `agentNode`, holding a session whose customer is on `customerNode`. */
async function heldAcross(agentNode: TestServer, customerNode: TestServer) {
  const slug = unique('share-route').toLowerCase();
  await addPortal(agentNode, slug);
  const signed = await signInAgent(agentNode, { portals: [slug] });
  await agentNode.services.accounts.updateUser(signed.email, { features: { shareMyScreen: true } }, 'test');
  const agent = await connectAgent(agentNode, signed);
  const customer = await customerViaHttp(customerNode, slug);
  const reply = await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId });
  expect(reply.type).toBe('reply');
  await seen(customer.client, (m) => m.type === 'session.accepted', 'session.accepted on the other node');
  return { agent, customer };
}

async function shareHello(node: TestServer, agent: ConnectedAgent, sessionId: string) {
  const c = await TestWsClient.connect(node.wsUrl, node.url);
  c.send({ type: 'share.hello', token: agent.token, sessionId, protocol: PROTOCOL_VERSION });
  const first = await c.waitFor(
    (m) => m.type === 'share.welcome' || m.type === 'error',
    10_000,
    'share.welcome or error',
  );
  return { c, first };
}

async function watchVia(node: TestServer, requestToken: string) {
  const c = await TestWsClient.connect(node.wsUrl, node.url, { localAddress: WATCHER_ADDRESS });
  c.send({ type: 'share.watch', requestToken, protocol: PROTOCOL_VERSION });
  const first = await c.waitFor(
    (m) => m.type === 'share.watching' || m.type === 'error',
    10_000,
    'share.watching or error',
  );
  return { c, first };
}

/** The customer's pages hear the share's state (wherever the room is). */
function statusSeen(customer: ConnectedCustomer, active: boolean, from = 0) {
  return seen(
    customer.client,
    (m) => m.type === 'share.status' && m.active === active,
    `share.status ${active ? 'active' : 'inactive'}`,
    from,
    10_000,
  );
}

function frame(channel: DataChannelId, to: number, payload: Uint8Array): Buffer {
  return Buffer.from(encodeFrame({ channel, from: 0, to }, payload));
}

async function frameAt(client: TestWsClient, index: number, what: string) {
  await until(what, () => client.binary.length > index, 10_000);
  const parsed = parseFrame(new Uint8Array(client.binary[index]!));
  if (!parsed.ok) throw new Error(`${what}: ${parsed.error}`);
  return parsed;
}

/** Frames both ways between a welcomed sharer and watcher, each checked byte for byte. */
async function framesBothWays(sharer: TestWsClient, watcher: TestWsClient, watcherId: number) {
  const baseWatcher = watcher.binary.length;
  const baseSharer = sharer.binary.length;
  const sizes = [1, 1500, 64 * 1024, 256 * 1024, 1_000_000, 7];
  const sent = sizes.map((n) => randomBytes(n));
  for (const p of sent) sharer.ws.send(frame(DataChannel.screen, PEER_ALL_VIEWERS, p));
  for (let i = 0; i < sent.length; i++) {
    const f = await frameAt(watcher, baseWatcher + i, `screen frame ${i} at the watcher`);
    expect(f.header).toMatchObject({ channel: DataChannel.screen, from: SHARER_PEER });
    expect(Buffer.from(f.payload).equals(sent[i]!)).toBe(true);
  }
  const keys = randomBytes(97);
  const ack = randomBytes(8);
  watcher.ws.send(frame(DataChannel.handshake, SHARER_PEER, keys));
  watcher.ws.send(frame(DataChannel.ack, SHARER_PEER, ack));
  const gotKeys = await frameAt(sharer, baseSharer, 'key agreement at the sharer');
  expect(gotKeys.header).toMatchObject({ channel: DataChannel.handshake, from: watcherId });
  expect(Buffer.from(gotKeys.payload).equals(keys)).toBe(true);
  const gotAck = await frameAt(sharer, baseSharer + 1, 'ack at the sharer');
  expect(gotAck.header).toMatchObject({ channel: DataChannel.ack, from: watcherId });
  expect(Buffer.from(gotAck.payload).equals(ack)).toBe(true);
}

function errorOf(m: TestMessage): { code: unknown; reason: unknown } {
  return { code: m.code, reason: (m.details as { reason?: unknown } | undefined)?.reason };
}

describe('share my screen across two nodes', () => {
  for (const [label, sharerNode, customerNode] of [
    ['sharer on A, customer and watcher on B', () => a, () => b],
    ['sharer on B, customer and watcher on A', () => b, () => a],
  ] as const) {
    it(`${label}: status, watcher forwarded under its own address, frames byte for byte both ways`, async () => {
      const roomNode = sharerNode();
      const pageNode = customerNode();
      const { agent, customer } = await heldAcross(roomNode, pageNode);
      const sid = customer.sessionId;
      const sharer = await shareHello(roomNode, agent, sid);
      expect(sharer.first).toMatchObject({ type: 'share.welcome', sessionId: sid, peerId: SHARER_PEER });
      expect(await statusSeen(customer, true)).toMatchObject({ agentName: agent.name });

      // A page of the customer's that opens later on the other node is told too.
      const later = await TestWsClient.connect(pageNode.wsUrl, pageNode.url);
      later.send({ type: 'customer.hello', requestToken: customer.requestToken, protocol: PROTOCOL_VERSION });
      await seen(
        later,
        (m) => m.type === 'share.status' && m.active === true,
        'share.status on a later page',
        0,
        10_000,
      );

      const watcher = await watchVia(pageNode, customer.requestToken);
      expect(watcher.first).toMatchObject({ type: 'share.watching', sessionId: sid, agentName: agent.name });
      const watcherId = watcher.first.peerId as number;
      expect(await seen(sharer.c, (m) => m.type === 'watcher.joined', 'watcher.joined')).toMatchObject({
        peer: { peerId: watcherId },
      });
      // The room is the sharer's node's, with the watcher under its own address; none on the other.
      expect(roomNode.services.workflow.share.relay.viewersOf(sid)[0]?.conn.address).toBe(WATCHER_ADDRESS);
      expect(pageNode.services.workflow.share.stats().rooms).toBe(0);

      await framesBothWays(sharer.c, watcher.c, watcherId);
      // View only, as on one node: the room's node refuses the watcher's input.
      watcher.c.ws.send(frame(DataChannel.input, SHARER_PEER, randomBytes(12)));
      const refused = await seen(watcher.c, (m) => m.type === 'error', 'the forbidden notice');
      expect(refused).toMatchObject({ code: 'forbidden', details: { channel: DataChannel.input } });

      // Stopping reaches the watcher through the link and the pages on the other node.
      sharer.c.send({ type: 'share.stop' });
      await seen(watcher.c, (m) => m.type === 'share.stopped', 'share.stopped at the watcher');
      await statusSeen(customer, false);
      await closeAll(later, watcher.c, sharer.c, agent.client, customer.client);
    }, 60_000);
  }

  it('tells the watcher at once when its node link drops (node_lost, 4011), and watching again works', async () => {
    const { agent, customer } = await heldAcross(a, b);
    const sid = customer.sessionId;
    const sharer = await shareHello(a, agent, sid);
    expect(sharer.first.type).toBe('share.welcome');
    const watcher = await watchVia(b, customer.requestToken);
    expect(watcher.first.type).toBe('share.watching');
    const firstId = watcher.first.peerId as number;

    // The link's end on A goes without a close handshake, as when A's network drops.
    const link = a.services.workflow.share.relay.viewersOf(sid)[0];
    expect(link).toBeDefined();
    link!.conn.ws.terminate();
    const told = await seen(watcher.c, (m) => m.type === 'error', 'the node_lost error');
    expect(errorOf(told)).toEqual({ code: 'unavailable', reason: 'node_lost' });
    expect(await watcher.c.waitClose(5_000)).toBe(CLOSE.nodeLost);
    expect(await seen(sharer.c, (m) => m.type === 'watcher.left', 'watcher.left')).toMatchObject({
      peerId: firstId,
    });

    // The page watches again through B, which forwards to A once more; frames flow.
    const back = await watchVia(b, customer.requestToken);
    expect(back.first.type).toBe('share.watching');
    const backId = back.first.peerId as number;
    await seen(
      sharer.c,
      (m) => m.type === 'watcher.joined' && (m.peer as { peerId: number }).peerId === backId,
      'the new watcher.joined',
    );
    await framesBothWays(sharer.c, back.c, backId);
    await closeAll(back.c, watcher.c, sharer.c, agent.client, customer.client);
  }, 60_000);

  it('replaces the share page through the other node where the room lives; a stopped share gives the room up', async () => {
    const { agent, customer } = await heldAcross(a, b);
    const sid = customer.sessionId;
    const first = await shareHello(a, agent, sid);
    expect(first.first.type).toBe('share.welcome');

    // The agent opens the share page again; the load balancer puts it on B: it replaces the first on A.
    const second = await shareHello(b, agent, sid);
    expect(second.first).toMatchObject({ type: 'share.welcome', sessionId: sid });
    expect(await first.c.waitClose(5_000)).toBe(CLOSE.replaced);
    expect(a.services.workflow.share.isSharing(sid)).toBe(true);
    expect(b.services.workflow.share.isSharing(sid)).toBe(false);

    // Stopped: the room on A is gone, its lease too; the next share page through B opens it on B.
    second.c.send({ type: 'share.stop' });
    expect(await second.c.waitClose(5_000)).toBe(CLOSE.normal);
    await until('A to give the share room up', () => !a.services.workflow.share.isSharing(sid));
    await until(
      'the share lease to be given back',
      async () => (await a.cluster!.redis.exists(`lifeline:share-lease:${sid}`)) === 0,
    );
    const third = await shareHello(b, agent, sid);
    expect(third.first.type).toBe('share.welcome');
    expect(b.services.workflow.share.isSharing(sid)).toBe(true);
    const watcher = await watchVia(a, customer.requestToken);
    expect(watcher.first.type).toBe('share.watching');
    expect(b.services.workflow.share.relay.viewersOf(sid)).toHaveLength(1);
    await closeAll(watcher.c, third.c, second.c, first.c, agent.client, customer.client);
  }, 60_000);
});
