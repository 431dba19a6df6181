/**
 * The extension's own messaging protocol, declared once: extension pages (popup, chat windows,
 * options, consent) -> background requests over runtime.sendMessage, and background -> page
 * pushes over a runtime port. Both sides type against these unions and validate what they
 * receive (a message from another context is input like any other). The content script on the
 * support page speaks the separate BridgeRequest union, checked against the sender's origin.
 */
import * as z from 'zod';
import { DirectoryAgent, TransferTarget } from '../../protocol/agent-channel';
import {
  AgentRef,
  AgentStatus,
  ChatLine,
  ChatText,
  CommentText,
  ErrorCodeSchema,
  Features,
  Grants,
  SharingEnd,
  Id,
  PersonName,
  QueueEntry,
  Role,
  SessionView,
  Slug,
  Timestamp,
  Title,
} from '../../protocol/common';
import { FileId, FileSegment } from '../../protocol/data/files';
import {
  CHAT_FILE_SIZE_LIMIT,
  CHAT_FILES_PER_SESSION_MAX,
  ChatFileId,
  ChatFileName,
  ChatFileSha256,
  ChatFileView,
} from '../../protocol/chat-file';
import {
  HelperState,
  NATIVE_FILES_MAX,
  NativeFileTransfer,
  NativeOfferState,
  SecuredViewer,
  STATUS_VIEWERS_MAX,
} from '../../protocol/native-channel';
import { BridgeHelperAvailability } from '../../protocol/page-bridge';
import { PASSWORD_MAX_CHARS } from '../../protocol/limits';
import { LoginOutcome } from './login-client';
import { EffectiveSettings, SettingsPatch } from './settings';
import { SERVER_ADDRESS_MAX_CHARS } from './server-address';

// ---------------------------------------------------------------- views the background pushes

/** signed_out: no login; connecting/offline: logged in, socket not ready; online: ready. */
export const ConnectionView = z.enum(['signed_out', 'connecting', 'online', 'offline']);
export type ConnectionView = z.infer<typeof ConnectionView>;

/** Why the last login ended without the agent asking (shown once in the popup). */
export const SignedOutNotice = z.object({
  reason: z.enum(['seat_taken', 'deactivated', 'password_reset', 'expired']),
  byName: PersonName.optional(),
});
export type SignedOutNotice = z.infer<typeof SignedOutNotice>;

export const AgentView = z.object({
  connection: ConnectionView,
  /** The server in use or last used; the managed one when IT set it. */
  serverOrigin: z.string().max(SERVER_ADDRESS_MAX_CHARS).nullable(),
  /** True when IT set the server address by policy (the field is locked). */
  serverLocked: z.boolean(),
  /** The status page IT set by policy for "cannot connect" (null: the server's own /status). */
  statusUrl: z.string().max(SERVER_ADDRESS_MAX_CHARS).nullable(),
  agent: AgentRef.nullable(),
  role: Role.nullable(),
  presence: AgentStatus,
  /** What the agent's manager enabled, from the last agent.welcome (null before the first). */
  features: Features.nullable(),
  queue: z.array(QueueEntry),
  sessions: z.array(SessionView),
  /** Sessions that have a chat window open. */
  windows: z.array(Id),
  notice: SignedOutNotice.nullable(),
  /** Signed in without a seat: the server sends no requests until one frees (then it gives it). */
  waitingForSeat: z.boolean(),
});
export type AgentView = z.infer<typeof AgentView>;

export const HelperView = z.object({
  connected: z.boolean(),
  grants: Grants,
  os: z.string().max(200).optional(),
  error: z.enum(['os_not_supported']).optional(),
  /** How sharing ended on the customer's side (declined, window closed, stopped). */
  ended: SharingEnd.optional(),
});

export const ScreenView = z.object({
  joinCode: z.string().max(32).nullable(),
  expiresAt: Timestamp.nullable(),
  helper: HelperView.nullable(),
  /** The customer's browser fetched the helper bound to this request (helper.downloaded). */
  downloaded: z.boolean().optional(),
});
export type ScreenView = z.infer<typeof ScreenView>;

/** A transfer of this agent's that came back to them, and why (shown in the chat window until dismissed). */
export const ReturnedNotice = z.object({
  reason: z.enum(['declined', 'timeout', 'recalled']),
  by: z.string().max(200).optional(),
  comment: CommentText.optional(),
  at: Timestamp,
});
export type ReturnedNotice = z.infer<typeof ReturnedNotice>;

