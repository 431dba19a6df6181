/**
 * Download tickets: what makes a helper download "bound to the request", so the customer types
 * no code. When the agent asks for the screen, the session gets a ticket (256 random bits); the
 * support page's download link names it, the download route writes it (with the server's address
 * and the customer's language) into the file it serves, and the helper started from that file says
 * `helper.hello` with `credential: {kind: 'ticket'}`. A ticket:
 *   - is bound to one session and lives DOWNLOAD_TICKET_TTL_MS from issue (or until the session ends);
 *   - is spent when a helper joins with it, or with the session's join code (single use: one
 *     helper per request; `claim` is one conditional write in the store, so of two helpers
 *     started from one file, on one node or two, exactly one joins); "Ask again" issues another
 *     while the earlier ones stay valid, so a file downloaded before still works;
 *   - is kept only as a SHA-256 hash, in the store (../store/store.ts DownloadTicketRepo): a
 *     download made before a server restart still joins after it; after it is spent or expired a
 *     tombstone remains until TOMBSTONE_MS past its expiry, so a second start can be told
 *     "already used" rather than "unknown";
 *   - unknown tickets count against the address in an AttemptThrottle of its own (256 bits make
 *     guessing hopeless; the throttle keeps a scanner from costing us anything).
 * The table is bounded (CAPS): live tickets per session and per issuing agent, tombstones per
 * session, and everything older than a day past its expiry is swept at each issue.
 */
import { ProtocolError } from '../../protocol/errors';
import { DOWNLOAD_TICKET_TTL_MS } from '../../protocol/limits';
import { hashToken, newToken } from '../auth/tokens';
import type { DownloadTicketCaps, DownloadTicketRepo, DownloadTicketState } from '../store/store';
import { AttemptThrottle } from './attempt-throttle';

export const DOWNLOAD_TICKET_CAPS: DownloadTicketCaps = {
  /** "Ask again" issues a new ticket; the oldest live one of the session is spent past this. */
  livePerSession: 4,
  /**
   * Live tickets one agent account may hold across its sessions: far above what one agent
   * serves at once (16 sessions asking four times each), low enough that no account fills the table.
   */
  livePerAccount: 64,
  /** Spent or expired tickets of one session remembered (for "already used" rather than "unknown"). */
  tombstonesPerSession: 16,
};
/** How long a spent or expired ticket is remembered past its expiry, in ms. */
export const TOMBSTONE_MS = 24 * 60 * 60_000;

export type TicketState = DownloadTicketState;

export interface TicketLookup {
  sessionId: string;
  state: TicketState;
}

export class DownloadTickets {
  readonly throttle: AttemptThrottle;

  constructor(
    private readonly repo: DownloadTicketRepo,
    private readonly now: () => number,
    private readonly ttlMs: number = DOWNLOAD_TICKET_TTL_MS,
    private readonly caps: DownloadTicketCaps = DOWNLOAD_TICKET_CAPS,
  ) {
    this.throttle = new AttemptThrottle(now);
  }

  /** A fresh ticket for the session, issued by `agentId`; earlier live ones stay valid (up to the caps). */
  async issue(sessionId: string, agentId: string): Promise<{ ticket: string; expiresAt: number }> {
    const now = this.now();
    await this.repo.sweep(now - TOMBSTONE_MS);
    const ticket = newToken();
    const expiresAt = now + this.ttlMs;
    await this.repo.issue(
      { hash: hashToken(ticket), sessionId, agentId, issuedAt: now, expiresAt },
      this.caps,
    );
    return { ticket, expiresAt };
  }

  /**
   * What a ticket names, without spending it (the download route); null when unknown. An unknown
   * ticket counts as a failed attempt for `address`; a throttled address is refused first.
   */
  async lookup(ticket: string, address: string): Promise<TicketLookup | null> {
    const wait = this.throttle.retryAfterMs(address);
    if (wait > 0) {
      throw new ProtocolError('too_many_attempts', 'too many unknown download links; wait a while', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const t = await this.repo.get(hashToken(ticket));
    if (!t) {
      this.throttle.recordFailure(address);
      return null;
    }
    const state = t.state === 'live' && this.now() >= t.expiresAt ? 'expired' : t.state;
    return { sessionId: t.sessionId, state };
  }

  /**
   * A helper started from a download: spends the ticket and returns its session, or throws the
   * ProtocolError the helper is answered with (unknown, used, expired).
   */
  async claim(ticket: string, address: string): Promise<string> {
    const found = await this.lookup(ticket, address);
    if (!found) {
      throw new ProtocolError(
        'download_ticket_invalid',
        'this helper was not downloaded from this server; type the code shown on the support page',
      );
    }
    // Spent here, not only read: another helper may have claimed it since the lookup. A ticket
    // that cannot be spent and still reads live has just passed its expiry (or was swept).
    let state = found.state;
    const hash = hashToken(ticket);
    if (state === 'live' && !(await this.repo.spend(hash, this.now()))) {
      const now = await this.repo.get(hash);
      state = now && now.state !== 'live' ? now.state : 'expired';
    }
    if (state === 'expired') {
      throw new ProtocolError(
        'download_ticket_expired',
        'this download has expired; download the helper again from the support page',
      );
    }
    if (state !== 'live') {
      throw new ProtocolError(
        'download_ticket_used',
        'this download was already used; type the code shown on the support page, or download the helper again',
      );
    }
    return found.sessionId;
  }

  /** A helper joined this session (with a ticket or the join code): every ticket of it is spent. */
  spendSession(sessionId: string): Promise<void> {
    return this.repo.settleSession(sessionId, 'used');
  }

  /** The session ended: its tickets expire (a start is told the download has expired). */
  expireSession(sessionId: string): Promise<void> {
    return this.repo.settleSession(sessionId, 'expired');
  }

  /** Live tickets in all (tests, the status page). */
  live(): Promise<number> {
    return this.repo.live(this.now());
  }
}
