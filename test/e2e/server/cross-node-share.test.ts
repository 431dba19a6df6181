/**
 * "Share my screen" across two server nodes with the real cores of both pages: one real
 * PostgreSQL 15, one real Redis 7, two server nodes (each its own port, joined with --bus and
 * --node-id), the share page's SharerSession (capture stood in for by a synthetic picture,
 * libjpeg-turbo for the browser's JPEG encoder) and the support page's WatcherSession (its e2e
 * key agreement, order check and decoder) on different nodes, in both directions.
 *
 * Checked: both ends agree the same security code through the node link, the watcher shows the
 * shared picture (within JPEG loss); when the link between the nodes drops, the watcher is told,
 * reconnects on its own through the same node, agrees new keys and shows the picture again.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSocket, WebSocketLike } from '../../../ui/data-plane/data-plane-socket';
import { SharerSession } from '../../../ui/share/sharer-session';
import { WatcherSession, type WatcherSnapshot } from '../../../ui/share/watcher-session';
import { JOIN_CODE_KEY_BYTES } from '../../../server/screen/join-code-key';
import { startClusterNode } from '../../support/cluster-node';
import { until } from '../../support/polling';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { startRedis, type RedisServer } from '../../support/redis';
import type { TestServer } from '../../support/test-server';
import {
  addPortal,
  closeAll,
  connectAgent,
  customerViaHttp,
  seen,
  signInAgent,
} from '../../support/workflow';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { KeptPicture, meanError, MovingSquare } from '../../ui/share/support/synthetic-picture';
import { TurboJpegEncoder } from '../../ui/share/support/turbo-jpeg-encoder';

const WIDTH = 320;
const HEIGHT = 200;
/** Mean error per channel a still picture may keep after JPEG (as in test/ui/share). */
const JPEG_LOSS = 6;
const slug = 'cross-node-share';

let pg: PostgresServer;
let redis: RedisServer;
let a: TestServer;
let b: TestServer;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const place = {
    storeUrl: await pg.createDatabase(),
    busUrl: redis.url,
    joinKey: randomBytes(JOIN_CODE_KEY_BYTES),
  };
  a = await startClusterNode(place, 'node-a');
  b = await startClusterNode(place, 'node-b');
  await addPortal(a, slug);
}, 60_000);

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await redis?.stop();
  await pg?.stop();
});

/** The `ws` client as the browser WebSocket the page cores expect, from `node`'s page origin. */
function socketsFor(node: TestServer): CreateSocket {
  return (url) => {
    const ws = new WebSocket(url, { origin: node.url });
    ws.binaryType = 'arraybuffer';
    return ws as unknown as WebSocketLike;
  };
}

/** The agent's share page on `sharerNode`, the customer's page and watcher on `watcherNode`. */
async function shareAcross(sharerNode: TestServer, watcherNode: TestServer) {
  const signed = await signInAgent(sharerNode, { portals: [slug] });
  await sharerNode.services.accounts.updateUser(signed.email, { features: { shareMyScreen: true } }, 'test');
  const agent = await connectAgent(sharerNode, signed);
  const customer = await customerViaHttp(watcherNode, slug);
  cleanups.push(() => closeAll(agent.client, customer.client));
  const reply = await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId });
  expect(reply.type).toBe('reply');
  await seen(customer.client, (m) => m.type === 'session.accepted', 'session.accepted', 0, 10_000);

  const screen = new MovingSquare(WIDTH, HEIGHT);
  screen.moving = false;
  const sharer = new SharerSession({
    url: sharerNode.wsUrl,
    token: agent.token,
    sessionId: customer.sessionId,
    createSocket: socketsFor(sharerNode),
    source: screen,
    jpeg: new TurboJpegEncoder(),
    maxFps: 20,
  });
  cleanups.push(() => sharer.stop());
  sharer.start();
  await until('the share page sharing', () => sharer.phase === 'sharing', 10_000);
  await seen(
    customer.client,
    (m) => m.type === 'share.status' && m.active === true,
    'share.status',
    0,
    10_000,
  );

  const picture = new KeptPicture();
  const watcher = new WatcherSession({
    url: watcherNode.wsUrl,
    requestToken: customer.requestToken,
    createSocket: socketsFor(watcherNode),
    jpeg: new TurboJpegDecoder(),
    painter: picture,
  });
  cleanups.push(() => watcher.stop());
  const phases: WatcherSnapshot['phase'][] = [];
  watcher.subscribe((s) => {
    if (phases.at(-1) !== s.phase) phases.push(s.phase);
  });
  watcher.start();
  return { customer, screen, sharer, watcher, picture, phases };
}

/** The watcher shows the still picture, and both ends show the same security code. */
async function showsThePicture(s: Awaited<ReturnType<typeof shareAcross>>) {
  const shown = await until(
    `the watcher showing (last phase ${s.watcher.snapshot().phase})`,
    () => (s.watcher.snapshot().phase === 'showing' ? s.watcher.snapshot() : null),
    15_000,
  );
  expect(s.sharer.snapshot().watchers.map((w) => w.sas)).toContain(shown.sas);
  await until(
    `the still picture (mean error ${meanError(s.picture.data, s.screen.picture.data).toFixed(1)})`,
    () => s.picture.width === WIDTH && meanError(s.picture.data, s.screen.picture.data) < JPEG_LOSS,
    15_000,
  );
}

describe('share my screen across two nodes, with the real page cores', () => {
  it('shows the share page on A to the watcher on B, and on B to the watcher on A', async () => {
    const there = await shareAcross(a, b);
    await showsThePicture(there);
    expect(a.services.workflow.share.relay.viewersOf(there.customer.sessionId)).toHaveLength(1);
    expect(b.services.workflow.share.stats().rooms).toBe(0);

    const back = await shareAcross(b, a);
    await showsThePicture(back);
    expect(b.services.workflow.share.relay.viewersOf(back.customer.sessionId)).toHaveLength(1);
  }, 60_000);

  it('reconnects the watcher on its own when the node link drops, with new keys and the picture again', async () => {
    const s = await shareAcross(a, b);
    await showsThePicture(s);
    const firstSas = s.watcher.snapshot().sas;

    // A's end of the link goes without a close handshake, as when A's network drops.
    const link = a.services.workflow.share.relay.viewersOf(s.customer.sessionId)[0];
    expect(link).toBeDefined();
    link!.conn.ws.terminate();
    await until('the watcher reconnecting', () => s.phases.includes('reconnecting'), 10_000);
    await until(
      'one watcher on A again',
      () => a.services.workflow.share.relay.viewersOf(s.customer.sessionId).some((p) => p !== link),
      15_000,
    );
    await showsThePicture(s);
    expect(s.phases.slice(s.phases.indexOf('reconnecting'))).toContain('showing');
    // New keys for the new socket: the sharer lists the new watcher only.
    expect(s.sharer.snapshot().watchers).toHaveLength(1);
    expect(s.watcher.snapshot().sas).not.toBeNull();
    expect(firstSas).not.toBeNull();
  }, 60_000);
});
