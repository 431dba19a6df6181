/**
 * The ephemeral store: short-lived keyed values with an expiry, for what screen sharing needs to
 * survive a server restart but must never outlive its purpose: join codes and resume tokens
 * (only their hashes are keys: a copy of the store hands out nothing usable). The embedded
 * default keeps them in the SQLite file (store/sqlite/sqlite-ephemeral-store.ts); a multi-node
 * deployment can give the same interface to Redis (SET NX PXAT, GETDEL, DEL), since every
 * operation here is one atomic step on one key. memory-ephemeral-store.ts is the reference
 * implementation; test/server/store/ephemeral-store.test.ts runs one conformance suite on both.
 *
 * Expiry: `expiresAt` is ms since the epoch, or null for "until deleted" (a resume token while
 * its helper is attached). Reads return expired entries too, with their expiresAt, so a caller
 * can tell "expired" from "never existed"; `sweep` removes them.
 */

/** The kinds of value kept, each in its own key space. */
export type EphemeralSpace =
  /** HMAC of a join code -> the session it opens. */
  | 'join_code'
  /** Session id -> the HMAC of its live join code (to replace or revoke it). */
  | 'join_code_of'
  /** SHA-256 of a helper's resume token -> the session it resumes. */
  | 'resume'
  /** Session id -> the SHA-256 of its current resume token. */
  | 'resume_of'
  /** 'wrong' -> wrong join codes sent to this server so far (join-guess-budget.ts). */
  | 'join_guesses'
  /** Several nodes: SHA-256 of a download ticket -> its session (which node carries it). */
  | 'ticket_of'
  /** Several nodes: hashed sign-in account key + seat -> an attempt running or just failed (auth/shared-attempt-slots.ts). */
  | 'login_attempt';

export interface EphemeralEntry {
  value: string;
  expiresAt: number | null;
}

export interface EphemeralStore {
  /** Sets the key (replacing any value). */
  put(space: EphemeralSpace, key: string, value: string, expiresAt: number | null): Promise<void>;
  /**
   * Sets the key only when it is free (absent, or expired at `now`). True when it was set: how a
   * fresh random code is claimed without a read-then-write race.
   */
  add(
    space: EphemeralSpace,
    key: string,
    value: string,
    expiresAt: number | null,
    now: number,
  ): Promise<boolean>;
  get(space: EphemeralSpace, key: string): Promise<EphemeralEntry | null>;
  /** Reads and deletes in one step (single-use values): only one caller gets a given entry. */
  take(space: EphemeralSpace, key: string): Promise<EphemeralEntry | null>;
  delete(space: EphemeralSpace, key: string): Promise<void>;
  /** Entries of a space not expired at `now` (bounds how many codes may be live). */
  count(space: EphemeralSpace, now: number): Promise<number>;
  /** Every entry of a space (start-up: which sessions had a helper). */
  entries(space: EphemeralSpace): Promise<{ key: string; entry: EphemeralEntry }[]>;
  /** Removes every entry expired at `now`. */
  sweep(now: number): Promise<void>;
}

/** Whether an entry is expired at `now`. */
export function isExpired(entry: EphemeralEntry, now: number): boolean {
  return entry.expiresAt !== null && now >= entry.expiresAt;
}
