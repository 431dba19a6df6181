/**
 * The store: everything the server keeps across restarts, behind one interface so that the
 * embedded SQLite default (store/sqlite/) and a PostgreSQL implementation can both serve it.
 * Methods are async for that reason. Operations that decide races (accepting a queued session,
 * taking the last seat) are single conditional writes here, never read-then-write in callers.
 */
import type { Language } from '../../protocol/i18n/language';
import type {
  ChatAuthor,
  ClientInfo,
  ChatLine,
  Features,
  Grants,
  Role,
  SessionState,
  ScreenState,
  TransferInfo,
} from '../../protocol/common';
import type { ChatFileRef } from '../../protocol/chat-file';
import type { EphemeralStore } from './ephemeral-store';
import type { ManageStore } from './manage-store';

export type UserState = 'invited' | 'active' | 'deactivated';

export interface CompanyRecord {
  id: string;
  name: string;
  /** Concurrent agent logins allowed; null = no limit. */
  seats: number | null;
  /** How long a transfer (or a request addressed to one agent) waits for its taker, in seconds. */
  transferTimeoutSeconds: number;
  createdAt: number;
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  state: UserState;
  /** argon2id PHC string; null while invited without a password. */
  passwordHash: string | null;
  features: Features;
  createdAt: number;
  updatedAt: number;
}

export interface LoginRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  endedAt: number | null;
  endReason: 'logout' | 'seat_taken' | 'deactivated' | 'password_reset' | null;
  address: string;
  /**
   * Signed in without a seat (every seat was taken and the agent chose to wait): receives no
   * requests until a seat frees and the login is promoted (LoginRepo.promoteWaiting).
   */
  waitingForSeat: boolean;
}

export interface PortalRecord {
  slug: string;
  name: string;
  /** Accent colour of the support page (`#rrggbb`); null: the default. */
  colour?: string | null;
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  portalSlug: string;
  customerName: string;
  customerEmail: string | null;
  problem: string;
  state: SessionState;
  screen: ScreenState;
  agentId: string | null;
  /** Set while a transfer names one agent: only they are alerted and may accept. */
  targetAgentId: string | null;
  comment: string;
  transfer: TransferInfo | null;
  createdAt: number;
  queuedAt: number;
  acceptedAt: number | null;
  endedAt: number | null;
  endedBy: 'customer' | 'agent' | 'system' | null;
  /** The language the customer chose on the support page (the helper speaks it), if they said. */
  customerLanguage: Language | null;
  /** The customer's system and browser as their page detected them, if it said. */
  customerClient: ClientInfo | null;
  /** Set when the customer left their contact details and went: a callback request. */
  callbackAt: number | null;
  /** Why it ended, beyond who ended it: the customer left the page, or a callback was handled. */
  endReason: SessionEndReason | null;
  /** Set when the customer asked to continue with the agent of an earlier session. */
  continuation: Continuation | null;
}

export type SessionEndReason = 'customer_left' | 'handled';

/** A request that asked for the agent of an earlier session first, and where it stands. */
export interface Continuation {
  previousSessionId: string;
  agentId: string;
  state: 'asked' | 'unavailable' | 'no_answer' | 'declined';
}

export interface AuditEntry {
  at: number;
  /** Who acted: a user id, `customer:<session>`, `cli`, `system`. */
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  address: string | null;
}

/** An audit entry as stored: its place in the log and its link in the hash chain. */
export interface AuditRecord extends AuditEntry {
  id: number;
  /** SHA-256 (hex) of the previous entry; the first entry's is 64 zeros. */
  prevHash: string;
  /** SHA-256 (hex) over this entry's fields and `prevHash` (audit-chain.ts). */
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  /** An action, or a prefix ending in `.` (`session.` for every session action). */
  action?: string;
  target?: string;
  from?: number;
  to?: number;
  offset: number;
  limit: number;
}

/** The first entry whose link does not hold, or none: what `lifeline audit verify` reports. */
export type AuditVerification =
  | { ok: true; entries: number }
  | {
      ok: false;
      entries: number;
      /** The id of the first entry whose stored hashes do not match. */
      brokenAt: number;
      /** That entry's action and time as stored now (they may be what was changed). */
      action: string;
      at: number;
      reason: 'entry_changed' | 'chain_broken';
    };

