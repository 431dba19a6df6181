/**
 * What the customer's support page asks over HTTP:
 *   GET  /api/v1/portals/:slug           -> 200 PortalInfoResponse (name, agents available now)
 *   POST /api/v1/portals/:slug/requests  {name, email?, problem} -> 201 CreateRequestResponse
 * A new request joins the portal's queue and is pushed at once to its available agents; with
 * nobody available the answer carries `notice: no_agents_online` and the request waits all the
 * same (the page offers to wait or cancel). The request token in the answer is the customer's
 * only credential: the page opens /ws with `customer.hello` and that token.
 */
import { Slug } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import {
  CreateRequestBody,
  type CreateRequestResponse,
  type PortalInfoResponse,
} from '../../../protocol/http-api';
import type { SessionService } from '../../session/session-service';
import type { Store } from '../../store/store';
import { systemFromUserAgent } from '../../reports/session-history';
import { sendJson } from '../respond';
import type { Router } from '../router';
import { readValidBody } from '../validated-input';

export function registerPortalRoutes(router: Router, sessions: SessionService, store: Store): void {
  router.add('GET', '/api/v1/portals/:slug', async ({ res, params }) => {
    const portal = await sessions.portalRecord(validSlug(params['slug']));
    const colour = (await store.portals.get(portal.slug))?.colour;
    sendJson(res, 200, {
      slug: portal.slug,
      name: portal.name,
      ...(colour ? { colour } : {}),
      agentsAvailable: await sessions.agentsAvailable(portal.slug),
    } satisfies PortalInfoResponse);
  });

  router.add('POST', '/api/v1/portals/:slug/requests', async ({ req, res, params, address }) => {
    const slug = validSlug(params['slug']);
    const body = await readValidBody(req, res, CreateRequestBody);
    const { record, ...result } = await sessions.createRequest(
      slug,
      {
        name: body.name,
        ...(body.email ? { email: body.email } : {}),
        problem: body.problem,
        ...(body.language ? { language: body.language } : {}),
        ...(body.client ? { client: body.client } : {}),
      },
      address,
    );
    const system = systemFromUserAgent(req.headers['user-agent']);
    if (system) await store.manage.history.setSystem(record.id, system);
    sendJson(res, 201, result satisfies CreateRequestResponse);
  });
}

function validSlug(raw: string | undefined): string {
  const slug = Slug.safeParse(raw);
  if (!slug.success) throw new ProtocolError('portal_not_found', 'there is no such support portal');
  return slug.data;
}
