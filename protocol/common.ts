/**
 * Schemas shared by several channels: identifiers, people, sessions, queue entries, chat lines.
 * Every string has a maximum length; every number a range. Parsing (zod) returns a fresh object
 * holding only the declared fields, which is how we "rebuild from allowed fields" at boundaries.
 */
import * as z from 'zod';
import {
  CHAT_TEXT_MAX_CHARS,
  CLIENT_INFO_MAX_CHARS,
  COMMENT_MAX_CHARS,
  EMAIL_MAX_CHARS,
  NAME_MAX_CHARS,
  PROBLEM_MAX_CHARS,
  REQUEST_ID_MAX_CHARS,
  SLUG_MAX_CHARS,
  TITLE_MAX_CHARS,
  TOKEN_MAX_CHARS,
} from './limits';
import { ERROR_CODE_LIST } from './errors';
import { ChatFileRef } from './chat-file';

/** Version of the control protocol; a hello with another major is refused with a clear code. */
export const PROTOCOL_VERSION = 1;

/** A request id chosen by the client; the reply carries it back. */
export const RequestId = z.string().min(1).max(REQUEST_ID_MAX_CHARS);
/** Server-made identifiers (sessions, agents, logins): url-safe, bounded. */
export const Id = z
  .string()
  .min(1)
  .max(TOKEN_MAX_CHARS)
  .regex(/^[A-Za-z0-9_-]+$/);
export const Token = Id;
export const Slug = z
  .string()
  .min(1)
  .max(SLUG_MAX_CHARS)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner dashes');
/** Single-line text a person typed: trimmed, no control characters. */
const singleLine = (max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .max(max)
        // eslint-disable-next-line no-control-regex -- the point is to refuse control characters
        .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'),
    );
/** Multi-line text a person typed: newlines and tabs allowed, other control characters refused. */
const multiLine = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex -- refuse control characters other than \t \n \r
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'no control characters');

export const PersonName = singleLine(NAME_MAX_CHARS).pipe(z.string().min(1));
/**
 * The customer's system and browser as the support page detected them ("Windows 10", "Chrome
 * 126"): shown in the agent's session header, so the agent knows what the customer uses before
 * asking for the screen. Text the page sent: shown as text, never trusted for anything else.
 */
export const ClientInfo = z.object({
  system: singleLine(CLIENT_INFO_MAX_CHARS).pipe(z.string().min(1)),
  browser: singleLine(CLIENT_INFO_MAX_CHARS).pipe(z.string().min(1)),
});
export type ClientInfo = z.infer<typeof ClientInfo>;
export const Title = singleLine(TITLE_MAX_CHARS).pipe(z.string().min(1));
/** E-mail: trimmed and lowercased (logins match without regard to case or surrounding spaces). */
export const Email = z
  .string()
  .max(EMAIL_MAX_CHARS * 2)
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z
      .string()
      .max(EMAIL_MAX_CHARS)
      .regex(/^[^\s@]+@[^\s@]+$/, 'an e-mail address'),
  );
export const ChatText = multiLine(CHAT_TEXT_MAX_CHARS).pipe(z.string().min(1));
export const ProblemText = multiLine(PROBLEM_MAX_CHARS);
export const CommentText = multiLine(COMMENT_MAX_CHARS);
/** Milliseconds since the Unix epoch. */
export const Timestamp = z.number().int().min(0).max(8.64e15);

export const ErrorCodeSchema = z.enum(ERROR_CODE_LIST as [string, ...string[]]);

export const AgentStatus = z.enum(['available', 'busy']);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const Role = z.enum(['agent', 'manager']);
export type Role = z.infer<typeof Role>;

/** States of a support session; server/session/ owns the transitions. */
export const SessionState = z.enum(['queued', 'accepted', 'transferring', 'ended']);
export type SessionState = z.infer<typeof SessionState>;

/** States of screen sharing within an accepted session. */
export const ScreenState = z.enum(['none', 'requested', 'consented', 'streaming', 'paused', 'reconnecting']);
export type ScreenState = z.infer<typeof ScreenState>;

export const AgentRef = z.object({ id: Id, name: PersonName, email: Email });
export type AgentRef = z.infer<typeof AgentRef>;

export const TransferInfo = z.object({
  fromAgent: AgentRef,
  comment: CommentText,
  at: Timestamp,
  /** The portal the session was on before a transfer to another portal (where it returns). */
  fromPortal: Slug.optional(),
});
export type TransferInfo = z.infer<typeof TransferInfo>;

/**
 * Is the customer still on the support page? `here` while a page of theirs is connected; `away`
 * from the moment the last one closed (a reload or a lost network comes back within the grace
 * period); `left` once the grace period passed without them (server/session/customer-presence.ts).
 */
export const CustomerPresence = z.object({
  state: z.enum(['here', 'away', 'left']),
  /** Since when (ms since the epoch). */
  since: Timestamp,
});
export type CustomerPresence = z.infer<typeof CustomerPresence>;

/** A request the customer left their contact details on and went: call them back, then mark it handled. */
export const CallbackInfo = z.object({
  email: Email,
  /** When they left their details. */
  at: Timestamp,
});
export type CallbackInfo = z.infer<typeof CallbackInfo>;

/** A customer who asked to go on with the agent of their last session ("continue with Ann"). */
export const ContinuationInfo = z.object({
  /** The ended session they continue. */
  previousSessionId: Id,
});
export type ContinuationInfo = z.infer<typeof ContinuationInfo>;

