/**
 * Who may call a management route, decided by the server on every request (pages only hide what
 * the server refuses anyway). Four levels:
 *
 * | access    | anonymous | agent sign-in | manager sign-in | read-only token | full token |
 * | --------- | --------- | ------------- | --------------- | --------------- | ---------- |
 * | `public`  | yes       | yes           | yes             | yes             | yes        |
 * | `read`    | 401       | 403           | yes             | yes             | yes        |
 * | `write`   | 401       | 403           | yes             | 403             | yes        |
 * | `manager` | 401       | 403           | yes             | 403             | 403        |
 *
 * `manager` guards the API tokens themselves: a token never mints or revokes tokens. A bearer value
 * starting with `llt_` is an API token (api-tokens.ts); anything else a sign-in token
 * (auth-service.ts), checked against the store on every request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '../../protocol/errors';
import { isApiToken, type ApiTokens } from '../accounts/api-tokens';
import type { AuthService } from '../auth/auth-service';
import type { ApiTokenRecord } from '../store/manage-store';
import type { UserRecord } from '../store/store';
import { bearerToken, requireSignIn } from './bearer';

export type Access = 'public' | 'read' | 'write' | 'manager';

export type Caller =
  { kind: 'anonymous' } | { kind: 'manager'; user: UserRecord } | { kind: 'token'; token: ApiTokenRecord };

/** The audit log's actor for a caller: the manager's user id, or `token:<id>`. */
export function actorOf(caller: Caller): string {
  if (caller.kind === 'manager') return caller.user.id;
  if (caller.kind === 'token') return `token:${caller.token.id}`;
  return 'anonymous';
}

export interface AccessDeps {
  auth: AuthService;
  apiTokens: ApiTokens;
}

export async function authorize(
  req: IncomingMessage,
  res: ServerResponse,
  deps: AccessDeps,
  access: Access,
): Promise<Caller> {
  if (access === 'public') return { kind: 'anonymous' };
  const bearer = bearerToken(req);
  if (bearer !== null && isApiToken(bearer)) {
    let token: ApiTokenRecord;
    try {
      token = await deps.apiTokens.authenticate(bearer);
    } catch (err) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw err;
    }
    if (access === 'manager')
      throw new ProtocolError('forbidden', 'API tokens cannot manage API tokens; sign in as a manager');
    if (access === 'write' && token.scope !== 'full')
      throw new ProtocolError('forbidden', 'this API token is read-only');
    return { kind: 'token', token };
  }
  const { user } = await requireSignIn(req, res, deps.auth, 'manager');
  return { kind: 'manager', user };
}
