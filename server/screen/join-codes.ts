/**
 * Join codes: what the customer types into the standalone helper (or what the extension hands
 * the installed helper) to join one session's screen sharing. JOIN_CODE_DIGITS random digits,
 * single-use, valid JOIN_CODE_TTL_MS, bound to one session; a new request for the same session
 * replaces the old code. Codes are kept in the ephemeral store (../store/ephemeral-store.ts), so
 * they survive a server restart, and only as an HMAC under a key kept outside the database
 * (join-code-key.ts), so a copy of the store hands out no live code. Wrong codes are throttled
 * per address (attempt-throttle.ts), and counted server-wide (join-guess-budget.ts): a code that
 * has seen 500 wrong guesses since it was issued is retired, so no number of addresses gets
 * better odds than 5 in 10^7 per code. The count is kept in the store too, so a restart does not
 * hand a live code a fresh budget. Several nodes (`--bus`): each wrong code is told to the
 * other nodes (`onWrong`, cluster/shared-throttles.ts), which count it against the address and
 * the budget as their own (`wrongElsewhere`), so spreading guesses over nodes buys nothing.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { ProtocolError } from '../../protocol/errors';
import { JOIN_CODE_DIGITS, JOIN_CODE_TTL_MS } from '../../protocol/limits';
import { isExpired, type EphemeralStore } from '../store/ephemeral-store';
import { MemoryEphemeralStore } from '../store/memory-ephemeral-store';
import { AttemptThrottle } from './attempt-throttle';
import { JoinGuessBudget } from './join-guess-budget';

const CODE_SPACE = 10 ** JOIN_CODE_DIGITS;
/** Live codes at most (one per session that asked for its screen); bounds the store. */
const MAX_LIVE_CODES = 100_000;

export interface JoinCodeOptions {
  ttlMs?: number;
  /** Where codes are kept (default: in memory, for unit tests; the server passes its store's). */
  store?: EphemeralStore;
  /** HMAC key (default: random, i.e. codes die with the object). */
  key?: Buffer;
  guesses?: JoinGuessBudget;
}

/** What a code's store entry holds: its session and the guess budget's mark at issue. */
interface LiveCode {
  sessionId: string;
  guessMark: number;
}

function parseLive(value: string): LiveCode | null {
  try {
    const v = JSON.parse(value) as Partial<LiveCode>;
    if (typeof v.sessionId === 'string' && Number.isSafeInteger(v.guessMark)) return v as LiveCode;
  } catch {
    // A value this code did not write: treated as no code.
  }
  return null;
}

export class JoinCodes {
  private readonly key: Buffer;
  private readonly store: EphemeralStore;
  private readonly ttlMs: number;
  readonly throttle: AttemptThrottle;
  readonly guesses: JoinGuessBudget;
  /** Told of each wrong code sent here (several nodes); absent on one node. */
  onWrong: ((address: string) => void) | null = null;
  /** The wrong-guess count read back from the store, once, before the first issue or redeem. */
  private restored: Promise<void> | null = null;

  constructor(
    private readonly now: () => number,
    options: JoinCodeOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? JOIN_CODE_TTL_MS;
    this.store = options.store ?? new MemoryEphemeralStore();
    this.key = options.key ?? randomBytes(32);
    this.throttle = new AttemptThrottle(now);
    this.guesses = options.guesses ?? new JoinGuessBudget();
  }

  private restoreGuesses(): Promise<void> {
    this.restored ??= this.store.get('join_guesses', 'wrong').then((e) => {
      const n = e ? Number(e.value) : 0;
      if (Number.isSafeInteger(n) && n > 0) this.guesses.restore(n);
    });
    return this.restored;
  }

  /** A fresh code for the session (the previous one, if any, stops working). */
  async issue(sessionId: string): Promise<{ code: string; expiresAt: number }> {
    await this.restoreGuesses();
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
      const live: LiveCode = { sessionId, guessMark: this.guesses.mark() };
      if (!(await this.store.add('join_code', hash, JSON.stringify(live), expiresAt, t))) continue;
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
    await this.restoreGuesses();
    const entry = await this.store.take('join_code', this.hash(code));
    const live = entry && parseLive(entry.value);
    if (!entry || !live) {
      this.throttle.recordFailure(address);
      this.guesses.recordWrong();
      this.onWrong?.(address);
      await this.store.put('join_guesses', 'wrong', String(this.guesses.wrongGuesses), null);
      throw new ProtocolError(
        'join_code_invalid',
        'this code is not valid; check the digits or ask for a new code',
      );
    }
    await this.store.delete('join_code_of', live.sessionId);
    if (isExpired(entry, this.now())) {
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

  /**
   * The session a code names, without spending it or counting a wrong guess (several nodes: the
   * node a helper reached finds which node carries its session; that node redeems it). Null when
   * unknown or expired: the redeem that follows gives the error and counts the guess.
   */
  async sessionOf(code: string): Promise<string | null> {
    const entry = await this.store.get('join_code', this.hash(code));
    if (!entry || isExpired(entry, this.now())) return null;
    return parseLive(entry.value)?.sessionId ?? null;
  }

  /** A wrong code sent to another node: it counts here too. */
  wrongElsewhere(address: string): void {
    this.throttle.recordFailure(address);
    this.guesses.recordWrong();
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
