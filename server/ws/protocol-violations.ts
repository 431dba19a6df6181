/**
 * Counts a socket's malformed messages (the error replies whose code says the client broke the
 * protocol, not that a request was refused) and says when there were too many: more than
 * PROTOCOL_ERRORS_MAX within PROTOCOL_ERRORS_WINDOW_MS closes the socket (CLOSE.protocolErrors).
 * A working client never sends one; a buggy or hostile one gets a few answers, then the door.
 * The same counter runs before and after the hello. Memory: at most PROTOCOL_ERRORS_MAX
 * timestamps per socket.
 */
import type { ErrorCode } from '../../protocol/errors';

/** Malformed messages one socket may send within the window before it is closed. */
export const PROTOCOL_ERRORS_MAX = 16;
/** The window, in ms. */
export const PROTOCOL_ERRORS_WINDOW_MS = 60_000;

/** Error codes that mean "you broke the protocol" (refusals such as too_many_attempts are not). */
export const VIOLATION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'invalid_message',
  'unknown_message_type',
  'message_too_large',
  'not_authenticated',
  'backpressure',
]);

export class ProtocolViolations {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number = PROTOCOL_ERRORS_MAX,
    private readonly windowMs: number = PROTOCOL_ERRORS_WINDOW_MS,
  ) {}

  /** Counts an error reply; true when the socket has now passed the limit and must be closed. */
  record(code: ErrorCode, now: number = performance.now()): boolean {
    if (!VIOLATION_CODES.has(code)) return false;
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
    this.times.push(now);
    return this.times.length > this.max;
  }
}
