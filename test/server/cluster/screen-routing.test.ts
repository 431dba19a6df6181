/**
 * Screens across nodes, with one real PostgreSQL 15, one real Redis 7 and two real server nodes
 * (each its own HTTP/WebSocket port): the agent asks for the screen on node A, which carries it;
 * the helper and the viewer reach node B, which forwards their sockets to A over a node link.
 * Guards what a help desk behind a load balancer relies on:
 *   - frames cross byte for byte both ways (screen to the viewer, input and files to the helper),
 *     and A sees the helper under its own address, not B's (A's throttles and audit key on it);
 *   - every credential is checked and spent once, on A: a join code, a download ticket and a
 *     resume token used through B cannot be used again through either node;
 *   - a node link that drops tells the viewer at once (`unavailable`, reason `node_lost`, close
 *     4011) rather than leaving a socket open with nothing behind it;
 *   - a socket that claims to come from a node without the deployment's key is refused;
 *   - a second process started with a node id already running stops at start, clearly.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../../protocol/close-codes';
import { DataChannel, encodeFrame, parseFrame, PEER_ALL_VIEWERS, PEER_HELPER } from '../../../protocol/frame';
import { LINK_HEADER, LINK_PATH, LinkSigner } from '../../../server/cluster/link-claims';
import {
  startClusterNode,
  startTwoNodes,
  type ClusterPlace,
  type TwoNodes,
} from '../../support/cluster-node';
import type { TestServer } from '../../support/test-server';
import { TestWsClient, type TestMessage } from '../../support/ws-client';
import { until } from '../../support/polling';
import {
  addPortal,
  ALL_GRANTS,
  closeAll,
  connectAgent,
  connectViewer,
  helperHello,
  resultOf,
  screenRequested,
  seen,
  seenType,
  signInAgent,
  unique,
  type TestCredential,
} from '../../support/workflow';

/** The address the helper's socket comes from (a loopback address of its own, not B's). */
const HELPER_ADDRESS = '127.0.0.77';

let nodes: TwoNodes;
let place: ClusterPlace;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  nodes = await startTwoNodes();
  ({ place, a, b } = nodes);
}, 60_000);

afterAll(async () => {
  await nodes?.stop();
});

/** An agent on A with an accepted session whose screen they asked for (A carries it). */
async function requestedOnA() {
  const slug = unique('route').toLowerCase();
  await addPortal(a, slug);
  const agent = await connectAgent(a, await signInAgent(a, { portals: [slug] }));
  const customer = await screenRequested(a, agent, slug);
  return { agent, customer };
}

/** A helper reaching `node` from HELPER_ADDRESS; resolves with its welcome or error. */
async function helperVia(node: TestServer, credential: TestCredential) {
  const client = await TestWsClient.connect(node.wsUrl, undefined, { localAddress: HELPER_ADDRESS });
  client.send(helperHello(credential));
  const first = await client.waitFor(
    (m) => m.type === 'helper.welcome' || m.type === 'error',
    10_000,
    'helper.welcome or error',
  );
  return { client, first };
}

/** The next binary frame a client receives after `from` frames, parsed. */
async function frameAt(client: TestWsClient, index: number, what: string) {
  await until(what, () => client.binary.length > index, 10_000);
  const parsed = parseFrame(new Uint8Array(client.binary[index]!));
  if (!parsed.ok) throw new Error(`${what}: ${parsed.error}`);
  return parsed;
}

function errorOf(m: TestMessage): { code: unknown; reason: unknown } {
  return { code: m.code, reason: (m.details as { reason?: unknown } | undefined)?.reason };
}

