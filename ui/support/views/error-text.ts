/**
 * Words for the error codes the pages can meet (protocol/errors.ts). Codes with no sentence of
 * their own get the generic one; the code itself is never shown alone.
 */
import type { ErrorCode } from '../../../protocol/errors';
import type { MessageKey, TFunction } from '../../i18n/i18n';

const KNOWN: Partial<Record<ErrorCode, MessageKey>> = {
  unavailable: 'errors.unavailable',
  portal_not_found: 'errors.portal_not_found',
  invalid_message: 'errors.invalid_message',
  bad_request: 'errors.invalid_message',
  message_too_large: 'errors.message_too_large',
  request_not_found: 'errors.request_not_found',
  session_not_found: 'errors.request_not_found',
  session_ended: 'errors.session_ended',
  too_many_attempts: 'errors.too_many_attempts',
  too_many_waiting: 'errors.too_many_waiting',
  queue_full: 'errors.queue_full',
  too_many_connections: 'errors.too_many_connections',
  protocol_unsupported: 'errors.protocol_unsupported',
  internal_error: 'errors.internal_error',
  invalid_credentials: 'errors.invalid_credentials',
  account_inactive: 'errors.account_inactive',
  seat_limit_reached: 'errors.seat_limit_reached',
  setup_already_done: 'errors.setup_already_done',
  weak_password: 'errors.weak_password',
  email_taken: 'errors.email_taken',
  forbidden: 'errors.forbidden',
  not_authenticated: 'errors.not_authenticated',
  token_invalid: 'errors.not_authenticated',
  signed_out: 'errors.not_authenticated',
  link_invalid: 'errors.link_invalid',
  link_expired: 'errors.link_expired',
  link_used: 'errors.link_used',
  last_manager: 'errors.last_manager',
  portal_exists: 'errors.portal_exists',
  agent_not_found: 'errors.agent_not_found',
  not_found: 'errors.not_found',
  api_token_expired: 'errors.api_token_expired',
};

export function errorText(t: TFunction, code: ErrorCode): string {
  return t(KNOWN[code] ?? 'errors.generic');
}
