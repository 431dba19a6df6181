/**
 * Loopback TCP ports for the benchmarks' side-by-side servers (x0vncserver): a free port to hand
 * a server, and a wait until something listens on it.
 */
import net from 'node:net';
import { sleep } from './sleep';

/** How long a server may take to start listening, in ms. */
const LISTEN_TIMEOUT_MS = 10_000;
/** Time between two connection attempts while waiting, in ms. */
const RETRY_MS = 100;

/** A port nothing listens on right now (the OS picks it; closed again before returning). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const address = s.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((r) => s.close(r));
  return port;
}

/** Resolves once a connection to 127.0.0.1:`port` succeeds; throws after `ms`. */
export async function waitPort(port: number, ms = LISTEN_TIMEOUT_MS): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(RETRY_MS);
  }
  throw new Error(`nothing listens on ${port}`);
}
