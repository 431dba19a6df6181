/**
 * What the support page shows, as one immutable value the controller replaces on every change
 * (views render from it and never mutate it).
 */
import type { ChatLine, ScreenState, SharingEnd } from '../../protocol/common';
import type { CustomerSessionView, NewRequest } from '../../protocol/customer-channel';
import type { ErrorCode } from '../../protocol/errors';
import type { HelperState } from '../../protocol/native-channel';
import { NO_CHAT_FILES, type ChatFilesState } from '../chat/chat-file-book';
import type { PendingChatLine } from '../chat/chat-types';
import type { ConnectionState } from './customer-socket';
import type { BridgeInfo } from './page-bridge-client';
import type { PhaseName } from './support-phase';

export type EndedBy = 'customer' | 'agent' | 'system';

export interface ScreenModel {
  /**
   * The agent's request (screen.requested); null when none is pending or shown. `ticket` binds
   * the download the page offers to this request (null from a server that sends none).
   */
  request: { joinCode: string; expiresAt: number; agentName: string; ticket: string | null } | null;
  /** How the last sharing ended on the customer's side (declined, window closed, stopped). */
  ended: { how: SharingEnd; agentName: string } | null;
  /** Screen-sharing state reported by the server (screen.status / the session view). */
  state: ScreenState;
  /** The helper reported that this system is not supported (named in `os`). */
  unsupportedOs: string | null;
  /** Starting the helper through the extension. */
  helper: 'idle' | 'starting' | 'started' | 'failed';
  helperState: HelperState | null;
  helperFailure: { code: ErrorCode; os: string | null } | null;
  /** The agent's viewer finds the link slow while streaming (screen.link): the FAQ's advice shows. */
  slowLink: boolean;
}

/** The customer's screen shown from this page (no helper): where it is, and the security codes. */
export interface BrowserShareModel {
  phase: 'idle' | 'connecting' | 'sharing' | 'reconnecting' | 'stopped' | 'ended' | 'refused';
  /** The code of each of the agent's viewers (the agent sees the same). */
  codes: string[];
  /** Why the page could not share: the browser refused the capture, or the server refused. */
  failure:
    { kind: 'cancelled' } | { kind: 'capture'; reason: string } | { kind: 'server'; code: ErrorCode } | null;
}

export const NO_BROWSER_SHARE: BrowserShareModel = { phase: 'idle', codes: [], failure: null };

/** "Share my screen": whether the agent is showing their screen now (share.status). */
export interface AgentShareModel {
  active: boolean;
  agentName: string | null;
}

export const NO_AGENT_SHARE: AgentShareModel = { active: false, agentName: null };

export interface SupportModel {
  portal: { slug: string; name: string | null; agentsAvailable: number | null };
  phase: PhaseName;
  endedBy: EndedBy | null;
  connection: ConnectionState;
  /** True for a few seconds after a lost connection came back. */
  reconnected: boolean;
  /** What the customer typed in the form (kept for "start a new request"). */
  details: NewRequest | null;
  /**
   * "Continue with Ann": the next request goes to the agent of the ended session first (the
   * server routes it to the portal when Ann is not available). `token`: that session's request token.
   */
  continueWith: { token: string; agentName: string } | null;
  session: CustomerSessionView | null;
  /** Local time the wait started (ms), for the waiting clock. */
  waitingSince: number | null;
  /** The customer chose to keep waiting when nobody was online. */
  keepWaiting: boolean;
  lines: readonly ChatLine[];
  pending: readonly PendingChatLine[];
  deliveredSeq: number;
  agentTyping: string | null;
  transfer: { agentName: string | null; portalName: string | null } | null;
  /** Why the last form submission failed. */
  formError: ErrorCode | null;
  /** Why the last other action (cancel, end, restart) failed. */
  actionError: ErrorCode | null;
  bridge: BridgeInfo;
  screen: ScreenModel;
  agentShare: AgentShareModel;
  browserShare: BrowserShareModel;
  /** Files through the chat, either way (ui/chat/chat-file-book.ts). */
  chatFiles: ChatFilesState;
}

export const NO_SCREEN: ScreenModel = {
  request: null,
  ended: null,
  state: 'none',
  unsupportedOs: null,
  helper: 'idle',
  helperState: null,
  helperFailure: null,
  slowLink: false,
};

export function initialModel(slug: string): SupportModel {
  return {
    portal: { slug, name: null, agentsAvailable: null },
    phase: 'loading',
    endedBy: null,
    connection: { name: 'idle' },
    reconnected: false,
    details: null,
    continueWith: null,
    session: null,
    waitingSince: null,
    keepWaiting: false,
    lines: [],
    pending: [],
    deliveredSeq: 0,
    agentTyping: null,
    transfer: null,
    formError: null,
    actionError: null,
    bridge: { presence: 'probing', helper: null },
    screen: NO_SCREEN,
    agentShare: NO_AGENT_SHARE,
    browserShare: NO_BROWSER_SHARE,
    chatFiles: NO_CHAT_FILES,
  };
}

/** Nobody can take the request right now (the "no agents online" view). */
export function noAgentsOnline(model: SupportModel): boolean {
  return model.phase === 'waiting' && model.session !== null && model.session.agentsAvailable === 0;
}

/** Merges lines by seq (the server's copy wins), in seq order. */
export function mergeLines(current: readonly ChatLine[], incoming: readonly ChatLine[]): ChatLine[] {
  const bySeq = new Map<number, ChatLine>();
  for (const l of current) bySeq.set(l.seq, l);
  for (const l of incoming) bySeq.set(l.seq, l);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
