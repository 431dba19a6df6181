/**
 * The server address an agent types (or IT sets by policy), reduced to an origin: scheme, host
 * and port, nothing else. "support.example.com" means https; plain http is allowed (servers on a
 * company network), other schemes are refused. Every URL the extension builds starts from here.
 */

export type ServerAddress = { ok: true; origin: string } | { ok: false };

/** Longest server address accepted, in characters. */
export const SERVER_ADDRESS_MAX_CHARS = 2048;

export function parseServerAddress(input: string): ServerAddress {
  const text = input.trim();
  if (text.length === 0 || text.length > SERVER_ADDRESS_MAX_CHARS) return { ok: false };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
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
