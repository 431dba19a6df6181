import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../protocol/errors';
import { AccountService } from '../../../server/accounts/account-service';
import { AuthService } from '../../../server/auth/auth-service';
import { defaultConfig } from '../../../server/config';
import { createContext } from '../../../server/context';
import { silentLog } from '../../../server/log';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import type { Store } from '../../../server/store/store';
import { makeDataDir } from '../../support/test-server';

const PW = 'account password';
let dir: string;
let store: Store;
let auth: AuthService;
let accounts: AccountService;

beforeEach(() => {
  dir = makeDataDir();
  store = openSqliteStore(dir);
  const ctx = createContext(defaultConfig({ dataDir: dir }), store, silentLog);
  auth = new AuthService(ctx);
  accounts = new AccountService(ctx, auth);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
}

describe('AccountService', () => {
  it('stores e-mails trimmed and lowercased, and refuses a second account for one address', async () => {
    const u = await accounts.addUser({ email: '  Mixed@Case.Example ', role: 'agent', password: PW }, 'cli');
    expect(u).toMatchObject({ email: 'mixed@case.example', name: 'mixed', state: 'active' });
    expect(u.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await code(accounts.addUser({ email: 'MIXED@case.example', role: 'manager' }, 'cli'))).toBe(
      'email_taken',
    );
  });

  it('refuses weak passwords and activation without a password', async () => {
    for (const weak of ['short', 'aaaaaaaaaaaa', 'tommy-is-my-password']) {
      expect(
        await code(accounts.addUser({ email: 'tommy@x.example', role: 'agent', password: weak }, 'cli')),
        weak,
      ).toBe('weak_password');
    }
    await accounts.addUser({ email: 'tommy@x.example', role: 'agent' }, 'cli');
    expect(await code(accounts.setState('tommy@x.example', 'active', 'cli'))).toBe('weak_password');
    await accounts.resetPassword('tommy@x.example', PW, 'cli');
    expect((await store.users.byEmail('tommy@x.example'))?.state).toBe('active');
  });

  it('keeps at least one active manager, whichever way it is attempted', async () => {
    await accounts.addUser({ email: 'm1@x.example', role: 'manager', password: PW }, 'cli');
    expect(await code(accounts.setState('m1@x.example', 'deactivated', 'cli'))).toBe('last_manager');
    expect(await code(accounts.updateUser('m1@x.example', { role: 'agent' }, 'cli'))).toBe('last_manager');
    await accounts.addUser({ email: 'm2@x.example', role: 'manager', password: PW }, 'cli');
    expect(await code(accounts.updateUser('m1@x.example', { role: 'agent' }, 'cli'))).toBe('ok');
    expect(await code(accounts.setState('m2@x.example', 'deactivated', 'cli'))).toBe('last_manager');
  });

  it('bounds the seat limit and needs a company first', async () => {
    expect(await code(accounts.setSeats(3, 'cli'))).toBe('not_found');
    await accounts.createCompany('Acme', 'cli');
    for (const bad of [0, -1, 2.5, 100_001, Number.NaN])
      expect(await code(accounts.setSeats(bad, 'cli')), String(bad)).toBe('bad_request');
    expect(await code(accounts.setSeats(null, 'cli'))).toBe('ok');
  });

  it('a takeover after the limit was lowered below the agents signed in frees too little and ends nobody', async () => {
    await accounts.createCompany('Acme', 'cli');
    for (const n of ['a', 'b', 'c'])
      await accounts.addUser({ email: `${n}@x.example`, role: 'agent', password: PW }, 'cli');
    const a = await auth.login({ email: 'a@x.example', password: PW, address: '10.0.0.1' });
    await auth.login({ email: 'b@x.example', password: PW, address: '10.0.0.1' });
    await accounts.setSeats(1, 'cli');
    const refused = await auth
      .login({ email: 'c@x.example', password: PW, address: '10.0.0.1', replace: a.loginId })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect(refused.code).toBe('seat_limit_reached');
    expect(refused.details.loggedIn).toHaveLength(2);
    expect((await store.logins.byId(a.loginId))?.endedAt).toBeNull();
  });

  it('writes every change to the audit log with its actor', async () => {
    await accounts.createCompany('Acme', 'cli');
    await accounts.addUser({ email: 'au@x.example', role: 'agent', password: PW }, 'mgr-1');
    await accounts.updateUser('au@x.example', { features: { shareMyScreen: true } }, 'mgr-1');
    await accounts.setState('au@x.example', 'deactivated', 'mgr-1');
    await accounts.setState('au@x.example', 'active', 'mgr-1');
    await accounts.resetPassword('au@x.example', 'another password', 'mgr-1');
    await accounts.addPortal('desk', 'Desk', 'mgr-1');
    expect(await code(accounts.addPortal('desk', 'Desk', 'mgr-1'))).toBe('portal_exists');
    const user = await accounts.assignPortal('desk', 'au@x.example', 'mgr-1');
    await accounts.unassignPortal('desk', user.id, 'mgr-1');
    await accounts.setSeats(4, 'mgr-1');
    const entries = (await store.audit.recent(50)).reverse();
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['cli', 'company.create'],
      ['mgr-1', 'user.add'],
      ['mgr-1', 'user.update'],
      ['mgr-1', 'user.deactivate'],
      ['mgr-1', 'user.activate'],
      ['mgr-1', 'user.reset_password'],
      ['mgr-1', 'portal.add'],
      ['mgr-1', 'portal.assign'],
      ['mgr-1', 'portal.unassign'],
      ['mgr-1', 'company.seats'],
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/argon2|another password/);
  });
});