export interface CompanyRepo {
  get(): Promise<CompanyRecord | null>;
  create(name: string, now: number): Promise<CompanyRecord>;
  setSeats(seats: number | null): Promise<void>;
  setTransferTimeout(seconds: number): Promise<void>;
}

export interface UserRepo {
  byEmail(email: string): Promise<UserRecord | null>;
  byId(id: string): Promise<UserRecord | null>;
  list(): Promise<UserRecord[]>;
  countManagers(): Promise<number>;
  insert(user: UserRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>): Promise<void>;
}

export interface LoginRepo {
  /**
   * Creates a login if the company has a free seat (agents only: `seats` null = unlimited), in
   * one atomic step. A seat is one agent, however many browsers they sign in from. When no seat
   * is free and `replaceLoginId` names a login holding one, every seat login of that agent is
   * ended in the same step (`replaced`); a replace is ignored when a seat is free anyway, so an
   * agent who picked someone to replace after a 409 never signs them out needlessly.
   * Returns `ok: false` with the logins holding the seats when no seat could be had.
   */
  createWithinSeats(input: {
    login: LoginRecord;
    tokenHash: string;
    seats: number | null;
    countsForSeat: boolean;
    replaceLoginId?: string;
    /** When no seat is free: create the login anyway, waiting for a seat (`waiting: true`). */
    waitForSeat?: boolean;
  }): Promise<
    { ok: true; replaced: LoginRecord[]; waiting: boolean } | { ok: false; holders: LoginRecord[] }
  >;
  /**
   * Promotes the oldest logins waiting for a seat while seats are free, in one atomic step (an
   * agent who already holds a seat is promoted at once: a seat is one agent). Returns those promoted.
   */
  promoteWaiting(seats: number | null): Promise<LoginRecord[]>;
  byTokenHash(tokenHash: string): Promise<LoginRecord | null>;
  byId(id: string): Promise<LoginRecord | null>;
  active(): Promise<LoginRecord[]>;
  activeForUser(userId: string): Promise<LoginRecord[]>;
  /** Whether the user signed in from `address` at or after `since` (their usual addresses). */
  signedInFrom(userId: string, address: string, since: number): Promise<boolean>;
  end(id: string, reason: NonNullable<LoginRecord['endReason']>, now: number): Promise<boolean>;
  touch(id: string, now: number): Promise<void>;
}

export interface PortalRepo {
  get(slug: string): Promise<PortalRecord | null>;
  list(): Promise<PortalRecord[]>;
  insert(portal: PortalRecord): Promise<void>;
  assign(slug: string, userId: string): Promise<void>;
  unassign(slug: string, userId: string): Promise<void>;
  agentsOf(slug: string): Promise<string[]>;
  update(slug: string, patch: { name?: string; colour?: string | null }): Promise<void>;
  portalsOf(userId: string): Promise<string[]>;
}

export interface SessionRepo {
  insert(session: SessionRecord, requestTokenHash: string): Promise<void>;
  byId(id: string): Promise<SessionRecord | null>;
  byRequestTokenHash(hash: string): Promise<SessionRecord | null>;
  /** Sessions not ended, oldest first. */
  open(): Promise<SessionRecord[]>;
  /**
   * Atomic compare-and-set: applies `patch` only if the session is in one of `fromStates`
   * (and, when given, `expectAgentId` matches). Returns the updated record or null if it lost.
   */
  transition(
    id: string,
    fromStates: readonly SessionState[],
    patch: Partial<Omit<SessionRecord, 'id' | 'createdAt'>>,
    expectAgentId?: string | null,
  ): Promise<SessionRecord | null>;
  update(id: string, patch: Partial<Omit<SessionRecord, 'id' | 'createdAt' | 'state'>>): Promise<void>;
  /** For reports: sessions created in [from, to), newest first. */
  list(query: { from?: number; to?: number; limit: number }): Promise<SessionRecord[]>;
}

export interface TranscriptRepo {
  /** Appends a line with the next gapless `seq` of the session, atomically. */
  append(
    sessionId: string,
    from: ChatAuthor,
    text: string,
    at: number,
    file?: ChatFileRef,
  ): Promise<ChatLine>;
  lines(sessionId: string, afterSeq?: number): Promise<ChatLine[]>;
}

