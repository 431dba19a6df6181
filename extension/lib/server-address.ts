/**
 * The server address an agent types (or IT sets by policy), reduced to an origin: scheme, host
 * and port, nothing else. "support.example.com" means https; a loopback server typed without a
 * scheme ("localhost:8200", "127.0.0.1:8200", "[::1]:8200") means http, since that is how
 * `npm start` serves it and a loopback link never leaves the machine. Plain http is allowed when
 * typed (servers on a company network); other schemes are refused. Every URL the extension builds
 * starts from here.
 */

export type ServerAddress = { ok: true; origin: string } | { ok: false };

/** Longest server address accepted, in characters. */
export const SERVER_ADDRESS_MAX_CHARS = 2048;

export function parseServerAddress(input: string): ServerAddress {
  const text = input.trim();
  if (text.length === 0 || text.length > SERVER_ADDRESS_MAX_CHARS) return { ok: false };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${defaultScheme(text)}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false };
  if (url.hostname.length === 0 || url.username !== '' || url.password !== '') return { ok: false };
  return { ok: true, origin: url.origin };
}

/** Hosts that never leave the machine: typed without a scheme, they mean http. */
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:[/?#]|$)/i;

function defaultScheme(text: string): 'http' | 'https' {
  return LOOPBACK_HOST.test(text) ? 'http' : 'https';
}

/** The control WebSocket of a server origin. */
export function webSocketUrl(origin: string): string {
  return `${origin.replace(/^http/, 'ws')}/ws`;
}

/** An API path under the server origin (path starts with "/"). */
export function apiUrl(origin: string, path: string): string {
  return `${origin}/api/v1${path}`;
}

/** The status page people are sent to when the server cannot be reached. */
export function statusPageUrl(origin: string): string {
  return `${origin}/status`;
}

/**
 * A status page address set by IT: a whole http(s) URL (path and query kept), no credentials;
 * null when it is anything else.
 */
export function parseStatusPageUrl(input: string): string | null {
  const text = input.trim();
  if (text.length === 0 || text.length > SERVER_ADDRESS_MAX_CHARS) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}

/** True when `url` (any string) is a page of the server's customer support pages. */
export function isSupportPageOf(origin: string, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.origin === origin && parsed.pathname.startsWith('/support/');
}
