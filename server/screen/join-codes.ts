/**
 * Join codes: what the customer types into the standalone helper (or what the extension hands
 * the installed helper) to join one session's screen sharing. JOIN_CODE_DIGITS random digits,
 * single-use, valid JOIN_CODE_TTL_MS, bound to one session; a new request for the same session
 * replaces the old code. Only an HMAC of each code is kept (keyed per server process), so a
 * memory dump does not hand out live codes, and codes die with the process, which is fine for
 * something that lives ten minutes. Wrong codes are throttled per address (attempt-throttle.ts),
 * and counted server-wide (join-guess-budget.ts): a code that has seen 500 wrong guesses since it
 * was issued is retired, so no number of addresses gets better odds than 5 in 10^7 per code.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { ProtocolError } from '../../protocol/errors';
import { JOIN_CODE_DIGITS, JOIN_CODE_TTL_MS } from '../../protocol/limits';
import { AttemptThrottle } from './attempt-throttle';
import { JoinGuessBudget } from './join-guess-budget';

const CODE_SPACE = 10 ** JOIN_CODE_DIGITS;
/** Live codes at most (one per session that asked for its screen); bounds memory. */
const MAX_LIVE_CODES = 100_000;

interface Live {
  sessionId: string;
  expiresAt: number;
  /** The guess budget's mark when the code was issued. */
  guessMark: number;
}

export class JoinCodes {
  private readonly key = randomBytes(32);
  private readonly byHash = new Map<string, Live>();
  private readonly hashOfSession = new Map<string, string>();
  readonly throttle: AttemptThrottle;
  readonly guesses: JoinGuessBudget;

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = JOIN_CODE_TTL_MS,
    guesses: JoinGuessBudget = new JoinGuessBudget(),
  ) {
    this.throttle = new AttemptThrottle(now);
    this.guesses = guesses;
  }

  /** A fresh code for the session (the previous one, if any, stops working). */
  issue(sessionId: string): { code: string; expiresAt: number } {
    this.revoke(sessionId);
    this.sweep();
    if (this.byHash.size >= MAX_LIVE_CODES) {
      throw new ProtocolError(
        'unavailable',
        'too many screen-sharing requests are waiting; try again shortly',
      );
    }
    let code: string;
    let hash: string;
    do {
      code = String(randomInt(0, CODE_SPACE)).padStart(JOIN_CODE_DIGITS, '0');
      hash = this.hash(code);
    } while (this.byHash.has(hash));
    const expiresAt = this.now() + this.ttlMs;
    this.byHash.set(hash, { sessionId, expiresAt, guessMark: this.guesses.mark() });
    this.hashOfSession.set(sessionId, hash);
    return { code, expiresAt };
  }

  /**
   * Spends a code: the session it names, or a ProtocolError (`too_many_attempts` with
   * retryAfterSeconds, `join_code_invalid`, `join_code_expired`). `code` is already normalised
   * to digits by the protocol's JoinCode schema.
   */
  redeem(code: string, address: string): string {
    const wait = this.throttle.retryAfterMs(address);
    if (wait > 0) {
      throw new ProtocolError('too_many_attempts', 'too many wrong codes; wait before trying again', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const hash = this.hash(code);
    const live = this.byHash.get(hash);
    if (!live) {
      this.throttle.recordFailure(address);
      this.guesses.recordWrong();
      throw new ProtocolError(
        'join_code_invalid',
        'this code is not valid; check the digits or ask for a new code',
      );
    }
    this.byHash.delete(hash);
    this.hashOfSession.delete(live.sessionId);
    if (this.now() >= live.expiresAt) {
      throw new ProtocolError('join_code_expired', 'this code has expired; ask the agent for a new one');
    }
    if (this.guesses.retired(live.guessMark)) {
      throw new ProtocolError(
        'join_code_expired',
        'this code was withdrawn because too many wrong codes were tried on the server; ask the agent for a new one',
        { reason: 'guessing' },
      );
    }
    return live.sessionId;
  }

  revoke(sessionId: string): void {
    const hash = this.hashOfSession.get(sessionId);
    if (hash === undefined) return;
    this.hashOfSession.delete(sessionId);
    this.byHash.delete(hash);
  }

  get size(): number {
    return this.byHash.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [hash, live] of this.byHash) {
      if (t >= live.expiresAt) {
        this.byHash.delete(hash);
        this.hashOfSession.delete(live.sessionId);
      }
    }
  }

  private hash(code: string): string {
    return createHmac('sha256', this.key).update(code).digest('base64url');
  }
}
