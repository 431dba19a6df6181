/**
 * Agent and manager sign-in: login (throttled, seat-limited, argon2id), logout, and token
 * authentication for the WebSocket channels and the management API.
 *
 * Order of checks in login, and why:
 *   throttle -> password (same cost whether or not the e-mail exists) -> account state (only
 *   revealed to someone who knows the password) -> seat limit (atomic in the store).
 */
import type { AgentRef, Role } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type { LoginResponse, SeatHolder } from '../../protocol/http-api';
import type { ServerContext } from '../context';
import type { LoginRecord, UserRecord } from '../store/store';
import { LoginEvents } from './login-events';
import { verifyPassword } from './passwords';
import { LoginThrottle } from './throttle';
import { hashToken, newId, newToken } from './tokens';

export interface Authenticated {
  user: UserRecord;
  login: LoginRecord;
}

export interface LoginInput {
  email: string;
  password: string;
  replace?: string;
  address: string;
}

export function agentRef(user: UserRecord): AgentRef {
  return { id: user.id, name: user.name, email: user.email };
}

export class AuthService {
  readonly events = new LoginEvents();
  readonly throttle: LoginThrottle;

  constructor(private readonly ctx: ServerContext) {
    this.throttle = new LoginThrottle(ctx.now);
  }

  async login(input: LoginInput): Promise<LoginResponse> {
    const { store } = this.ctx;
    const email = input.email;
    const wait = this.throttle.retryAfterMs(email, input.address);
    if (wait > 0) {
      throw new ProtocolError('too_many_attempts', 'too many failed sign-in attempts; wait and try again', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const user = await store.users.byEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || !ok) {
      this.throttle.recordFailure(email, input.address);
      await this.ctx.audit({
        actor: 'anonymous',
        action: 'login.failed',
        target: email,
        address: input.address,
      });
      throw new ProtocolError('invalid_credentials', 'invalid e-mail address or password');
    }
    if (user.state !== 'active') {
      throw new ProtocolError('account_inactive', 'this account is not activated; contact your manager');
    }
    this.throttle.recordSuccess(email);
    const company = await store.company.get();
    const now = this.ctx.now();
    const token = newToken();
    const login: LoginRecord = {
      id: newId(),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      endedAt: null,
      endReason: null,
      address: input.address,
    };
    const result = await store.logins.createWithinSeats({
      login,
      tokenHash: hashToken(token),
      seats: company?.seats ?? null,
      countsForSeat: user.role === 'agent',
      ...(input.replace ? { replaceLoginId: input.replace } : {}),
    });
    if (!result.ok) {
      const holders = await this.describeHolders(result.holders);
      throw new ProtocolError(
        'seat_limit_reached',
        `all ${company?.seats ?? 0} seats are in use; sign out one of these agents to continue`,
        { seats: company?.seats ?? 0, loggedIn: holders },
      );
    }
    await this.ctx.audit({ actor: user.id, action: 'login', target: login.id, address: input.address });
    if (result.replaced) {
      await this.ctx.audit({
        actor: user.id,
        action: 'login.seat_takeover',
        target: result.replaced.id,
        details: { replacedUserId: result.replaced.userId },
        address: input.address,
      });
      this.events.emitEnded({
        loginId: result.replaced.id,
        userId: result.replaced.userId,
        reason: 'seat_taken',
        byName: user.name,
      });
    }
    return { token, loginId: login.id, agent: agentRef(user), role: user.role };
  }

  async logout(token: string, address: string): Promise<void> {
    const login = await this.ctx.store.logins.byTokenHash(hashToken(token));
    if (!login || login.endedAt !== null)
      throw new ProtocolError('token_invalid', 'this sign-in has already ended');
    await this.endLogin(login, 'logout');
    await this.ctx.audit({ actor: login.userId, action: 'logout', target: login.id, address });
  }

  /** Ends every login of a user (deactivation, password reset). */
  async endAllLogins(userId: string, reason: 'deactivated' | 'password_reset'): Promise<number> {
    const logins = await this.ctx.store.logins.activeForUser(userId);
    for (const l of logins) await this.endLogin(l, reason);
    return logins.length;
  }

  /** The user and login behind a token, or a ProtocolError saying why not. */
  async authenticate(token: string, requiredRole?: Role): Promise<Authenticated> {
    const login = await this.ctx.store.logins.byTokenHash(hashToken(token));
    if (!login) throw new ProtocolError('token_invalid', 'sign in again');
    if (login.endedAt !== null) {
      throw new ProtocolError('signed_out', signedOutMessage(login.endReason), { reason: login.endReason });
    }
    const user = await this.ctx.store.users.byId(login.userId);
    if (!user || user.state !== 'active')
      throw new ProtocolError('account_inactive', 'this account is not activated; contact your manager');
    if (requiredRole && user.role !== requiredRole)
      throw new ProtocolError('forbidden', `this needs a ${requiredRole} account`);
    return { user, login };
  }

  private async endLogin(
    login: LoginRecord,
    reason: 'logout' | 'deactivated' | 'password_reset',
  ): Promise<void> {
    if (await this.ctx.store.logins.end(login.id, reason, this.ctx.now())) {
      this.events.emitEnded({ loginId: login.id, userId: login.userId, reason });
    }
  }

  private async describeHolders(holders: LoginRecord[]): Promise<SeatHolder[]> {
    const out: SeatHolder[] = [];
    for (const h of holders) {
      const u = await this.ctx.store.users.byId(h.userId);
      if (u) out.push({ loginId: h.id, name: u.name, email: u.email, since: h.createdAt });
    }
    return out;
  }
}

const SIGNED_OUT_MESSAGES: Record<NonNullable<LoginRecord['endReason']>, string> = {
  logout: 'signed out',
  seat_taken: 'signed out: another agent took your seat',
  deactivated: 'signed out: your account was deactivated',
  password_reset: 'signed out: your password was changed',
};

export function signedOutMessage(reason: LoginRecord['endReason']): string {
  return reason ? SIGNED_OUT_MESSAGES[reason] : 'signed out';
}