/** A waiting request as agents see it in their alert list. */
export const QueueEntry = z.object({
  sessionId: Id,
  portal: z.object({ slug: Slug, name: Title }),
  customerName: PersonName,
  customerEmail: Email.optional(),
  problem: ProblemText,
  queuedAt: Timestamp,
  /** Set when the session was transferred to a portal or to this agent. */
  transfer: TransferInfo.optional(),
  /** Set when the transfer names one agent: only that agent is alerted. */
  targetAgentId: Id.optional(),
  /**
   * Set while the entry waits for one agent or for a transfer's taker: past this moment a
   * transfer goes back to its sender, a continuation to the portal's queue.
   */
  answerBy: Timestamp.optional(),
  /** Set on a callback request (the customer left their details and went). */
  callback: CallbackInfo.optional(),
  /** Set when the customer asked to continue with this agent after a session. */
  continuation: ContinuationInfo.optional(),
  /** Whether the customer is still on the support page. */
  customer: CustomerPresence.optional(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

export const ChatAuthor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('customer'), name: PersonName }),
  z.object({ kind: z.literal('agent'), name: PersonName, agentId: Id }),
  z.object({ kind: z.literal('system') }),
]);
export type ChatAuthor = z.infer<typeof ChatAuthor>;

/** One line of a session's transcript; `seq` is per session, from 1, gapless. */
export const ChatLine = z.object({
  sessionId: Id,
  seq: z.number().int().min(1),
  from: ChatAuthor,
  text: z.string().max(CHAT_TEXT_MAX_CHARS * 2),
  at: Timestamp,
  /** Set on a file sent through the chat (protocol/chat-file.ts); `text` is then the file's name. */
  file: ChatFileRef.optional(),
});
export type ChatLine = z.infer<typeof ChatLine>;

/** A session as its agent sees it. */
export const SessionView = z.object({
  id: Id,
  state: SessionState,
  screen: ScreenState,
  portal: z.object({ slug: Slug, name: Title }),
  customerName: PersonName,
  customerEmail: Email.optional(),
  problem: ProblemText,
  agent: AgentRef.optional(),
  comment: CommentText,
  transfer: TransferInfo.optional(),
  createdAt: Timestamp,
  acceptedAt: Timestamp.optional(),
  endedAt: Timestamp.optional(),
  /** The customer's system and browser, as their support page saw them. */
  customerClient: ClientInfo.optional(),
  /** Whether the customer is still on the support page (live sessions). */
  customer: CustomerPresence.optional(),
  /** While transferring: where it went and until when its taker may accept (then it comes back). */
  transferTo: z.object({ kind: z.enum(['agent', 'portal']), name: z.string().max(200) }).optional(),
  answerBy: Timestamp.optional(),
});
export type SessionView = z.infer<typeof SessionView>;

/**
 * How screen sharing ended on the customer's side, for the agent, the viewer and the page to say
 * it in words: the customer declined in the consent window, closed that window, or stopped
 * sharing (the helper's Stop, or the browser's share ended).
 */
export const SharingEnd = z.enum(['declined', 'closed', 'stopped']);
export type SharingEnd = z.infer<typeof SharingEnd>;

/** Consent a customer gives in the helper's own prompt; each is separate and revocable. */
export const Grants = z.object({
  view: z.boolean(),
  control: z.boolean(),
  clipboard: z.boolean(),
  files: z.boolean(),
  reboot: z.boolean(),
});
export type Grants = z.infer<typeof Grants>;
export const NO_GRANTS: Grants = {
  view: false,
  control: false,
  clipboard: false,
  files: false,
  reboot: false,
};

/**
 * Features a manager switches per agent (management center, API, CLI). The server checks each one
 * at the moment of the action it governs (docs/manager-guide.md has the table):
 * `clipboard` on the relay's clipboard channel, `multiChat` when an agent accepts a second session,
 * `reboot` on the relay's `session` data channel (the only one the helper takes a reboot request from).
 */
export const Features = z.object({
  screenView: z.boolean(),
  screenControl: z.boolean(),
  fileTransfer: z.boolean(),
  shareMyScreen: z.boolean(),
  transfer: z.boolean(),
  // Added later: a peer that does not name them (an older server) means "on", as before they existed.
  clipboard: z.boolean().default(true),
  reboot: z.boolean().default(true),
  multiChat: z.boolean().default(true),
});
export type Features = z.infer<typeof Features>;

/**
 * A change to some features (PATCH bodies, the CLI): every one optional, none defaulted, so a
 * change names only what it changes (`Features.partial()` would fill the defaults in).
 */
export const FeaturesPatch = z.object({
  screenView: z.boolean().optional(),
  screenControl: z.boolean().optional(),
  fileTransfer: z.boolean().optional(),
  shareMyScreen: z.boolean().optional(),
  transfer: z.boolean().optional(),
  clipboard: z.boolean().optional(),
  reboot: z.boolean().optional(),
  multiChat: z.boolean().optional(),
}) satisfies z.ZodType<Partial<Features>>;

/** The error reply every channel uses. */
export const ErrorMessage = z.object({
  type: z.literal('error'),
  /** Present when the error answers a request. */
  id: RequestId.optional(),
  code: ErrorCodeSchema,
  message: z.string().max(1000),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;
