/**
 * Download tickets (server/screen/download-tickets.ts) on a real store: single use, short-lived,
 * bound to their session, stored hashed, throttled when unknown, bounded per session and per
 * agent account, swept a day after expiry. Run on SQLite (test/server/screen/download-tickets.test.ts)
 * and on PostgreSQL (postgres-store.test.ts): both stores must behave the same. `open()` gives a
 * fresh, migrated store and a second connection to the same database (another node).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_TICKET_TTL_MS } from '../../../protocol/limits';
import { hashToken, newId } from '../../../server/auth/tokens';
import { JOIN_FREE_FAILURES } from '../../../server/screen/attempt-throttle';
import { DOWNLOAD_TICKET_CAPS, DownloadTickets, TOMBSTONE_MS } from '../../../server/screen/download-tickets';
import type { Store } from '../../../server/store/store';
import { session, type StoreUnderTest } from './store-conformance';

const T0 = 1_800_000_000_000;
/** Helpers started from one file at once, in the race test. */
const RACERS = 20;

export function describeDownloadTicketConformance(kind: string, open: () => Promise<StoreUnderTest>): void {
  describe(`download tickets: ${kind}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    let now: number;
    let slug: string;
    const clock = () => now;
    beforeEach(async () => {
      t = await open();
      store = t.store;
      now = T0;
      slug = `p-${newId()
        .slice(0, 6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')}`;
      await store.portals.insert({ slug, name: 'Help desk', createdAt: T0 });
    });
    afterEach(async () => {
      await t.dispose();
    });

    async function newSession(): Promise<string> {
      const s = session(slug);
      await store.sessions.insert(s, `request-${s.id}`);
      return s.id;
    }
    const tickets = (on: Store = store) => new DownloadTickets(on.downloadTickets, clock);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'joined',
        (err: { code?: string }) => err.code,
      );

    it('name their session until a helper joins with one, then say "used"', async () => {
      const s1 = await newSession();
      const tk = tickets();
      const { ticket, expiresAt } = await tk.issue(s1, 'agent-1');
      expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(expiresAt).toBe(T0 + DOWNLOAD_TICKET_TTL_MS);
      // Looking (the download route) spends nothing, however often.
      expect(await tk.lookup(ticket, 'a')).toEqual({ sessionId: s1, state: 'live' });
      expect(await tk.lookup(ticket, 'a')).toEqual({ sessionId: s1, state: 'live' });
      expect(await tk.claim(ticket, 'a')).toBe(s1);
      expect(await code(tk.claim(ticket, 'a'))).toBe('download_ticket_used');
      expect(await tk.lookup(ticket, 'a')).toEqual({ sessionId: s1, state: 'used' });
    });

    it('are all spent when a helper joins the session another way (the join code)', async () => {
      const s1 = await newSession();
      const tk = tickets();
      const a = (await tk.issue(s1, 'agent-1')).ticket;
      const b = (await tk.issue(s1, 'agent-1')).ticket;
      await tk.spendSession(s1);
      expect(await code(tk.claim(a, 'x'))).toBe('download_ticket_used');
      expect(await code(tk.claim(b, 'x'))).toBe('download_ticket_used');
      expect(await tk.live()).toBe(0);
    });

    it('expire after their time to live, and with their session', async () => {
      const tk = tickets();
      const s1 = await newSession();
      const late = (await tk.issue(s1, 'agent-1')).ticket;
      now += DOWNLOAD_TICKET_TTL_MS - 1;
      expect((await tk.lookup(late, 'a'))?.state).toBe('live');
      now += 1;
      expect((await tk.lookup(late, 'a'))?.state).toBe('expired');
      expect(await code(tk.claim(late, 'a'))).toBe('download_ticket_expired');
      const s2 = await newSession();
      const ended = (await tk.issue(s2, 'agent-1')).ticket;
      await tk.expireSession(s2);
      expect(await tk.lookup(ended, 'a')).toEqual({ sessionId: s2, state: 'expired' });
      expect(await code(tk.claim(ended, 'a'))).toBe('download_ticket_expired');
    });

    it('are claimed by exactly one of several helpers started from one file at once, on two nodes', async () => {
      const s1 = await newSession();
      const { ticket } = await tickets().issue(s1, 'agent-1');
      const peer = await t.openPeer();
      try {
        const here = tickets();
        const there = tickets(peer);
        const results = await Promise.all(
          Array.from({ length: RACERS }, (_, i) => code((i % 2 ? there : here).claim(ticket, `10.0.0.${i}`))),
        );
        expect(results.filter((r) => r === 'joined')).toHaveLength(1);
        expect(results.filter((r) => r === 'download_ticket_used')).toHaveLength(RACERS - 1);
      } finally {
        await peer.close();
      }
    });

    it('keep several downloads of one request valid ("Ask again"), up to four', async () => {
      const s1 = await newSession();
      const tk = tickets();
      const all: string[] = [];
      for (let i = 0; i < DOWNLOAD_TICKET_CAPS.livePerSession + 1; i++)
        all.push((await tk.issue(s1, 'a1')).ticket);
      expect((await tk.lookup(all[0]!, 'a'))?.state).toBe('used');
      for (const x of all.slice(1)) expect((await tk.lookup(x, 'a'))?.state).toBe('live');
      expect(await tk.live()).toBe(DOWNLOAD_TICKET_CAPS.livePerSession);
    });

    it('are bounded per agent account: the oldest live ticket of that agent is spent past the cap', async () => {
      const tk = tickets();
      const cap = DOWNLOAD_TICKET_CAPS.livePerAccount;
      const first: string[] = [];
      for (let i = 0; i < cap; i++) first.push((await tk.issue(await newSession(), 'busy-agent')).ticket);
      const other = (await tk.issue(await newSession(), 'other-agent')).ticket;
      expect(await tk.live()).toBe(cap + 1);
      await tk.issue(await newSession(), 'busy-agent');
      expect(await tk.live()).toBe(cap + 1);
      expect((await tk.lookup(first[0]!, 'a'))?.state).toBe('used');
      expect((await tk.lookup(first[1]!, 'a'))?.state).toBe('live');
      // Another agent's tickets are not touched.
      expect((await tk.lookup(other, 'a'))?.state).toBe('live');
    });

    it('keep a bounded number of tombstones per session, and forget them a day after expiry', async () => {
      const s1 = await newSession();
      const tk = tickets();
      const { livePerSession, tombstonesPerSession } = DOWNLOAD_TICKET_CAPS;
      const all: string[] = [];
      for (let i = 0; i < livePerSession + tombstonesPerSession + 3; i++) {
        all.push((await tk.issue(s1, 'a1')).ticket);
      }
      const states = await Promise.all(all.map(async (x) => (await tk.lookup(x, 'a'))?.state ?? 'unknown'));
      expect(states.filter((s) => s === 'live')).toHaveLength(livePerSession);
      expect(states.filter((s) => s === 'used')).toHaveLength(tombstonesPerSession);
      // The oldest are forgotten first.
      expect(states.slice(0, 3)).toEqual(['unknown', 'unknown', 'unknown']);

      const s2 = await newSession();
      const spent = (await tk.issue(s2, 'a1')).ticket;
      await tk.spendSession(s2);
      now += DOWNLOAD_TICKET_TTL_MS + TOMBSTONE_MS - 1;
      await tk.issue(await newSession(), 'a2');
      expect((await tk.lookup(spent, 'a'))?.state).toBe('used');
      now += 2;
      await tk.issue(await newSession(), 'a2');
      expect(await tk.lookup(spent, 'a')).toBeNull();
    });

    it('refuse an unknown ticket, and throttle an address that keeps guessing', async () => {
      const tk = tickets();
      for (let i = 0; i < JOIN_FREE_FAILURES; i++) {
        expect(await code(tk.claim(`guess${i}`, '10.0.0.9'))).toBe('download_ticket_invalid');
      }
      // Exactly the free failures are checked (as for join codes); the next one waits.
      expect(await code(tk.claim('guess-again', '10.0.0.9'))).toBe('too_many_attempts');
      // Another address is not affected.
      const { ticket } = await tk.issue(await newSession(), 'a1');
      expect(await tk.claim(ticket, '10.0.0.10')).toBeTruthy();
    });

    it('keep no ticket in the clear', async () => {
      const tk = tickets();
      const { ticket } = await tk.issue(await newSession(), 'a1');
      expect(await store.downloadTickets.get(ticket)).toBeNull();
      expect(await store.downloadTickets.get(hashToken(ticket))).not.toBeNull();
    });
  });
}
