/**
 * Checks the server address the helper is told to join (by the extension or on the command
 * line) before anything connects to it: an absolute http(s) URL, reduced to its origin. Plain
 * http is accepted because a company may run the server on its LAN; the end-to-end encryption
 * does not depend on TLS (docs/security.md says what TLS adds).
 */
import { ProtocolError } from '../../protocol/errors';

/** Longest server address accepted, in characters (as the native channel's schema). */
const SERVER_URL_MAX_CHARS = 2048;

export function parseServerUrl(text: string): string {
  if (text.length > SERVER_URL_MAX_CHARS) {
    throw new ProtocolError('bad_request', `server address longer than ${SERVER_URL_MAX_CHARS} characters`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProtocolError('bad_request', `not a URL: ${JSON.stringify(text.slice(0, 100))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ProtocolError(
      'bad_request',
      `the server address must start with https:// (got ${url.protocol})`,
    );
  }
  if (url.username || url.password) {
    throw new ProtocolError('bad_request', 'the server address must not contain a user name or password');
  }
  return url.origin;
}
