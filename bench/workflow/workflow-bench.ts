/**
 * Support workflow benchmarks, each against a baseline run side by side in the same process:
 *   1. queue push: customer POST -> agents' `queue.added`, against a bare Node HTTP + ws server
 *      that broadcasts on POST (the floor: one HTTP request and one WebSocket message);
 *   2. relay throughput: helper -> viewer through Lifeline's relay (header check, consent check,
 *      from stamp, backpressure), against a bare ws server that forwards binary messages as is.
 * Prints medians, throughputs and ratios (Lifeline / baseline). Asserts nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { DataChannel, encodeFrame } from '../../protocol/frame';
import { startTestServer } from '../../test/support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  connectHelper,
  connectViewer,
  postRequest,
  screenRequested,
  seen,
} from '../../test/support/workflow';

const PUSH_SAMPLES = 200;
const AGENTS = 3;
const RELAY_FRAME_BYTES = 256 * 1024;
const RELAY_TOTAL_BYTES = 256 * 1024 * 1024;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function nextMessage(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => ws.once('message', () => resolve()));
}

async function baselinePush(): Promise<number> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const text = JSON.stringify({ type: 'queue.added' });
      for (const c of wss.clients) c.send(text);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  http.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)),
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as AddressInfo).port;
  const clients = await Promise.all(
    Array.from(
      { length: AGENTS },
      () =>
        new Promise<WebSocket>((r) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
          ws.once('open', () => r(ws));
        }),
    ),
  );
  const samples: number[] = [];
  for (let i = 0; i < PUSH_SAMPLES; i++) {
    const t = performance.now();
    const arrivals = clients.map((c) => nextMessage(c).then(() => performance.now() - t));
    await fetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: '{"name":"x"}' }).then((r) => r.text());
    samples.push(...(await Promise.all(arrivals)));
  }
  for (const c of clients) c.close();
  wss.close();
  http.close();
  return median(samples);
}

async function lifelinePush(): Promise<number> {
  const server = await startTestServer();
  try {
    await addPortal(server, 'bench');
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, () => addAgent(server, { portals: ['bench'] })),
    );
    const samples: number[] = [];
    for (let i = 0; i < PUSH_SAMPLES; i++) {
      const t = performance.now();
      const arrivals = agents.map((a) => nextMessage(a.client.ws).then(() => performance.now() - t));
      await postRequest(server, 'bench', { name: `c${i}` });
      samples.push(...(await Promise.all(arrivals)));
    }
    for (const a of agents) a.client.close();
    return median(samples);
  } finally {
    await server.stop();
  }
}

/** Sends RELAY_TOTAL_BYTES from `from` in frames, keeping at most 8 MiB in its own buffer; resolves with MB/s at `to`. */
function pump(from: WebSocket, to: WebSocket, frame: Uint8Array): Promise<number> {
  const frames = RELAY_TOTAL_BYTES / RELAY_FRAME_BYTES;
  return new Promise((resolve) => {
    let received = 0;
    let sent = 0;
    const t = performance.now();
    to.on('message', (_d, isBinary) => {
      if (!isBinary) return;
      received++;
      if (received === frames) resolve(RELAY_TOTAL_BYTES / 1e6 / ((performance.now() - t) / 1000));
    });
    const tick = () => {
      while (sent < frames && from.bufferedAmount < 8 * 1024 * 1024) {
        from.send(frame);
        sent++;
      }
      if (sent < frames) setTimeout(tick, 1);
    };
    tick();
  });
}

async function baselineRelay(): Promise<number> {
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    perMessageDeflate: false,
    maxPayload: 2 * 1024 * 1024,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  const peers: WebSocket[] = [];
  wss.on('connection', (ws) => {
    peers.push(ws);
    ws.on('message', (data, isBinary) => {
      const other = peers.find((p) => p !== ws);
      other?.send(data, { binary: isBinary });
    });
  });
  const open = () =>
    new Promise<WebSocket>((r) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.once('open', () => r(ws));
    });
  const a = await open();
  const b = await open();
  await new Promise((r) => setTimeout(r, 50));
  const mbps = await pump(
    a,
    b,
    encodeFrame({ channel: DataChannel.screen, from: 1, to: 2 }, new Uint8Array(RELAY_FRAME_BYTES - 8)),
  );
  a.close();
  b.close();
  wss.close();
  return mbps;
}

async function lifelineRelay(): Promise<number> {
  const server = await startTestServer();
  try {
    await addPortal(server, 'bench');
    const agent = await addAgent(server, { portals: ['bench'] });
    const s = await screenRequested(server, agent, 'bench');
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await seen(agent.client, (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view);
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    const peerId = viewer.first.peerId as number;
    const mbps = await pump(
      helper.client.ws,
      viewer.client.ws,
      encodeFrame(
        { channel: DataChannel.screen, from: 1, to: peerId },
        new Uint8Array(RELAY_FRAME_BYTES - 8),
      ),
    );
    for (const c of [agent.client, s.client, helper.client, viewer.client]) c.close();
    return mbps;
  } finally {
    await server.stop();
  }
}

const basePush = await baselinePush();
const ourPush = await lifelinePush();
console.log(`queue push, median of ${PUSH_SAMPLES * AGENTS} (POST -> alert at ${AGENTS} agents):`);
console.log(`  baseline (bare http + ws broadcast): ${basePush.toFixed(2)} ms`);
console.log(
  `  lifeline (store, queue, presence):   ${ourPush.toFixed(2)} ms   ratio ${(ourPush / basePush).toFixed(2)}x`,
);

const baseRelay = await baselineRelay();
const ourRelay = await lifelineRelay();
console.log(
  `relay throughput, ${RELAY_TOTAL_BYTES / 1048576} MiB in ${RELAY_FRAME_BYTES / 1024} KiB frames, helper -> viewer:`,
);
console.log(`  baseline (bare ws forward):          ${baseRelay.toFixed(0)} MB/s`);
console.log(
  `  lifeline relay:                      ${ourRelay.toFixed(0)} MB/s   ratio ${(ourRelay / baseRelay).toFixed(2)}x`,
);
process.exit(0);
