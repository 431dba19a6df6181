/**
 * The management API for managers (Bearer token of a manager; agents get 403 forbidden):
 *   GET/POST /api/v1/manage/users, PATCH /api/v1/manage/users/:id
 *   GET/PUT  /api/v1/manage/seats
 *   GET/POST /api/v1/manage/portals, POST /api/v1/manage/portals/:slug/agents,
 *            DELETE /api/v1/manage/portals/:slug/agents/:userId
 *   GET      /api/v1/manage/sessions?from&to&limit, /api/v1/manage/sessions/:id/transcript
 *   GET      /api/v1/manage/audit?limit
 * Changes go through AccountService, which checks the rules and writes the audit log with the
 * manager as the actor, exactly as for the CLI.
 */
import { Id, Slug } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import {
  AssignPortalRequest,
  AuditQuery,
  CreatePortalRequest,
  CreateUserRequest,
  SeatsRequest,
  SessionReportQuery,
  UpdateUserRequest,
  type AuditView,
  type PortalView,
  type SeatsView,
  type SessionReport,
  type UserView,
} from '../../../protocol/http-api';
import type { AccountService } from '../../accounts/account-service';
import { portalView, sessionReport, userView, userViews } from '../../accounts/account-views';
import { passwordProblem } from '../../auth/passwords';
import type { AuthService } from '../../auth/auth-service';
import type { ServerContext } from '../../context';
import { requireSignIn } from '../bearer';
import { sendJson } from '../respond';
import type { RouteContext, RouteHandler, Router } from '../router';
import { readValidBody, validQuery } from '../validated-input';

interface Services {
  auth: AuthService;
  accounts: AccountService;
}

export function registerManageRoutes(router: Router, ctx: ServerContext, services: Services): void {
  const { auth, accounts } = services;
  const { store } = ctx;
  /** Every route here needs a manager; `actor` is their user id, for the audit log. */
  const manager =
    (handler: (rc: RouteContext, actor: string) => Promise<void>): RouteHandler =>
    async (rc) => {
      const { user } = await requireSignIn(rc.req, rc.res, auth, 'manager');
      await handler(rc, user.id);
    };
  const view = async (userId: string): Promise<UserView> =>
    userView(await accounts.requireUserById(userId), await store.portals.portalsOf(userId));
  const userIdParam = (raw: string | undefined): string => {
    const id = Id.safeParse(raw);
    if (!id.success) throw new ProtocolError('agent_not_found', 'no such user');
    return id.data;
  };
  const portalParam = async (raw: string | undefined) => {
    const slug = Slug.safeParse(raw);
    if (!slug.success) throw new ProtocolError('portal_not_found', 'no such portal');
    return accounts.requirePortal(slug.data);
  };
  const seatsView = async (): Promise<SeatsView> => {
    const company = await store.company.get();
    const seatLogins = [];
    for (const l of await store.logins.active()) {
      if ((await store.users.byId(l.userId))?.role === 'agent') seatLogins.push(l);
    }
    const loggedIn = await auth.describeHolders(seatLogins);
    return { seats: company?.seats ?? null, inUse: loggedIn.length, loggedIn };
  };

  // --- users ---
  router.add(
    'GET',
    '/api/v1/manage/users',
    manager(async ({ res }) => sendJson(res, 200, { users: await userViews(store) })),
  );

  router.add(
    'POST',
    '/api/v1/manage/users',
    manager(async ({ req, res }, actor) => {
      const body = await readValidBody(req, res, CreateUserRequest);
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
      sendJson(res, 201, userView(user, []));
    }),
  );

  router.add(
    'PATCH',
    '/api/v1/manage/users/:id',
    manager(async ({ req, res, params }, actor) => {
      const id = userIdParam(params['id']);
      const body = await readValidBody(req, res, UpdateUserRequest);
      const target = await accounts.requireUserById(id);
      // Checks that need nothing applied first come first, so a refusal changes nothing.
      if (body.password !== undefined) {
        const problem = passwordProblem(body.password, target.email);
        if (problem) throw new ProtocolError('weak_password', `password too weak: ${problem}`);
      }
      if (body.name !== undefined || body.role !== undefined || body.features !== undefined) {
        await accounts.updateUser(
          target.email,
          {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.role !== undefined ? { role: body.role } : {}),
            ...(body.features !== undefined ? { features: body.features } : {}),
          },
          actor,
        );
      }
      if (body.state === 'deactivated') await accounts.setState(target.email, 'deactivated', actor);
      if (body.password !== undefined) await accounts.resetPassword(target.email, body.password, actor);
      if (body.state === 'active') await accounts.setState(target.email, 'active', actor);
      sendJson(res, 200, await view(id));
    }),
  );

  // --- seats ---
  router.add(
    'GET',
    '/api/v1/manage/seats',
    manager(async ({ res }) => sendJson(res, 200, await seatsView())),
  );

  router.add(
    'PUT',
    '/api/v1/manage/seats',
    manager(async ({ req, res }, actor) => {
      const body = await readValidBody(req, res, SeatsRequest);
      await accounts.setSeats(body.seats, actor);
      sendJson(res, 200, await seatsView());
    }),
  );

  // --- portals ---
  router.add(
    'GET',
    '/api/v1/manage/portals',
    manager(async ({ res }) => {
      const portals: PortalView[] = [];
      for (const p of await store.portals.list()) portals.push(await portalView(store, p));
      sendJson(res, 200, { portals });
    }),
  );

  router.add(
    'POST',
    '/api/v1/manage/portals',
    manager(async ({ req, res }, actor) => {
      const body = await readValidBody(req, res, CreatePortalRequest);
      const portal = await accounts.addPortal(body.slug, body.name, actor);
      sendJson(res, 201, await portalView(store, portal));
    }),
  );

  router.add(
    'POST',
    '/api/v1/manage/portals/:slug/agents',
    manager(async ({ req, res, params }, actor) => {
      const portal = await portalParam(params['slug']);
      const body = await readValidBody(req, res, AssignPortalRequest);
      await accounts.assignPortal(portal.slug, body.email, actor);
      sendJson(res, 200, await portalView(store, portal));
    }),
  );

  router.add(
    'DELETE',
    '/api/v1/manage/portals/:slug/agents/:userId',
    manager(async ({ res, params }, actor) => {
      const portal = await portalParam(params['slug']);
      await accounts.unassignPortal(portal.slug, userIdParam(params['userId']), actor);
      sendJson(res, 200, await portalView(store, portal));
    }),
  );

  // --- reports ---
  router.add(
    'GET',
    '/api/v1/manage/sessions',
    manager(async ({ res, url }) => {
      const q = validQuery(url, SessionReportQuery);
      const sessions: SessionReport[] = [];
      for (const s of await store.sessions.list({
        limit: q.limit,
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
      })) {
        sessions.push(await sessionReport(store, s));
      }
      sendJson(res, 200, { sessions });
    }),
  );

  router.add(
    'GET',
    '/api/v1/manage/sessions/:id/transcript',
    manager(async ({ res, params }) => {
      const id = Id.safeParse(params['id']);
      const session = id.success ? await store.sessions.byId(id.data) : null;
      if (!session) throw new ProtocolError('session_not_found', 'no such session');
      sendJson(res, 200, { sessionId: session.id, lines: await store.transcripts.lines(session.id) });
    }),
  );

  router.add(
    'GET',
    '/api/v1/manage/audit',
    manager(async ({ res, url }) => {
      const q = validQuery(url, AuditQuery);
      const entries: AuditView[] = await store.audit.recent(q.limit);
      sendJson(res, 200, { entries });
    }),
  );
}
