/**
 * The server-wide budget that makes guessing a join code hopeless however many addresses an
 * attacker has: every wrong code sent to this server counts against every code live at the
 * time, and a code that has seen JOIN_CODE_WRONG_GUESSES_MAX wrong guesses since it was issued
 * is retired (refused even if it is then sent right; the agent asks for a new one).
 *
 * Why this bounds the odds (docs/security.md has the computation): a code is uniform over
 * 10^JOIN_CODE_DIGITS values, and before it is retired at most JOIN_CODE_WRONG_GUESSES_MAX guesses
 * can have missed it, whatever their rate and source. With 9 digits and 500 that is a chance
 * of about 5 in 10^7 per code, under the 1 in 10^6 we promise. Per-address throttling
 * (attempt-throttle.ts) only slows each address; this is what holds against many.
 *
 * The cost: someone who sends 500 wrong codes retires every code live then (a denial of
 * service, not a break-in: the customer is told to ask the agent for a new code). Memory: one
 * number per live code (its mark), kept by join-codes.ts.
 */
import { JOIN_CODE_DIGITS } from '../../protocol/limits';

/** Wrong guesses anywhere on the server after which a live code is retired. */
export const JOIN_CODE_WRONG_GUESSES_MAX = 500;

/** The chance that one code is guessed before it is retired (documented in docs/security.md). */
export function guessOddsPerCode(
  wrongMax: number = JOIN_CODE_WRONG_GUESSES_MAX,
  digits: number = JOIN_CODE_DIGITS,
): number {
  return wrongMax / 10 ** digits;
}

export class JoinGuessBudget {
  /** Wrong guesses since the server started (monotonic). */
  private wrong = 0;

  constructor(readonly wrongMax: number = JOIN_CODE_WRONG_GUESSES_MAX) {}

  /** Taken when a code is issued; the code is retired once `wrongMax` wrong guesses pass it. */
  mark(): number {
    return this.wrong;
  }

  /** After a restart: carries on from the count the store kept (never goes back). */
  restore(wrong: number): void {
    this.wrong = Math.max(this.wrong, wrong);
  }

  recordWrong(): void {
    this.wrong++;
  }

  /** True when a code issued at `mark` has seen its share of wrong guesses. */
  retired(mark: number): boolean {
    return this.wrong - mark >= this.wrongMax;
  }

  /** Wrong guesses since the start (status and tests). */
  get wrongGuesses(): number {
    return this.wrong;
  }
}
