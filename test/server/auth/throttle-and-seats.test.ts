import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURES } from '../../../server/accounts/default-features';
import type { LoginEnded } from '../../../server/auth/login-events';
import { hashPassword } from '../../../server/auth/passwords';
import { newId } from '../../../server/auth/tokens';
import { ADDRESS_FREE_FAILURES, BASE_BACKOFF_MS, FREE_FAILURES } from '../../../server/auth/throttle';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAccount, api, login, PASSWORD } from '../http/api-client';

/** A clock the test moves by hand (startServer's `now` option): no sleeping in tests. */
function manualClock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const attempt = (server: TestServer, email: string, password: string, replace?: string) =>
  api(server, 'POST', '/api/v1/auth/login', { email, password, ...(replace ? { replace } : {}) });

describe('login backoff', () => {
  let server: TestServer;
  const clock = manualClock();
  beforeEach(async () => {
    server = await startTestServer({}, { now: clock.now });
  });
  afterEach(() => server.stop());

  it(`allows ${FREE_FAILURES} failures, then answers 429 with Retry-After until the wait is over`, async () => {
    await addAccount(server, 'cat@example.com');
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await attempt(server, 'cat@example.com', 'wrong password')).status).toBe(401);
    }
    // Even the right password waits now: the point is that guessing cannot go on.
    const blocked = await attempt(server, 'CAT@example.com ', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    expect(blocked.headers.get('retry-after')).toBe(String(BASE_BACKOFF_MS / 1000));
    expect(blocked.body.error.details).toEqual({ retryAfterSeconds: BASE_BACKOFF_MS / 1000 });

    clock.advance(BASE_BACKOFF_MS + 1);
    const ok = await attempt(server, 'cat@example.com', PASSWORD);
    expect(ok.status).toBe(200);
    // A success clears the account's count: the next mistake is free again.
    expect((await attempt(server, 'cat@example.com', 'wrong password')).status).toBe(401);
    expect((await attempt(server, 'cat@example.com', PASSWORD)).status).toBe(200);
  });

  it('doubles the wait with each further failure', async () => {
    await addAccount(server, 'dan@example.com');
    for (let i = 0; i < FREE_FAILURES; i++) await attempt(server, 'dan@example.com', 'wrong password');
    clock.advance(BASE_BACKOFF_MS + 1);
    expect((await attempt(server, 'dan@example.com', 'wrong again!')).status).toBe(401);
    const r = await attempt(server, 'dan@example.com', PASSWORD);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe(String((2 * BASE_BACKOFF_MS) / 1000));
  });

  it('counts guesses fired in parallel before any of them has failed', async () => {
    await addAccount(server, 'eve@example.com');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(server, 'eve@example.com', `guess number ${i}`)),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(FREE_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - FREE_FAILURES);
  });

  it('backs off per address too, across different accounts', async () => {
    await addAccount(server, 'fay@example.com');
    // Unknown accounts, one failure each: only the address counts up.
    for (let i = 0; i < ADDRESS_FREE_FAILURES; i++) {
      expect((await attempt(server, `spray${i}@example.com`, 'password1234')).status).toBe(401);
    }
    const r = await attempt(server, 'fay@example.com', PASSWORD);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(BASE_BACKOFF_MS + 1);
    expect((await attempt(server, 'fay@example.com', PASSWORD)).status).toBe(200);
  });
});

