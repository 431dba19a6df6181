/**
 * The address a node advertises to the others (`--advertise` / LIFELINE_ADVERTISE): where they
 * open node links to it (node-link-session.ts). An origin only (http, https, ws or wss, a host,
 * an optional port), no credentials, path, query or fragment: the link path is fixed. Without
 * it, a node listening on one address advertises that address; one listening on every address
 * (0.0.0.0, ::) cannot guess which one the others reach, and must be told.
 */
import { ADVERTISE_MAX_CHARS } from './node-registry';

/** Environment variable read when `--advertise` is not given. */
export const ADVERTISE_ENV = 'LIFELINE_ADVERTISE';

const SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** The advertised origin, normalised; throws an Error that says what is wrong. */
export function parseAdvertise(value: string): string {
  if (value.length > ADVERTISE_MAX_CHARS) throw new Error(`longer than ${ADVERTISE_MAX_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      'does not parse: use http://HOST:PORT (or https://) where the other nodes reach this one',
    );
  }
  if (!SCHEMES.has(url.protocol)) throw new Error(`"${url.protocol}" is not http, https, ws or wss`);
  if (url.username || url.password) throw new Error('takes no user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new Error('is an origin only (no path, query or fragment)');
  if (WILDCARD_HOSTS.has(url.hostname))
    throw new Error('must name a host the other nodes reach, not every address');
  return url.origin;
}

/** What a node listening on `host` advertises by default; null when it cannot know (a wildcard). */
export function defaultAdvertise(host: string, scheme: 'http' | 'https', port: number): string | null {
  if (WILDCARD_HOSTS.has(host)) return null;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}`;
}
