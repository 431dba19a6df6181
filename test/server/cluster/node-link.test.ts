/**
 * The node-to-node link with real sockets on 127.0.0.1: a client reaches a forwarding node, which
 * opens its own WebSocket to the owner node and pipes both ways. Order and text/binary are kept;
 * a slow owner pauses the client's socket (the forwarding node's buffer stays bounded, nothing
 * is lost); closing either end closes the other with the same code; an owner that reads nothing
 * is cut after the stall time.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { pipeSockets, type LinkStats } from '../../../server/cluster/node-link';
import { until } from '../../support/polling';

const LIMITS = { highWaterBytes: 256 * 1024, lowWaterBytes: 64 * 1024, stallMs: 1_500 };
const FRAME_BYTES = 64 * 1024;

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function listen(onConnection: (ws: WebSocket) => void): Promise<string> {
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    perMessageDeflate: false,
    maxPayload: 2 * 1024 * 1024,
  });
  servers.push(wss);
  wss.on('connection', onConnection);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Owner node, forwarding node, client: returns them with the link's counters and upstream socket. */
async function topology(onOwner: (ws: WebSocket) => void) {
  const ownerUrl = await listen(onOwner);
  let link: { stats: LinkStats; upstream: WebSocket } | null = null;
  const forwarderUrl = await listen((client) => {
    client.pause();
    void open(ownerUrl).then((upstream) => {
      link = { stats: pipeSockets(client, upstream, LIMITS), upstream };
      client.resume();
    });
  });
  const client = await open(forwarderUrl);
  while (!link) await new Promise((r) => setTimeout(r, 5));
  return { client, link: link as { stats: LinkStats; upstream: WebSocket } };
}

describe('node link', () => {
  it('pipes text and binary both ways, in order', async () => {
    const got: string[] = [];
    const { client } = await topology((owner) => {
      owner.on('message', (data: Buffer, isBinary) => {
        got.push(isBinary ? `bin:${data.length}` : `text:${data.toString()}`);
        owner.send(isBinary ? data : `echo ${data.toString()}`, { binary: isBinary });
      });
    });
    const back: string[] = [];
    client.on('message', (data: Buffer, isBinary) =>
      back.push(isBinary ? `bin:${data.length}` : data.toString()),
    );
    for (let i = 0; i < 50; i++) {
      client.send(`m${i}`);
      client.send(Buffer.alloc(i + 1), { binary: true });
    }
    while (back.length < 100) await new Promise((r) => setTimeout(r, 5));
    const expected = Array.from({ length: 50 }, (_, i) => [`text:m${i}`, `bin:${i + 1}`]).flat();
    expect(got).toEqual(expected);
    expect(back).toEqual(Array.from({ length: 50 }, (_, i) => [`echo m${i}`, `bin:${i + 1}`]).flat());
    client.close();
  });

  it('pauses the client while the owner is slow, keeps the forwarding buffer bounded, and loses nothing', async () => {
    let ownerSocket: WebSocket | null = null;
    let received = 0;
    const { client, link } = await topology((owner) => {
      ownerSocket = owner;
      owner.pause(); // a slow owner: reads nothing for now
      owner.on('message', () => received++);
    });
    let maxBuffered = 0;
    const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, link.upstream.bufferedAmount)), 2);
    const frames = 300;
    for (let i = 0; i < frames; i++) client.send(Buffer.alloc(FRAME_BYTES, i % 256), { binary: true });
    // Waited for, not timed: on a loaded machine the sends take as long as they take.
    await until('the client paused by the slow owner', () => link.stats.pauses > 0, 20_000);
    expect(received).toBe(0);
    ownerSocket!.resume();
    while (received < frames) await new Promise((r) => setTimeout(r, 5));
    clearInterval(sampler);
    expect(received).toBe(frames);
    // Never more than the high-water mark plus what was in flight when the client paused.
    expect(maxBuffered).toBeLessThan(LIMITS.highWaterBytes + 2 * FRAME_BYTES);
    client.close();
  });

  it('closes the other side with the same code when either side closes', async () => {
    let ownerSide: WebSocket | null = null;
    const { client } = await topology((owner) => (ownerSide = owner));
    const closed = new Promise<[number, string]>((r) =>
      client.once('close', (code, reason) => r([code, reason.toString()])),
    );
    ownerSide!.close(4001, 'session transferred');
    expect(await closed).toEqual([4001, 'session transferred']);

    let ownerClosed: Promise<number> | null = null;
    const second = await topology(
      (owner) => (ownerClosed = new Promise((r) => owner.once('close', (code) => r(code)))),
    );
    second.client.close(1000, 'bye');
    expect(await ownerClosed!).toBe(1000);
  });

  it('cuts an owner that reads nothing for the stall time, which closes the client too', async () => {
    const { client, link } = await topology((owner) => owner.pause());
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    for (let i = 0; i < 200; i++) client.send(Buffer.alloc(FRAME_BYTES), { binary: true });
    const code = await closed;
    expect(link.stats.pauses).toBeGreaterThan(0);
    // The owner side was terminated (no close frame: 1006), reported to the client as 1011.
    expect(code).toBe(1011);
  }, 15_000);
});
