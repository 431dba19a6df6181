/**
 * The store conformance suite: every method of server/store/store.ts, as the services rely on
 * it, run against each implementation (SQLite, PostgreSQL). A store passes when it behaves the
 * same as the others here, including the decisions that must stay exact under parallel calls
 * (the last seat, the first accept, gapless chat numbering). `open()` gives a fresh, empty,
 * migrated store; `openPeer()` a second connection to the same database where the engine has
 * one (another node of the same deployment), so races also run across connections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatAuthor } from '../../../protocol/common';
import { DEFAULT_FEATURES } from '../../../server/accounts/default-features';
import { newId } from '../../../server/auth/tokens';
import { DEFAULT_TRANSFER_TIMEOUT_SECONDS } from '../../../server/store/sqlite/lifecycle-migrations';
import type { AuditFilter, LoginRecord, SessionRecord, Store, UserRecord } from '../../../server/store/store';

export interface StoreUnderTest {
  store: Store;
  /** A second, independent connection to the same database (another node). */
  openPeer(): Promise<Store>;
  /** Runs raw SQL on the database (what an intruder with database access could do). */
  exec(sql: string): Promise<void>;
  /** Closes everything and removes the database. */
  dispose(): Promise<void>;
}

const T0 = 1_800_000_000_000;
/** Parallel tries in the race tests: far more than the pool size of any store, to force waits. */
const RACERS = 100;

export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = newId();
  return {
    id,
    email: `${id.slice(0, 8).toLowerCase()}@example.com`,
    name: 'Ann Agent',
    role: 'agent',
    state: 'active',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    features: { ...DEFAULT_FEATURES },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function login(userId: string, overrides: Partial<LoginRecord> = {}): LoginRecord {
  return {
    id: newId(),
    userId,
    createdAt: T0,
    lastSeenAt: T0,
    endedAt: null,
    endReason: null,
    address: '192.0.2.7',
    waitingForSeat: false,
    ...overrides,
  };
}

export function session(portalSlug: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: newId(),
    portalSlug,
    customerName: 'Carla Customer',
    customerEmail: 'carla@example.com',
    problem: 'The printer prints blank pages',
    state: 'queued',
    screen: 'none',
    agentId: null,
    targetAgentId: null,
    comment: '',
    transfer: null,
    createdAt: T0,
    queuedAt: T0,
    acceptedAt: null,
    endedAt: null,
    endedBy: null,
    customerLanguage: null,
    customerClient: null,
    callbackAt: null,
    endReason: null,
    continuation: null,
    ...overrides,
  };
}

