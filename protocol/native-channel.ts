/**
 * Channel: browser extension <-> native host (the helper), over native messaging: 4-byte
 * native-endian length + UTF-8 JSON. Control only: the host opens its own WebSocket for frames,
 * because host->browser messages are capped at 1 MB. Used on the customer's machine where IT
 * installed the extension and the helper.
 */
import * as z from 'zod';
import { ErrorMessage, Grants, PersonName } from './common';
import { FileErrorCode, FileId, FileOffset, FileSegment } from './data/files';
import { JoinCode, OsInfo } from './helper-channel';
import { message, request, ReplyMessage } from './message';

/**
 * `paused`: the customer consented, but no picture flows now (they revoked everything, or an
 * agent's viewer paused the stream); the consent window offers to grant again or to stop.
 */
export const HelperState = z.enum([
  'idle',
  'connecting',
  'waiting_consent',
  'sharing',
  'paused',
  'reconnecting',
  'ended',
]);
export type HelperState = z.infer<typeof HelperState>;

// ---------------------------------------------------------------- extension -> host
export const ExtensionToHost = z.discriminatedUnion('type', [
  request('host.hello', { extensionVersion: z.string().max(32) }),
  /** Join a session: `server` is the configured server's origin, checked by the extension. */
  request('host.join', { server: z.string().url().max(2048), joinCode: JoinCode }),
  /**
   * Come back into the session the last helper saved (its state file), after that helper ended
   * without a stop (a crash, a kill): only a session of this `server`; the consent the customer
   * gave is taken back, asked only if none was given.
   */
  request('host.resume', { server: z.string().url().max(2048) }),
  /** The customer's answer in the consent window (also used to revoke: set grants to false). */
  request('host.consent', { grants: Grants }),
  /** The customer pressed "stop sharing". */
  request('host.stop', {}),
  /** The customer pressed "Stop" on one file transfer (an id from the last host.files). */
  request('host.file_cancel', { fileId: FileId }),
  /**
   * The customer pressed "Send a file to the agent...": the helper opens the system's file
   * chooser and offers the chosen file (files.offered); the reply says offered or cancelled.
   */
  request('host.file_offer', {}),
  /** The customer withdraws the file they offered, before the agent answered. */
  request('host.file_withdraw', {}),
]);
export type ExtensionToHost = z.infer<typeof ExtensionToHost>;

export const NATIVE_RESULTS = {
  'host.hello': z.object({ version: z.string().max(32), os: OsInfo, supported: z.boolean() }),
  'host.join': z.object({ state: HelperState }),
  'host.resume': z.object({ state: HelperState }),
  'host.consent': z.object({ grants: Grants }),
  'host.stop': z.object({ state: HelperState }),
  'host.file_cancel': z.object({ fileId: FileId }),
  'host.file_offer': z.object({ outcome: z.enum(['offered', 'cancelled']), name: FileSegment.optional() }),
  'host.file_withdraw': z.object({ name: FileSegment }),
} satisfies Record<ExtensionToHost['type'], z.ZodType>;

/**
 * A viewer whose end-to-end handshake is done, with its short authentication string ("123 456"):
 * the customer compares it with the code the agent's viewer shows.
 */
export const SecuredViewer = z.object({
  agentName: PersonName,
  sas: z.string().regex(/^\d{3} \d{3}$/),
});
export type SecuredViewer = z.infer<typeof SecuredViewer>;

/** Most viewers listed in one host.status (a session takes at most 16). */
export const STATUS_VIEWERS_MAX = 32;

/**
 * Characters of a file name the consent window gets: display only (the helper keeps the real
 * name), cut with an ellipsis so a 1024-character name cannot crowd the window or the message.
 */
export const NATIVE_FILE_NAME_MAX_CHARS = 200;
/**
 * Transfers one host.files lists: a session holds at most 8 in progress (FILE_TRANSFERS_MAX on
 * the helper), plus the last finished ones, so the customer still sees where a file went. At
 * about 600 bytes each, a full list stays far below the browser's 1 MB per message.
 */
export const NATIVE_FILES_MAX = 16;

/**
 * What the customer sees of one transfer's phase:
 *   sending: bytes are moving; checking: an upload fully received, being checked and saved;
 *   waiting: the agent's connection dropped, it resumes when the agent is back;
 *   done / failed / cancelled: final.
 */
export const NativeFilePhase = z.enum(['sending', 'checking', 'waiting', 'done', 'failed', 'cancelled']);
export type NativeFilePhase = z.infer<typeof NativeFilePhase>;

export const NativeFileTransfer = z.object({
  id: FileId,
  agentName: PersonName,
  /** to_customer: the agent sends a file to this computer; from_customer: the agent copies one from it. */
  direction: z.enum(['to_customer', 'from_customer']),
  name: z.string().min(1).max(NATIVE_FILE_NAME_MAX_CHARS),
  /** The folder it goes to or comes from, as the customer names it ("Documents/reports"). */
  folder: z.string().max(NATIVE_FILE_NAME_MAX_CHARS),
  sizeBytes: FileOffset,
  doneBytes: FileOffset,
  phase: NativeFilePhase,
  /** The name it was saved under in `folder` (to_customer, done; may differ if the name was taken). */
  savedAs: z.string().min(1).max(NATIVE_FILE_NAME_MAX_CHARS).optional(),
  /** Why it failed (phase failed). */
  errorCode: FileErrorCode.optional(),
});
export type NativeFileTransfer = z.infer<typeof NativeFileTransfer>;

/** Where the customer's offer stands in the consent window: waiting for the agent, or how it ended. */
export const NativeOfferState = z.enum(['pending', 'accepted', 'declined', 'withdrawn']);
export type NativeOfferState = z.infer<typeof NativeOfferState>;

// ---------------------------------------------------------------- host -> extension
export const HostToExtension = z.discriminatedUnion('type', [
  ReplyMessage,
  ErrorMessage,
  /** The helper needs the customer's consent: the extension opens its consent window. */
  message('host.consent_needed', { agentName: PersonName, requested: Grants }),
  message('host.status', {
    state: HelperState,
    grants: Grants,
    agentNames: z.array(PersonName).max(STATUS_VIEWERS_MAX),
    /** The secured viewers and their codes (absent from helpers older than this field). */
    viewers: z.array(SecuredViewer).max(STATUS_VIEWERS_MAX).optional(),
  }),
  /**
   * The session's file transfers, newest first, sent whole on every change (progress at most
   * twice a second). Absent from helpers older than this message: then none is shown.
   */
  message('host.files', { transfers: z.array(NativeFileTransfer).max(NATIVE_FILES_MAX) }),
  /** The agent answered the file the customer offered (host.file_offer). */
  message('host.offer', { name: FileSegment, answer: z.enum(['accepted', 'declined']) }),
]);
export type HostToExtension = z.infer<typeof HostToExtension>;