export const SessionDetail = z.object({
  session: SessionView,
  transcript: z.array(ChatLine),
  customerTyping: z.boolean(),
  /** Highest seq of the agent's lines the customer has seen. */
  deliveredSeq: z.number().int().min(0),
  screen: ScreenView,
  /** Set when the session left this agent: ended (by whom) or transferred. */
  closed: z.enum(['ended_by_customer', 'ended_by_agent', 'ended_by_system', 'transferred']).nullable(),
  /** Set when a transfer came back to this agent (declined, not taken in time, recalled). */
  returned: ReturnedNotice.nullable(),
  /** Files sent through the chat, either way, as the server last told (chat.file). */
  files: z.array(ChatFileView).max(CHAT_FILES_PER_SESSION_MAX),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

/** The customer-side consent window's view (customer mode, native helper). */
export const ConsentView = z.object({
  state: HelperState.or(z.literal('not_installed')),
  agentName: PersonName.nullable(),
  requested: Grants,
  granted: Grants,
  answered: z.boolean(),
  /** Viewers whose end-to-end handshake is done, with the code the agent sees too. */
  viewers: z.array(SecuredViewer).max(STATUS_VIEWERS_MAX),
  /** The session's file transfers, newest first (the helper's last host.files). */
  transfers: z.array(NativeFileTransfer).max(NATIVE_FILES_MAX),
  /** The file the customer offered from this window and where it stands (absent: none yet). */
  offer: z.object({ name: FileSegment, state: NativeOfferState }).optional(),
});
export type ConsentView = z.infer<typeof ConsentView>;

export const UiPush = z.discriminatedUnion('type', [
  z.object({ type: z.literal('view'), view: AgentView }),
  z.object({ type: z.literal('session'), detail: SessionDetail }),
  z.object({ type: z.literal('consent'), view: ConsentView }),
  z.object({ type: z.literal('settings'), effective: EffectiveSettings }),
]);
export type UiPush = z.infer<typeof UiPush>;

/** Names of the ports pages open to the background: which pushes they get. */
export const PortName = z.union([
  z.literal('popup'),
  z.literal('options'),
  z.literal('consent'),
  z.string().regex(/^chat:[A-Za-z0-9_-]{1,128}$/),
]);
export const chatPortName = (sessionId: string) => `chat:${sessionId}`;

// ---------------------------------------------------------------- page -> background requests

const req = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

export const WindowArea = z.object({
  left: z.number().int().min(-100_000).max(100_000),
  top: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(200).max(100_000),
});
export type WindowArea = z.infer<typeof WindowArea>;

export const UiRequest = z.discriminatedUnion('type', [
  req('view.get', {}),
  req('auth.login', {
    server: z.string().max(SERVER_ADDRESS_MAX_CHARS),
    email: z.string().max(600),
    password: z.string().max(PASSWORD_MAX_CHARS),
    replace: Id.optional(),
    /** Sign in without a seat (every seat taken): nothing to see or take until one frees. */
    waitForSeat: z.boolean().optional(),
  }),
  req('auth.logout', {}),
  req('auth.dismiss_notice', {}),
  req('presence.set', { status: AgentStatus }),
  req('request.accept', { sessionId: Id }),
  req('session.window', { sessionId: Id }),
  req('session.detail', { sessionId: Id }),
  req('session.end', { sessionId: Id }),
  req('session.comment', { sessionId: Id, comment: CommentText }),
  req('session.transfer', { sessionId: Id, target: TransferTarget, comment: CommentText }),
  req('session.recall', { sessionId: Id }),
  req('session.dismiss_returned', { sessionId: Id }),
  req('request.decline', { sessionId: Id, reason: CommentText }),
  req('callback.handled', { sessionId: Id, note: CommentText }),
  req('chat.send', { sessionId: Id, text: ChatText }),
  req('chat.typing', { sessionId: Id, typing: z.boolean() }),
  req('chat.received', { sessionId: Id, seq: z.number().int().min(1) }),
  req('chat.file_offer', {
    sessionId: Id,
    name: ChatFileName,
    size: z.number().int().min(1).max(CHAT_FILE_SIZE_LIMIT),
    sha256: ChatFileSha256,
  }),
  req('chat.file_answer', {
    sessionId: Id,
    fileId: ChatFileId,
    accept: z.boolean(),
    reason: CommentText.optional(),
  }),
  req('chat.file_cancel', { sessionId: Id, fileId: ChatFileId }),
  req('screen.request', { sessionId: Id }),
  req('directory.list', {}),
  req('windows.arrange', { mode: z.enum(['cascade', 'tile']), area: WindowArea }),
  req('settings.get', {}),
  req('settings.save', { patch: SettingsPatch }),
  req('consent.get', {}),
  req('consent.answer', { grants: Grants }),
  req('consent.stop', {}),
  /** The customer pressed "Stop" on one file transfer. */
  req('consent.file_cancel', { fileId: FileId }),
  /** "Send a file to the agent...": the helper opens the system's chooser and offers the file. */
  req('consent.file_offer', {}),
  /** The customer withdraws the file they offered. */
  req('consent.file_withdraw', {}),
]);
export type UiRequest = z.infer<typeof UiRequest>;
export type UiRequestType = UiRequest['type'];

const Empty = z.object({});

export const UI_RESULTS = {
  'view.get': AgentView,
  'auth.login': LoginOutcome,
  'auth.logout': Empty,
  'auth.dismiss_notice': Empty,
  'presence.set': z.object({ status: AgentStatus }),
  'request.accept': z.object({ sessionId: Id }),
  'session.window': Empty,
  'session.detail': SessionDetail,
  'session.end': Empty,
  'session.comment': Empty,
  'session.transfer': Empty,
  'session.recall': Empty,
  'session.dismiss_returned': Empty,
  'request.decline': Empty,
  'callback.handled': Empty,
  'chat.send': z.object({ line: ChatLine }),
  'chat.typing': Empty,
  'chat.received': Empty,
  'chat.file_offer': z.object({ file: ChatFileView }),
  'chat.file_answer': z.object({ file: ChatFileView }),
  'chat.file_cancel': z.object({ file: ChatFileView }),
  'screen.request': z.object({ joinCode: z.string().max(32), expiresAt: Timestamp }),
  'directory.list': z.object({
    agents: z.array(DirectoryAgent),
    portals: z.array(z.object({ slug: Slug, name: Title })),
  }),
  'windows.arrange': z.object({ arranged: z.number().int().min(0) }),
  'settings.get': z.object({ effective: EffectiveSettings, serverOrigin: z.string().nullable() }),
  'settings.save': z.object({ effective: EffectiveSettings, serverOrigin: z.string().nullable() }),
  'consent.get': ConsentView,
  'consent.answer': Empty,
  'consent.stop': Empty,
  'consent.file_cancel': Empty,
  'consent.file_offer': z.object({ outcome: z.enum(['offered', 'cancelled']) }),
  'consent.file_withdraw': Empty,
} satisfies Record<UiRequestType, z.ZodType>;

export type UiResult<K extends UiRequestType> = z.output<(typeof UI_RESULTS)[K]>;

/** Every answer is wrapped: a result, or a stable error code and a message for logs. */
export const UiReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), code: z.string().max(64), message: z.string().max(1000) }),
]);
export type UiReply = z.infer<typeof UiReply>;

