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
 *   - resumeSaved() (optional) comes back into the session the last helper saved for this server
 *     (a helper that died); rejects with not_found, resume_expired, ... when there is none.
 *   - Events are protocol messages (HostToExtension `host.consent_needed` and `host.status`),
 *     so the native host forwards them as they are.
 *   - close() is called when the driver goes away (the browser closed the port): end everything.
 *   - Optional, for file transfers (the session client has both; a controller without them simply
 *     shows no transfers): onNotice() delivers the session's notices, of which native mode
 *     forwards the `file` ones as `host.files` and `file.offer` ones as `host.offer`;
 *     fileTransfers.cancel() is the customer's "Stop"; offerFile()/withdrawOffer() the customer's
 *     own offer ("Send a file to the agent..." in the consent window).
 * Errors meant for the caller are ProtocolErrors with stable codes; anything else is a bug and is
 * reported as `internal_error`.
 */
import type { Grants } from '../../protocol/common';
import type { HelperState, HostToExtension } from '../../protocol/native-channel';
import type { OfferEvent } from '../session/file-transfer/customer-offer';
import type { FileTransferEvent } from '../session/file-transfer/file-transfer-service';

/** The notices native mode forwards (the session client's SessionNotice has more kinds). */
export type FileNotice =
  { type: 'file'; transfer: FileTransferEvent } | { type: 'file.offer'; offer: OfferEvent };

/** The customer's side of the session's file transfers. */
export interface CustomerFileTransfers {
  /** Ends one transfer for the customer; false when no transfer in progress has this id. */
  cancel(id: string): Promise<boolean>;
  /** Offers the file at a path to the agents (customer-offer.ts rules); throws ProtocolError why not. */
  offerFile?(localPath: string): Promise<string>;
  /** Withdraws the pending offer: its file's name, or null when none was pending. */
  withdrawOffer?(): string | null;
  /** Whether an agent's viewer is linked (an offer has someone to go to). */
  readonly agentLinked?: boolean;
}

export type HelperEvent = Extract<HostToExtension, { type: 'host.consent_needed' | 'host.status' }>;

export interface JoinRequest {
  /** The server's origin (http or https), already checked by parseServerUrl. */
  server: string;
  /** Nine digits, separators removed (protocol JoinCode). */
  joinCode: string;
}

export interface HelperController {
  join(request: JoinRequest): Promise<{ state: HelperState }>;
  resumeSaved?(server: string): Promise<{ state: HelperState }>;
  consent(grants: Grants): Promise<{ grants: Grants }>;
  stop(): Promise<{ state: HelperState }>;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: HelperEvent) => void): () => void;
  close(): Promise<void>;
  /** Subscribes to the session's notices (only `file` ones matter here); returns the unsubscribe. */
  onNotice?(listener: (notice: FileNotice | { type: string }) => void): () => void;
  /** The session's file transfers (null before join). */
  readonly fileTransfers?: CustomerFileTransfers | null;
}
