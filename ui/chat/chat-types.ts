/**
 * The props contract of the chat view (ui/chat/chat-view.tsx), shared by the customer's support
 * page and the agent extension's chat windows. Keep it stable: both builds type against it.
 *
 * - Lines are protocol `ChatLine`s (protocol/common.ts), in `seq` order. Every text is rendered
 *   as a text node (never as HTML), so a customer typing `<img onerror=...>` sees those characters.
 * - The view owns no socket: the host passes lines, pending sends, the peer's typing state and the
 *   delivery mark in, and gets `onSend`, `onTyping` and `onShown` out.
 * - Labels come from the host's own catalog (the pages' ui/i18n, the extension's _locales), so the
 *   view holds no user-facing string of its own.
 */
import type { ComponentChildren } from 'preact';
import type { ChatLine } from '../../protocol/common';

/** Whose window this is: that side's lines sit on the right and carry delivery ticks. */
export type ChatSelf = { kind: 'customer' } | { kind: 'agent'; agentId: string };

/** A line this side sent and the server has not confirmed yet (no `seq` yet). */
export interface PendingChatLine {
  /** Chosen by the host (e.g. the request id); used as the list key and for retry. */
  localId: string;
  text: string;
  /** When it was typed, ms since the epoch. */
  at: number;
  /** The server refused it or the connection dropped: shown with a retry button. */
  failed?: boolean;
}

/** Delivery state of one of this side's lines: clock, one tick, two ticks, or failed. */
export type DeliveryState = 'sending' | 'sent' | 'delivered' | 'failed';

/** Every string the view shows, already translated by the host. */
export interface ChatLabels {
  /** Accessible name of the transcript list. */
  transcript: string;
  /** Placeholder and accessible name of the message field. */
  composer: string;
  /** The send button. */
  send: string;
  /** Author label on this side's own lines. */
  you: string;
  /** "Anna is typing…" */
  typing: (name: string) => string;
  /** Titles (tooltips and accessible text) of the delivery marks. */
  sending: string;
  sent: string;
  delivered: string;
  failed: string;
  /** Button on a failed line. */
  retry: string;
  /** Shown in the empty transcript. */
  empty: string;
  /** The "Send a file…" button, and the words over the chat while a file is dragged over it. */
  sendFile?: string;
  dropFile?: string;
}

export interface ChatViewProps {
  /** The transcript, in `seq` order. */
  lines: readonly ChatLine[];
  /** This side's sends not yet confirmed by the server, shown after `lines`. */
  pending?: readonly PendingChatLine[];
  self: ChatSelf;
  /** Highest seq of this side's lines that the other side has shown (chat.delivered); 0 if none. */
  deliveredSeq: number;
  /** Display name of the other side while they type, else null. */
  peerTyping: string | null;
  /** Called with the text (trimmed, non-empty, within CHAT_TEXT_MAX_CHARS) on Enter or Send. */
  onSend: (text: string) => void;
  /** Called when this user starts typing (true) and when they stop, send or clear (false). */
  onTyping?: (typing: boolean) => void;
  /** Called with the highest seq of the other side's lines once it is on screen (for chat.received). */
  onShown?: (seq: number) => void;
  /** Called with a failed pending line's localId when the user presses retry. */
  onRetry?: (localId: string) => void;
  /** False disables the composer (offline, ended); the transcript stays readable. Default true. */
  canSend?: boolean;
  /** A short line above the composer (e.g. "Reconnecting…"); null for none. */
  notice?: string | null;
  labels: ChatLabels;
  /** BCP 47 locale for the time of each line; the browser's when absent. */
  locale?: string;
  /** Text shown for a system line; the line's own text when absent (hosts may translate). */
  systemText?: (line: ChatLine) => string;
  /** Draws a line that carries a file (`line.file`): its state and the host's buttons. */
  renderFile?: (line: ChatLine) => ComponentChildren;
  /**
   * Files the user chose ("Send a file…") or dropped on the chat; without it neither is offered.
   * Dropping works only while sending is allowed (`canSend`).
   */
  onFiles?: (files: File[]) => void;
}
