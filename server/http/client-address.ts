/**
 * The client's address, which throttles, request limits and the audit log key on. By default the
 * TCP peer's. Behind a load balancer every peer is the balancer, so `--trust-proxy ADDRESS`
 * names the proxies whose X-Forwarded-For is believed: the address is then the right-most entry
 * of that header that is not itself a trusted proxy (entries further left were written by the
 * client and prove nothing). A request from any other peer keeps its peer address, whatever
 * headers it sends, so a client cannot choose its own address to escape a throttle.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Entries read from X-Forwarded-For at most (a longer header is refused entry by entry past this). */
const MAX_FORWARDED_ENTRIES = 16;

export type AddressOf = (req: IncomingMessage) => string;

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address. */
function normalise(address: string): string {
  const a = address.trim();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function clientAddressOf(trustedProxies: readonly string[]): AddressOf {
  const trusted = new Set(trustedProxies.map(normalise));
  return (req) => {
    const peer = normalise(req.socket.remoteAddress ?? 'unknown');
    if (!trusted.has(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header.join(',') : header;
    if (!value) return peer;
    const entries = value.split(',').slice(-MAX_FORWARDED_ENTRIES).map(normalise);
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (isIP(entry) === 0) return peer;
      if (!trusted.has(entry)) return entry;
    }
    return peer;
  };
}

/** Checks `--trust-proxy` values: IP addresses only (no names: a name could resolve to anyone). */
export function parseTrustedProxies(values: readonly string[]): string[] {
  for (const v of values) {
    if (isIP(v.trim()) === 0) throw new Error(`--trust-proxy takes IP addresses; "${v}" is not one`);
  }
  return values.map(normalise);
}
