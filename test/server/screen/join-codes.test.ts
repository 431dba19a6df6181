import { describe, expect, it } from 'vitest';
import { JOIN_CODE_DIGITS, JOIN_CODE_TTL_MS } from '../../../protocol/limits';
import { JOIN_FREE_FAILURES } from '../../../server/screen/attempt-throttle';
import { JoinCodes } from '../../../server/screen/join-codes';
import { guessOddsPerCode, JoinGuessBudget } from '../../../server/screen/join-guess-budget';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('join codes', () => {
  it('are 9 digits, single-use and bound to their session', () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const { code, expiresAt } = codes.issue('s1');
    expect(code).toMatch(new RegExp(`^[0-9]{${JOIN_CODE_DIGITS}}$`));
    expect(expiresAt).toBe(c.now() + JOIN_CODE_TTL_MS);
    expect(codes.redeem(code, '10.0.0.1')).toBe('s1');
    expect(() => codes.redeem(code, '10.0.0.1')).toThrowError(
      expect.objectContaining({ code: 'join_code_invalid' }),
    );
  });

  it('expire after their time to live', () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const { code } = codes.issue('s1');
    c.advance(JOIN_CODE_TTL_MS);
    expect(() => codes.redeem(code, '10.0.0.1')).toThrowError(
      expect.objectContaining({ code: 'join_code_expired' }),
    );
  });

  it('replace the previous code of the same session, and die with it', () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const first = codes.issue('s1').code;
    const second = codes.issue('s1').code;
    expect(() => codes.redeem(first, 'a')).toThrowError(
      expect.objectContaining({ code: 'join_code_invalid' }),
    );
    codes.revoke('s1');
    expect(() => codes.redeem(second, 'a')).toThrowError(
      expect.objectContaining({ code: 'join_code_invalid' }),
    );
    expect(codes.size).toBe(0);
  });

  it('keep no code in the clear', () => {
    const codes = new JoinCodes(() => 0);
    const { code } = codes.issue('s1');
    expect(JSON.stringify([...Object.values(codes)].map(String))).not.toContain(code);
    const inner = (codes as unknown as { byHash: Map<string, unknown> }).byHash;
    expect([...inner.keys()].some((k) => k.includes(code))).toBe(false);
  });

  it('throttle wrong guesses per address, with a growing wait, without touching other addresses', () => {
    const c = clock();
    const codes = new JoinCodes(c.now);
    const { code } = codes.issue('s1');
    // Exactly JOIN_FREE_FAILURES wrong codes go through (docs/protocol.md: "5 free").
    for (let i = 0; i < JOIN_FREE_FAILURES; i++) {
      expect(() => codes.redeem('000000000', 'bad')).toThrowError(
        expect.objectContaining({ code: 'join_code_invalid' }),
      );
    }
    // Blocked now, even with the right code.
    expect(() => codes.redeem(code, 'bad')).toThrowError(
      expect.objectContaining({ code: 'too_many_attempts', details: { retryAfterSeconds: 1 } }),
    );
    c.advance(1_000);
    expect(() => codes.redeem('000000002', 'bad')).toThrowError(
      expect.objectContaining({ code: 'join_code_invalid' }),
    );
    expect(() => codes.redeem(code, 'bad')).toThrowError(
      expect.objectContaining({ code: 'too_many_attempts', details: { retryAfterSeconds: 2 } }),
    );
    // Someone else is not held up.
    expect(codes.redeem(code, 'good')).toBe('s1');
  });

  it('retire a live code once the server has seen its share of wrong guesses, from anyone', () => {
    const codes = new JoinCodes(() => 0, JOIN_CODE_TTL_MS, new JoinGuessBudget(3));
    const early = codes.issue('s1').code;
    for (let i = 0; i < 2; i++) expect(() => codes.redeem('000000000', `10.0.0.${i}`)).toThrow();
    const late = codes.issue('s2').code;
    expect(() => codes.redeem('000000000', '10.0.0.9')).toThrow();
    // s1's code has seen 3 wrong guesses: refused even though it is right; s2's has seen 1.
    expect(() => codes.redeem(early, '10.0.1.1')).toThrowError(
      expect.objectContaining({ code: 'join_code_expired', details: { reason: 'guessing' } }),
    );
    expect(codes.redeem(late, '10.0.1.1')).toBe('s2');
    expect(guessOddsPerCode()).toBeLessThan(1e-6);
  });
});
