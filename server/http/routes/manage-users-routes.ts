/**
 * Management API, people: users (create, invite, change, activate, deactivate, features,
 * one-time links), who is signed in (and signing one out), and seats.
 *   GET/POST /api/v1/manage/users, PATCH /api/v1/manage/users/:id, POST /api/v1/manage/users/:id/link
 *   GET /api/v1/manage/logins, DELETE /api/v1/manage/logins/:id
 *   GET/PUT /api/v1/manage/seats
 * Changes go through AccountService (the CLI's rules and audit), with the caller as the actor.
 */
import * as z from 'zod';
import { Id } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import {
  CreateUserRequest,
  SeatsRequest,
  SeatsView,
  UpdateUserRequest,
  UserView,
  type SeatsView as SeatsViewT,
} from '../../../protocol/http-api';
import {
  LinkRequest,
  LinkResult,
  LoginView,
  type LoginView as LoginViewT,
} from '../../../protocol/manage-api';
import { userView } from '../../accounts/account-views';
import { applyFeatureChange } from '../../accounts/feature-changes';
import { weakPasswordError } from '../../auth/passwords';
import { defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';

const TAG = 'Users and seats';

export function userIdParam(raw: string | undefined): string {
  const id = Id.safeParse(raw);
  if (!id.success) throw new ProtocolError('agent_not_found', 'no such user');
  return id.data;
}

export function manageUsersRoutes(deps: ManageDeps): ApiRoute[] {
  const { ctx, auth, accounts, workflow, links } = deps;
  const { store } = ctx;

  const view = async (userId: string) => {
    const user = await accounts.requireUserById(userId);
    const link = await store.manage.links.liveFor(user.id, ctx.now());
    return {
      ...userView(user, await store.portals.portalsOf(user.id)),
      online: workflow.presence.isOnline(user.id),
      pendingLink: link ? { purpose: link.purpose, expiresAt: link.expiresAt } : null,
    };
  };

  const seatsView = async (): Promise<SeatsViewT> => {
    const company = await store.company.get();
    const seatLogins = [];
    for (const l of await store.logins.active()) {
      if (!l.waitingForSeat && (await store.users.byId(l.userId))?.role === 'agent') seatLogins.push(l);
    }
    const loggedIn = await auth.describeHolders(seatLogins);
    return { seats: company?.seats ?? null, inUse: loggedIn.length, loggedIn };
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/users',
      access: 'read',
      tag: TAG,
      summary: 'Every user (agents and managers), by e-mail, with portals, state and a pending link',
      response: z.object({ users: z.array(UserView) }),
      async handler() {
        const users = [];
        for (const u of await store.users.list()) users.push(await view(u.id));
        return { users };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/manage/users',
      access: 'write',
      tag: TAG,
      summary: 'Adds a user: invited (no password; send them a link) or with a password',
      body: CreateUserRequest,
      response: UserView,
      status: 201,
      errors: ['email_taken', 'weak_password'],
      async handler({ body, actor }) {
        const user = await accounts.addUser(
          {
            email: body.email,
            name: body.name,
            role: body.role,
            ...(body.password !== undefined ? { password: body.password } : {}),
            inactive: !body.active,
          },
          actor,
        );
        return view(user.id);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/manage/users/:id',
      access: 'write',
      tag: TAG,
      summary: 'Changes name, role, state (activate/deactivate), features or password',
      body: UpdateUserRequest,
      response: UserView,
      errors: ['agent_not_found', 'last_manager', 'weak_password'],
      async handler({ params, body, actor }) {
        const id = userIdParam(params['id']);
        const target = await accounts.requireUserById(id);
        // Checks that need nothing applied first come first, so a refusal changes nothing.
        if (body.password !== undefined) {
          const weak = weakPasswordError(body.password, target.email);
          if (weak) throw weak;
        }
        if (body.name !== undefined || body.role !== undefined || body.features !== undefined) {
          const updated = await accounts.updateUser(
            target.email,
            {
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.role !== undefined ? { role: body.role } : {}),
              ...(body.features !== undefined ? { features: body.features } : {}),
            },
            actor,
          );
          if (body.features !== undefined) applyFeatureChange(workflow, id, updated.features);
        }
        if (body.state === 'deactivated') await accounts.setState(target.email, 'deactivated', actor);
        if (body.password !== undefined) await accounts.resetPassword(target.email, body.password, actor);
        if (body.state === 'active') await accounts.setState(target.email, 'active', actor);
        return view(id);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/manage/users/:id/link',
      access: 'write',
      tag: TAG,
      summary:
        'A one-time link to choose a password: an invitation (no password yet) or a reset; e-mailed when SMTP is configured, else in the answer',
      body: LinkRequest,
      response: LinkResult,
      errors: ['agent_not_found', 'account_inactive'],
      async handler({ params, body, actor }) {
        const user = await accounts.requireUserById(userIdParam(params['id']));
        return links.issue(user, actor, body.language);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/logins',
      access: 'read',
      tag: TAG,
      summary: 'Who is signed in now: every live sign-in, with its seat and whether it is connected',
      response: z.object({ logins: z.array(LoginView) }),
      async handler() {
        const out: LoginViewT[] = [];
        for (const l of await store.logins.active()) {
          const u = await store.users.byId(l.userId);
          if (!u) continue;
          out.push({
            loginId: l.id,
            user: { id: u.id, name: u.name, email: u.email },
            role: u.role,
            since: l.createdAt,
            lastSeenAt: l.lastSeenAt,
            address: l.address,
            seat: u.role === 'agent' && !l.waitingForSeat,
            online: workflow.loginSockets.loginIds().includes(l.id),
          });
        }
        return { logins: out };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/manage/logins/:id',
      access: 'write',
      tag: TAG,
      summary: 'Signs one sign-in out (its seat frees; its open connections are closed at once)',
      status: 204,
      errors: ['not_found'],
      async handler({ params, actor, rc }) {
        const id = Id.safeParse(params['id']);
        const login = id.success ? await store.logins.byId(id.data) : null;
        if (!login || !(await auth.signOut(login.id)))
          throw new ProtocolError('not_found', 'no live sign-in with this id');
        await ctx.audit({
          actor,
          action: 'login.sign_out',
          target: login.userId,
          details: { loginId: login.id },
          address: rc.address,
        });
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/seats',
      access: 'read',
      tag: TAG,
      summary: 'The seat limit and the agents holding seats now',
      response: SeatsView,
      handler: () => seatsView(),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/manage/seats',
      access: 'write',
      tag: TAG,
      summary: 'Sets the seat limit (null: unlimited); lowering it signs nobody out',
      body: SeatsRequest,
      response: SeatsView,
      errors: ['not_found'],
      async handler({ body, actor }) {
        await accounts.setSeats(body.seats, actor);
        // A raised limit seats the agents who signed in without one, oldest first.
        await auth.grantFreedSeats();
        return seatsView();
      },
    }),
  ];
}
