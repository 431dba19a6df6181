/** Words for an API failure on the setup and management pages (same catalog as the support page). */
import type { TFunction } from '../../../ui/i18n/i18n';
import { errorText } from '../../../ui/support/views/error-text';
import { ApiError } from './api-client';

export function apiErrorText(t: TFunction, err: unknown): string {
  return errorText(t, err instanceof ApiError ? err.code : 'internal_error');
}
