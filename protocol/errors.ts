/**
 * Stable error codes, shared by every channel and the HTTP API. A code never changes meaning once
 * released; UIs translate the code (their catalogs), the `message` beside it is English for logs
 * and for API users. Each code maps to the HTTP status the API answers with.
 */

export const ERROR_CODES = {
  // --- malformed input (any channel) ---
  bad_request: 400,
  message_too_large: 413,
  unknown_message_type: 400,
  invalid_message: 400,
  not_authenticated: 401,
  forbidden: 403,
  not_found: 404,
  origin_not_allowed: 403,
  // --- accounts and login ---
  invalid_credentials: 401,
  account_inactive: 403,
  too_many_attempts: 429,
  /** A client holds too many sockets at once (per address, or per support request). */
  too_many_connections: 429,
  seat_limit_reached: 409,
  /** Signed in without a seat: nothing can be taken until one frees. */
  seat_required: 403,
  token_invalid: 401,
  signed_out: 401,
  setup_already_done: 404,
  email_taken: 409,
  weak_password: 400,
  last_manager: 409,
  portal_exists: 409,
  /** A one-time account link (invitation, password reset) that does not exist. */
  link_invalid: 404,
  /** A one-time account link past its expiry: ask the manager for a new one. */
  link_expired: 410,
  /** A one-time account link already used (or replaced by a newer one). */
  link_used: 410,
  /** An API token past its expiry, or revoked. */
  api_token_expired: 401,
  // --- queue and sessions ---
  portal_not_found: 404,
  no_agents_online: 200,
  request_not_found: 404,
  already_accepted: 409,
  session_not_found: 404,
  session_ended: 410,
  not_in_session: 403,
  illegal_transition: 409,
  agent_not_found: 404,
  agent_unavailable: 409,
  /** Too many support requests from this address are already waiting for an agent. */
  too_many_waiting: 429,
  /** The server's queue holds as many waiting requests as it takes; try again later. */
  queue_full: 503,
  /** A hello named a protocol version this server does not speak. */
  protocol_unsupported: 426,
  // --- screen sharing and helper ---
  join_code_invalid: 404,
  join_code_expired: 410,
  /** A helper download's ticket is unknown (mistyped link, or from another server). */
  download_ticket_invalid: 404,
  /** A helper download's ticket is past DOWNLOAD_TICKET_TTL_MS, or its session ended. */
  download_ticket_expired: 410,
  /** A helper already joined with this download's ticket (single use). */
  download_ticket_used: 410,
  os_not_supported: 501,
  helper_not_connected: 409,
  consent_required: 403,
  feature_disabled: 403,
  peer_not_found: 404,
  /** A helper's resume token is unknown or its reconnect grace period has passed. */
  resume_expired: 410,
  backpressure: 503,
  /** The customer is moving their own mouse, which takes precedence: the agent's pointer waits. */
  pointer_in_use: 409,
  /** The customer's system does not let the helper inject input (no XTEST, no display access). */
  input_unavailable: 503,
  /** Windows: the window in front belongs to an administrator program the helper may not control. */
  input_blocked_elevated: 403,
  /** Windows: the secure desktop (a UAC prompt, Ctrl+Alt+Del, the lock screen) is showing. */
  input_blocked_secure_desktop: 403,
  // --- file transfer ---
  /** Not enough free space where the file was to be saved (refused before any byte is written). */
  no_space: 507,
  /** The file's SHA-256 differs from the sender's: the received copy was deleted. */
  checksum_mismatch: 422,
  /** The file name cannot be used in that folder (e.g. another file of that name is arriving there). */
  name_refused: 422,
  /** A chat file larger than the server's limit (refused before any byte is stored). */
  file_too_large: 413,
  /** Too many chat files of this session wait for an answer or for their bytes; finish one first. */
  too_many_files: 429,
  /** The customer withdrew the file they offered before the agent's Accept reached them. */
  offer_withdrawn: 410,
  // --- server ---
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** An error a handler throws to answer the caller with a stable code (never for bugs). */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
