/**
 * Every declared route of the management center's API, in one list (api-route.ts): registered
 * with the router, described by the OpenAPI document at GET /api/v1/openapi.json, and walked by
 * the route x role tests. Fixed paths come before parameter paths that could match them
 * (`/sessions/live` before `/sessions/:id`).
 */
import { SERVER_VERSION } from './status-routes';
import { defineRoute, type ApiRoute } from '../api-route';
import { openApiDocument } from '../openapi';
import { accountRoutes } from './account-routes';
import { manageAuditRoutes } from './manage-audit-routes';
import type { ManageDeps } from './manage-deps';
import { manageIntegrationsRoutes } from './manage-integrations-routes';
import { managePortalsRoutes } from './manage-portals-routes';
import { manageSessionsRoutes } from './manage-sessions-routes';
import { manageSettingsRoutes } from './manage-settings-routes';
import { manageUsersRoutes } from './manage-users-routes';

export function manageApiRoutes(deps: ManageDeps): ApiRoute[] {
  const routes: ApiRoute[] = [
    ...manageUsersRoutes(deps),
    ...managePortalsRoutes(deps),
    ...manageSessionsRoutes(deps),
    ...manageSettingsRoutes(deps),
    ...manageAuditRoutes(deps),
    ...manageIntegrationsRoutes(deps),
    ...accountRoutes(deps),
  ];
  let document: unknown = null;
  routes.push(
    defineRoute({
      method: 'GET',
      path: '/api/v1/openapi.json',
      access: 'public',
      tag: 'About the API',
      summary: 'This document: the OpenAPI 3.1 description of the management API',
      async handler() {
        document ??= openApiDocument(routes, SERVER_VERSION);
        return document;
      },
    }),
  );
  return routes;
}
