/**
 * The address of the client behind a request or a WebSocket, as every throttle keys on it.
 *
 * Without `--trust-proxy` it is the socket's peer address, and X-Forwarded-For is ignored (any
 * client could write one). With `--trust-proxy` (addresses or CIDRs of the reverse proxies in
 * front of the server), and only when the socket's peer is one of them, X-Forwarded-For is read
 * from the right: each hop a trusted proxy appended is skipped, and the first address that is
 * not a trusted proxy is the client. Whatever a client put further left is never read, so a
 * client cannot choose its own address. A header a trusted proxy mangled (not an IP address)
 * leaves the proxy's address: one shared budget rather than one the client names.
 *
 * Addresses are normalised so one client has one key: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is
 * written as IPv4, IPv6 in lower case.
 */
import { BlockList, isIP } from 'node:net';

/** Longest X-Forwarded-For we read, in characters (a long chain of hops is not a real proxy setup). */
export const FORWARDED_FOR_MAX_CHARS = 2048;

export interface ProxyTrust {
  /** True when --trust-proxy named at least one address. */
  readonly configured: boolean;
  trusts(address: string): boolean;
}

export const NO_PROXY: ProxyTrust = { configured: false, trusts: () => false };

export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(a);
  return mapped ? mapped[1]! : a;
}

/**
 * Parses `--trust-proxy` values: "10.0.0.5", "10.0.0.0/8", "::1", "fd00::/8" (several per value,
 * comma-separated). Throws Error naming the first entry that is not one.
 */
export function parseTrustProxy(values: readonly string[]): ProxyTrust {
  const list = new BlockList();
  let count = 0;
  for (const value of values) {
    for (const raw of value.split(',')) {
      const entry = raw.trim();
      if (entry === '') continue;
      const [base, prefixText, extra] = entry.split('/');
      const address = normalizeAddress(base ?? '');
      const family = isIP(address);
      if (family === 0 || extra !== undefined)
        throw new Error(`--trust-proxy: "${entry}" is not an address or CIDR`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefixText === undefined) {
        list.addAddress(address, type);
      } else {
        const prefix = Number(prefixText);
        const max = family === 4 ? 32 : 128;
        if (!/^\d{1,3}$/.test(prefixText) || prefix > max)
          throw new Error(`--trust-proxy: "${entry}" has a prefix outside 0-${max}`);
        list.addSubnet(address, prefix, type);
      }
      count++;
    }
  }
  if (count === 0) return NO_PROXY;
  return {
    configured: true,
    trusts(address: string): boolean {
      const a = normalizeAddress(address);
      const family = isIP(a);
      if (family === 0) return false;
      return list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** One X-Forwarded-For entry as an address, or null (ports and brackets are tolerated). */
function forwardedEntry(raw: string): string | null {
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  const a = normalizeAddress(s);
  return isIP(a) === 0 ? null : a;
}

export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: ProxyTrust,
): string {
  const peer = normalizeAddress(socketAddress ?? 'unknown');
  if (!trust.configured || !trust.trusts(peer) || forwardedFor === undefined) return peer;
  const header = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).slice(
    -FORWARDED_FOR_MAX_CHARS,
  );
  const hops = header.split(',');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = forwardedEntry(hops[i]!);
    if (hop === null) return client;
    client = hop;
    if (!trust.trusts(hop)) return hop;
  }
  // Every hop is a trusted proxy: the leftmost is as close to the client as we can know.
  return client;
}

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 form. */
export function isLoopback(address: string): boolean {
  const a = normalizeAddress(address);
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * True for an address that may stand for many clients the server cannot tell apart: loopback
 * while no proxy is configured (a reverse proxy left unconfigured makes every client loopback,
 * and one shared budget would lock them all out). Per-address limits skip such an address.
 * With --trust-proxy nothing is exempt: the real client is known.
 */
export function isSharedAddress(address: string, trust: ProxyTrust): boolean {
  return !trust.configured && isLoopback(address);
}
