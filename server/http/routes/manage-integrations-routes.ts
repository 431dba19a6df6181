/**
 * Management API, integrations: API tokens (a manager's sign-in only: a token never manages
 * tokens) and webhooks with their delivery log.
 *   GET/POST /api/v1/manage/api-tokens, DELETE /api/v1/manage/api-tokens/:id
 *   GET/POST /api/v1/manage/webhooks, PATCH/DELETE /api/v1/manage/webhooks/:id,
 *   GET /api/v1/manage/webhooks/:id/deliveries
 */
import * as z from 'zod';
import { Id } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import {
  ApiTokenView,
  CreateApiTokenRequest,
  CreatedApiToken,
  CreatedWebhook,
  CreateWebhookRequest,
  DeliveryView,
  WebhookPatch,
  WebhookView,
} from '../../../protocol/manage-api';
import { defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';

const TAG = 'API tokens and webhooks';

function idParam(raw: string | undefined, what: string): string {
  const id = Id.safeParse(raw);
  if (!id.success) throw new ProtocolError('not_found', `no ${what} with this id`);
  return id.data;
}

export function manageIntegrationsRoutes(deps: ManageDeps): ApiRoute[] {
  const { apiTokens, webhooks } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/api-tokens',
      access: 'manager',
      tag: TAG,
      summary: 'Every API token (never the token itself), newest first',
      response: z.object({ tokens: z.array(ApiTokenView) }),
      handler: async () => ({ tokens: await apiTokens.list() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/manage/api-tokens',
      access: 'manager',
      tag: TAG,
      summary: 'Creates a read-only or full API token; the answer holds the token, shown this once',
      body: CreateApiTokenRequest,
      response: CreatedApiToken,
      status: 201,
      handler: ({ body, actor }) => apiTokens.create(body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/manage/api-tokens/:id',
      access: 'manager',
      tag: TAG,
      summary: 'Revokes an API token: its next request is refused',
      status: 204,
      errors: ['not_found'],
      async handler({ params, actor }) {
        await apiTokens.revoke(idParam(params['id'], 'API token'), actor);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/webhooks',
      access: 'read',
      tag: TAG,
      summary: 'Every webhook (never its secret)',
      response: z.object({ webhooks: z.array(WebhookView) }),
      handler: async () => ({ webhooks: await webhooks.list() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/manage/webhooks',
      access: 'write',
      tag: TAG,
      summary: 'Registers a webhook; the answer holds its signing secret, shown this once',
      body: CreateWebhookRequest,
      response: CreatedWebhook,
      status: 201,
      handler: ({ body, actor }) => webhooks.create(body.url, body.events, actor),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/manage/webhooks/:id',
      access: 'write',
      tag: TAG,
      summary: "Changes a webhook's URL or events, or pauses it",
      body: WebhookPatch,
      response: WebhookView,
      errors: ['not_found'],
      handler: ({ params, body, actor }) =>
        webhooks.update(
          idParam(params['id'], 'webhook'),
          {
            ...(body.url !== undefined ? { url: body.url } : {}),
            ...(body.events !== undefined ? { events: body.events } : {}),
            ...(body.active !== undefined ? { active: body.active } : {}),
          },
          actor,
        ),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/manage/webhooks/:id',
      access: 'write',
      tag: TAG,
      summary: 'Deletes a webhook and its delivery log',
      status: 204,
      errors: ['not_found'],
      async handler({ params, actor }) {
        await webhooks.remove(idParam(params['id'], 'webhook'), actor);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/webhooks/:id/deliveries',
      access: 'read',
      tag: TAG,
      summary: "A webhook's latest deliveries, newest first: state, attempts, last answer",
      response: z.object({ deliveries: z.array(DeliveryView) }),
      errors: ['not_found'],
      handler: async ({ params }) => ({
        deliveries: await webhooks.deliveries(idParam(params['id'], 'webhook')),
      }),
    }),
  ];
}
