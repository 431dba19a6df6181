/**
 * Management API, portals: create, rename and colour (what customers see), agents who serve them,
 * and the support link to hand out.
 *   GET/POST /api/v1/manage/portals, PATCH /api/v1/manage/portals/:slug,
 *   POST /api/v1/manage/portals/:slug/agents, DELETE /api/v1/manage/portals/:slug/agents/:userId
 */
import * as z from 'zod';
import { Slug } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import { AssignPortalRequest, PortalView } from '../../../protocol/http-api';
import { CreatePortalBody, PortalPatch } from '../../../protocol/manage-api';
import { portalView } from '../../accounts/account-views';
import { defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';
import { userIdParam } from './manage-users-routes';

const TAG = 'Portals';

export function managePortalsRoutes(deps: ManageDeps): ApiRoute[] {
  const { ctx, accounts } = deps;
  const { store } = ctx;
  const portalParam = async (raw: string | undefined) => {
    const slug = Slug.safeParse(raw);
    if (!slug.success) throw new ProtocolError('portal_not_found', 'no such portal');
    return accounts.requirePortal(slug.data);
  };
  const viewOf = async (slug: string) =>
    portalView(store, await accounts.requirePortal(slug), deps.baseUrl());

  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/portals',
      access: 'read',
      tag: TAG,
      summary: 'Every portal with its agents, colour and support link',
      response: z.object({ portals: z.array(PortalView) }),
      async handler() {
        const portals = [];
        for (const p of await store.portals.list()) portals.push(await portalView(store, p, deps.baseUrl()));
        return { portals };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/manage/portals',
      access: 'write',
      tag: TAG,
      summary: 'Creates a portal (its page is /support/<slug>)',
      body: CreatePortalBody,
      response: PortalView,
      status: 201,
      errors: ['portal_exists'],
      async handler({ body, actor }) {
        const portal = await accounts.addPortal(body.slug, body.name, actor, body.colour ?? null);
        return viewOf(portal.slug);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/manage/portals/:slug',
      access: 'write',
      tag: TAG,
      summary: 'Renames a portal or changes its colour (null: the default)',
      body: PortalPatch,
      response: PortalView,
      errors: ['portal_not_found'],
      async handler({ params, body, actor }) {
        const portal = await portalParam(params['slug']);
        await accounts.updatePortal(
          portal.slug,
          {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.colour !== undefined ? { colour: body.colour } : {}),
          },
          actor,
        );
        return viewOf(portal.slug);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/manage/portals/:slug/agents',
      access: 'write',
      tag: TAG,
      summary: 'The user (by e-mail) serves the portal: its requests alert them',
      body: AssignPortalRequest,
      response: PortalView,
      errors: ['portal_not_found', 'agent_not_found'],
      async handler({ params, body, actor }) {
        const portal = await portalParam(params['slug']);
        await accounts.assignPortal(portal.slug, body.email, actor);
        return viewOf(portal.slug);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/manage/portals/:slug/agents/:userId',
      access: 'write',
      tag: TAG,
      summary: 'The user no longer serves the portal',
      response: PortalView,
      errors: ['portal_not_found', 'agent_not_found'],
      async handler({ params, actor }) {
        const portal = await portalParam(params['slug']);
        await accounts.unassignPortal(portal.slug, userIdParam(params['userId']), actor);
        return viewOf(portal.slug);
      },
    }),
  ];
}
