/**
 * Channel: agent extension <-> server, JSON over /ws. The agent's first message is `agent.hello`
 * with the login token from POST /api/v1/auth/login; anything else first is refused.
 * Requests carry `id`; the server answers `reply` (result typed by AGENT_RESULTS) or `error`.
 */
import * as z from 'zod';
import {
  AgentRef,
  AgentStatus,
  ChatAuthor,
  ChatLine,
  ChatText,
  CommentText,
  CustomerPresence,
  ErrorMessage,
  Features,
  Grants,
  Id,
  PersonName,
  QueueEntry,
  SessionView,
  Slug,
  Title,
  Token,
  Timestamp,
  Role,
  SharingEnd,
} from './common';
import { ChatFileId, ChatFileName, ChatFileSha256, ChatFileView, CHAT_FILE_SIZE_LIMIT } from './chat-file';
import { message, ReplyMessage, request } from './message';

export const TransferTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent'), agentId: Id }),
  z.object({ kind: z.literal('portal'), slug: Slug }),
]);
export type TransferTarget = z.infer<typeof TransferTarget>;

// ---------------------------------------------------------------- agent -> server
export const AgentToServer = z.discriminatedUnion('type', [
  message('agent.hello', { token: Token, protocol: z.number().int().min(1).max(1000) }),
  request('presence.set', { status: AgentStatus }),
  request('request.accept', { sessionId: Id }),
  request('session.open', { sessionId: Id }),
  request('session.end', { sessionId: Id }),
  request('session.comment', { sessionId: Id, comment: CommentText }),
  request('session.transfer', { sessionId: Id, target: TransferTarget, comment: CommentText }),
  /** The sender takes back a transfer nobody has accepted yet. */
  request('session.recall', { sessionId: Id }),
  /**
   * The agent a request is addressed to (a transfer, or a customer continuing with them) declines
   * it with a reason: a transfer goes back to its sender, a continuation to the portal's queue.
   */
  request('request.decline', { sessionId: Id, reason: CommentText }),
  /** A callback request was dealt with (the agent wrote or called back): it leaves the queue. */
  request('callback.handled', { sessionId: Id, note: CommentText }),
  request('chat.send', { sessionId: Id, text: ChatText }),
  message('chat.typing', { sessionId: Id, typing: z.boolean() }),
  /** Delivery acknowledgement: the agent's client has shown every line up to `seq`. */
  message('chat.received', { sessionId: Id, seq: z.number().int().min(1) }),
  /** Sends a file into the chat (chat-file.ts): accepted at once; the bytes follow by HTTP. */
  request('chat.file_offer', {
    sessionId: Id,
    name: ChatFileName,
    size: z.number().int().min(1).max(CHAT_FILE_SIZE_LIMIT),
    sha256: ChatFileSha256,
  }),
  /** Takes a file the customer offered (the bytes come next), or declines it with a reason. */
  request('chat.file_answer', {
    sessionId: Id,
    fileId: ChatFileId,
    accept: z.boolean(),
    reason: CommentText.optional(),
  }),
  /** Withdraws a file this agent sent, before its bytes are all there. */
  request('chat.file_cancel', { sessionId: Id, fileId: ChatFileId }),
  request('screen.request', { sessionId: Id }),
  request('directory.list', {}),
  /**
   * Keepalive: the extension sends one every 20 s. Chrome keeps an MV3 service worker alive only
   * while its WebSocket carries messages (protocol-level pings do not count), and a reply that
   * does not come back in time tells the extension the connection is dead.
   */
  request('ping', {}),
]);
export type AgentToServer = z.infer<typeof AgentToServer>;

export const DirectoryAgent = z.object({
  id: Id,
  name: PersonName,
  email: z.string().max(254),
  online: z.boolean(),
  status: AgentStatus.optional(),
});

