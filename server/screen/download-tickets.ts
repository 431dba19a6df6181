/**
 * Download tickets: what makes a helper download "bound to the request", so the customer types
 * no code. When the agent asks for the screen, the session gets a ticket (256 random bits); the
 * support page's download link names it, the download route writes it (with the server's address
 * and the customer's language) into the file it serves, and the helper started from that file says
 * `helper.hello` with `credential: {kind: 'ticket'}`. A ticket:
 *   - is bound to one session and lives DOWNLOAD_TICKET_TTL_MS from issue (or until the session ends);
 *   - is spent when a helper joins with it, or with the session's join code (single use: one
 *     helper per request); "Ask again" issues another while the earlier ones stay valid, so a
 *     file downloaded before still works;
 *   - is kept only as a SHA-256 hash; after it is spent or expired a tombstone remains until
 *     TOMBSTONE_MS past its expiry, so a second start can be told "already used" rather than
 *     "unknown";
 *   - unknown tickets count against the address in an AttemptThrottle of its own (256 bits make
 *     guessing hopeless; the throttle keeps a scanner from costing us anything).
 * Memory is bounded (MAX_TICKETS, MAX_PER_SESSION); in memory, like join codes: after a server
 * restart a download's ticket is unknown and the helper asks for the code instead.
 */
import { ProtocolError } from '../../protocol/errors';
import { DOWNLOAD_TICKET_TTL_MS } from '../../protocol/limits';
import { hashToken, newToken } from '../auth/tokens';
import { AttemptThrottle } from './attempt-throttle';

/** Tickets (live and tombstones) kept at most; the oldest go first. */
const MAX_TICKETS = 200_000;
/** Live tickets one session may hold ("Ask again" issues a new one; the oldest is spent past this). */
const MAX_PER_SESSION = 4;
/** How long a spent or expired ticket is remembered past its expiry, in ms. */
const TOMBSTONE_MS = 24 * 60 * 60_000;

export type TicketState = 'live' | 'used' | 'expired';

interface Ticket {
  sessionId: string;
  expiresAt: number;
  state: TicketState;
}

export interface TicketLookup {
  sessionId: string;
  state: TicketState;
}

export class DownloadTickets {
  private readonly byHash = new Map<string, Ticket>();
  private readonly ofSession = new Map<string, string[]>();
  readonly throttle: AttemptThrottle;

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = DOWNLOAD_TICKET_TTL_MS,
  ) {
    this.throttle = new AttemptThrottle(now);
  }

  /** A fresh ticket for the session; earlier live ones stay valid (up to MAX_PER_SESSION). */
  issue(sessionId: string): { ticket: string; expiresAt: number } {
    this.sweep();
    const ticket = newToken();
    const hash = hashToken(ticket);
    const expiresAt = this.now() + this.ttlMs;
    this.byHash.set(hash, { sessionId, expiresAt, state: 'live' });
    const list = [...(this.ofSession.get(sessionId) ?? []), hash];
    while (list.length > MAX_PER_SESSION) this.settle(list.shift()!, 'used');
    this.ofSession.set(sessionId, list);
    while (this.byHash.size > MAX_TICKETS) {
      const oldest = this.byHash.keys().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
    }
    return { ticket, expiresAt };
  }

  /**
   * What a ticket names, without spending it (the download route); null when unknown. An unknown
   * ticket counts as a failed attempt for `address`; a throttled address is refused first.
   */
  lookup(ticket: string, address: string): TicketLookup | null {
    const wait = this.throttle.retryAfterMs(address);
    if (wait > 0) {
      throw new ProtocolError('too_many_attempts', 'too many unknown download links; wait a while', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const t = this.byHash.get(hashToken(ticket));
    if (!t) {
      this.throttle.recordFailure(address);
      return null;
    }
    if (t.state === 'live' && this.now() >= t.expiresAt) t.state = 'expired';
    return { sessionId: t.sessionId, state: t.state };
  }

  /** The session a live ticket names, or the ProtocolError a helper is answered with. */
  check(ticket: string, address: string): string {
    const found = this.lookup(ticket, address);
    if (!found) {
      throw new ProtocolError(
        'download_ticket_invalid',
        'this helper was not downloaded from this server; type the code shown on the support page',
      );
    }
    if (found.state === 'used') {
      throw new ProtocolError(
        'download_ticket_used',
        'this download was already used; type the code shown on the support page, or download the helper again',
      );
    }
    if (found.state === 'expired') {
      throw new ProtocolError(
        'download_ticket_expired',
        'this download has expired; download the helper again from the support page',
      );
    }
    return found.sessionId;
  }

  /** A helper joined this session (with a ticket or the join code): every ticket of it is spent. */
  spendSession(sessionId: string): void {
    for (const hash of this.ofSession.get(sessionId) ?? []) this.settle(hash, 'used');
    this.ofSession.delete(sessionId);
  }

  /** The session ended: its tickets expire (a start is told the download has expired). */
  expireSession(sessionId: string): void {
    for (const hash of this.ofSession.get(sessionId) ?? []) this.settle(hash, 'expired');
    this.ofSession.delete(sessionId);
  }

  /** Live tickets (tests and the status page). */
  get live(): number {
    let n = 0;
    for (const list of this.ofSession.values()) n += list.length;
    return n;
  }

  private settle(hash: string, state: Exclude<TicketState, 'live'>): void {
    const t = this.byHash.get(hash);
    if (t && t.state === 'live') t.state = state;
  }

  private forget(hash: string): void {
    const t = this.byHash.get(hash);
    this.byHash.delete(hash);
    if (!t) return;
    const list = this.ofSession.get(t.sessionId);
    if (!list) return;
    const rest = list.filter((h) => h !== hash);
    if (rest.length > 0) this.ofSession.set(t.sessionId, rest);
    else this.ofSession.delete(t.sessionId);
  }

  /** Expired live tickets become tombstones; tombstones past TOMBSTONE_MS are forgotten. */
  private sweep(): void {
    const t = this.now();
    for (const [hash, ticket] of this.byHash) {
      if (ticket.state === 'live' && t >= ticket.expiresAt) {
        ticket.state = 'expired';
        const list = this.ofSession.get(ticket.sessionId)?.filter((h) => h !== hash) ?? [];
        if (list.length > 0) this.ofSession.set(ticket.sessionId, list);
        else this.ofSession.delete(ticket.sessionId);
      }
      if (t >= ticket.expiresAt + TOMBSTONE_MS) this.byHash.delete(hash);
    }
  }
}
