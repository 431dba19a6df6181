/**
 * Child process of the relay benchmarks: the floor any relay is measured against. A bare `ws`
 * server that pairs two sockets by path (`/pair/<k>/sender`, `/pair/<k>/receiver`) and forwards
 * every binary message from the sender to the receiver as is: no header check, no consent, no
 * backpressure. Same hop count as the relay (generator -> this process -> generator).
 */
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { answerCpuQuestions } from './node-ipc';

const wss = new WebSocketServer({
  port: 0,
  host: '127.0.0.1',
  perMessageDeflate: false,
  maxPayload: 2 * 1024 * 1024,
});
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
const receivers = new Map<string, WebSocket>();
wss.on('connection', (ws, req) => {
  const [, , key, role] = (req.url ?? '').split('/');
  if (!key) return ws.close();
  if (role === 'receiver') {
    receivers.set(key, ws);
    ws.on('close', () => receivers.delete(key));
    return;
  }
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) receivers.get(key)?.send(data, { binary: true });
  });
});
answerCpuQuestions();
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
});
process.send?.({ type: 'ready', url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` });
