/**
 * The management center's part of the store (server/store/manage-store.ts) against each
 * implementation: account links used once (raced across connections), one live link per user,
 * API tokens, webhooks and their delivery log, and the session history and search the reports
 * read. Run by sqlite-store.test.ts and postgres-store.test.ts with the store conformance suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord, SessionOutcome } from '../../../server/store/manage-store';
import type { SessionRecord, Store } from '../../../server/store/store';
import { session, user, type StoreUnderTest } from './store-conformance';

const T0 = 1_800_000_000_000;
const RACERS = 50;

export function describeManageConformance(kind: string, open: () => Promise<StoreUnderTest>): void {
  describe(`manage store conformance: ${kind}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.dispose();
    });

    async function agent(name = 'Ann Agent', email?: string) {
      const u = user({ name, ...(email ? { email } : {}) });
      await store.users.insert(u);
      return u;
    }

    async function sessionAt(at: number, overrides: Partial<SessionRecord> = {}) {
      if (!(await store.portals.get('help')))
        await store.portals.insert({ slug: 'help', name: 'Help', createdAt: T0 });
      const s = session('help', {
        customerEmail: null,
        problem: 'printer',
        createdAt: at,
        queuedAt: at,
        ...overrides,
      });
      await store.sessions.insert(s, `req-${s.id}`);
      return s;
    }

    describe('account links', () => {
      it(`uses a link once: of ${RACERS} uses at once across connections, one gets it`, async () => {
        const u = await agent();
        await store.manage.links.insert({
          tokenHash: 'h1',
          userId: u.id,
          purpose: 'invite',
          createdBy: 'cli',
          createdAt: T0,
          expiresAt: T0 + 1000,
          usedAt: null,
          revokedAt: null,
        });
        const peer = await t.openPeer();
        const got = await Promise.all(
          Array.from({ length: RACERS }, (_, i) => (i % 2 ? peer : store).manage.links.consume('h1', T0 + 1)),
        );
        await peer.close();
        expect(got.filter((g) => g !== null)).toEqual([
          expect.objectContaining({ tokenHash: 'h1', usedAt: T0 + 1 }),
        ]);
        expect(await store.manage.links.liveFor(u.id, T0 + 1)).toBeNull();
      });

      it('keeps one live link per user, and refuses an expired one', async () => {
        const u = await agent();
        const link = (tokenHash: string, at: number) => ({
          tokenHash,
          userId: u.id,
          purpose: 'reset' as const,
          createdBy: 'mgr',
          createdAt: at,
          expiresAt: at + 100,
          usedAt: null,
          revokedAt: null,
        });
        await store.manage.links.insert(link('old', T0));
        await store.manage.links.insert(link('new', T0 + 10));
        expect((await store.manage.links.byTokenHash('old'))?.revokedAt).toBe(T0 + 10);
        expect((await store.manage.links.liveFor(u.id, T0 + 20))?.tokenHash).toBe('new');
        expect(await store.manage.links.consume('old', T0 + 20)).toBeNull();
        expect(await store.manage.links.consume('new', T0 + 110)).toBeNull();
        expect(await store.manage.links.liveFor(u.id, T0 + 110)).toBeNull();
        expect(await store.manage.links.byTokenHash('nope')).toBeNull();
      });
    });

    describe('API tokens', () => {
      it('stores, finds by hash, lists newest first, touches, and revokes once', async () => {
        const base = {
          scope: 'read' as const,
          createdBy: 'mgr',
          expiresAt: null,
          revokedAt: null,
          lastUsedAt: null,
        };
        await store.manage.apiTokens.insert({ ...base, id: 'a', name: 'first', createdAt: T0 }, 'ha');
        await store.manage.apiTokens.insert(
          { ...base, id: 'b', name: 'second', scope: 'full', createdAt: T0 + 1, expiresAt: T0 + 99 },
          'hb',
        );
        expect(await store.manage.apiTokens.byTokenHash('hb')).toEqual({
          ...base,
          id: 'b',
          name: 'second',
          scope: 'full',
          createdAt: T0 + 1,
          expiresAt: T0 + 99,
        });
        expect((await store.manage.apiTokens.list()).map((x) => x.id)).toEqual(['b', 'a']);
        await store.manage.apiTokens.touch('a', T0 + 5);
        expect((await store.manage.apiTokens.byTokenHash('ha'))?.lastUsedAt).toBe(T0 + 5);
        expect(await store.manage.apiTokens.revoke('a', T0 + 6)).toBe(true);
        expect(await store.manage.apiTokens.revoke('a', T0 + 7)).toBe(false);
        expect((await store.manage.apiTokens.byTokenHash('ha'))?.revokedAt).toBe(T0 + 6);
      });
    });

    describe('webhooks', () => {
      it('stores, updates and removes hooks with their deliveries, and lists due deliveries', async () => {
        const hooks = store.manage.webhooks;
        await hooks.insert({
          id: 'w1',
          url: 'https://hooks.example/a',
          secret: 's',
          events: ['session.accepted', 'request.created'],
          active: true,
          createdBy: 'mgr',
          createdAt: T0,
        });
        await hooks.update('w1', {
          url: 'https://hooks.example/b',
          events: ['session.ended'],
          active: false,
        });
        expect(await hooks.byId('w1')).toEqual({
          id: 'w1',
          url: 'https://hooks.example/b',
          secret: 's',
          events: ['session.ended'],
          active: false,
          createdBy: 'mgr',
          createdAt: T0,
        });
        const delivery = (id: string, at: number, next: number | null): DeliveryRecord => ({
          id,
          webhookId: 'w1',
          event: 'session.ended',
          payload: '{}',
          state: 'pending',
          attempts: 0,
          lastStatus: null,
          lastError: null,
          createdAt: at,
          nextAttemptAt: next,
          deliveredAt: null,
        });
        await hooks.insertDelivery(delivery('d1', T0, T0 + 50));
        await hooks.insertDelivery(delivery('d2', T0, T0 + 10));
        await hooks.insertDelivery(delivery('d3', T0 + 1, T0 + 500));
        expect((await hooks.dueDeliveries(T0 + 100, 10)).map((d) => d.id)).toEqual(['d2', 'd1']);
        await hooks.updateDelivery('d2', {
          state: 'delivered',
          attempts: 1,
          lastStatus: 204,
          deliveredAt: T0 + 11,
        });
        expect((await hooks.dueDeliveries(T0 + 100, 10)).map((d) => d.id)).toEqual(['d1']);
        // Newest first; two created at the same time in the order they were written, last first.
        const listed = await hooks.deliveries('w1', 10);
        expect(listed.map((d) => d.id)).toEqual(['d3', 'd2', 'd1']);
        expect(listed[1]).toMatchObject({
          state: 'delivered',
          attempts: 1,
          lastStatus: 204,
          deliveredAt: T0 + 11,
        });
        expect(await hooks.remove('w1')).toBe(true);
        expect(await hooks.remove('w1')).toBe(false);
        expect(await hooks.list()).toEqual([]);
        expect(await hooks.deliveries('w1', 10)).toEqual([]);
      });
    });

    describe('session history', () => {
      it('keeps agents, transfers, files and systems per session, in order', async () => {
        const [ann, bob] = [await agent('Ann'), await agent('Bob')];
        const s = await sessionAt(T0);
        const h = store.manage.history;
        await h.addAgent(s.id, ann.id, T0 + 1);
        await h.addAgent(s.id, bob.id, T0 + 2);
        await h.addAgent(s.id, ann.id, T0 + 3);
        const transfer = {
          sessionId: s.id,
          fromAgentId: ann.id,
          toKind: 'agent' as const,
          toRef: bob.id,
          toName: 'Bob',
        };
        await h.addTransfer({ ...transfer, at: T0 + 2, comment: 'first' });
        await h.addTransfer({ ...transfer, at: T0 + 2, comment: 'second' });
        const file = {
          sessionId: s.id,
          agentId: bob.id,
          direction: 'to_customer' as const,
          size: 5_000_000_000,
          sha256: 'ab',
        };
        await h.addFile({ ...file, at: T0 + 4, name: 'b.txt' });
        await h.addFile({ ...file, at: T0 + 4, name: 'a.txt' });
        await h.setSystem(s.id, 'Debian 12');
        expect((await h.agentsOf([s.id, 'none'])).get(s.id)).toEqual([ann.id, bob.id]);
        expect((await h.transfersOf([s.id])).get(s.id)?.map((x) => x.comment)).toEqual(['first', 'second']);
        expect((await h.filesOf([s.id])).get(s.id)).toEqual([
          { ...file, at: T0 + 4, name: 'b.txt' },
          { ...file, at: T0 + 4, name: 'a.txt' },
        ]);
        expect(await h.systemsOf([s.id])).toEqual(new Map([[s.id, 'Debian 12']]));
        expect(await h.agentsOf([])).toEqual(new Map());
      });

      it('searches by words (any case, wildcards literal), agent, outcome and time, newest first, with the total', async () => {
        const ann = await agent('Ann Smith', 'ann@acme.example');
        const waiting = await sessionAt(T0, { problem: 'VPN down' });
        const done = await sessionAt(T0 + 1, {
          customerName: 'Dora 100%',
          state: 'ended',
          agentId: ann.id,
          acceptedAt: T0 + 2,
          endedAt: T0 + 3,
        });
        const left = await sessionAt(T0 + 1, { state: 'ended', endedAt: T0 + 5, comment: 'Customer left' });
        const search = async (q: object) => {
          const r = await store.manage.history.search({ offset: 0, limit: 10, ...q });
          return { total: r.total, ids: r.sessions.map((s) => s.id) };
        };
        expect(await search({})).toEqual({ total: 3, ids: [left.id, done.id, waiting.id] });
        expect(await search({ text: 'vpn' })).toEqual({ total: 1, ids: [waiting.id] });
        expect(await search({ text: 'SMITH' })).toEqual({ total: 1, ids: [done.id] });
        expect(await search({ text: '100%' })).toEqual({ total: 1, ids: [done.id] });
        expect(await search({ text: '%' })).toEqual({ total: 1, ids: [done.id] });
        expect(await search({ text: 'customer left' })).toEqual({ total: 1, ids: [left.id] });
        expect(await search({ agentId: ann.id })).toEqual({ total: 1, ids: [done.id] });
        expect(await search({ outcome: 'waiting' })).toEqual({ total: 1, ids: [waiting.id] });
        expect(await search({ outcome: 'completed' })).toEqual({ total: 1, ids: [done.id] });
        expect(await search({ outcome: 'abandoned' })).toEqual({ total: 1, ids: [left.id] });
        expect(await search({ from: T0 + 1, to: T0 + 2 })).toEqual({ total: 2, ids: [left.id, done.id] });
        expect(await search({ offset: 1, limit: 1 })).toEqual({ total: 3, ids: [done.id] });
        expect(
          (await store.manage.history.createdBetween(T0, T0 + 2, 10)).map((s) => s.id).slice(0, 1),
        ).toEqual([waiting.id]);
      });

      it('tells callbacks, handled callbacks, customers who left and abandoned requests apart', async () => {
        const ann = await agent();
        const ended = { state: 'ended' as const, endedAt: T0 + 50 };
        const waiting = await sessionAt(T0);
        const callback = await sessionAt(T0 + 1, { callbackAt: T0 + 2 });
        const handled = await sessionAt(T0 + 2, {
          ...ended,
          callbackAt: T0 + 3,
          endReason: 'handled',
          endedBy: 'agent',
        });
        const answeredThenHandled = await sessionAt(T0 + 3, {
          ...ended,
          agentId: ann.id,
          acceptedAt: T0 + 4,
          endReason: 'handled',
        });
        const left = await sessionAt(T0 + 4, { ...ended, endReason: 'customer_left', endedBy: 'customer' });
        const abandoned = await sessionAt(T0 + 5, { ...ended, endedBy: 'system' });
        const completed = await sessionAt(T0 + 6, { ...ended, agentId: ann.id, acceptedAt: T0 + 7 });
        const inProgress = await sessionAt(T0 + 7, {
          state: 'accepted',
          agentId: ann.id,
          acceptedAt: T0 + 8,
        });
        const ids = async (outcome: SessionOutcome) =>
          (await store.manage.history.search({ offset: 0, limit: 20, outcome })).sessions.map((s) => s.id);
        expect(await ids('waiting')).toEqual([waiting.id]);
        expect(await ids('callback')).toEqual([callback.id]);
        expect(await ids('handled')).toEqual([answeredThenHandled.id, handled.id]);
        expect(await ids('left')).toEqual([left.id]);
        expect(await ids('abandoned')).toEqual([abandoned.id]);
        expect(await ids('completed')).toEqual([completed.id]);
        expect(await ids('in_progress')).toEqual([inProgress.id]);
        // The new columns come back on every session the reports read.
        const all = await store.manage.history.search({ offset: 0, limit: 20 });
        expect(all.total).toBe(8);
        expect(all.sessions.find((s) => s.id === handled.id)).toEqual(handled);
        expect(all.sessions.find((s) => s.id === callback.id)?.callbackAt).toBe(T0 + 2);
      });
    });
  });
}