// ---------------------------------------------------------------- content script -> background

export const BridgeRequest = z.discriminatedUnion('type', [
  /** The content script starts: may it serve this page, and is the helper installed? */
  req('bridge.probe', {}),
  /** Start the helper for the session whose join code the page got from the server. */
  req('bridge.start', { joinCode: z.string().max(64) }),
]);
export type BridgeRequest = z.infer<typeof BridgeRequest>;

export const BridgeStartOutcome = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), state: HelperState }),
  z.object({
    ok: z.literal(false),
    code: ErrorCodeSchema,
    message: z.string().max(500),
    os: z.string().max(200).optional(),
  }),
]);
export type BridgeStartOutcome = z.infer<typeof BridgeStartOutcome>;

export const BRIDGE_RESULTS = {
  /** `allowed` false: this page is not the configured server's support page; stay silent. */
  'bridge.probe': z.object({
    allowed: z.boolean(),
    origin: z.string().max(SERVER_ADDRESS_MAX_CHARS).nullable(),
    helper: BridgeHelperAvailability,
    extensionVersion: z.string().max(32),
  }),
  'bridge.start': BridgeStartOutcome,
} satisfies Record<BridgeRequest['type'], z.ZodType>;

/** Background -> content script: the helper's state, relayed to the page as helper.status. */
export const BridgePush = z.object({ type: z.literal('bridge.status'), state: HelperState });
export type BridgePush = z.infer<typeof BridgePush>;
