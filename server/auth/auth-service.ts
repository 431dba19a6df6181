/**
 * Agent and manager sign-in: login (throttled, seat-limited, argon2id), logout, and token
 * authentication for the WebSocket channels and the management API.
 *
 * Order of checks in login, and why:
 *   throttle -> password (same cost whether or not the e-mail exists) -> account state (only
 *   revealed to someone who knows the password) -> seat limit (atomic in the store).
 *
 * Logins ended here (logout, seat taken, deactivation, password reset) are announced on
 * `events`. A change made by another process (the CLI, on the same database) is not: the store
 * is the truth, `authenticate` reads it on every call, and live connections call
 * `endedElsewhere(loginId)` now and then to notice (the support workflow does, every 30 s).
 */
import type { AgentRef, Role } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type { LoginResponse, SeatHolder } from '../../protocol/http-api';
import type { ServerContext } from '../context';
import type { LoginRecord, UserRecord } from '../store/store';
import { LoginEvents, type LoginEnded } from './login-events';
import { prepareDummyHash, verifyPassword } from './passwords';
import { LoginThrottle, USUAL_ADDRESS_MS } from './throttle';
import { hashToken, newId, newToken } from './tokens';

export interface Authenticated {
  user: UserRecord;
  login: LoginRecord;
}

export interface LoginInput {
  email: string;
  password: string;
  replace?: string;
  /** Sign in without a seat when none is free. */
  waitForSeat?: boolean;
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

  /**
   * Hashes the dummy password ahead of the first sign-in, so that the first attempt with an
   * unknown e-mail costs no more than any other (timing must not tell whether an account exists).
   * Called by whoever opens a login door (the HTTP routes); the CLI never needs it.
   */
  prepare(): Promise<void> {
    return prepareDummyHash().then(() => undefined);
  }

