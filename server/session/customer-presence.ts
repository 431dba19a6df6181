/**
 * Is the customer still on the support page? A session's customer is `here` while at least one
 * of their pages is connected (CustomerLinks), `away` from the moment the last one closes, and
 * `left` once CUSTOMER_GRACE_MS passed without a page coming back. A reload, a lost Wi-Fi or a
 * laptop lid closed for a minute come back within the grace period and change nothing for the
 * request; past it, a waiting request is withdrawn and the agent of a live session sees that the
 * customer left (session-service.ts decides what each state means for the session).
 *
 * Live state only (no store): after a server restart every open session starts `away`, and the
 * pages that reconnect (they retry every 15 s at most) make it `here` again.
 */
import type { CustomerPresence } from '../../protocol/common';

/** How long a customer's page may stay closed before their waiting request is withdrawn, in ms. */
export const CUSTOMER_GRACE_MS = 2 * 60_000;

interface Absence {
  presence: CustomerPresence;
  timer: ReturnType<typeof setTimeout> | null;
}

export class CustomerPresenceTracker {
  private readonly absent = new Map<string, Absence>();

  constructor(
    private readonly now: () => number,
    private readonly graceMs: number,
    /** Every change: here -> away, away -> left, away or left -> here. */
    private readonly onChange: (sessionId: string, presence: CustomerPresence) => void,
  ) {}

  /** The customer's presence; `here` unless a page of theirs closed (or none came yet). */
  of(sessionId: string): CustomerPresence | undefined {
    return this.absent.get(sessionId)?.presence;
  }

  /** A page of this session's customer connected. */
  back(sessionId: string): void {
    const a = this.absent.get(sessionId);
    if (!a) return;
    if (a.timer) clearTimeout(a.timer);
    this.absent.delete(sessionId);
    this.onChange(sessionId, { state: 'here', since: this.now() });
  }

  /** The customer's last page closed (or none is connected yet): the grace period starts. */
  gone(sessionId: string): void {
    if (this.absent.has(sessionId)) return;
    const absence: Absence = { presence: { state: 'away', since: this.now() }, timer: null };
    absence.timer = setTimeout(() => {
      absence.timer = null;
      absence.presence = { state: 'left', since: this.now() };
      this.onChange(sessionId, absence.presence);
    }, this.graceMs);
    absence.timer.unref?.();
    this.absent.set(sessionId, absence);
    this.onChange(sessionId, absence.presence);
  }

  /** The session ended or stopped waiting for its customer (a callback request): no more news. */
  forget(sessionId: string): void {
    const a = this.absent.get(sessionId);
    if (a?.timer) clearTimeout(a.timer);
    this.absent.delete(sessionId);
  }

  close(): void {
    for (const a of this.absent.values()) if (a.timer) clearTimeout(a.timer);
    this.absent.clear();
  }
}