/**
 * The customer's consent for a session's screen sharing, as the helper last stated it: kept
 * while sharing goes on, across the helper's reconnects and the server's restarts (the helper
 * re-confirms it each time it comes back), dropped when sharing ends or a new helper is asked for.
 */
export interface ScreenGrantRepo {
  get(sessionId: string): Promise<Grants | null>;
  set(sessionId: string, grants: Grants, at: number): Promise<void>;
  clear(sessionId: string): Promise<void>;
}

/** Where a helper download's ticket stands (server/screen/download-tickets.ts). */
export type DownloadTicketState = 'live' | 'used' | 'expired';

export interface DownloadTicketRecord {
  sessionId: string;
  /** As stored: a `live` ticket past `expiresAt` is expired all the same (callers compare). */
  state: DownloadTicketState;
  expiresAt: number;
}

/** The bounds `issue` keeps, each applied in the same atomic step as the insert. */
export interface DownloadTicketCaps {
  /** Live tickets of one session at most; the oldest beyond are spent (`used`). */
  livePerSession: number;
  /** Live tickets issued by one agent account at most; the oldest beyond are spent. */
  livePerAccount: number;
  /** Settled tickets (tombstones) of one session kept at most; the oldest beyond are deleted. */
  tombstonesPerSession: number;
}

/**
 * Tickets of the helper downloads bound to a request, by SHA-256 (never in the clear), table
 * `download_tickets` (migration 56): they survive a restart like join codes, and on PostgreSQL
 * every node sees the same ones. Settled tickets stay as tombstones (so a second start is told
 * "already used", not "unknown") until `sweep` removes them.
 */
export interface DownloadTicketRepo {
  issue(
    ticket: { hash: string; sessionId: string; agentId: string; issuedAt: number; expiresAt: number },
    caps: DownloadTicketCaps,
  ): Promise<void>;
  get(hash: string): Promise<DownloadTicketRecord | null>;
  /**
   * Spends one live, unexpired ticket in one conditional write: true for exactly one caller, on
   * any node (two helpers started from one file cannot both join).
   */
  spend(hash: string, now: number): Promise<boolean>;
  /** Settles every live ticket of the session (a helper joined: `used`; the session ended: `expired`). */
  settleSession(sessionId: string, state: Exclude<DownloadTicketState, 'live'>): Promise<void>;
  /** Live, unexpired tickets in all (the bounds' tests, the status page). */
  live(now: number): Promise<number>;
  /** Deletes every ticket that expired before `before` (tombstones kept until then). */
  sweep(before: number): Promise<void>;
}

export interface AuditRepo {
  /** Appends the entry, chained to the previous one by hash, in one atomic step. */
  write(entry: AuditEntry): Promise<void>;
  recent(limit: number): Promise<AuditEntry[]>;
  /** Entries matching the filter, newest first, and how many match in all. */
  query(filter: AuditFilter): Promise<{ total: number; entries: AuditRecord[] }>;
  /** Recomputes the chain from the first entry; reports the first broken link. */
  verify(): Promise<AuditVerification>;
}

export interface Store {
  readonly kind: string;
  readonly company: CompanyRepo;
  readonly users: UserRepo;
  readonly logins: LoginRepo;
  readonly portals: PortalRepo;
  readonly sessions: SessionRepo;
  readonly transcripts: TranscriptRepo;
  readonly audit: AuditRepo;
  readonly screenGrants: ScreenGrantRepo;
  /** Join codes and resume tokens (hashed), with expiry; Redis may carry them on several nodes. */
  readonly ephemeral: EphemeralStore;
  /** Tickets of helper downloads bound to a request (hashed), with expiry. */
  readonly downloadTickets: DownloadTicketRepo;
  /** Account links, API tokens, webhooks and session history (manage-store.ts). */
  readonly manage: ManageStore;
  /**
   * Reads from the store the way a restart would (SQLite: the file on disk, through a connection
   * of its own; PostgreSQL: a round trip to the server) and throws what went wrong. The status
   * page's store check (server/status/status-checks.ts).
   */
  check(): Promise<void>;
  close(): Promise<void>;
}
