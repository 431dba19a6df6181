/**
 * Row <-> record conversion for both stores (SQLite and PostgreSQL use the same column names and
 * keep JSON as text). Rows are read back through these functions only, so a column rename touches
 * one place. JSON columns are validated on the way out.
 */
import { ChatFileRef } from '../../protocol/chat-file';
import { ChatAuthor, type ChatLine, ClientInfo, FeaturesPatch, TransferInfo } from '../../protocol/common';
import { isLanguage } from '../../protocol/i18n/language';
import { DEFAULT_FEATURES } from '../accounts/default-features';
import * as z from 'zod';
import type { Continuation, LoginRecord, SessionRecord, UserRecord } from './store';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'manager';
  state: UserRecord['state'];
  password_hash: string | null;
  features: string;
  created_at: number;
  updated_at: number;
}

export function userFromRow(r: UserRow): UserRecord {
  const features = FeaturesPatch.safeParse(safeJson(r.features));
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    state: r.state,
    passwordHash: r.password_hash,
    features: { ...DEFAULT_FEATURES, ...(features.success ? features.data : {}) },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface LoginRow {
  id: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
  end_reason: LoginRecord['endReason'];
  address: string;
  waiting_for_seat: number;
}

export function loginFromRow(r: LoginRow): LoginRecord {
  return {
    id: r.id,
    userId: r.user_id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
    address: r.address,
    waitingForSeat: r.waiting_for_seat === 1,
  };
}

export interface SessionRow {
  id: string;
  portal_slug: string;
  customer_name: string;
  customer_email: string | null;
  problem: string;
  state: SessionRecord['state'];
  screen: SessionRecord['screen'];
  agent_id: string | null;
  target_agent_id: string | null;
  comment: string;
  transfer: string | null;
  created_at: number;
  queued_at: number;
  accepted_at: number | null;
  ended_at: number | null;
  ended_by: SessionRecord['endedBy'];
  customer_language: string | null;
  customer_client: string | null;
  callback_at: number | null;
  end_reason: SessionRecord['endReason'];
  continuation: string | null;
}

/** Every column of a SessionRow, in one place: both the session and the report queries select these. */
export const SESSION_ROW_COLUMNS: readonly (keyof SessionRow)[] = [
  'id',
  'portal_slug',
  'customer_name',
  'customer_email',
  'problem',
  'state',
  'screen',
  'agent_id',
  'target_agent_id',
  'comment',
  'transfer',
  'created_at',
  'queued_at',
  'accepted_at',
  'ended_at',
  'ended_by',
  'callback_at',
  'end_reason',
  'continuation',
  'customer_language',
  'customer_client',
];

/** `SELECT <every SessionRow column> FROM sessions [alias]`. */
export function selectSessions(alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return `SELECT ${SESSION_ROW_COLUMNS.map((c) => prefix + c).join(', ')} FROM sessions${alias ? ` ${alias}` : ''}`;
}

export function sessionFromRow(r: SessionRow): SessionRecord {
  const transfer = r.transfer === null ? null : TransferInfo.safeParse(safeJson(r.transfer));
  const client = r.customer_client === null ? null : ClientInfo.safeParse(safeJson(r.customer_client));
  return {
    id: r.id,
    portalSlug: r.portal_slug,
    customerName: r.customer_name,
    customerEmail: r.customer_email,
    problem: r.problem,
    state: r.state,
    screen: r.screen,
    agentId: r.agent_id,
    targetAgentId: r.target_agent_id,
    comment: r.comment,
    transfer: transfer?.success ? transfer.data : null,
    createdAt: r.created_at,
    queuedAt: r.queued_at,
    acceptedAt: r.accepted_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
    customerLanguage: isLanguage(r.customer_language) ? r.customer_language : null,
    customerClient: client?.success ? client.data : null,
    callbackAt: r.callback_at,
    endReason: r.end_reason,
    continuation: r.continuation === null ? null : continuationFromJson(r.continuation),
  };
}

const ContinuationJson = z.object({
  previousSessionId: z.string(),
  agentId: z.string(),
  state: z.enum(['asked', 'unavailable', 'no_answer', 'declined']),
});

function continuationFromJson(text: string): Continuation | null {
  const parsed = ContinuationJson.safeParse(safeJson(text));
  return parsed.success ? parsed.data : null;
}

/** Column name of each SessionRecord field that callers may patch. */
export const SESSION_COLUMNS: Record<Exclude<keyof SessionRecord, 'id' | 'createdAt'>, string> = {
  portalSlug: 'portal_slug',
  customerName: 'customer_name',
  customerEmail: 'customer_email',
  problem: 'problem',
  state: 'state',
  screen: 'screen',
  agentId: 'agent_id',
  targetAgentId: 'target_agent_id',
  comment: 'comment',
  transfer: 'transfer',
  queuedAt: 'queued_at',
  acceptedAt: 'accepted_at',
  endedAt: 'ended_at',
  endedBy: 'ended_by',
  customerLanguage: 'customer_language',
  customerClient: 'customer_client',
  callbackAt: 'callback_at',
  endReason: 'end_reason',
  continuation: 'continuation',
};

export function sessionColumnValue(key: keyof typeof SESSION_COLUMNS, value: unknown): unknown {
  if (key === 'transfer' || key === 'customerClient' || key === 'continuation')
    return value === null || value === undefined ? null : JSON.stringify(value);
  return value ?? null;
}

/** A transcript line from its row (both stores). */
export function lineFromRow(
  sessionId: string,
  r: { seq: number; author: string; text: string; at: number; file: string | null },
): ChatLine {
  const file = chatFileFromJson(r.file);
  return {
    sessionId,
    seq: r.seq,
    from: authorFromJson(r.author),
    text: r.text,
    at: r.at,
    ...(file ? { file } : {}),
  };
}

/** A transcript line's file (chat_lines.file, JSON), or undefined when absent or unreadable. */
export function chatFileFromJson(text: string | null): ChatFileRef | undefined {
  if (text === null) return undefined;
  const parsed = ChatFileRef.safeParse(safeJson(text));
  return parsed.success ? parsed.data : undefined;
}

export function authorFromJson(text: string): ChatAuthor {
  const parsed = ChatAuthor.safeParse(safeJson(text));
  return parsed.success ? parsed.data : { kind: 'system' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
