/**
 * The management center's part of the store (migrations 30-39): one-time account links, API
 * tokens, webhooks and their deliveries, and what session reports keep beside a session. Same
 * rules as store.ts: async (a PostgreSQL store implements the same), secrets stored as hashes,
 * every decision that a race could break (using a link once) a single conditional write.
 */
import type { SessionRecord } from './store';

export type LinkPurpose = 'invite' | 'reset';

export interface AccountLinkRecord {
  tokenHash: string;
  userId: string;
  purpose: LinkPurpose;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

export interface AccountLinkRepo {
  /** Stores a new link and revokes every earlier unused link of the same user (one live link each). */
  insert(link: AccountLinkRecord): Promise<void>;
  byTokenHash(hash: string): Promise<AccountLinkRecord | null>;
  /** Uses the link if it is live at `now` (not used, revoked or expired): the record, or null. */
  consume(hash: string, now: number): Promise<AccountLinkRecord | null>;
  /** The user's live link, if any (the page shows "invitation sent, valid until ..."). */
  liveFor(userId: string, now: number): Promise<AccountLinkRecord | null>;
}

export type ApiTokenScope = 'read' | 'full';

export interface ApiTokenRecord {
  id: string;
  name: string;
  scope: ApiTokenScope;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface ApiTokenRepo {
  insert(token: ApiTokenRecord, tokenHash: string): Promise<void>;
  byTokenHash(hash: string): Promise<ApiTokenRecord | null>;
  list(): Promise<ApiTokenRecord[]>;
  /** true when the token was live and is now revoked. */
  revoke(id: string, now: number): Promise<boolean>;
  touch(id: string, now: number): Promise<void>;
}

export const WEBHOOK_EVENTS = [
  'request.created',
  'session.accepted',
  'session.transferred',
  'session.ended',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord {
  id: string;
  url: string;
  /** The shared secret deliveries are signed with (HMAC-SHA-256); shown to the manager once. */
  secret: string;
  events: WebhookEvent[];
  active: boolean;
  createdBy: string;
  createdAt: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  payload: string;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface WebhookRepo {
  insert(hook: WebhookRecord): Promise<void>;
  list(): Promise<WebhookRecord[]>;
  byId(id: string): Promise<WebhookRecord | null>;
  update(id: string, patch: Partial<Pick<WebhookRecord, 'url' | 'events' | 'active'>>): Promise<void>;
  remove(id: string): Promise<boolean>;
  insertDelivery(delivery: DeliveryRecord): Promise<void>;
  updateDelivery(id: string, patch: Partial<Omit<DeliveryRecord, 'id' | 'webhookId'>>): Promise<void>;
  /** Pending deliveries due at `now`, oldest first. */
  dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]>;
  /** The latest deliveries of one webhook, newest first. */
  deliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]>;
}

export interface TransferRecord {
  sessionId: string;
  at: number;
  fromAgentId: string;
  toKind: 'agent' | 'portal';
  /** The agent's id or the portal's slug. */
  toRef: string;
  toName: string;
  comment: string;
}

export type FileDirection = 'to_customer' | 'from_customer';

export interface FileRecord {
  sessionId: string;
  at: number;
  agentId: string;
  direction: FileDirection;
  name: string;
  size: number;
  sha256: string;
}

export type { SessionOutcome } from '../../protocol/manage-api';
import type { SessionOutcome } from '../../protocol/manage-api';

export interface SessionSearch {
  /** Words found in the customer's name, e-mail or problem, the comments or an agent's name or e-mail. */
  text?: string;
  portal?: string;
  agentId?: string;
  outcome?: SessionOutcome;
  from?: number;
  to?: number;
  offset: number;
  limit: number;
}

export interface SessionHistoryRepo {
  addAgent(sessionId: string, userId: string, at: number): Promise<void>;
  addTransfer(transfer: TransferRecord): Promise<void>;
  addFile(file: FileRecord): Promise<void>;
  setSystem(sessionId: string, system: string): Promise<void>;
  /** Agent ids who held each session, in the order they first took it. */
  agentsOf(sessionIds: readonly string[]): Promise<Map<string, string[]>>;
  transfersOf(sessionIds: readonly string[]): Promise<Map<string, TransferRecord[]>>;
  filesOf(sessionIds: readonly string[]): Promise<Map<string, FileRecord[]>>;
  systemsOf(sessionIds: readonly string[]): Promise<Map<string, string>>;
  /** Sessions matching the search, newest first, and how many match in all. */
  search(query: SessionSearch): Promise<{ total: number; sessions: SessionRecord[] }>;
  /** Every session created in [from, to), oldest first (for the dashboard), at most `limit`. */
  createdBetween(from: number, to: number, limit: number): Promise<SessionRecord[]>;
}

export interface ManageStore {
  readonly links: AccountLinkRepo;
  readonly apiTokens: ApiTokenRepo;
  readonly webhooks: WebhookRepo;
  readonly history: SessionHistoryRepo;
}