describe('screens across two nodes', () => {
  it("carries a helper and a viewer that reached B to A's session: frames byte for byte both ways, under the helper's own address", async () => {
    const { agent, customer } = await requestedOnA();
    const sid = customer.sessionId;
    const helper = await helperVia(b, { kind: 'join', joinCode: customer.joinCode });
    expect(helper.first).toMatchObject({ type: 'helper.welcome', sessionId: sid, peerId: PEER_HELPER });
    // A holds the helper, under the address it came from; B holds no relay room for it.
    const onA = a.services.workflow.screen.relay.helperOf(sid);
    expect(onA?.conn.address).toBe(HELPER_ADDRESS);
    expect(b.services.workflow.screen.relay.helperOf(sid)).toBeNull();
    expect(await seenType(agent.client, 'helper.status')).toMatchObject({ sessionId: sid, connected: true });

    const viewer = await connectViewer(b, agent.token, sid);
    expect(viewer.first).toMatchObject({ type: 'viewer.welcome', sessionId: sid, helper: { peerId: 1 } });
    const viewerId = viewer.first.peerId as number;
    expect(await seenType(helper.client, 'peer.joined')).toMatchObject({ peer: { peerId: viewerId } });

    helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await seen(viewer.client, (m) => m.type === 'helper.consent', 'helper.consent');

    // Screen frames of many sizes, helper -> every viewer, each exactly as sent.
    const sizes = [1, 1500, 64 * 1024, 256 * 1024, 1_000_000, 7];
    const sent = sizes.map((n) => randomBytes(n));
    for (const p of sent)
      helper.client.ws.send(
        encodeFrame({ channel: DataChannel.screen, from: PEER_HELPER, to: PEER_ALL_VIEWERS }, p),
      );
    for (let i = 0; i < sent.length; i++) {
      const f = await frameAt(viewer.client, i, `screen frame ${i} at the viewer`);
      expect(f.header).toMatchObject({ channel: DataChannel.screen, from: PEER_HELPER });
      expect(Buffer.from(f.payload).equals(sent[i]!)).toBe(true);
    }
    // Input and a file chunk, viewer -> helper, stamped with the viewer's peer id.
    const input = randomBytes(40);
    const chunk = randomBytes(512 * 1024);
    viewer.client.ws.send(encodeFrame({ channel: DataChannel.input, from: 0, to: PEER_HELPER }, input));
    viewer.client.ws.send(encodeFrame({ channel: DataChannel.files, from: 0, to: PEER_HELPER }, chunk));
    const gotInput = await frameAt(helper.client, 0, 'input at the helper');
    expect(gotInput.header).toMatchObject({ channel: DataChannel.input, from: viewerId });
    expect(Buffer.from(gotInput.payload).equals(input)).toBe(true);
    const gotChunk = await frameAt(helper.client, 1, 'file chunk at the helper');
    expect(gotChunk.header).toMatchObject({ channel: DataChannel.files, from: viewerId });
    expect(Buffer.from(gotChunk.payload).equals(chunk)).toBe(true);

    // The join code was spent on A: through either node it is gone.
    for (const node of [a, b]) {
      const again = await helperVia(node, { kind: 'join', joinCode: customer.joinCode });
      expect(again.first.type).toBe('error');
      again.client.close();
    }
    await closeAll(helper.client, viewer.client, agent.client, customer.client);
  }, 60_000);

  it('spends a download ticket and a resume token once, whichever node they reach', async () => {
    const { agent, customer } = await requestedOnA();
    const sid = customer.sessionId;
    const first = await helperVia(b, { kind: 'ticket', ticket: customer.ticket });
    expect(first.first).toMatchObject({ type: 'helper.welcome', sessionId: sid });
    const used = await helperVia(b, { kind: 'ticket', ticket: customer.ticket });
    expect(errorOf(used.first).code).toBe('download_ticket_used');
    used.client.close();

    // The helper's network drops; it comes back through B with its resume token.
    const token = first.first.resumeToken as string;
    first.client.ws.terminate();
    await until('A waits for the helper', () => a.services.workflow.screen.stateOf(sid) === 'reconnecting');
    const resumed = await helperVia(b, { kind: 'resume', resumeToken: token });
    expect(resumed.first).toMatchObject({ type: 'helper.welcome', sessionId: sid });
    expect(a.services.workflow.screen.relay.helperOf(sid)?.conn.address).toBe(HELPER_ADDRESS);
    // The old token was replaced by the welcome's new one: through A it no longer works.
    const stale = await helperVia(a, { kind: 'resume', resumeToken: token });
    expect(errorOf(stale.first).code).toBe('resume_expired');
    await closeAll(stale.client, resumed.client, agent.client, customer.client);
  }, 60_000);

  it('tells a viewer at once when its node link drops (unavailable, node_lost, close 4011)', async () => {
    const { agent, customer } = await requestedOnA();
    const sid = customer.sessionId;
    const helper = await helperVia(a, { kind: 'join', joinCode: customer.joinCode });
    expect(helper.first.type).toBe('helper.welcome');
    const viewer = await connectViewer(b, agent.token, sid);
    expect(viewer.first.type).toBe('viewer.welcome');

    // The link's end on A goes without a close handshake, as when A's machine drops off.
    const link = a.services.workflow.screen.relay.viewersOf(sid)[0];
    expect(link).toBeDefined();
    link!.conn.ws.terminate();
    const told = await seen(viewer.client, (m) => m.type === 'error', 'the node_lost error');
    expect(errorOf(told)).toEqual({ code: 'unavailable', reason: 'node_lost' });
    expect(await viewer.client.waitClose(5_000)).toBe(CLOSE.nodeLost);

    // Reconnecting reaches the session again (A is alive: B forwards to it once more).
    const back = await connectViewer(b, agent.token, sid);
    expect(back.first).toMatchObject({ type: 'viewer.welcome', helper: { peerId: 1 } });
    await closeAll(back.client, helper.client, agent.client, customer.client);
  }, 60_000);

  it('passes an agent\'s "ask again" on another node to the carrying node, answers and refusals alike', async () => {
    const { agent, customer } = await requestedOnA();
    const sid = customer.sessionId;
    // The same agent's window that reached B (a load balancer moved it) asks again.
    const onB = await connectAgent(b, agent);
    const again = resultOf<{ joinCode: string }>(
      await onB.client.request({ type: 'screen.request', sessionId: sid }),
    );
    expect(again.joinCode).not.toBe(customer.joinCode);
    expect(b.services.workflow.screen.stateOf(sid)).toBe('none');
    // A issued it: the first code is gone, the new one opens the session through B.
    const old = await helperVia(b, { kind: 'join', joinCode: customer.joinCode });
    expect(errorOf(old.first).code).toBe('join_code_invalid');
    const helper = await helperVia(b, { kind: 'join', joinCode: again.joinCode });
    expect(helper.first).toMatchObject({ type: 'helper.welcome', sessionId: sid });
    // A's refusal (a helper is connected) reaches the agent on B as A said it.
    const refused = await onB.client.request({ type: 'screen.request', sessionId: sid });
    expect(refused).toMatchObject({ type: 'error', code: 'illegal_transition' });
    await closeAll(old.client, helper.client, onB.client, agent.client, customer.client);
  }, 60_000);

  it("refuses a socket that claims to come from a node without the deployment's key", async () => {
    const url = `${a.wsUrl.replace(/\/ws$/, '')}${LINK_PATH}`;
    const refused = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, { headers });
        ws.once('open', () => reject(new Error('a forged link was accepted')));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => undefined);
      });
    const claims = { from: 'node-b', address: '198.51.100.9', at: Date.now() };
    expect(await refused({})).toBe(403);
    expect(await refused({ [LINK_HEADER]: new LinkSigner(randomBytes(32)).sign(claims) })).toBe(403);
    const genuine = new LinkSigner(place.joinKey);
    expect(await refused({ [LINK_HEADER]: genuine.sign({ ...claims, at: Date.now() - 60_000 }) })).toBe(403);
    const tampered = genuine
      .sign(claims)
      .replace(
        /^[^.]+/,
        Buffer.from(JSON.stringify({ ...claims, address: '10.0.0.1' })).toString('base64url'),
      );
    expect(await refused({ [LINK_HEADER]: tampered })).toBe(403);
  });

  it('stops a second process started with a node id that is already running, saying why', async () => {
    await expect(startClusterNode(place, 'node-a')).rejects.toThrow(
      'another running node already uses --node-id node-a',
    );
  }, 20_000);
});
