/**
 * Channel: customer support page <-> server, JSON over /ws. The page's first message is either
 * `request.create` (a new request on a portal, same rules as POST /api/v1/portals/SLUG/requests)
 * or `customer.hello` with the request token it got earlier (after a reload or a lost connection).
 * Customers are anonymous: the request token is their only credential and names one session.
 */
import * as z from 'zod';
import {
  ChatAuthor,
  ClientInfo,
  ChatLine,
  ChatText,
  Email,
  ErrorMessage,
  Id,
  PersonName,
  ProblemText,
  ScreenState,
  SessionState,
  SharingEnd,
  Slug,
  Timestamp,
  Title,
  Token,
} from './common';
import { ChatFileId, ChatFileName, ChatFileSha256, ChatFileView, CHAT_FILE_SIZE_LIMIT } from './chat-file';
import { Language } from './i18n/language';
import { message, ReplyMessage, request } from './message';

export const NewRequest = z.object({
  name: PersonName,
  email: Email.optional(),
  problem: ProblemText,
  /** The page's language: the helper asks consent in it. */
  language: Language.optional(),
  /** The customer's system and browser as the page sees them (the agent's session header). */
  client: ClientInfo.optional(),
});
export type NewRequest = z.infer<typeof NewRequest>;

// ---------------------------------------------------------------- customer -> server
export const CustomerToServer = z.discriminatedUnion('type', [
  message('customer.hello', { requestToken: Token, protocol: z.number().int().min(1).max(1000) }),
  request('request.create', {
    portal: Slug,
    name: PersonName,
    email: Email.optional(),
    problem: ProblemText,
    language: Language.optional(),
    client: ClientInfo.optional(),
    /**
     * The request token of an ended session, to go on with the agent of that session first
     * ("continue with Ann"); the server routes to the portal when that agent is not available.
     */
    previous: Token.optional(),
    protocol: z.number().int().min(1).max(1000),
  }),
  /** The customer switched the page's language: the helper's next words follow it. */
  message('customer.language', { language: Language }),
  request('request.cancel', {}),
  /**
   * "Leave my details": nobody could answer now; the request stays in the queue as a callback
   * request with this e-mail address, and the customer may close the page.
   */
  request('request.callback', { email: Email }),
  /** After `session_ended`: a new request on the same portal with the same details, in one step. */
  request('request.restart', {}),
  request('chat.send', { text: ChatText }),
  message('chat.typing', { typing: z.boolean() }),
  message('chat.received', { seq: z.number().int().min(1) }),
  /** Offers a file to the agent (chat-file.ts); the bytes follow by HTTP once the agent accepts. */
  request('chat.file_offer', {
    name: ChatFileName,
    size: z.number().int().min(1).max(CHAT_FILE_SIZE_LIMIT),
    sha256: ChatFileSha256,
  }),
  /** Withdraws a file this customer offered, before its bytes are all there. */
  request('chat.file_cancel', { fileId: ChatFileId }),
  request('session.end', {}),
]);
export type CustomerToServer = z.infer<typeof CustomerToServer>;

/**
 * Where a "continue with Ann" request went: `asked` (Ann is alerted; the portal's agents after
 * `answerBy`), or to the portal's queue because Ann is `unavailable` (not signed in), did not answer
 * in time (`no_answer`) or `declined`. The FAQ's "Representative not available", said in words.
 */
export const Routing = z.object({
  agentName: PersonName,
  state: z.enum(['asked', 'unavailable', 'no_answer', 'declined']),
  answerBy: Timestamp.optional(),
});
export type Routing = z.infer<typeof Routing>;

export const CustomerSessionView = z.object({
  sessionId: Id,
  state: SessionState,
  screen: ScreenState,
  portal: z.object({ slug: Slug, name: Title }),
  customerName: PersonName,
  agentName: PersonName.optional(),
  /** 1-based place in the portal's queue while queued. */
  position: z.number().int().min(1).optional(),
  agentsAvailable: z.number().int().min(0),
  queuedAt: Timestamp,
  /** Set on a callback request: the customer left their details and an agent will write back. */
  callback: z.object({ email: Email }).optional(),
  /** Set when the request asked for the agent of an earlier session first (routing.ts). */
  routing: Routing.optional(),
});
export type CustomerSessionView = z.infer<typeof CustomerSessionView>;

export const CUSTOMER_RESULTS = {
  /** `notice: no_agents_online` when nobody is available right now: the request waits all the same. */
  'request.create': z.object({
    requestToken: Token,
    session: CustomerSessionView,
    notice: z.literal('no_agents_online').optional(),
  }),
  'request.cancel': z.object({ sessionId: Id }),
  'request.callback': z.object({ sessionId: Id }),
  'request.restart': z.object({
    requestToken: Token,
    session: CustomerSessionView,
    notice: z.literal('no_agents_online').optional(),
  }),
  'chat.send': z.object({ line: ChatLine }),
  'chat.file_offer': z.object({ file: ChatFileView }),
  'chat.file_cancel': z.object({ file: ChatFileView }),
  'session.end': z.object({ sessionId: Id }),
} satisfies Record<Extract<CustomerToServer, { id: string }>['type'], z.ZodType>;

// ---------------------------------------------------------------- server -> customer
export const ServerToCustomer = z.discriminatedUnion('type', [
  message('customer.welcome', { session: CustomerSessionView, transcript: z.array(ChatLine) }),
  ReplyMessage,
  ErrorMessage,
  message('queue.position', { position: z.number().int().min(1), agentsAvailable: z.number().int().min(0) }),
  /** A "continue with Ann" request moved on: Ann did not answer in time, or declined. */
  message('request.routing', { routing: Routing }),
  message('session.accepted', { agentName: PersonName }),
  /** Another agent took over (transfer accepted), or the session went back to a portal queue. */
  message('session.transferred', { agentName: PersonName.optional(), portalName: Title.optional() }),
  message('chat.message', { line: ChatLine }),
  message('chat.typing', { from: ChatAuthor, typing: z.boolean() }),
  message('chat.delivered', { seq: z.number().int().min(1) }),
  /** A chat file appeared or changed state (offered, accepted, declined, progress, ready, ...). */
  message('chat.file', { file: ChatFileView }),
  message('session.ended', { by: z.enum(['customer', 'agent', 'system']) }),
  /** The agent asks to see the screen: start the helper (extension bridge) or show the join code. */
  message('screen.requested', {
    joinCode: z.string().max(32),
    expiresAt: Timestamp,
    agentName: PersonName,
    /** Ticket for the helper download bound to this request (/downloads/helper/<system>/<ticket>). */
    download: Token.optional(),
  }),
  message('screen.status', {
    state: ScreenState,
    error: z.enum(['os_not_supported']).optional(),
    os: z.string().max(200).optional(),
    /** Set when sharing ended on the customer's side (declined, window closed, stopped). */
    ended: SharingEnd.optional(),
  }),
  /**
   * The agent's viewer finds the link slow (`slow: true`) or fine again, while the screen is
   * streaming: the page shows the FAQ's advice (close streaming programs, a plainer wallpaper,
   * close unused programs) until `slow: false` or sharing stops. Told once per change.
   */
  message('screen.link', { slow: z.boolean() }),
  /** "Share my screen": the agent started (`active`) or stopped showing their screen; watch with share.watch. */
  message('share.status', { active: z.boolean(), agentName: PersonName.optional() }),
]);
export type ServerToCustomer = z.infer<typeof ServerToCustomer>;
