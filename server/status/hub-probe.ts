/**
 * The WebSocket hub's liveness, seen the way a client sees it: a real WebSocket to the server's
 * own /ws (loopback), one message the hub must answer (an unknown first message gets an
 * `unknown_message_type` error back), then a close. That one round trip passes through the HTTP
 * upgrade, the origin check, the hub's dispatch and the event loop; a closed hub answers the
 * upgrade with 503 and a stalled one not at all (the probe's timeout).
 */
import WebSocket from 'ws';

/** How long the probe waits for the upgrade and the answer together, in ms. */
export const HUB_PROBE_TIMEOUT_MS = 3_000;
/** The probe's first message: a type no channel opens with, so the hub answers it with an error. */
const PROBE_MESSAGE = JSON.stringify({ type: 'status.probe' });

export type HubProbeResult = { alive: true } | { alive: false; detail: string };

export interface HubProbeTarget {
  /** ws:// or wss:// URL of the server's own /ws, on an address it listens on. */
  url: string;
  /** An origin the hub accepts (the server's own). */
  origin: string;
}

/**
 * The probe dials the socket the server listens on, not its public URL (a proxy may front it):
 * loopback when it listens on every address. The origin is the server's own loopback origin,
 * which the hub always accepts (app.ts).
 */
export function hubProbeTarget(listenHost: string, scheme: 'http' | 'https', port: number): HubProbeTarget {
  const host = listenHost === '0.0.0.0' ? '127.0.0.1' : listenHost === '::' ? '::1' : listenHost;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme === 'https' ? 'wss' : 'ws'}://${bracketed}:${port}/ws`,
    origin: `${scheme}://127.0.0.1:${port}`,
  };
}

export function probeHub(target: HubProbeTarget, timeoutMs = HUB_PROBE_TIMEOUT_MS): Promise<HubProbeResult> {
  return new Promise((resolve) => {
    // The server's own certificate may be self-signed: this socket never leaves the machine.
    const ws = new WebSocket(target.url, { origin: target.origin, rejectUnauthorized: false });
    let settled = false;
    const finish = (result: HubProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ alive: false, detail: `no answer from the WebSocket hub within ${timeoutMs} ms` }),
      timeoutMs,
    );
    ws.on('open', () => ws.send(PROBE_MESSAGE));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary && /"unknown_message_type"/.test(String(data))) finish({ alive: true });
      else finish({ alive: false, detail: 'the WebSocket hub answered the probe with something unexpected' });
    });
    ws.on('unexpected-response', (_req, res) => {
      // Refusals by the hub's own rules (origin, too many sockets from this address) prove it runs.
      const code = res.statusCode ?? 0;
      if (code === 403 || code === 429) finish({ alive: true });
      else finish({ alive: false, detail: `the WebSocket upgrade was answered with HTTP ${code}` });
    });
    ws.on('error', (err) => finish({ alive: false, detail: err.message }));
    ws.on('close', () =>
      finish({ alive: false, detail: 'the WebSocket hub closed the probe without answering' }),
    );
  });
}
