/**
 * Management API, audit log: filtered and paginated (newest first), and the hash chain's check
 * (the same as `lifeline audit verify`).
 *   GET /api/v1/manage/audit?actor&action&target&from&to&offset&limit
 *   GET /api/v1/manage/audit/verify
 */
import { AuditPage, AuditSearchQuery, AuditVerifyView } from '../../../protocol/manage-api';
import { defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';

const TAG = 'Audit log';

export function manageAuditRoutes(deps: ManageDeps): ApiRoute[] {
  const { store } = deps.ctx;
  /** A name for the actor column: a user's name, an API token's name, else nothing. */
  const names = new Map<string, string | null>();
  const actorName = async (actor: string): Promise<string | null> => {
    if (names.has(actor)) return names.get(actor) ?? null;
    let name: string | null = null;
    if (actor.startsWith('token:')) {
      const id = actor.slice('token:'.length);
      name = (await store.manage.apiTokens.list()).find((t) => t.id === id)?.name ?? null;
    } else if (/^[A-Za-z0-9_-]{8,}$/.test(actor)) {
      name = (await store.users.byId(actor))?.name ?? null;
    }
    // Names change rarely; a small cache per request burst is enough, and it is bounded.
    if (names.size > 1000) names.clear();
    names.set(actor, name);
    return name;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/audit',
      access: 'read',
      tag: TAG,
      summary:
        'Audit entries, newest first, filtered by actor, action (or a prefix ending in "."), target and period; paginated, with each entry\'s hash',
      query: AuditSearchQuery,
      response: AuditPage,
      async handler({ query }) {
        names.clear();
        const { total, entries } = await store.audit.query({
          ...(query.actor ? { actor: query.actor } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(query.target ? { target: query.target } : {}),
          ...(query.from !== undefined ? { from: query.from } : {}),
          ...(query.to !== undefined ? { to: query.to } : {}),
          offset: query.offset,
          limit: query.limit,
        });
        const views = [];
        for (const e of entries) {
          views.push({
            id: e.id,
            at: e.at,
            actor: e.actor,
            actorName: await actorName(e.actor),
            action: e.action,
            target: e.target,
            details: e.details,
            address: e.address,
            hash: e.hash,
          });
        }
        return { total, offset: query.offset, entries: views };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/audit/verify',
      access: 'read',
      tag: TAG,
      summary: 'Checks the hash chain from the first entry; names the first broken link',
      response: AuditVerifyView,
      handler: () => store.audit.verify(),
    }),
  ];
}
