/**
 * API tokens for programs (ticketing systems, monitoring): made by a manager, read-only or full,
 * with an optional expiry, revocable. The token (`llt_` + 256 random bits) is shown once, in the
 * answer that creates it; only its SHA-256 is stored. A read-only token may call the management
 * API's GET routes; a full token every management route except token management itself (a leaked
 * token must not be able to mint others or hide itself).
 */
import { ProtocolError } from '../../protocol/errors';
import type { ApiTokenView } from '../../protocol/manage-api';
import { hashToken, newId, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { ApiTokenRecord, ApiTokenScope } from '../store/manage-store';

/** Every API token starts with this, so a bearer token is told from a sign-in token at a glance. */
export const API_TOKEN_PREFIX = 'llt_';

/** How often the "last used" time is written, at most, per token (ms): not one write per request. */
const TOUCH_EVERY_MS = 60_000;

export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

export function apiTokenView(t: ApiTokenRecord): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

export class ApiTokens {
  constructor(private readonly ctx: ServerContext) {}

  async create(
    input: { name: string; scope: ApiTokenScope; expiresAt: number | null },
    actor: string,
  ): Promise<{ token: string; view: ApiTokenView }> {
    const now = this.ctx.now();
    if (input.expiresAt !== null && input.expiresAt <= now)
      throw new ProtocolError('invalid_message', 'expiresAt: a time in the future', { field: 'expiresAt' });
    const token = `${API_TOKEN_PREFIX}${newToken()}`;
    const record: ApiTokenRecord = {
      id: newId(),
      name: input.name,
      scope: input.scope,
      createdBy: actor,
      createdAt: now,
      expiresAt: input.expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.ctx.store.manage.apiTokens.insert(record, hashToken(token));
    await this.ctx.audit({
      actor,
      action: 'api_token.create',
      target: record.id,
      details: { name: record.name, scope: record.scope, expiresAt: record.expiresAt },
    });
    return { token, view: apiTokenView(record) };
  }

  async list(): Promise<ApiTokenView[]> {
    return (await this.ctx.store.manage.apiTokens.list()).map(apiTokenView);
  }

  async revoke(id: string, actor: string): Promise<void> {
    if (!(await this.ctx.store.manage.apiTokens.revoke(id, this.ctx.now())))
      throw new ProtocolError('not_found', 'no live API token with this id');
    await this.ctx.audit({ actor, action: 'api_token.revoke', target: id });
  }

  /** The live token behind a bearer value, or a 401 saying why not. */
  async authenticate(token: string): Promise<ApiTokenRecord> {
    const record = await this.ctx.store.manage.apiTokens.byTokenHash(hashToken(token));
    if (!record) throw new ProtocolError('token_invalid', 'unknown API token');
    const now = this.ctx.now();
    if (record.revokedAt !== null)
      throw new ProtocolError('api_token_expired', 'this API token was revoked', { reason: 'revoked' });
    if (record.expiresAt !== null && record.expiresAt <= now)
      throw new ProtocolError('api_token_expired', 'this API token has expired', { reason: 'expired' });
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_EVERY_MS)
      await this.ctx.store.manage.apiTokens.touch(record.id, now);
    return record;
  }
}
