/**
 * Join codes: what the customer types into the standalone helper (or what the extension hands
 * the installed helper) to join one session's screen sharing. JOIN_CODE_DIGITS random digits,
 * single-use, valid JOIN_CODE_TTL_MS, bound to one session; a new request for the same session
 * replaces the old code. Codes are kept in the ephemeral store (../store/ephemeral-store.ts), so
 * they survive a server restart, and only as an HMAC under a key kept outside the database
 * (join-code-key.ts), so a copy of the store hands out no live code. Wrong codes are throttled
 * per address (attempt-throttle.ts): with one code live among 10^9, a few guesses a minute make
 * guessing hopeless.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { ProtocolError } from '../../protocol/errors';
import { JOIN_CODE_DIGITS, JOIN_CODE_TTL_MS } from '../../protocol/limits';
import { isExpired, type EphemeralStore } from '../store/ephemeral-store';
import { MemoryEphemeralStore } from '../store/memory-ephemeral-store';
import { AttemptThrottle } from './attempt-throttle';

const CODE_SPACE = 10 ** JOIN_CODE_DIGITS;
/** Live codes at most (one per session that asked for its screen); bounds the store. */
const MAX_LIVE_CODES = 100_000;

export interface JoinCodeOptions {
  ttlMs?: number;
  /** Where codes are kept (default: in memory, for unit tests; the server passes its store's). */
  store?: EphemeralStore;
  /** HMAC key (default: random, i.e. codes die with the object). */
  key?: Buffer;
}

export class JoinCodes {
  private readonly key: Buffer;
  private readonly store: EphemeralStore;
  private readonly ttlMs: number;
  readonly throttle: AttemptThrottle;

  constructor(
    private readonly now: () => number,
    options: JoinCodeOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? JOIN_CODE_TTL_MS;
    this.store = options.store ?? new MemoryEphemeralStore();
    this.key = options.key ?? randomBytes(32);
    this.throttle = new AttemptThrottle(now);
  }

  /** A fresh code for the session (the previous one, if any, stops working). */
  async issue(sessionId: string): Promise<{ code: string; expiresAt: number }> {
    await this.revoke(sessionId);
    const t = this.now();
    await this.store.sweep(t);
    if ((await this.store.count('join_code', t)) >= MAX_LIVE_CODES) {
      throw new ProtocolError(
        'unavailable',
        'too many screen-sharing requests are waiting; try again shortly',
      );
    }
    const expiresAt = t + this.ttlMs;
    for (;;) {
      const code = String(randomInt(0, CODE_SPACE)).padStart(JOIN_CODE_DIGITS, '0');
      const hash = this.hash(code);
      if (!(await this.store.add('join_code', hash, sessionId, expiresAt, t))) continue;
      await this.store.put('join_code_of', sessionId, hash, expiresAt);
      return { code, expiresAt };
    }
  }

  /**
   * Spends a code: the session it names, or a ProtocolError (`too_many_attempts` with
   * retryAfterSeconds, `join_code_invalid`, `join_code_expired`). `code` is already normalised
   * to digits by the protocol's JoinCode schema.
   */
  async redeem(code: string, address: string): Promise<string> {
    const wait = this.throttle.retryAfterMs(address);
    if (wait > 0) {
      throw new ProtocolError('too_many_attempts', 'too many wrong codes; wait before trying again', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const live = await this.store.take('join_code', this.hash(code));
    if (!live) {
      this.throttle.recordFailure(address);
      throw new ProtocolError(
        'join_code_invalid',
        'this code is not valid; check the digits or ask for a new code',
      );
    }
    await this.store.delete('join_code_of', live.value);
    if (isExpired(live, this.now())) {
      throw new ProtocolError('join_code_expired', 'this code has expired; ask the agent for a new one');
    }
    return live.value;
  }

  async revoke(sessionId: string): Promise<void> {
    const of = await this.store.take('join_code_of', sessionId);
    if (of) await this.store.delete('join_code', of.value);
  }

  /** Codes not yet expired. */
  size(): Promise<number> {
    return this.store.count('join_code', this.now());
  }

  private hash(code: string): string {
    return createHmac('sha256', this.key).update(code).digest('base64url');
  }
}