export function describeStoreConformance(kind: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store conformance: ${kind}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.dispose();
    });

    async function seatLogin(
      target: Store,
      userId: string,
      seats: number | null,
      extra: { replaceLoginId?: string; countsForSeat?: boolean; at?: number; waitForSeat?: boolean } = {},
    ) {
      const l = login(userId, { createdAt: extra.at ?? T0, lastSeenAt: extra.at ?? T0 });
      const result = await target.logins.createWithinSeats({
        login: l,
        tokenHash: `hash-${l.id}`,
        seats,
        countsForSeat: extra.countsForSeat ?? true,
        ...(extra.replaceLoginId ? { replaceLoginId: extra.replaceLoginId } : {}),
        ...(extra.waitForSeat ? { waitForSeat: true } : {}),
      });
      return { login: l, result };
    }

    async function portalWithSession(overrides: Partial<SessionRecord> = {}) {
      const slug = `p-${newId()
        .slice(0, 6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')}`;
      await store.portals.insert({ slug, name: 'Help desk', createdAt: T0 });
      const s = session(slug, overrides);
      await store.sessions.insert(s, `request-${s.id}`);
      return s;
    }

    it('names its kind', () => {
      expect(store.kind).toBe(kind);
    });

    describe('company', () => {
      it('is absent at first, created once, renamed by a second create, and keeps its seats', async () => {
        expect(await store.company.get()).toBeNull();
        const created = await store.company.create('Acme', T0);
        expect(created).toEqual({
          id: expect.any(String),
          name: 'Acme',
          seats: null,
          transferTimeoutSeconds: DEFAULT_TRANSFER_TIMEOUT_SECONDS,
          createdAt: T0,
        });
        await store.company.setSeats(3);
        const renamed = await store.company.create('Acme Corp', T0 + 5);
        expect(renamed).toEqual({
          id: created.id,
          name: 'Acme Corp',
          seats: 3,
          transferTimeoutSeconds: DEFAULT_TRANSFER_TIMEOUT_SECONDS,
          createdAt: T0,
        });
        expect(await store.company.get()).toEqual(renamed);
        await store.company.setSeats(null);
        expect((await store.company.get())?.seats).toBeNull();
      });

      it('keeps the transfer timeout, 120 s until a manager sets it, apart from the seats', async () => {
        await store.company.create('Acme', T0);
        expect((await store.company.get())?.transferTimeoutSeconds).toBe(120);
        await store.company.setTransferTimeout(45);
        await store.company.setSeats(2);
        expect(await store.company.get()).toMatchObject({ seats: 2, transferTimeoutSeconds: 45 });
        // A second create (a rename) keeps it.
        expect((await store.company.create('Acme Corp', T0 + 1)).transferTimeoutSeconds).toBe(45);
      });
    });

    describe('users', () => {
      it('round-trips every field, finds by id and e-mail, and lists by e-mail', async () => {
        const b = user({ email: 'bob@example.com', role: 'manager', state: 'invited', passwordHash: null });
        const a = user({ email: 'amy@example.com', features: { ...DEFAULT_FEATURES, shareMyScreen: true } });
        await store.users.insert(b);
        await store.users.insert(a);
        expect(await store.users.byId(a.id)).toEqual(a);
        expect(await store.users.byEmail('bob@example.com')).toEqual(b);
        expect(await store.users.byEmail('nobody@example.com')).toBeNull();
        expect(await store.users.byId('missing')).toBeNull();
        expect((await store.users.list()).map((u) => u.email)).toEqual([
          'amy@example.com',
          'bob@example.com',
        ]);
      });

      it('refuses a second account with the same e-mail', async () => {
        await store.users.insert(user({ email: 'dup@example.com' }));
        await expect(store.users.insert(user({ email: 'dup@example.com' }))).rejects.toThrow();
        expect(await store.users.list()).toHaveLength(1);
      });

      it('counts managers', async () => {
        expect(await store.users.countManagers()).toBe(0);
        await store.users.insert(user({ role: 'manager' }));
        await store.users.insert(user({ role: 'manager' }));
        await store.users.insert(user({ role: 'agent' }));
        expect(await store.users.countManagers()).toBe(2);
      });

      it('updates only the fields in the patch', async () => {
        const u = user();
        await store.users.insert(u);
        await store.users.update(u.id, {
          state: 'deactivated',
          features: { ...DEFAULT_FEATURES, fileTransfer: false },
          updatedAt: T0 + 10,
        });
        await store.users.update(u.id, {});
        expect(await store.users.byId(u.id)).toEqual({
          ...u,
          state: 'deactivated',
          features: { ...DEFAULT_FEATURES, fileTransfer: false },
          updatedAt: T0 + 10,
        });
        await store.users.update(u.id, { passwordHash: null, name: 'Ann B.', email: 'ann.b@example.com' });
        expect(await store.users.byEmail('ann.b@example.com')).toMatchObject({
          passwordHash: null,
          name: 'Ann B.',
        });
      });
    });

    describe('logins and seats', () => {
      it('creates logins without limit, finds them by token hash and id, and lists the active ones', async () => {
        const u = user();
        await store.users.insert(u);
        const first = await seatLogin(store, u.id, null, { at: T0 });
        const second = await seatLogin(store, u.id, null, { at: T0 + 1 });
        expect(first.result).toEqual({ ok: true, replaced: [], waiting: false });
        expect(await store.logins.byTokenHash(`hash-${first.login.id}`)).toEqual(first.login);
        expect(await store.logins.byTokenHash('no such hash')).toBeNull();
        expect(await store.logins.byId(second.login.id)).toEqual(second.login);
        expect(await store.logins.byId('missing')).toBeNull();
        expect((await store.logins.active()).map((l) => l.id)).toEqual([first.login.id, second.login.id]);
        expect((await store.logins.activeForUser(u.id)).map((l) => l.id)).toEqual([
          first.login.id,
          second.login.id,
        ]);
        expect(await store.logins.activeForUser('someone else')).toEqual([]);
      });

      it('ends a login once, with its reason and time, and touches its last-seen time', async () => {
        const u = user();
        await store.users.insert(u);
        const { login: l } = await seatLogin(store, u.id, null);
        await store.logins.touch(l.id, T0 + 100);
        expect((await store.logins.byId(l.id))?.lastSeenAt).toBe(T0 + 100);
        expect(await store.logins.end(l.id, 'logout', T0 + 200)).toBe(true);
        expect(await store.logins.end(l.id, 'deactivated', T0 + 300)).toBe(false);
        expect(await store.logins.byId(l.id)).toEqual({
          ...l,
          lastSeenAt: T0 + 100,
          endedAt: T0 + 200,
          endReason: 'logout',
        });
        expect(await store.logins.active()).toEqual([]);
      });

      it('counts a seat per agent, not per browser, and names the holders when full', async () => {
        const [a, b] = [user(), user()];
        await store.users.insert(a);
        await store.users.insert(b);
        const firstA = await seatLogin(store, a.id, 1, { at: T0 });
        expect(firstA.result.ok).toBe(true);
        // The same agent in a second browser: no second seat needed.
        expect((await seatLogin(store, a.id, 1, { at: T0 + 1 })).result.ok).toBe(true);
        const full = await seatLogin(store, b.id, 1, { at: T0 + 2 });
        expect(full.result.ok).toBe(false);
        if (full.result.ok) return;
        expect(full.result.holders.map((h) => h.userId)).toEqual([a.id, a.id]);
        expect(full.result.holders[0]).toEqual(firstA.login);
        expect(await store.logins.byId(full.login.id)).toBeNull();
      });

      it('does not count logins that hold no seat (managers)', async () => {
        const [a, m] = [user(), user({ role: 'manager' })];
        await store.users.insert(a);
        await store.users.insert(m);
        expect((await seatLogin(store, m.id, 1, { countsForSeat: false })).result.ok).toBe(true);
        expect((await seatLogin(store, a.id, 1)).result.ok).toBe(true);
        expect((await seatLogin(store, m.id, 1, { countsForSeat: false })).result.ok).toBe(true);
      });

      it('replaces every login of the agent named, in the same step, only when no seat is free', async () => {
        const [a, b, c] = [user(), user(), user()];
        for (const u of [a, b, c]) await store.users.insert(u);
        const a1 = await seatLogin(store, a.id, 1, { at: T0 });
        const a2 = await seatLogin(store, a.id, 1, { at: T0 + 1 });
        const b1 = await seatLogin(store, b.id, 1, { at: T0 + 50, replaceLoginId: a2.login.id });
        expect(b1.result).toEqual({
          ok: true,
          waiting: false,
          replaced: [
            { ...a1.login, endedAt: T0 + 50, endReason: 'seat_taken' },
            { ...a2.login, endedAt: T0 + 50, endReason: 'seat_taken' },
          ],
        });
        expect(await store.logins.byId(a1.login.id)).toMatchObject({
          endedAt: T0 + 50,
          endReason: 'seat_taken',
        });
        expect((await store.logins.active()).map((l) => l.id)).toEqual([b1.login.id]);

        // With a free seat, a replace is ignored: nobody is signed out needlessly.
        const c1 = await seatLogin(store, c.id, 2, { replaceLoginId: b1.login.id });
        expect(c1.result).toEqual({ ok: true, replaced: [], waiting: false });
        expect(await store.logins.byId(b1.login.id)).toMatchObject({ endedAt: null });
      });

      it('refuses a replace that would not free enough seats after a lowered limit, or names no holder', async () => {
        const [a, b, c] = [user(), user(), user()];
        for (const u of [a, b, c]) await store.users.insert(u);
        const a1 = await seatLogin(store, a.id, null);
        await seatLogin(store, b.id, null);
        const lowered = await seatLogin(store, c.id, 1, { replaceLoginId: a1.login.id });
        expect(lowered.result.ok).toBe(false);
        expect(await store.logins.byId(a1.login.id)).toMatchObject({ endedAt: null });
        const unknown = await seatLogin(store, c.id, 2, { replaceLoginId: 'not a holder' });
        expect(unknown.result.ok).toBe(false);
        expect(await store.logins.active()).toHaveLength(2);
      });

      it(`gives the last seat to exactly one of ${RACERS} agents signing in at once, across connections`, async () => {
        const peer = await t.openPeer();
        const agents = Array.from({ length: RACERS }, () => user());
        for (const a of agents) await store.users.insert(a);
        const results = await Promise.all(
          agents.map((a, i) => seatLogin(i % 2 ? peer : store, a.id, 1).then((r) => r.result.ok)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.logins.active()).toHaveLength(1);
        await peer.close();
      });

      it(`ends the seat holder once when ${RACERS} agents replace it at once`, async () => {
        const peer = await t.openPeer();
        const holder = user();
        await store.users.insert(holder);
        const held = await seatLogin(store, holder.id, 1);
        const agents = Array.from({ length: RACERS }, () => user());
        for (const a of agents) await store.users.insert(a);
        const results = await Promise.all(
          agents.map((a, i) =>
            seatLogin(i % 2 ? peer : store, a.id, 1, { replaceLoginId: held.login.id }).then((r) => r.result),
          ),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        expect(winners[0]).toEqual({
          ok: true,
          waiting: false,
          replaced: [{ ...held.login, endedAt: T0, endReason: 'seat_taken' }],
        });
        expect(await store.logins.active()).toHaveLength(1);
        await peer.close();
      });
    });

    describe('logins waiting for a seat', () => {
      it('signs in without a seat when every seat is taken and the agent chose to wait', async () => {
        const [a, b] = [user(), user()];
        await store.users.insert(a);
        await store.users.insert(b);
        const a1 = await seatLogin(store, a.id, 1, { at: T0 });
        const b1 = await seatLogin(store, b.id, 1, { at: T0 + 1, waitForSeat: true });
        expect(b1.result).toEqual({ ok: true, replaced: [], waiting: true });
        expect(await store.logins.byId(b1.login.id)).toEqual({ ...b1.login, waitingForSeat: true });
        expect(await store.logins.byId(a1.login.id)).toEqual(a1.login);
        // A waiting login holds no seat: the next agent is still refused, and is not told of it.
        const c = user();
        await store.users.insert(c);
        const full = await seatLogin(store, c.id, 1, { at: T0 + 2 });
        expect(full.result.ok).toBe(false);
        if (!full.result.ok) expect(full.result.holders.map((h) => h.id)).toEqual([a1.login.id]);
        // With a free seat, waitForSeat changes nothing: the login takes it at once.
        const free = await seatLogin(store, c.id, 3, { at: T0 + 3, waitForSeat: true });
        expect(free.result).toEqual({ ok: true, replaced: [], waiting: false });
      });

      it('promotes the oldest waiting logins while seats are free, an agent who holds one at once', async () => {
        const [a, b, c, d] = [user(), user(), user(), user()];
        for (const u of [a, b, c, d]) await store.users.insert(u);
        const a1 = await seatLogin(store, a.id, 1, { at: T0 });
        const c1 = await seatLogin(store, c.id, 1, { at: T0 + 2, waitForSeat: true });
        const b1 = await seatLogin(store, b.id, 1, { at: T0 + 1, waitForSeat: true });
        const d1 = await seatLogin(store, d.id, 1, { at: T0 + 3, waitForSeat: true });
        expect([b1, c1, d1].map((x) => x.result)).toEqual(
          Array(3).fill({ ok: true, replaced: [], waiting: true }),
        );
        // Nothing free: nobody promoted.
        expect(await store.logins.promoteWaiting(1)).toEqual([]);
        expect(await store.logins.end(a1.login.id, 'logout', T0 + 6)).toBe(true);
        // One seat frees: the oldest waiting (b, though it asked after c was stored) takes it.
        expect(await store.logins.promoteWaiting(1)).toEqual([{ ...b1.login, waitingForSeat: false }]);
        expect(await store.logins.byId(b1.login.id)).toMatchObject({ waitingForSeat: false, endedAt: null });
        expect(await store.logins.promoteWaiting(1)).toEqual([]);
        // A promoted login counts for its seat.
        expect((await seatLogin(store, a.id, 1, { at: T0 + 7 })).result.ok).toBe(false);
        // A raised limit promotes the rest in order; an ended waiting login is never promoted.
        await store.logins.end(d1.login.id, 'logout', T0 + 8);
        expect((await store.logins.promoteWaiting(null)).map((l) => l.id)).toEqual([c1.login.id]);
        expect(await store.logins.byId(d1.login.id)).toMatchObject({ waitingForSeat: true, endedAt: T0 + 8 });
        expect((await store.logins.active()).map((l) => l.id)).toEqual([b1.login.id, c1.login.id]);
      });

      it('promotes a waiting agent who already holds a seat, however full the seats are', async () => {
        const [a, b] = [user(), user()];
        await store.users.insert(a);
        await store.users.insert(b);
        await seatLogin(store, a.id, 1, { at: T0 });
        const b1 = await seatLogin(store, b.id, 1, { at: T0 + 1, waitForSeat: true });
        expect(b1.result).toMatchObject({ waiting: true });
        // The limit is raised, b takes the free seat in a second browser, then it is lowered again.
        const b2 = await seatLogin(store, b.id, 2, { at: T0 + 2 });
        expect(b2.result).toEqual({ ok: true, replaced: [], waiting: false });
        expect((await store.logins.promoteWaiting(1)).map((l) => l.id)).toEqual([b1.login.id]);
      });

      it(`fills the two free seats exactly when ${RACERS} promotions run at once, across connections`, async () => {
        const peer = await t.openPeer();
        const agents = Array.from({ length: 10 }, () => user());
        for (const a of agents) await store.users.insert(a);
        await seatLogin(store, agents[0]!.id, 1, { at: T0 });
        for (const [i, a] of agents.slice(1).entries())
          expect(
            (await seatLogin(store, a.id, 1, { at: T0 + 1 + i, waitForSeat: true })).result,
          ).toMatchObject({
            waiting: true,
          });
        const promoted = await Promise.all(
          Array.from({ length: RACERS }, (_, i) => (i % 2 ? peer : store).logins.promoteWaiting(3)),
        );
        expect(promoted.flat().map((l) => l.userId)).toEqual([agents[1]!.id, agents[2]!.id]);
        expect(
          new Set((await store.logins.active()).filter((l) => !l.waitingForSeat).map((l) => l.userId)).size,
        ).toBe(3);
        await peer.close();
      });
    });

    describe('usual addresses', () => {
      it("tells whether the user signed in from an address since a time, and nobody else's", async () => {
        const [a, b] = [user(), user()];
        await store.users.insert(a);
        await store.users.insert(b);
        await seatLogin(store, a.id, null, { at: T0 + 100 });
        expect(await store.logins.signedInFrom(a.id, '192.0.2.7', T0)).toBe(true);
        expect(await store.logins.signedInFrom(a.id, '192.0.2.7', T0 + 100)).toBe(true);
        expect(await store.logins.signedInFrom(a.id, '192.0.2.7', T0 + 101)).toBe(false);
        expect(await store.logins.signedInFrom(a.id, '203.0.113.9', T0)).toBe(false);
        expect(await store.logins.signedInFrom(b.id, '192.0.2.7', T0)).toBe(false);
      });
    });

    describe('portals', () => {
      it('inserts, gets and lists portals by slug, and refuses a duplicate slug', async () => {
        await store.portals.insert({ slug: 'sales', name: 'Sales', createdAt: T0 });
        await store.portals.insert({ slug: 'help', name: 'Help desk', createdAt: T0 + 1 });
        expect(await store.portals.get('help')).toEqual({
          slug: 'help',
          name: 'Help desk',
          colour: null,
          createdAt: T0 + 1,
        });
        expect(await store.portals.get('nope')).toBeNull();
        expect((await store.portals.list()).map((p) => p.slug)).toEqual(['help', 'sales']);
        await expect(store.portals.insert({ slug: 'help', name: 'Again', createdAt: T0 })).rejects.toThrow();
      });

      it('assigns agents once however often asked, and unassigns them', async () => {
        const [a, b] = [user(), user()];
        await store.users.insert(a);
        await store.users.insert(b);
        await store.portals.insert({ slug: 'zeta', name: 'Z', createdAt: T0 });
        await store.portals.insert({ slug: 'alpha', name: 'A', createdAt: T0 });
        await store.portals.assign('zeta', a.id);
        await store.portals.assign('zeta', a.id);
        await store.portals.assign('alpha', a.id);
        await store.portals.assign('zeta', b.id);
        expect((await store.portals.agentsOf('zeta')).sort()).toEqual([a.id, b.id].sort());
        expect(await store.portals.portalsOf(a.id)).toEqual(['alpha', 'zeta']);
        await store.portals.unassign('zeta', a.id);
        await store.portals.unassign('zeta', a.id);
        expect(await store.portals.agentsOf('zeta')).toEqual([b.id]);
        expect(await store.portals.portalsOf(a.id)).toEqual(['alpha']);
        expect(await store.portals.agentsOf('nope')).toEqual([]);
      });
    });

    describe('portals (management center)', () => {
      it('keeps a colour, and updates only the fields in the patch', async () => {
        await store.portals.insert({ slug: 'blue', name: 'Blue', colour: '#0055ff', createdAt: T0 });
        expect((await store.portals.get('blue'))?.colour).toBe('#0055ff');
        await store.portals.update('blue', { name: 'Blue desk' });
        expect(await store.portals.get('blue')).toMatchObject({ name: 'Blue desk', colour: '#0055ff' });
        await store.portals.update('blue', { colour: null });
        expect(await store.portals.get('blue')).toMatchObject({ name: 'Blue desk', colour: null });
      });
    });

    describe('sessions', () => {
      it('round-trips every field and finds a session by id and by request token', async () => {
        const s = await portalWithSession({
          customerEmail: null,
          transfer: {
            fromAgent: { id: 'a1', name: 'Ann', email: 'ann@example.com' },
            comment: 'over to you',
            at: T0 + 9,
          },
        });
        expect(await store.sessions.byId(s.id)).toEqual(s);
        expect(await store.sessions.byRequestTokenHash(`request-${s.id}`)).toEqual(s);
        expect(await store.sessions.byRequestTokenHash('other')).toBeNull();
        expect(await store.sessions.byId('missing')).toBeNull();
      });

      it('round-trips a callback, a continuation and an end reason, and patches them', async () => {
        const continuation = { previousSessionId: 'earlier', agentId: 'a1', state: 'asked' as const };
        const s = await portalWithSession({ callbackAt: T0 + 3, continuation });
        expect(await store.sessions.byId(s.id)).toEqual(s);
        const declined = await store.sessions.transition(s.id, ['queued'], {
          continuation: { ...continuation, state: 'declined' },
        });
        expect(declined?.continuation).toEqual({ ...continuation, state: 'declined' });
        const handled = await store.sessions.transition(s.id, ['queued'], {
          state: 'ended',
          endedAt: T0 + 9,
          endedBy: 'agent',
          endReason: 'handled',
          continuation: null,
        });
        expect(handled).toEqual({
          ...s,
          state: 'ended',
          endedAt: T0 + 9,
          endedBy: 'agent',
          endReason: 'handled',
          continuation: null,
        });
        expect(await store.sessions.byId(s.id)).toEqual(handled);
        // A continuation the database holds in a shape we do not know reads back as none.
        await t.exec(`UPDATE sessions SET continuation = '{"agentId":7}' WHERE id = '${s.id}'`);
        expect((await store.sessions.byId(s.id))?.continuation).toBeNull();
      });

      it('lists open sessions oldest first, without the ended ones', async () => {
        const late = await portalWithSession({ queuedAt: T0 + 20 });
        const early = await portalWithSession({ queuedAt: T0 + 10 });
        await portalWithSession({ state: 'ended', endedAt: T0 + 30, endedBy: 'customer' });
        expect((await store.sessions.open()).map((s) => s.id)).toEqual([early.id, late.id]);
      });

      it('transitions only from the states given, and returns the updated record', async () => {
        const s = await portalWithSession();
        const a = user();
        await store.users.insert(a);
        expect(await store.sessions.transition(s.id, ['accepted'], { state: 'ended' })).toBeNull();
        expect(await store.sessions.transition(s.id, [], { state: 'ended' })).toBeNull();
        const accepted = await store.sessions.transition(s.id, ['queued', 'transferring'], {
          state: 'accepted',
          agentId: a.id,
          acceptedAt: T0 + 5,
        });
        expect(accepted).toEqual({ ...s, state: 'accepted', agentId: a.id, acceptedAt: T0 + 5 });
        expect(await store.sessions.byId(s.id)).toEqual(accepted);
        expect(await store.sessions.transition('missing', ['queued'], { state: 'accepted' })).toBeNull();
      });

      it('checks the expected agent: a given id, or none (null)', async () => {
        const [a, b] = [user(), user()];
        await store.users.insert(a);
        await store.users.insert(b);
        const s = await portalWithSession();
        expect(await store.sessions.transition(s.id, ['queued'], { comment: 'x' }, a.id)).toBeNull();
        expect(
          await store.sessions.transition(s.id, ['queued'], { agentId: a.id, state: 'accepted' }, null),
        ).toMatchObject({
          agentId: a.id,
        });
        expect(
          await store.sessions.transition(s.id, ['accepted'], { state: 'transferring' }, b.id),
        ).toBeNull();
        expect(
          await store.sessions.transition(s.id, ['accepted'], { state: 'transferring' }, null),
        ).toBeNull();
        const moved = await store.sessions.transition(
          s.id,
          ['accepted'],
          {
            state: 'transferring',
            targetAgentId: b.id,
            transfer: {
              fromAgent: { id: a.id, name: 'Ann', email: 'ann@example.com' },
              comment: 'c',
              at: T0,
            },
          },
          a.id,
        );
        expect(moved).toMatchObject({
          state: 'transferring',
          targetAgentId: b.id,
          transfer: { comment: 'c' },
        });
        // An empty patch is a pure check of the state.
        expect(await store.sessions.transition(s.id, ['transferring'], {})).toEqual(moved);
      });

      it(`lets exactly one of ${RACERS} agents accept a queued session at once, across connections`, async () => {
        const peer = await t.openPeer();
        const s = await portalWithSession();
        const agents = Array.from({ length: RACERS }, () => user());
        for (const a of agents) await store.users.insert(a);
        const results = await Promise.all(
          agents.map((a, i) =>
            (i % 2 ? peer : store).sessions.transition(
              s.id,
              ['queued', 'transferring'],
              { state: 'accepted', agentId: a.id, acceptedAt: T0 + i },
              null,
            ),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await store.sessions.byId(s.id)).toEqual(winners[0]);
        await peer.close();
      });

      it('updates the fields in the patch (not the state), clearing with null', async () => {
        const a = user();
        await store.users.insert(a);
        const s = await portalWithSession({ state: 'accepted', agentId: a.id, acceptedAt: T0 });
        await store.sessions.update(s.id, { screen: 'streaming', comment: 'was slow', customerEmail: null });
        await store.sessions.update(s.id, {});
        expect(await store.sessions.byId(s.id)).toEqual({
          ...s,
          screen: 'streaming',
          comment: 'was slow',
          customerEmail: null,
        });
        await store.sessions.update(s.id, {
          transfer: { fromAgent: { id: a.id, name: 'Ann', email: 'ann@example.com' }, comment: '', at: T0 },
        });
        await store.sessions.update(s.id, { transfer: null, agentId: null });
        expect(await store.sessions.byId(s.id)).toMatchObject({
          transfer: null,
          agentId: null,
          state: 'accepted',
        });
      });

      it('lists sessions created in a time range, newest first, up to a limit', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await portalWithSession({ createdAt: T0 + i * 100 })).id);
        expect((await store.sessions.list({ limit: 10 })).map((s) => s.id)).toEqual([...ids].reverse());
        expect(
          (await store.sessions.list({ from: T0 + 100, to: T0 + 400, limit: 10 })).map((s) => s.id),
        ).toEqual([ids[3], ids[2], ids[1]]);
        expect((await store.sessions.list({ from: T0 + 100, limit: 2 })).map((s) => s.id)).toEqual([
          ids[4],
          ids[3],
        ]);
        expect(await store.sessions.list({ from: T0 + 1000, limit: 10 })).toEqual([]);
      });

      it('refuses a second session with the same request token', async () => {
        const s = await portalWithSession();
        const twin = session(s.portalSlug);
        await expect(store.sessions.insert(twin, `request-${s.id}`)).rejects.toThrow();
      });
    });

    describe('transcripts', () => {
      const customer: ChatAuthor = { kind: 'customer', name: 'Carla' };
      const agent: ChatAuthor = { kind: 'agent', name: 'Ann', agentId: 'a1' };

      it('numbers lines from 1 per session and reads them back after a sequence number', async () => {
        const s1 = await portalWithSession();
        const s2 = await portalWithSession();
        expect(await store.transcripts.append(s1.id, customer, 'hello', T0)).toEqual({
          sessionId: s1.id,
          seq: 1,
          from: customer,
          text: 'hello',
          at: T0,
        });
        await store.transcripts.append(s1.id, agent, 'hi, how can I help?', T0 + 1);
        await store.transcripts.append(s2.id, { kind: 'system' }, 'Ann joined', T0 + 2);
        await store.transcripts.append(s1.id, customer, 'ünïcödé ✓ and "quotes"', T0 + 3);
        expect(await store.transcripts.lines(s1.id)).toEqual([
          { sessionId: s1.id, seq: 1, from: customer, text: 'hello', at: T0 },
          { sessionId: s1.id, seq: 2, from: agent, text: 'hi, how can I help?', at: T0 + 1 },
          { sessionId: s1.id, seq: 3, from: customer, text: 'ünïcödé ✓ and "quotes"', at: T0 + 3 },
        ]);
        expect((await store.transcripts.lines(s1.id, 2)).map((l) => l.seq)).toEqual([3]);
        expect(await store.transcripts.lines(s2.id)).toEqual([
          { sessionId: s2.id, seq: 1, from: { kind: 'system' }, text: 'Ann joined', at: T0 + 2 },
        ]);
        expect(await store.transcripts.lines('missing')).toEqual([]);
      });

      it(`numbers ${RACERS} lines appended at once without a gap or a duplicate, across connections`, async () => {
        const peer = await t.openPeer();
        const s = await portalWithSession();
        const lines = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            (i % 2 ? peer : store).transcripts.append(s.id, customer, `line ${i}`, T0 + i),
          ),
        );
        expect(lines.map((l) => l.seq).sort((x, y) => x - y)).toEqual(
          Array.from({ length: RACERS }, (_, i) => i + 1),
        );
        const stored = await store.transcripts.lines(s.id);
        expect(stored.map((l) => l.seq)).toEqual(Array.from({ length: RACERS }, (_, i) => i + 1));
        expect(new Set(stored.map((l) => l.text)).size).toBe(RACERS);
        await peer.close();
      });
    });

    describe('audit', () => {
      it('writes entries and reads the most recent first, up to a limit', async () => {
        for (let i = 0; i < 4; i++) {
          await store.audit.write({
            at: T0 + i,
            actor: i === 0 ? 'cli' : `user-${i}`,
            action: `action.${i}`,
            target: i % 2 ? `target-${i}` : null,
            details: { n: i, nested: { ok: true }, list: ['a', 'b'] },
            address: i % 2 ? '198.51.100.4' : null,
          });
        }
        const recent = await store.audit.recent(3);
        expect(recent.map((e) => e.action)).toEqual(['action.3', 'action.2', 'action.1']);
        expect(recent[0]).toEqual({
          at: T0 + 3,
          actor: 'user-3',
          action: 'action.3',
          target: 'target-3',
          details: { n: 3, nested: { ok: true }, list: ['a', 'b'] },
          address: '198.51.100.4',
        });
        expect(recent[1]).toMatchObject({ target: null, address: null });
        expect(await store.audit.recent(100)).toHaveLength(4);
      });

      it('filters entries (actor, action or action prefix, target, time), newest first, with the total', async () => {
        const actions = ['session.accepted', 'session.ended', 'user.created', 'session_x', 'session.ended'];
        for (const [i, action] of actions.entries()) {
          await store.audit.write({
            at: T0 + i,
            actor: i < 2 ? 'ann' : 'bob',
            action,
            target: `s${i % 2}`,
            details: {},
            address: null,
          });
        }
        const ids = async (f: Partial<AuditFilter>) => {
          const r = await store.audit.query({ offset: 0, limit: 10, ...f });
          return { total: r.total, at: r.entries.map((e) => e.at - T0) };
        };
        expect(await ids({})).toEqual({ total: 5, at: [4, 3, 2, 1, 0] });
        expect(await ids({ actor: 'ann' })).toEqual({ total: 2, at: [1, 0] });
        // A prefix ends in '.', and '_' in it is no wildcard.
        expect(await ids({ action: 'session.' })).toEqual({ total: 3, at: [4, 1, 0] });
        expect(await ids({ action: 'session.ended' })).toEqual({ total: 2, at: [4, 1] });
        expect(await ids({ target: 's1' })).toEqual({ total: 2, at: [3, 1] });
        expect(await ids({ from: T0 + 1, to: T0 + 3 })).toEqual({ total: 2, at: [2, 1] });
        expect(await ids({ offset: 1, limit: 2 })).toEqual({ total: 5, at: [3, 2] });
      });

      it(`chains ${RACERS} entries written at once across connections, and finds a changed or removed entry`, async () => {
        const peer = await t.openPeer();
        await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            (i % 2 ? peer : store).audit.write({
              at: T0 + i,
              actor: 'cli',
              action: 'race',
              target: null,
              details: { i },
              address: null,
            }),
          ),
        );
        await peer.close();
        expect(await store.audit.verify()).toEqual({ ok: true, entries: RACERS });
        const { entries } = await store.audit.query({ offset: 0, limit: RACERS });
        const victim = entries[RACERS / 2]!;
        await t.exec(`UPDATE audit SET actor = 'someone else' WHERE id = ${victim.id}`);
        expect(await store.audit.verify()).toMatchObject({
          ok: false,
          brokenAt: victim.id,
          reason: 'entry_changed',
        });
        await t.exec(`UPDATE audit SET actor = 'cli' WHERE id = ${victim.id}`);
        await t.exec(`DELETE FROM audit WHERE id = ${victim.id}`);
        expect(await store.audit.verify()).toMatchObject({ ok: false, reason: 'chain_broken' });
      });
    });

    describe('screen grants', () => {
      it('keeps the last grants per session, replaces and clears them, and grants nothing from a damaged row', async () => {
        const [s1, s2] = [await portalWithSession(), await portalWithSession()];
        const all = { view: true, control: true, clipboard: true, files: true, reboot: false };
        expect(await store.screenGrants.get(s1.id)).toBeNull();
        await store.screenGrants.set(s1.id, all, T0);
        await store.screenGrants.set(s1.id, { ...all, control: false }, T0 + 1);
        expect(await store.screenGrants.get(s1.id)).toEqual({ ...all, control: false });
        await store.screenGrants.clear(s1.id);
        expect(await store.screenGrants.get(s1.id)).toBeNull();
        await t.exec(
          `INSERT INTO screen_grants (session_id, grants, updated_at) VALUES ('${s2.id}', '{"view": "yes"', 1)`,
        );
        expect(await store.screenGrants.get(s2.id)).toBeNull();
      });
    });
  });
}
