/**
 * Management API, how the desk runs:
 *   GET/PUT /api/v1/manage/settings  {transferTimeoutSeconds}
 * The transfer timeout applies at once, also to transfers already waiting (their deadline is
 * counted again from when each was made).
 */
import { ProtocolError } from '../../../protocol/errors';
import { DeskSettings } from '../../../protocol/manage-api';
import { DEFAULT_TRANSFER_TIMEOUT_SECONDS } from '../../store/sqlite/lifecycle-migrations';
import { defineRoute, type ApiRoute } from '../api-route';
import type { ManageDeps } from './manage-deps';

const TAG = 'Desk settings';

export function manageSettingsRoutes(deps: ManageDeps): ApiRoute[] {
  const { ctx, workflow } = deps;
  const { store } = ctx;
  const current = async (): Promise<DeskSettings> => ({
    transferTimeoutSeconds:
      (await store.company.get())?.transferTimeoutSeconds ?? DEFAULT_TRANSFER_TIMEOUT_SECONDS,
  });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/manage/settings',
      access: 'read',
      tag: TAG,
      summary: 'How the desk runs: the transfer timeout',
      response: DeskSettings,
      handler: current,
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/manage/settings',
      access: 'write',
      tag: TAG,
      summary:
        'Sets how long a transfer (or a request for one agent) waits for its taker before it returns (15-3600 s)',
      body: DeskSettings,
      response: DeskSettings,
      errors: ['not_found'],
      async handler({ body, actor, rc }) {
        if (!(await store.company.get())) throw new ProtocolError('not_found', 'create the company first');
        await store.company.setTransferTimeout(body.transferTimeoutSeconds);
        await workflow.sessions.retime();
        await ctx.audit({
          actor,
          action: 'company.transfer_timeout',
          details: { seconds: body.transferTimeoutSeconds },
          address: rc.address,
        });
        return current();
      },
    }),
  ];
}
