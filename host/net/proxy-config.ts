/**
 * Which proxy the helper's connection to the server goes through, if any: the standard variables
 * (HTTPS_PROXY for wss, HTTP_PROXY for ws, ALL_PROXY for both; lower-case names too, the
 * lower-case one first as curl reads them) unless NO_PROXY names the server, else the system's
 * proxy settings where the platform has them (Windows: host/platform's systemProxy seam), else
 * none. Only http:// proxies are spoken (CONNECT); another scheme is refused with a clear reason.
 *
 * NO_PROXY: comma- or space-separated entries; `*` matches everything; `example.com` and
 * `.example.com` match that host and its subdomains; `host:port` only that port; an IP address
 * matches itself (no CIDR ranges).
 */

/** A proxy named by the system's own settings (e.g. Windows' Internet Options). */
export interface SystemProxySettings {
  /** http://host:port of the proxy for https (and wss) targets, or null. */
  https: string | null;
  /** http://host:port of the proxy for http (and ws) targets, or null. */
  http: string | null;
  /** Hosts that go direct, in NO_PROXY syntax (Windows' "<local>" becomes the plain host names). */
  bypass: string[];
}

export interface ProxyChoice {
  /** The proxy's URL (http:), credentials included when the configuration has them. */
  url: URL;
  /** Where it came from, for the log and the error messages ("HTTPS_PROXY", "system"). */
  from: string;
}

export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

function envValue(env: NodeJS.ProcessEnv, name: string): { value: string; from: string } | null {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key]?.trim();
    if (value) return { value, from: key };
  }
  return null;
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' || protocol === 'wss:' ? 443 : 80;
}

/** Whether NO_PROXY-style `entries` say `target` goes direct. */
export function bypassed(target: URL, entries: readonly string[]): boolean {
  const host = target.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  const port = Number(target.port) || defaultPort(target.protocol);
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let name = entry;
    let entryPort: number | null = null;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const withPort = /^([^:]+):(\d+)$/.exec(entry);
    if (bracketed) {
      name = bracketed[1]!;
      entryPort = bracketed[2] ? Number(bracketed[2]) : null;
    } else if (withPort) {
      name = withPort[1]!;
      entryPort = Number(withPort[2]);
    }
    name = name.replace(/^\*?\./, '.').replace(/\.$/, '');
    if (entryPort !== null && entryPort !== port) continue;
    if (name.startsWith('.')) {
      if (host === name.slice(1) || host.endsWith(name)) return true;
    } else if (host === name || host.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

function parseProxy(value: string, from: string): URL {
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    throw new ProxyConfigError(`${from} is not a proxy address: ${JSON.stringify(value.slice(0, 100))}`);
  }
  if (url.protocol !== 'http:') {
    throw new ProxyConfigError(
      `${from} names a ${url.protocol.replace(':', '')} proxy; only http:// proxies are supported`,
    );
  }
  return url;
}

/** The proxy for a connection to `target` (ws:, wss:, http: or https:), or null: go direct. */
export function proxyFor(
  target: URL,
  env: NodeJS.ProcessEnv,
  system: SystemProxySettings | null = null,
): ProxyChoice | null {
  const secure = target.protocol === 'https:' || target.protocol === 'wss:';
  const fromEnv = envValue(env, secure ? 'https_proxy' : 'http_proxy') ?? envValue(env, 'all_proxy');
  if (fromEnv) {
    const noProxy = envValue(env, 'no_proxy')?.value.split(/[\s,]+/) ?? [];
    if (bypassed(target, noProxy)) return null;
    return { url: parseProxy(fromEnv.value, fromEnv.from), from: fromEnv.from };
  }
  if (!system) return null;
  const value = secure ? system.https : system.http;
  if (!value || bypassed(target, system.bypass)) return null;
  return { url: parseProxy(value, 'the system proxy settings'), from: 'system' };
}
