/**
 * Secrets the server hands out (login tokens, customer request tokens, resume tokens, setup
 * links): 256 random bits, base64url. Only their SHA-256 is stored, so a copy of the database
 * does not let anyone sign in. Ids (not secret) are 128 random bits.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Random bits in a secret token. */
const TOKEN_BYTES = 32;
/** Random bits in an id. */
const ID_BYTES = 16;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function newId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
