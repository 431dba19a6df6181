/**
 * Child process of the relay benchmarks: a second node in front of the relay node, the way a
 * node that does not own a session forwards its clients to the owner (server/cluster/node-link.ts):
 * every WebSocket it accepts is piped to BENCH_OWNER_WS (the relay node's /ws) over a socket of
 * its own, with the relay's backpressure. Measures what crossing two nodes adds to a frame.
 */
import type { AddressInfo } from 'node:net';
import { answerCpuQuestions } from './node-ipc';
import WebSocket, { WebSocketServer } from 'ws';
import { DATA_FRAME_MAX_BYTES } from '../../protocol/limits';
import { pipeSockets } from '../../server/cluster/node-link';

const owner = process.env.BENCH_OWNER_WS;
if (!owner) throw new Error('BENCH_OWNER_WS: the owner node /ws URL');
const wss = new WebSocketServer({
  port: 0,
  host: '127.0.0.1',
  perMessageDeflate: false,
  maxPayload: DATA_FRAME_MAX_BYTES,
});
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
wss.on('connection', (client, req) => {
  client.pause();
  const origin = req.headers.origin;
  const upstream = new WebSocket(owner, { perMessageDeflate: false, ...(origin ? { origin } : {}) });
  upstream.once('open', () => {
    pipeSockets(client, upstream);
    client.resume();
  });
  upstream.once('error', () => client.terminate());
});
answerCpuQuestions();
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
});
process.send?.({ type: 'ready', url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws` });
