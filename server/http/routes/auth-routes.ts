/**
 * Sign-in over HTTP for agents and managers:
 *   POST /api/v1/auth/login   {email, password, replace?} -> 200 LoginResponse
 *   POST /api/v1/auth/logout  (Bearer token)               -> 204, the token is revoked
 *   GET  /api/v1/auth/me      (Bearer token)               -> 200 MeResponse
 * Errors are AuthService's codes (docs/api.md); a 429 also carries a Retry-After header in seconds.
 */
import { ProtocolError } from '../../../protocol/errors';
import { LoginRequest, type LoginResponse, type MeResponse } from '../../../protocol/http-api';
import { agentRef, type AuthService } from '../../auth/auth-service';
import type { ServerContext } from '../../context';
import { bearerToken, requireSignIn } from '../bearer';
import { sendError, sendJson } from '../respond';
import type { Router } from '../router';
import { readValidBody } from '../validated-input';

export function registerAuthRoutes(router: Router, ctx: ServerContext, auth: AuthService): void {
  auth.prepare().catch((err: unknown) => ctx.log.error('auth_prepare_failed', { error: String(err) }));
  router.add('POST', '/api/v1/auth/login', async ({ req, res, address }) => {
    const body = await readValidBody(req, res, LoginRequest);
    let result: LoginResponse;
    try {
      result = await auth.login({
        email: body.email,
        password: body.password,
        address,
        ...(body.replace ? { replace: body.replace } : {}),
        ...(body.waitForSeat ? { waitForSeat: true } : {}),
      });
    } catch (err) {
      if (err instanceof ProtocolError && err.code === 'too_many_attempts') {
        const seconds = Number(err.details?.['retryAfterSeconds'] ?? 1);
        sendError(res, err.code, err.message, err.details, { 'Retry-After': String(seconds) });
        return;
      }
      throw err;
    }
    sendJson(res, 200, result satisfies LoginResponse);
  });

  router.add('POST', '/api/v1/auth/logout', async ({ req, res, address }) => {
    // requireSignIn answers a missing, unknown or ended token with 401 (and WWW-Authenticate).
    await requireSignIn(req, res, auth);
    await auth.logout(bearerToken(req) ?? '', address);
    res.writeHead(204, { 'Cache-Control': 'no-store' });
    res.end();
  });

  router.add('GET', '/api/v1/auth/me', async ({ req, res }) => {
    const { user, login } = await requireSignIn(req, res, auth);
    const portals = [];
    for (const slug of await ctx.store.portals.portalsOf(user.id)) {
      const p = await ctx.store.portals.get(slug);
      if (p) portals.push({ slug: p.slug, name: p.name });
    }
    sendJson(res, 200, {
      loginId: login.id,
      agent: agentRef(user),
      role: user.role,
      features: user.features,
      portals,
    } satisfies MeResponse);
  });
}
