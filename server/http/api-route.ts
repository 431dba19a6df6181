/**
 * Declared API routes: method, path, who may call it (manage-access.ts), the body, query and
 * answer schemas, and the handler. One declaration feeds three things, so they cannot drift
 * apart: the router (access check, then body and query validated before the handler runs), the
 * OpenAPI document (openapi.ts), and the route x role tests, which walk the same list.
 */
import type * as z from 'zod';
import type { ErrorCode } from '../../protocol/errors';
import { authorize, actorOf, type Access, type AccessDeps, type Caller } from './manage-access';
import { sendJson } from './respond';
import type { Method, RouteContext, Router } from './router';
import { readValidBody, validQuery } from './validated-input';

/** A handler that answered by itself (a CSV download) returns this. */
export const ANSWERED = Symbol('answered');

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<B, Q> {
  rc: RouteContext;
  caller: Caller;
  /** The audit log's actor: the manager's id or `token:<id>`. */
  actor: string;
  body: B;
  query: Q;
  params: Record<string, string>;
}

export interface ApiRouteSpec {
  method: Method;
  /** `/api/v1/manage/users/:id`: parameters as `:name`. */
  path: string;
  access: Access;
  /** The OpenAPI tag (the docs' section). */
  tag: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** The answer's schema; absent for 204 and for non-JSON answers. */
  response?: z.ZodType;
  /** Success status: 200 unless said (201 for creations, 204 without a body). */
  status?: 200 | 201 | 204;
  /** Content type of a non-JSON answer (the CSV export). */
  produces?: string;
  /** Error codes this route answers with besides the access ones. */
  errors?: readonly ErrorCode[];
}

export interface ApiRoute extends ApiRouteSpec {
  handler(input: RouteInput<unknown, unknown>): Promise<unknown>;
}

export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: Omit<ApiRouteSpec, 'body' | 'query'> & {
    body?: B;
    query?: Q;
    handler: (input: RouteInput<Out<B>, Out<Q>>) => Promise<unknown>;
  },
): ApiRoute {
  return spec as ApiRoute;
}

export function registerApiRoutes(router: Router, routes: readonly ApiRoute[], deps: AccessDeps): void {
  for (const route of routes) {
    router.add(route.method, route.path, async (rc) => {
      const caller = await authorize(rc.req, rc.res, deps, route.access);
      const body = route.body ? await readValidBody(rc.req, rc.res, route.body) : undefined;
      const query = route.query ? validQuery(rc.url, route.query) : undefined;
      const result = await route.handler({
        rc,
        caller,
        actor: actorOf(caller),
        body,
        query,
        params: rc.params,
      });
      if (result === ANSWERED) return;
      if (route.status === 204) {
        rc.res.writeHead(204, { 'Cache-Control': 'no-store' });
        rc.res.end();
        return;
      }
      sendJson(rc.res, route.status ?? 200, result);
    });
  }
}
