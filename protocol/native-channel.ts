/**
 * Channel: browser extension <-> native host (the helper), over native messaging: 4-byte
 * native-endian length + UTF-8 JSON. Control only: the host opens its own WebSocket for frames,
 * because host->browser messages are capped at 1 MB. Used on the customer's machine where IT
 * installed the extension and the helper.
 */
import * as z from 'zod';
import { ErrorMessage, Grants, PersonName } from './common';
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
  /** The customer's answer in the consent window (also used to revoke: set grants to false). */
  request('host.consent', { grants: Grants }),
  /** The customer pressed "stop sharing". */
  request('host.stop', {}),
]);
export type ExtensionToHost = z.infer<typeof ExtensionToHost>;

export const NATIVE_RESULTS = {
  'host.hello': z.object({ version: z.string().max(32), os: OsInfo, supported: z.boolean() }),
  'host.join': z.object({ state: HelperState }),
  'host.consent': z.object({ grants: Grants }),
  'host.stop': z.object({ state: HelperState }),
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
]);
export type HostToExtension = z.infer<typeof HostToExtension>;
