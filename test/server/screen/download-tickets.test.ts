// The tickets that bind a helper download to one request: single use, short-lived, bound to their
// session, stored hashed, throttled when unknown, bounded per session.
import { describe, expect, it } from 'vitest';
import { DOWNLOAD_TICKET_TTL_MS } from '../../../protocol/limits';
import { JOIN_FREE_FAILURES } from '../../../server/screen/attempt-throttle';
import { DownloadTickets } from '../../../server/screen/download-tickets';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('download tickets', () => {
  it('name their session until a helper joins, then say "used"', () => {
    const c = clock();
    const tickets = new DownloadTickets(c.now);
    const { ticket, expiresAt } = tickets.issue('s1');
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(c.now() + DOWNLOAD_TICKET_TTL_MS);
    // Looking (the download route) and checking (a refused hello) spend nothing.
    expect(tickets.lookup(ticket, 'a')).toEqual({ sessionId: 's1', state: 'live' });
    expect(tickets.check(ticket, 'a')).toBe('s1');
    expect(tickets.check(ticket, 'a')).toBe('s1');
    tickets.spendSession('s1');
    expect(() => tickets.check(ticket, 'a')).toThrowError(
      expect.objectContaining({ code: 'download_ticket_used' }),
    );
    expect(tickets.live).toBe(0);
  });

  it('expire after their time to live, and with their session', () => {
    const c = clock();
    const tickets = new DownloadTickets(c.now);
    const late = tickets.issue('s1').ticket;
    c.advance(DOWNLOAD_TICKET_TTL_MS);
    expect(() => tickets.check(late, 'a')).toThrowError(
      expect.objectContaining({ code: 'download_ticket_expired' }),
    );
    const ended = tickets.issue('s2').ticket;
    tickets.expireSession('s2');
    expect(tickets.lookup(ended, 'a')).toEqual({ sessionId: 's2', state: 'expired' });
  });

  it('keep several downloads of one request valid ("Ask again"), up to four', () => {
    const tickets = new DownloadTickets(() => 0);
    const all = Array.from({ length: 5 }, () => tickets.issue('s1').ticket);
    expect(tickets.lookup(all[0]!, 'a')?.state).toBe('used');
    for (const t of all.slice(1)) expect(tickets.check(t, 'a')).toBe('s1');
    expect(tickets.live).toBe(4);
  });

  it('refuse an unknown ticket, and throttle an address that keeps guessing', () => {
    const tickets = new DownloadTickets(() => 0);
    for (let i = 0; i < JOIN_FREE_FAILURES; i++) {
      expect(() => tickets.check(`guess${i}`, '10.0.0.9')).toThrowError(
        expect.objectContaining({ code: 'download_ticket_invalid' }),
      );
    }
    // Exactly the free failures are checked (as for join codes); the next one waits.
    expect(() => tickets.check('guess-again', '10.0.0.9')).toThrowError(
      expect.objectContaining({ code: 'too_many_attempts' }),
    );
    // Another address is not affected.
    const { ticket } = tickets.issue('s1');
    expect(tickets.check(ticket, '10.0.0.10')).toBe('s1');
  });

  it('keep no ticket in the clear', () => {
    const tickets = new DownloadTickets(() => 0);
    const { ticket } = tickets.issue('s1');
    const inside = JSON.stringify([
      ...(tickets as unknown as { byHash: Map<string, unknown> }).byHash.keys(),
    ]);
    expect(inside).not.toContain(ticket);
  });
});
