/**
 * Administration of the company: its name and seat limit, users (agents and managers) and their
 * states and features, portals and who serves them. Used by the CLI, the first-run setup and the
 * management API alike, so the rules (password strength, last-manager protection, audit) hold
 * whichever door a change comes through.
 */
import type { Features, Role } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type { AuthService } from '../auth/auth-service';
import { hashPassword, weakPasswordError } from '../auth/passwords';
import { newId } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { PortalRecord, UserRecord, UserState } from '../store/store';
import { DEFAULT_FEATURES } from './default-features';

/** Largest seat limit a company may set (a bound, not a business rule). */
export const MAX_SEATS = 100_000;

export interface NewUser {
  email: string;
  name?: string;
  role: Role;
  password?: string;
  /** Created deactivated: cannot sign in until activated. */
  inactive?: boolean;
}

export class AccountService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly auth: AuthService,
  ) {}

  async createCompany(name: string, actor: string) {
    const company = await this.ctx.store.company.create(name, this.ctx.now());
    await this.ctx.audit({ actor, action: 'company.create', target: company.id, details: { name } });
    return company;
  }

  /** null = unlimited. Lowering the limit signs nobody out: new logins wait until a seat frees. */
  async setSeats(seats: number | null, actor: string): Promise<void> {
    if (seats !== null && (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS))
      throw new ProtocolError(
        'bad_request',
        `seats must be a whole number from 1 to ${MAX_SEATS}, or unlimited`,
      );
    if (!(await this.ctx.store.company.get()))
      throw new ProtocolError('not_found', 'create the company first');
    await this.ctx.store.company.setSeats(seats);
    await this.ctx.audit({ actor, action: 'company.seats', details: { seats } });
  }

  async addUser(input: NewUser, actor: string): Promise<UserRecord> {
    const email = input.email.trim().toLowerCase();
    if (await this.ctx.store.users.byEmail(email))
      throw new ProtocolError('email_taken', `${email} already has an account`);
    let passwordHash: string | null = null;
    if (input.password !== undefined) {
      const weak = weakPasswordError(input.password, email);
      if (weak) throw weak;
      passwordHash = await hashPassword(input.password);
    }
    const now = this.ctx.now();
    const state: UserState = input.inactive ? 'deactivated' : passwordHash ? 'active' : 'invited';
    const user: UserRecord = {
      id: newId(),
      email,
      name: input.name?.trim() || email.split('@')[0]!,
      role: input.role,
      state,
      passwordHash,
      features: { ...DEFAULT_FEATURES },
      createdAt: now,
      updatedAt: now,
    };
    await this.ctx.store.users.insert(user);
    await this.ctx.audit({
      actor,
      action: 'user.add',
      target: user.id,
      details: { email, role: user.role, state },
    });
    return user;
  }

  async setState(email: string, state: 'active' | 'deactivated', actor: string): Promise<UserRecord> {
    const user = await this.requireUser(email);
    if (state === 'active' && !user.passwordHash) {
      throw new ProtocolError(
        'weak_password',
        `${user.email} has no password yet; set one with reset-password first`,
      );
    }
    if (state === 'deactivated' && user.role === 'manager' && user.state === 'active')
      await this.refuseLastManager(user);
    await this.ctx.store.users.update(user.id, { state, updatedAt: this.ctx.now() });
    if (state === 'deactivated') await this.auth.endAllLogins(user.id, 'deactivated');
    await this.ctx.audit({
      actor,
      action: state === 'active' ? 'user.activate' : 'user.deactivate',
      target: user.id,
    });
    return { ...user, state };
  }

  async resetPassword(email: string, password: string, actor: string): Promise<void> {
    const user = await this.requireUser(email);
    const weak = weakPasswordError(password, user.email);
    if (weak) throw weak;
    const passwordHash = await hashPassword(password);
    await this.ctx.store.users.update(user.id, {
      passwordHash,
      state: user.state === 'invited' ? 'active' : user.state,
      updatedAt: this.ctx.now(),
    });
    await this.auth.endAllLogins(user.id, 'password_reset');
    await this.ctx.audit({ actor, action: 'user.reset_password', target: user.id });
  }

  /** Told when an account's features change (app.ts: open viewers follow them at once). */
  onFeaturesChanged: ((userId: string, features: Features) => void) | null = null;

  async updateUser(
    email: string,
    patch: { name?: string; role?: Role; features?: Partial<Features> },
    actor: string,
  ): Promise<UserRecord> {
    const user = await this.requireUser(email);
    if (patch.role === 'agent' && user.role === 'manager') await this.refuseLastManager(user);
    const name = patch.name?.trim();
    const next = {
      ...(name ? { name } : {}),
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.features ? { features: { ...user.features, ...patch.features } } : {}),
      updatedAt: this.ctx.now(),
    };
    await this.ctx.store.users.update(user.id, next);
    if (next.features) this.onFeaturesChanged?.(user.id, next.features);
    await this.ctx.audit({ actor, action: 'user.update', target: user.id, details: { ...patch } });
    return { ...user, ...next };
  }

  async addPortal(
    slug: string,
    name: string,
    actor: string,
    colour: string | null = null,
  ): Promise<PortalRecord> {
    if (await this.ctx.store.portals.get(slug))
      throw new ProtocolError('portal_exists', `portal ${slug} already exists`);
    const portal = { slug, name, colour, createdAt: this.ctx.now() };
    await this.ctx.store.portals.insert(portal);
    await this.ctx.audit({ actor, action: 'portal.add', target: slug, details: { name, colour } });
    return portal;
  }

  /** Renames a portal or changes its colour (what customers see on its page); the slug stays. */
  async updatePortal(
    slug: string,
    patch: { name?: string; colour?: string | null },
    actor: string,
  ): Promise<PortalRecord> {
    await this.requirePortal(slug);
    await this.ctx.store.portals.update(slug, patch);
    await this.ctx.audit({ actor, action: 'portal.update', target: slug, details: { ...patch } });
    return this.requirePortal(slug);
  }

  /** The agent (by e-mail) serves the portal from now on: its requests alert them. */
  async assignPortal(slug: string, email: string, actor: string): Promise<UserRecord> {
    await this.requirePortal(slug);
    const user = await this.requireUser(email);
    await this.ctx.store.portals.assign(slug, user.id);
    await this.ctx.audit({ actor, action: 'portal.assign', target: slug, details: { userId: user.id } });
    return user;
  }

  async unassignPortal(slug: string, userId: string, actor: string): Promise<void> {
    await this.requirePortal(slug);
    const user = await this.requireUserById(userId);
    await this.ctx.store.portals.unassign(slug, user.id);
    await this.ctx.audit({ actor, action: 'portal.unassign', target: slug, details: { userId: user.id } });
  }

  async requireUser(email: string): Promise<UserRecord> {
    const user = await this.ctx.store.users.byEmail(email.trim().toLowerCase());
    if (!user) throw new ProtocolError('agent_not_found', `no account for ${email}`);
    return user;
  }

  async requireUserById(id: string): Promise<UserRecord> {
    const user = await this.ctx.store.users.byId(id);
    if (!user) throw new ProtocolError('agent_not_found', 'no such user');
    return user;
  }

  async requirePortal(slug: string): Promise<PortalRecord> {
    const portal = await this.ctx.store.portals.get(slug);
    if (!portal) throw new ProtocolError('portal_not_found', `no portal ${slug}`);
    return portal;
  }

  private async refuseLastManager(user: UserRecord): Promise<void> {
    const managers = (await this.ctx.store.users.list()).filter(
      (u) => u.role === 'manager' && u.state === 'active',
    );
    if (managers.length <= 1 && managers[0]?.id === user.id) {
      throw new ProtocolError('last_manager', 'this is the last active manager; add another manager first');
    }
  }
}