/** Result schema of each agent request. */
export const AGENT_RESULTS = {
  'presence.set': z.object({ status: AgentStatus }),
  'request.accept': z.object({ session: SessionView, transcript: z.array(ChatLine) }),
  'session.open': z.object({ session: SessionView, transcript: z.array(ChatLine) }),
  'session.end': z.object({ sessionId: Id }),
  'session.comment': z.object({ sessionId: Id }),
  'session.transfer': z.object({ sessionId: Id }),
  'session.recall': z.object({ session: SessionView, transcript: z.array(ChatLine) }),
  'request.decline': z.object({ sessionId: Id }),
  'callback.handled': z.object({ sessionId: Id }),
  'chat.send': z.object({ line: ChatLine }),
  'chat.file_offer': z.object({ file: ChatFileView }),
  'chat.file_answer': z.object({ file: ChatFileView }),
  'chat.file_cancel': z.object({ file: ChatFileView }),
  'screen.request': z.object({ sessionId: Id, joinCode: z.string().max(32), expiresAt: Timestamp }),
  'directory.list': z.object({
    agents: z.array(DirectoryAgent),
    portals: z.array(z.object({ slug: Slug, name: Title })),
  }),
  ping: z.object({}),
} satisfies Record<Extract<AgentToServer, { id: string }>['type'], z.ZodType>;

// ---------------------------------------------------------------- server -> agent
export const ServerToAgent = z.discriminatedUnion('type', [
  message('agent.welcome', {
    agent: AgentRef,
    role: Role,
    loginId: Id,
    status: AgentStatus,
    features: Features,
    queue: z.array(QueueEntry),
    sessions: z.array(SessionView),
    /**
     * Signed in without a seat: the queue and sessions stay empty, every request but `ping` is
     * refused (`seat_required`), until `seat.granted`.
     */
    waitingForSeat: z.boolean().optional(),
  }),
  ReplyMessage,
  ErrorMessage,
  message('presence.changed', { status: AgentStatus }),
  /** A seat freed for this login signed in without one: the socket closes next (4010); reconnect. */
  message('seat.granted', {}),
  /** A manager changed this agent's features: they apply from the next action. */
  message('agent.features', { features: Features }),
  message('queue.added', { entry: QueueEntry }),
  message('queue.removed', {
    sessionId: Id,
    /**
     * `left`: the customer closed the page and did not come back within the grace period;
     * `returned`: a transfer went back to its sender (declined, recalled, not taken in time);
     * `moved`: an entry for one agent went to the portal's queue; `handled`: a callback was dealt with.
     */
    reason: z.enum(['accepted', 'cancelled', 'transferred', 'ended', 'left', 'returned', 'moved', 'handled']),
    /** Who accepted, when reason is `accepted`. */
    by: PersonName.optional(),
  }),
  message('session.assigned', { session: SessionView, transcript: z.array(ChatLine) }),
  message('session.updated', { session: SessionView }),
  message('session.ended', { sessionId: Id, by: z.enum(['customer', 'agent', 'system']) }),
  /** The customer's page closed, came back, or stayed away past the grace period. */
  message('customer.presence', { sessionId: Id, customer: CustomerPresence }),
  /**
   * A transfer this agent made came back to them (the session is theirs again; `session.assigned`
   * follows): the receiver declined it (with their reason), it was not taken in time, or recalled.
   */
  message('transfer.returned', {
    sessionId: Id,
    reason: z.enum(['declined', 'timeout', 'recalled']),
    /** Who declined, or the portal nobody answered on. */
    by: z.string().max(200).optional(),
    comment: CommentText.optional(),
  }),
  message('chat.message', { line: ChatLine }),
  message('chat.typing', { sessionId: Id, from: ChatAuthor, typing: z.boolean() }),
  message('chat.delivered', { sessionId: Id, seq: z.number().int().min(1) }),
  /** A chat file of a session this agent holds appeared or changed state. */
  message('chat.file', { sessionId: Id, file: ChatFileView }),
  message('helper.status', {
    sessionId: Id,
    connected: z.boolean(),
    grants: Grants,
    os: z.string().max(200).optional(),
    error: z.enum(['os_not_supported']).optional(),
    /** Set when sharing ended on the customer's side: declined, window closed, or stopped. */
    ended: SharingEnd.optional(),
    /** The customer shares from the support page (view only), not through the helper. */
    browser: z.boolean().optional(),
  }),
  /** The customer's browser is downloading the helper bound to this session's request. */
  message('helper.downloaded', { sessionId: Id, system: z.enum(['linux', 'windows']) }),
  /** The login ended elsewhere (seat taken, logout, account deactivated); the socket closes next. */
  message('signed_out', {
    reason: z.enum(['seat_taken', 'logout', 'deactivated', 'password_reset']),
    byName: PersonName.optional(),
    message: z.string().max(500),
  }),
]);
export type ServerToAgent = z.infer<typeof ServerToAgent>;
