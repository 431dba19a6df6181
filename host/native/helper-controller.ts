/**
 * The contract between the ways the helper is driven (native messaging from the extension, the
 * standalone `join` command) and the session client that does the work (connects to the server,
 * shows consent, shares the screen). Both modes call this one interface, so the same session
 * client serves both.
 *
 * Contract:
 *   - join() starts joining; it resolves once the attempt is under way (state `connecting`) and
 *     rejects with a ProtocolError (join_code_invalid, join_code_expired, illegal_transition, ...)
 *     when it cannot start. Progress arrives as events.
 *   - consent() applies the customer's answer (grant or revoke, each capability separately) and
 *     resolves with the grants now in force.
 *   - stop() ends sharing (the customer pressed "stop"); resolves with the new state.
 *   - Events are protocol messages (HostToExtension `host.consent_needed` and `host.status`),
 *     so the native host forwards them as they are.
 *   - close() is called when the driver goes away (the browser closed the port): end everything.
 * Errors meant for the caller are ProtocolErrors with stable codes; anything else is a bug and is
 * reported as `internal_error`.
 */
import type { Grants } from '../../protocol/common';
import type { HelperState, HostToExtension } from '../../protocol/native-channel';

export type HelperEvent = Extract<HostToExtension, { type: 'host.consent_needed' | 'host.status' }>;

export interface JoinRequest {
  /** The server's origin (http or https), already checked by parseServerUrl. */
  server: string;
  /** Nine digits, separators removed (protocol JoinCode). */
  joinCode: string;
}

export interface HelperController {
  join(request: JoinRequest): Promise<{ state: HelperState }>;
  consent(grants: Grants): Promise<{ grants: Grants }>;
  stop(): Promise<{ state: HelperState }>;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: HelperEvent) => void): () => void;
  close(): Promise<void>;
}
