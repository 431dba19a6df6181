/**
 * Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes, 1 lane). `verify` against a
 * dummy hash when the account does not exist, so a wrong e-mail costs the same time as a wrong
 * password (no account enumeration by timing).
 */
import { hash, verify } from '@node-rs/argon2';
import { ProtocolError } from '../../protocol/errors';
import { PASSWORD_MIN_CHARS } from '../../protocol/limits';

/** argon2id cost: memory in KiB, passes, lanes. */
const ARGON2_MEMORY_KIB = 19_456;
const ARGON2_PASSES = 2;
const ARGON2_LANES = 1;
/** @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolatedModules cannot inline). */
const ARGON2ID = 2;

const OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: ARGON2_MEMORY_KIB,
  timeCost: ARGON2_PASSES,
  parallelism: ARGON2_LANES,
};

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/** The hash that unknown accounts are verified against; made once, ahead of the first login. */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('lifeline-dummy-password-for-timing');
  return dummyHash;
}

/** Verifies; with `storedHash` null it burns the same time against a dummy hash and returns false. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    await verify(await prepareDummyHash(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Why a new password is refused: travels as `details.reason` of `weak_password`, for the pages' words. */
export type WeakPasswordReason = 'too_short' | 'contains_email_name' | 'one_character';

const REASON_TEXT: Record<WeakPasswordReason, string> = {
  too_short: `use at least ${PASSWORD_MIN_CHARS} characters`,
  contains_email_name: 'do not use your e-mail name in the password',
  one_character: 'do not repeat one character',
};

/** Why a new password is too weak, or null when it is acceptable. */
export function weakPasswordReason(password: string, email?: string): WeakPasswordReason | null {
  if (password.length < PASSWORD_MIN_CHARS) return 'too_short';
  const name = email?.split('@')[0]?.toLowerCase() ?? '';
  if (name.length >= 3 && password.toLowerCase().includes(name)) return 'contains_email_name';
  if (/^(.)\1*$/.test(password)) return 'one_character';
  return null;
}

/** Returns a reason when a new password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  const reason = weakPasswordReason(password, email);
  return reason && REASON_TEXT[reason];
}

/** The `weak_password` error for a refused password, with its reason for the pages. */
export function weakPasswordError(password: string, email?: string): ProtocolError | null {
  const reason = weakPasswordReason(password, email);
  return (
    reason && new ProtocolError('weak_password', `password too weak: ${REASON_TEXT[reason]}`, { reason })
  );
}
