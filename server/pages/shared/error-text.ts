/** Words for an API failure on the setup and management pages (same catalog as the support page). */
import type { MessageKey, TFunction } from '../../../ui/i18n/i18n';
import { errorText } from '../../../ui/support/views/error-text';
import { ApiError } from './api-client';

/** Why a password was refused (server/auth/passwords.ts `details.reason`), in the page's words. */
const WEAK_PASSWORD: Readonly<Record<string, MessageKey>> = {
  too_short: 'errors.weak_password_too_short',
  contains_email_name: 'errors.weak_password_contains_email_name',
  one_character: 'errors.weak_password_one_character',
};

export function apiErrorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError)) return errorText(t, 'internal_error');
  const reason = err.details?.reason;
  if (err.code === 'weak_password' && typeof reason === 'string' && Object.hasOwn(WEAK_PASSWORD, reason))
    return t(WEAK_PASSWORD[reason]!);
  return errorText(t, err.code);
}
