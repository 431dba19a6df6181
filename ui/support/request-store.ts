/**
 * Keeps the customer's request token and details in sessionStorage (per portal), so a reload or
 * a lost connection resumes the same request with `customer.hello`, and "start a new request"
 * can reuse the details. sessionStorage, not localStorage: the token is the customer's only
 * credential and should die with the tab. What is read back is validated like any input.
 */
import * as z from 'zod';
import { Token } from '../../protocol/common';
import { NewRequest } from '../../protocol/customer-channel';

export interface KeptRequest {
  token: string | null;
  details: NewRequest;
}

const Kept = z.object({ token: Token.nullable(), details: NewRequest });

/** Largest value we read back, in characters (details are bounded well below this). */
const KEPT_MAX_CHARS = 32 * 1024;

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function keyFor(portal: string): string {
  return `lifeline.request.${portal}`;
}

export class RequestStore {
  constructor(
    private readonly storage: KeyValueStorage | null,
    private readonly portal: string,
  ) {}

  load(): KeptRequest | null {
    try {
      const text = this.storage?.getItem(keyFor(this.portal)) ?? null;
      if (text === null || text.length > KEPT_MAX_CHARS) return null;
      const parsed = Kept.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  save(kept: KeptRequest): void {
    try {
      this.storage?.setItem(keyFor(this.portal), JSON.stringify(kept));
    } catch {
      // Storage refused: the request still works, it just cannot survive a reload.
    }
  }

  /** Forgets the token but keeps the details for the next form. */
  forgetToken(): void {
    const kept = this.load();
    if (kept) this.save({ token: null, details: kept.details });
  }

  clear(): void {
    try {
      this.storage?.removeItem(keyFor(this.portal));
    } catch {
      // Nothing to do.
    }
  }
}