  async login(input: LoginInput): Promise<LoginResponse> {
    const email = input.email.trim().toLowerCase();
    // Read before the throttle: whether this is one of the agent's usual addresses decides which
    // count applies (throttle.ts). An unknown e-mail asks the same question of no one, so the
    // cost does not tell whether the account exists.
    const found = await this.ctx.store.users.byEmail(email);
    const usual = await this.ctx.store.logins.signedInFrom(
      found?.id ?? '',
      input.address,
      this.ctx.now() - USUAL_ADDRESS_MS,
    );
    const decision = await this.throttle.begin(email, input.address, usual);
    if (!decision.ok) {
      // Not audited: refusing costs nothing, so a flood of these would only fill the log; the
      // failures that caused the wait are in it.
      throw new ProtocolError('too_many_attempts', 'too many failed sign-in attempts; wait and try again', {
        retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000),
      });
    }
    const { attempt } = decision;
    const user: UserRecord | null = found;
    try {
      const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
      if (!user || !ok) {
        attempt.failed();
        await this.ctx.audit({
          actor: 'anonymous',
          action: 'login.failed',
          target: email,
          address: input.address,
        });
        throw new ProtocolError('invalid_credentials', 'invalid e-mail address or password');
      }
      attempt.succeeded();
    } finally {
      attempt.abandoned();
    }
    if (user.state !== 'active') {
      await this.ctx.audit({
        actor: user.id,
        action: 'login.refused_inactive',
        target: user.id,
        address: input.address,
      });
      throw new ProtocolError('account_inactive', 'this account is not activated; contact your manager');
    }
    return this.createLogin(user, input);
  }

  private async createLogin(user: UserRecord, input: LoginInput): Promise<LoginResponse> {
    const { store } = this.ctx;
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
      waitingForSeat: false,
    };
    const result = await store.logins.createWithinSeats({
      login,
      tokenHash: hashToken(token),
      seats: company?.seats ?? null,
      countsForSeat: user.role === 'agent',
      ...(input.replace ? { replaceLoginId: input.replace } : {}),
      ...(input.waitForSeat ? { waitForSeat: true } : {}),
    });
    if (!result.ok) {
      const holders = await this.describeHolders(result.holders);
      await this.ctx.audit({
        actor: user.id,
        action: 'login.seat_limit',
        details: { seats: company?.seats ?? 0 },
        address: input.address,
      });
      throw new ProtocolError(
        'seat_limit_reached',
        `all ${company?.seats ?? 0} seats are in use; sign out one of these agents to continue`,
        { seats: company?.seats ?? 0, loggedIn: holders },
      );
    }
    await this.ctx.audit({
      actor: user.id,
      action: result.waiting ? 'login.without_seat' : 'login',
      target: login.id,
      address: input.address,
    });
    const takenFrom = result.replaced[0];
    if (takenFrom) {
      await this.ctx.audit({
        actor: user.id,
        action: 'login.seat_takeover',
        target: takenFrom.userId,
        details: { endedLogins: result.replaced.map((r) => r.id), newLogin: login.id },
        address: input.address,
      });
    }
    for (const r of result.replaced) {
      this.events.emitEnded({ loginId: r.id, userId: r.userId, reason: 'seat_taken', byName: user.name });
    }
    return {
      token,
      loginId: login.id,
      agent: agentRef(user),
      role: user.role,
      ...(result.waiting ? { waitingForSeat: true } : {}),
    };
  }

  async logout(token: string, address: string): Promise<void> {
    const login = await this.ctx.store.logins.byTokenHash(hashToken(token));
    if (!login || login.endedAt !== null)
      throw new ProtocolError('token_invalid', 'this sign-in has already ended');
    await this.endLogin(login, 'logout');
    await this.ctx.audit({ actor: login.userId, action: 'logout', target: login.id, address });
  }

  /** A manager signs one login out (the management center's "Sign out"): false when it had ended. */
  async signOut(loginId: string): Promise<boolean> {
    const login = await this.ctx.store.logins.byId(loginId);
    if (!login || login.endedAt !== null) return false;
    await this.endLogin(login, 'logout');
    return true;
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

  /**
   * For live connections: has this login ended, or its account been deactivated, since it was
   * checked? Catches changes made by another process (the CLI), which `events` cannot announce.
   * Returns the event to act on, or null while the login is still good.
   */
  async endedElsewhere(loginId: string): Promise<LoginEnded | null> {
    const login = await this.ctx.store.logins.byId(loginId);
    if (!login) return { loginId, userId: '', reason: 'logout' };
    if (login.endedAt !== null) {
      return { loginId, userId: login.userId, reason: login.endReason ?? 'logout' };
    }
    const user = await this.ctx.store.users.byId(login.userId);
    if (!user || user.state !== 'active') {
      await this.endLogin(login, 'deactivated');
      return { loginId, userId: login.userId, reason: 'deactivated' };
    }
    return null;
  }

  private async endLogin(
    login: LoginRecord,
    reason: 'logout' | 'deactivated' | 'password_reset',
  ): Promise<void> {
    if (await this.ctx.store.logins.end(login.id, reason, this.ctx.now())) {
      this.events.emitEnded({ loginId: login.id, userId: login.userId, reason });
      await this.grantFreedSeats();
    }
  }

  /**
   * Gives the seats free now to the logins that waited for one, oldest first (an agent already
   * holding a seat gets theirs at once), and tells their sockets.
   */
  async grantFreedSeats(): Promise<void> {
    const company = await this.ctx.store.company.get();
    const promoted = await this.ctx.store.logins.promoteWaiting(company?.seats ?? null);
    for (const l of promoted) {
      await this.ctx.audit({
        actor: l.userId,
        action: 'login.seat_granted',
        target: l.id,
        address: l.address,
      });
      this.events.emitSeatGranted(l.id);
    }
  }

  /** One entry per agent holding a seat (their first login), oldest first. */
  async describeHolders(holders: LoginRecord[]): Promise<SeatHolder[]> {
    const out: SeatHolder[] = [];
    const seen = new Set<string>();
    for (const h of [...holders].sort((a, b) => a.createdAt - b.createdAt)) {
      if (seen.has(h.userId)) continue;
      seen.add(h.userId);
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
