/**
 * Why the server may refuse an agent's data-plane socket (the viewer's `viewer.hello`, the share
 * page's `share.hello`) for good: reconnecting cannot help after these, so the agent is told why.
 * Anything else (a dropped connection, a server restart) is retried.
 */
import type { ErrorCode } from '../../protocol/errors';

export const AGENT_FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  'token_invalid',
  'signed_out',
  'account_inactive',
  'feature_disabled',
  'session_not_found',
  'session_ended',
  'not_in_session',
  'forbidden',
  'not_authenticated',
  'protocol_unsupported',
]);
