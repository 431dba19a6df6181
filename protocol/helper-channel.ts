/**
 * Channel: helper (native host or standalone) <-> server, JSON over /ws, plus binary data-plane
 * frames (frame.ts) on the same socket once welcomed. The first message is `helper.hello` with
 * the session's single-use join code, the ticket of a download bound to the request, or with the
 * resume token after a reboot or network loss.
 */
import * as z from 'zod';
import { ErrorMessage, Grants, Id, PersonName, Token } from './common';
import { Language } from './i18n/language';
import { JOIN_CODE_DIGITS } from './limits';
import { message, ReplyMessage } from './message';

export const JoinCode = z
  .string()
  .max(64)
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(new RegExp(`^[0-9]{${JOIN_CODE_DIGITS}}$`), `${JOIN_CODE_DIGITS} digits`));

export const OsInfo = z.object({
  /** process.platform of the helper's machine: linux, win32, darwin, ... */
  platform: z.string().min(1).max(32),
  release: z.string().max(100),
  arch: z.string().max(32),
  /** Display server or desktop where relevant (x11, wayland), for the support page's message. */
  display: z.string().max(100).optional(),
});
export type OsInfo = z.infer<typeof OsInfo>;

export const HelperCredential = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('join'), joinCode: JoinCode }),
  z.object({ kind: z.literal('resume'), resumeToken: Token }),
  /** The ticket carried inside a helper download bound to the customer's request (no code to type). */
  z.object({ kind: z.literal('ticket'), ticket: Token }),
  /**
   * The support page itself shares the screen (getDisplayMedia, view only), proving the request
   * with its request token: for systems without a helper, or where nothing may be installed.
   */
  z.object({ kind: z.literal('page'), requestToken: Token }),
]);
export type HelperCredential = z.infer<typeof HelperCredential>;

// ---------------------------------------------------------------- helper -> server
export const HelperToServer = z.discriminatedUnion('type', [
  message('helper.hello', {
    credential: HelperCredential,
    protocol: z.number().int().min(1).max(1000),
    version: z.string().max(32),
    os: OsInfo,
    /** False when this system has no platform implementation: the server reports os_not_supported. */
    supported: z.boolean(),
  }),
  /** Consent changed in the helper's prompt (grant or revoke); relayed to the agent and the page. */
  message('helper.consent', { grants: Grants }),
  /**
   * The customer declined in the consent window (or closed it) before anything was shared:
   * sharing ends, the agent and the page are told in words, the server closes the socket.
   */
  message('helper.declined', { reason: z.enum(['declined', 'closed']) }),
  /** The customer allowed a reboot and it is starting: the session waits in `reconnecting`. */
  message('helper.rebooting', {}),
  /** The customer pressed "stop" in the helper: sharing ends, the chat goes on. */
  message('helper.stop', {}),
]);
export type HelperToServer = z.infer<typeof HelperToServer>;

export const ViewerPeer = z.object({ peerId: z.number().int().min(2).max(0xfffe), agentName: PersonName });

// ---------------------------------------------------------------- server -> helper
export const ServerToHelper = z.discriminatedUnion('type', [
  message('helper.welcome', {
    sessionId: Id,
    /** Present again after a reconnect, so the helper can resume once more. */
    resumeToken: Token,
    peerId: z.number().int().min(1).max(1),
    customerName: PersonName,
    viewers: z.array(ViewerPeer),
    /** The language the customer chose on the support page: the helper asks consent in it. */
    language: Language.optional(),
  }),
  ReplyMessage,
  ErrorMessage,
  message('peer.joined', { peer: ViewerPeer }),
  message('peer.left', { peerId: z.number().int().min(2).max(0xfffe) }),
  message('session.ended', { by: z.enum(['customer', 'agent', 'system']) }),
]);
export type ServerToHelper = z.infer<typeof ServerToHelper>;
