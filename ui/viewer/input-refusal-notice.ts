/**
 * What the agent is told when the helper refuses an input event, by the refusal's stable code
 * (host/session/input-dispatcher.ts, passed through unchanged by the helper's viewer peer): each
 * reason has its own words, so "the customer's computer is behind" is never shown as "the
 * customer took back control".
 */
import { isErrorCode, type ErrorCode } from '../../protocol/errors';

/** Notice keys (viewer-session.ts NoticeKey) an input refusal can show. */
export type InputRefusalNoticeKey =
  | 'customerHasPointer'
  | 'controlRevoked'
  | 'inputBackpressure'
  | 'inputUnavailable'
  | 'inputBlockedElevated'
  | 'inputBlockedSecureDesktop'
  | 'controlOffByManager'
  | 'inputFailed';

export interface InputRefusalNotice {
  key: InputRefusalNoticeKey;
  level: 'info' | 'warning' | 'error';
}

export const INPUT_REFUSAL_NOTICES: Readonly<Partial<Record<ErrorCode, InputRefusalNotice>>> = {
  pointer_in_use: { key: 'customerHasPointer', level: 'info' },
  consent_required: { key: 'controlRevoked', level: 'warning' },
  backpressure: { key: 'inputBackpressure', level: 'warning' },
  input_unavailable: { key: 'inputUnavailable', level: 'error' },
  input_blocked_elevated: { key: 'inputBlockedElevated', level: 'warning' },
  input_blocked_secure_desktop: { key: 'inputBlockedSecureDesktop', level: 'warning' },
  feature_disabled: { key: 'controlOffByManager', level: 'warning' },
};

/** Any other refusal: an event the helper could not apply (an unknown key, an internal error). */
export const INPUT_REFUSAL_OTHER: InputRefusalNotice = { key: 'inputFailed', level: 'warning' };

export function inputRefusalNotice(code: string): InputRefusalNotice {
  return (isErrorCode(code) ? INPUT_REFUSAL_NOTICES[code] : undefined) ?? INPUT_REFUSAL_OTHER;
}
