/**
 * What the customer reads for a failure the helper met (a refused code or download, a server out
 * of reach, a system not supported), in their language: each error code the customer can meet has
 * its own sentence that says what to do; any other is "something went wrong (code)".
 */
import type { ErrorCode } from '../../protocol/errors';
import type { HelperKey, HelperText } from './helper-text';

const CUSTOMER_ERRORS: Partial<Record<ErrorCode, HelperKey>> = {
  join_code_invalid: 'error.join_code_invalid',
  join_code_expired: 'error.join_code_expired',
  too_many_attempts: 'error.too_many_attempts',
  download_ticket_used: 'error.download_ticket_used',
  download_ticket_expired: 'error.download_ticket_expired',
  download_ticket_invalid: 'error.download_ticket_invalid',
  illegal_transition: 'error.illegal_transition',
  session_ended: 'error.session_ended',
  unavailable: 'error.unavailable',
  os_not_supported: 'error.os_not_supported',
  protocol_unsupported: 'error.protocol_unsupported',
  resume_expired: 'error.resume_expired',
};

export interface ErrorFacts {
  /** The server's address as the customer knows it. */
  server?: string;
  /** For too_many_attempts: how long to wait. */
  retryAfterSeconds?: number;
  /** For os_not_supported: the system's name. */
  system?: string;
  /** For unavailable: the proxy the connection went through ("http://proxy:3128"). */
  proxy?: string;
  /** For unavailable: the proxy settings themselves are unusable; why. */
  proxyConfig?: string;
}

export function errorText(text: HelperText, code: ErrorCode, facts: ErrorFacts = {}): string {
  if (code === 'unavailable' && facts.proxyConfig)
    return text.t('error.proxyConfig', { reason: facts.proxyConfig });
  if (code === 'unavailable' && facts.proxy)
    return text.t('error.proxy', { server: facts.server ?? '', proxy: facts.proxy });
  const key = CUSTOMER_ERRORS[code];
  if (!key) return text.t('error.other', { code });
  return text.t(key, {
    server: facts.server ?? '',
    seconds: facts.retryAfterSeconds ?? 60,
    system: facts.system ?? '',
  });
}

/** What errorText needs from a ProtocolError the session client threw. */
export function errorFacts(
  err: { message: string; details?: Record<string, unknown> },
  base: ErrorFacts,
): ErrorFacts {
  const d = err.details ?? {};
  return {
    ...base,
    ...(typeof d.retryAfterSeconds === 'number' ? { retryAfterSeconds: d.retryAfterSeconds } : {}),
    ...(typeof d.proxy === 'string' ? { proxy: d.proxy } : {}),
    ...(d.proxyConfig === true ? { proxyConfig: err.message } : {}),
  };
}
