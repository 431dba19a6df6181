/**
 * A hostile relay for one test: a WebSocket proxy in front of the real server that forwards
 * everything both ways (Origin included, so the server's checks apply as usual) but flips ONE
 * bit in one binary frame going to a viewer, chosen by `pick` (e.g. the 3rd screen frame after
 * the picture started). It plays the network attacker or broken middlebox the end-to-end
 * encryption must catch.
 */
import { createServer, type Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

export interface FlipProxy {
  origin: string;
  /** Frames flipped so far. */
  flipped(): number;
  close(): Promise<void>;
}

/** `pick(frame, index)`: true for the binary frame (server -> viewer) whose bit to flip. */
export async function startFlipProxy(
  targetWsUrl: string,
  pick: (frame: Uint8Array, index: number) => boolean,
): Promise<FlipProxy> {
  let flips = 0;
  const http: Server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });
  wss.on('connection', (client, req) => {
    const upstream = new WebSocket(targetWsUrl, {
      perMessageDeflate: false,
      ...(req.headers.origin ? { origin: req.headers.origin } : {}),
    });
    const queue: { data: Buffer; binary: boolean }[] = [];
    let index = 0;
    upstream.on('open', () => {
      for (const m of queue) upstream.send(m.data, { binary: m.binary });
      queue.length = 0;
    });
    client.on('message', (data: Buffer, binary: boolean) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else queue.push({ data, binary });
    });
    upstream.on('message', (data: Buffer, binary: boolean) => {
      if (binary) {
        const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (pick(frame, index++)) {
          // One bit in the ciphertext, past the 16-byte header and counter.
          frame[Math.max(16, frame.byteLength - 24)]! ^= 0x04;
          flips++;
        }
      }
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    const closeBoth = () => {
      client.close();
      upstream.close();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    flipped: () => flips,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}