describe('seat limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.services.accounts.createCompany('Acme', 'test');
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const l of await server.store.logins.active())
      await server.store.logins.end(l.id, 'logout', Date.now());
  });

  it('answers 409 with who is signed in, and `replace` takes that seat', async () => {
    await server.services.accounts.setSeats(1, 'test');
    const gil = await addAccount(server, 'gil@example.com', 'agent', { name: 'Gil' });
    await addAccount(server, 'hal@example.com', 'agent', { name: 'Hal' });
    const first = await login(server, 'gil@example.com');

    const full = await attempt(server, 'hal@example.com', PASSWORD);
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('seat_limit_reached');
    expect(full.body.error.details.loggedIn).toEqual([
      { loginId: first.loginId, name: 'Gil', email: 'gil@example.com', since: expect.any(Number) },
    ]);

    const ended: LoginEnded[] = [];
    const off = server.services.auth.events.onEnded((e) => ended.push(e));
    const taken = await attempt(server, 'hal@example.com', PASSWORD, first.loginId);
    off();
    expect(taken.status).toBe(200);
    expect(ended).toEqual([{ loginId: first.loginId, userId: gil.id, reason: 'seat_taken', byName: 'Hal' }]);
    const gone = await api(server, 'GET', '/api/v1/auth/me', undefined, first.token);
    expect(gone.status).toBe(401);
    expect(gone.body.error).toMatchObject({ code: 'signed_out', details: { reason: 'seat_taken' } });
    expect((await api(server, 'GET', '/api/v1/auth/me', undefined, taken.body.token)).status).toBe(200);
    const audit = await server.store.audit.recent(5);
    expect(audit.find((a) => a.action === 'login.seat_takeover')).toMatchObject({
      target: gil.id,
      details: { endedLogins: [first.loginId], newLogin: taken.body.loginId },
    });
  });

  it('counts an agent once however many browsers they sign in from, and a takeover ends them all', async () => {
    await server.services.accounts.setSeats(1, 'test');
    await addAccount(server, 'ida@example.com');
    await addAccount(server, 'jon@example.com');
    const a = await login(server, 'ida@example.com');
    const b = await login(server, 'ida@example.com');
    const full = await attempt(server, 'jon@example.com', PASSWORD);
    expect(full.body.error.details.loggedIn).toHaveLength(1);
    expect((await attempt(server, 'jon@example.com', PASSWORD, b.loginId)).status).toBe(200);
    for (const t of [a.token, b.token]) {
      expect((await api(server, 'GET', '/api/v1/auth/me', undefined, t)).status).toBe(401);
    }
  });

  it('ignores `replace` when a seat is free, and never takes a seat from a manager', async () => {
    await server.services.accounts.setSeats(2, 'test');
    await addAccount(server, 'kim@example.com');
    await addAccount(server, 'lee@example.com');
    await addAccount(server, 'max@example.com', 'manager');
    const boss = await login(server, 'max@example.com');
    const kim = await login(server, 'kim@example.com');
    expect((await attempt(server, 'lee@example.com', PASSWORD, kim.loginId)).status).toBe(200);
    expect((await api(server, 'GET', '/api/v1/auth/me', undefined, kim.token)).status).toBe(200);
    // Both seats are taken by agents now; a manager's login holds none, so it cannot be "replaced".
    await addAccount(server, 'ned@example.com');
    const r = await attempt(server, 'ned@example.com', PASSWORD, boss.loginId);
    expect(r.status).toBe(409);
    expect((await api(server, 'GET', '/api/v1/auth/me', undefined, boss.token)).status).toBe(200);
  });

  it('gives the last free seat to exactly one of 100 agents signing in at once', async () => {
    await server.services.accounts.setSeats(1, 'test');
    const emails = Array.from({ length: 100 }, (_, i) => `race${i}@example.com`);
    // One argon2id hash shared by the 100 accounts (same password): the setup need not pay 100
    // hashes on a busy 2-core machine; the sign-ins below each pay a real verification.
    const passwordHash = await hashPassword(PASSWORD);
    for (const email of emails) {
      await server.store.users.insert({
        id: newId(),
        email,
        name: email.split('@')[0]!,
        role: 'agent',
        state: 'active',
        passwordHash,
        features: { ...DEFAULT_FEATURES },
        createdAt: Date.now(),
        updatedAt: Date.now(),
      });
    }
    const replies = await Promise.all(emails.map((e) => attempt(server, e, PASSWORD)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const winner = replies.find((r) => r.status === 200)!;
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body.error.details.loggedIn).toEqual([
        expect.objectContaining({ loginId: winner.body.loginId }),
      ]);
    }
    expect((await server.store.logins.active()).length).toBe(1);
  });
});
