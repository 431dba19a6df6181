/**
 * Bearer-token sign-in for HTTP routes: `Authorization: Bearer <token>` (bounded, url-safe
 * characters only), checked by AuthService against the store on every request, so a logout,
 * a seat takeover or a deactivation (even one made by the CLI in another process) takes effect
 * on the next request. A 401 carries `WWW-Authenticate: Bearer` as HTTP asks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import { TOKEN_MAX_CHARS } from '../../protocol/limits';
import type { Authenticated, AuthService } from '../auth/auth-service';

const BEARER = new RegExp(`^Bearer ([A-Za-z0-9_-]{1,${TOKEN_MAX_CHARS}})$`, 'i');

/** The token of an `Authorization: Bearer` header, or null when there is none or it is malformed. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header.length > TOKEN_MAX_CHARS + 16) return null;
  return BEARER.exec(header.trim())?.[1] ?? null;
}

/** Who is calling, or a 401/403 ProtocolError; with `role`, that role is required (403 forbidden). */
export async function requireSignIn(
  req: IncomingMessage,
  res: ServerResponse,
  auth: AuthService,
  role?: Role,
): Promise<Authenticated> {
  const token = bearerToken(req);
  if (!token) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new ProtocolError('not_authenticated', 'sign in first: send Authorization: Bearer <token>');
  }
  try {
    return await auth.authenticate(token, role);
  } catch (err) {
    if (err instanceof ProtocolError && err.code !== 'forbidden' && err.code !== 'account_inactive')
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
    throw err;
  }
}
