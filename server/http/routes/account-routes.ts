/**
 * The one-time account links' page talks to these (no sign-in: the link's token is the
 * credential, sent in the body, never in a URL):
 *   POST /api/v1/account/link      {token}            -> who the link is for
 *   POST /api/v1/account/password  {token, password}  -> sets the password, uses the link up
 */
import {
  AccountLinkInfo,
  AccountLinkQuery,
  SetPasswordRequest,
  SetPasswordResult,
} from '../../../protocol/manage-api';
import { defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';

const TAG = 'Account links';

export function accountRoutes(deps: ManageDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/account/link',
      access: 'public',
      tag: TAG,
      summary: 'What a one-time link is for (invitation or reset), and whose account',
      body: AccountLinkQuery,
      response: AccountLinkInfo,
      errors: ['link_invalid', 'link_expired', 'link_used', 'account_inactive'],
      handler: ({ body }) => deps.links.describe(body.token),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/account/password',
      access: 'public',
      tag: TAG,
      summary: 'Sets the password chosen on the link page; the link works once',
      body: SetPasswordRequest,
      response: SetPasswordResult,
      errors: ['link_invalid', 'link_expired', 'link_used', 'weak_password', 'account_inactive'],
      async handler({ body, rc }) {
        const user = await deps.links.use(body.token, body.password, rc.address);
        return { email: user.email, role: user.role };
      },
    }),
  ];
}
