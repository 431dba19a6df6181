import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginEnded } from '../../../server/auth/login-events';
import type { SessionRecord } from '../../../server/store/store';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAccount, api, login, PASSWORD } from './api-client';

let server: TestServer;
let boss: string;
let agentToken: string;
let bossId: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.services.accounts.createCompany('Acme', 'test');
  bossId = (await addAccount(server, 'boss@acme.example', 'manager', { name: 'Boss' })).id;
  await addAccount(server, 'agent@acme.example', 'agent', { name: 'Agent' });
  boss = (await login(server, 'boss@acme.example')).token;
  agentToken = (await login(server, 'agent@acme.example')).token;
});
afterAll(() => server.stop());

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/v1/manage/users'],
  ['POST', '/api/v1/manage/users', { email: 'x@acme.example', name: 'X', role: 'agent' }],
  ['PATCH', '/api/v1/manage/users/someid', { name: 'Y' }],
  ['GET', '/api/v1/manage/seats'],
  ['PUT', '/api/v1/manage/seats', { seats: 5 }],
  ['GET', '/api/v1/manage/portals'],
  ['POST', '/api/v1/manage/portals', { slug: 'p', name: 'P' }],
  ['POST', '/api/v1/manage/portals/p/agents', { email: 'agent@acme.example' }],
  ['DELETE', '/api/v1/manage/portals/p/agents/someid'],
  ['GET', '/api/v1/manage/sessions'],
  ['GET', '/api/v1/manage/sessions/someid/transcript'],
  ['GET', '/api/v1/manage/audit'],
];

describe('management API authorization', () => {
  it('answers 401 without a token and 403 forbidden to an agent, changing nothing', async () => {
    const before = (await server.store.audit.recent(1))[0];
    for (const [method, path, body] of ROUTES) {
      const anon = await api(server, method, path, body);
      expect(anon.status, `${method} ${path} without token`).toBe(401);
      expect(anon.body.error.code).toBe('not_authenticated');
      const agent = await api(server, method, path, body, agentToken);
      expect(agent.status, `${method} ${path} as agent`).toBe(403);
      expect(agent.body.error.code).toBe('forbidden');
    }
    expect((await server.store.audit.recent(1))[0]).toEqual(before);
    expect(await server.store.users.byEmail('x@acme.example')).toBeNull();
  });
});

describe('users', () => {
  it('adds a user, refuses a duplicate e-mail, and lists users with their portals', async () => {
    const r = await api(
      server,
      'POST',
      '/api/v1/manage/users',
      { email: ' New.Agent@Acme.example', name: 'New Agent', role: 'agent', password: 'new agent password' },
      boss,
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      email: 'new.agent@acme.example',
      state: 'active',
      role: 'agent',
      portals: [],
    });
    expect(r.body).not.toHaveProperty('passwordHash');
    const dup = await api(
      server,
      'POST',
      '/api/v1/manage/users',
      { email: 'new.agent@acme.example', name: 'Dup', role: 'agent' },
      boss,
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('email_taken');
    const list = await api(server, 'GET', '/api/v1/manage/users', undefined, boss);
    expect(list.body.users.map((u: { email: string }) => u.email)).toContain('new.agent@acme.example');
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    expect((await login(server, 'new.agent@acme.example', 'new agent password')).role).toBe('agent');
    const audit = await server.store.audit.recent(3);
    expect(audit.find((a) => a.action === 'user.add')).toMatchObject({ actor: bossId, target: r.body.id });
  });

  it('adds an invited user (no password) and an inactive one', async () => {
    const invited = await api(
      server,
      'POST',
      '/api/v1/manage/users',
      { email: 'inv@acme.example', name: 'Inv', role: 'agent' },
      boss,
    );
    expect(invited.body.state).toBe('invited');
    const off = await api(
      server,
      'POST',
      '/api/v1/manage/users',
      { email: 'off@acme.example', name: 'Off', role: 'agent', password: 'some password!', active: false },
      boss,
    );
    expect(off.body.state).toBe('deactivated');
    const refused = await api(server, 'POST', '/api/v1/auth/login', {
      email: 'off@acme.example',
      password: 'some password!',
    });
    expect(refused.body.error.code).toBe('account_inactive');
  });

  it('patches name, role and features, and validates them', async () => {
    const u = await addAccount(server, 'pat@acme.example');
    const r = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${u.id}`,
      { name: '  Pat P. ', features: { shareMyScreen: true, fileTransfer: false } },
      boss,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: 'Pat P.',
      features: { shareMyScreen: true, fileTransfer: false, screenView: true },
    });
    const bad = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${u.id}`,
      { features: { teleport: true }, role: 'king' },
      boss,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_message', details: { field: 'role' } });
    const missing = await api(server, 'PATCH', '/api/v1/manage/users/nobody', { name: 'Z' }, boss);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('agent_not_found');
  });

  it('deactivation signs the user out at once; reactivation lets them sign in again', async () => {
    const u = await addAccount(server, 'dee@acme.example');
    const session = await login(server, 'dee@acme.example');
    const ended: LoginEnded[] = [];
    const off = server.services.auth.events.onEnded((e) => ended.push(e));
    const r = await api(server, 'PATCH', `/api/v1/manage/users/${u.id}`, { state: 'deactivated' }, boss);
    off();
    expect(r.body.state).toBe('deactivated');
    expect(ended).toEqual([{ loginId: session.loginId, userId: u.id, reason: 'deactivated' }]);
    const me = await api(server, 'GET', '/api/v1/auth/me', undefined, session.token);
    expect(me.body.error).toMatchObject({ code: 'signed_out', details: { reason: 'deactivated' } });
    await api(server, 'PATCH', `/api/v1/manage/users/${u.id}`, { state: 'active' }, boss);
    expect((await login(server, 'dee@acme.example')).loginId).toBeTruthy();
  });

  it('resets a password (ending the old sign-ins) and activates an invited user in one patch', async () => {
    const u = await addAccount(server, 'ivy@acme.example', 'agent', { password: null });
    const weak = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${u.id}`,
      { password: 'ivy', state: 'active', name: 'Ivy' },
      boss,
    );
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    expect((await server.store.users.byId(u.id))?.name).toBe('ivy');
    const r = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${u.id}`,
      { password: 'a brand new secret', state: 'active' },
      boss,
    );
    expect(r.body.state).toBe('active');
    const first = await login(server, 'ivy@acme.example', 'a brand new secret');
    await api(server, 'PATCH', `/api/v1/manage/users/${u.id}`, { password: 'another new secret' }, boss);
    expect(
      (await api(server, 'GET', '/api/v1/auth/me', undefined, first.token)).body.error.details.reason,
    ).toBe('password_reset');
    expect(
      (
        await api(server, 'POST', '/api/v1/auth/login', {
          email: 'ivy@acme.example',
          password: 'a brand new secret',
        })
      ).status,
    ).toBe(401);
    expect((await login(server, 'ivy@acme.example', 'another new secret')).role).toBe('agent');
  });

  it('never leaves the company without an active manager', async () => {
    const selfDemote = await api(server, 'PATCH', `/api/v1/manage/users/${bossId}`, { role: 'agent' }, boss);
    expect(selfDemote.status).toBe(409);
    expect(selfDemote.body.error.code).toBe('last_manager');
    const selfOff = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${bossId}`,
      { state: 'deactivated' },
      boss,
    );
    expect(selfOff.body.error.code).toBe('last_manager');
    expect((await api(server, 'GET', '/api/v1/manage/users', undefined, boss)).status).toBe(200);
  });

  it('a promoted agent may manage at once; a demoted manager may not', async () => {
    const u = await addAccount(server, 'pro@acme.example');
    const token = (await login(server, 'pro@acme.example')).token;
    expect((await api(server, 'GET', '/api/v1/manage/users', undefined, token)).status).toBe(403);
    await api(server, 'PATCH', `/api/v1/manage/users/${u.id}`, { role: 'manager' }, boss);
    expect((await api(server, 'GET', '/api/v1/manage/users', undefined, token)).status).toBe(200);
    await api(server, 'PATCH', `/api/v1/manage/users/${u.id}`, { role: 'agent' }, boss);
    expect((await api(server, 'GET', '/api/v1/manage/users', undefined, token)).status).toBe(403);
  });
});

describe('seats', () => {
  it('sets, shows and lifts the seat limit', async () => {
    const put = await api(server, 'PUT', '/api/v1/manage/seats', { seats: 3 }, boss);
    expect(put.status).toBe(200);
    expect(put.body.seats).toBe(3);
    const get = await api(server, 'GET', '/api/v1/manage/seats', undefined, boss);
    expect(get.body.seats).toBe(3);
    expect(get.body.inUse).toBe(get.body.loggedIn.length);
    // Managers hold no seat; the agent signed in at the start does.
    expect(get.body.loggedIn.map((h: { email: string }) => h.email)).toContain('agent@acme.example');
    expect(get.body.loggedIn.map((h: { email: string }) => h.email)).not.toContain('boss@acme.example');
    for (const seats of [0, -1, 1.5, '3', 100_001]) {
      const bad = await api(server, 'PUT', '/api/v1/manage/seats', { seats }, boss);
      expect(bad.status, String(seats)).toBe(400);
      expect(bad.body.error.details.field).toBe('seats');
    }
    expect((await api(server, 'PUT', '/api/v1/manage/seats', { seats: null }, boss)).body.seats).toBeNull();
    const audit = await server.store.audit.recent(1);
    expect(audit[0]).toMatchObject({ actor: bossId, action: 'company.seats', details: { seats: null } });
  });
});

describe('portals', () => {
  it('creates portals, assigns agents by e-mail, unassigns by id', async () => {
    const created = await api(
      server,
      'POST',
      '/api/v1/manage/portals',
      { slug: 'billing', name: 'Billing help' },
      boss,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'billing', name: 'Billing help', agents: [] });
    const dup = await api(server, 'POST', '/api/v1/manage/portals', { slug: 'billing', name: 'Again' }, boss);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('portal_exists');
    const badSlug = await api(
      server,
      'POST',
      '/api/v1/manage/portals',
      { slug: 'Bad Slug', name: 'X' },
      boss,
    );
    expect(badSlug.body.error.details.field).toBe('slug');

    const assigned = await api(
      server,
      'POST',
      '/api/v1/manage/portals/billing/agents',
      { email: 'AGENT@acme.example ' },
      boss,
    );
    expect(assigned.status).toBe(200);
    const agentId = assigned.body.agents[0].id;
    expect(assigned.body.agents).toEqual([{ id: agentId, name: 'Agent', email: 'agent@acme.example' }]);
    const me = await api(server, 'GET', '/api/v1/auth/me', undefined, agentToken);
    expect(me.body.portals).toEqual([{ slug: 'billing', name: 'Billing help' }]);
    const list = await api(server, 'GET', '/api/v1/manage/portals', undefined, boss);
    expect(list.body.portals).toEqual([
      expect.objectContaining({ slug: 'billing', agents: [expect.objectContaining({ id: agentId })] }),
    ]);

    const removed = await api(
      server,
      'DELETE',
      `/api/v1/manage/portals/billing/agents/${agentId}`,
      undefined,
      boss,
    );
    expect(removed.body.agents).toEqual([]);
    expect(
      (await api(server, 'POST', '/api/v1/manage/portals/nope/agents', { email: 'agent@acme.example' }, boss))
        .body.error.code,
    ).toBe('portal_not_found');
    expect(
      (
        await api(
          server,
          'POST',
          '/api/v1/manage/portals/billing/agents',
          { email: 'ghost@acme.example' },
          boss,
        )
      ).body.error.code,
    ).toBe('agent_not_found');
    const actions = (await server.store.audit.recent(10))
      .filter((a) => a.actor === bossId)
      .map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['portal.add', 'portal.assign', 'portal.unassign']));
  });
});

describe('reports', () => {
  const base = 1_700_000_000_000;
  const session = (
    id: string,
    createdAt: number,
    agentId: string | null,
    comment: string,
  ): SessionRecord => ({
    id,
    portalSlug: 'reports',
    customerName: 'Customer <b>',
    customerEmail: null,
    problem: 'printer',
    state: 'ended',
    screen: 'none',
    agentId,
    targetAgentId: null,
    comment,
    transfer: null,
    createdAt,
    queuedAt: createdAt,
    acceptedAt: createdAt + 1000,
    endedAt: createdAt + 60_000,
    endedBy: 'agent',
    customerLanguage: null,
    customerClient: null,
    callbackAt: null,
    endReason: null,
    continuation: null,
  });

  beforeAll(async () => {
    await server.services.accounts.addPortal('reports', 'Reports', 'test');
    const agent = await server.store.users.byEmail('agent@acme.example');
    for (let i = 0; i < 5; i++) {
      await server.store.sessions.insert(
        session(`s${i}`, base + i * 3_600_000, agent!.id, `fixed it #${i}`),
        `hash${i}`,
      );
    }
    await server.store.transcripts.append('s1', { kind: 'customer', name: 'Customer' }, 'hello', base + 5);
  });

  it('lists sessions newest first with comments and agent, filtered by time and limited', async () => {
    const all = await api(server, 'GET', '/api/v1/manage/sessions', undefined, boss);
    expect(all.body.sessions.map((s: { id: string }) => s.id)).toEqual(['s4', 's3', 's2', 's1', 's0']);
    expect(all.body.sessions[0]).toMatchObject({
      comment: 'fixed it #4',
      customerName: 'Customer <b>',
      agents: [expect.objectContaining({ email: 'agent@acme.example', name: 'Agent' })],
      endedBy: 'agent',
      outcome: 'completed',
    });
    const window = await api(
      server,
      'GET',
      `/api/v1/manage/sessions?from=${base + 3_600_000}&to=${base + 3 * 3_600_000}&limit=10`,
      undefined,
      boss,
    );
    expect(window.body.sessions.map((s: { id: string }) => s.id)).toEqual(['s2', 's1']);
    const limited = await api(server, 'GET', '/api/v1/manage/sessions?limit=2', undefined, boss);
    expect(limited.body.sessions).toHaveLength(2);
    const bad = await api(server, 'GET', '/api/v1/manage/sessions?limit=abc', undefined, boss);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('limit');
    const transcript = await api(server, 'GET', '/api/v1/manage/sessions/s1/transcript', undefined, boss);
    expect(transcript.body.lines).toEqual([expect.objectContaining({ seq: 1, text: 'hello' })]);
    expect((await api(server, 'GET', '/api/v1/manage/sessions/zz/transcript', undefined, boss)).status).toBe(
      404,
    );
  });

  it('shows the audit log newest first, with sign-ins and failures in it', async () => {
    await api(server, 'POST', '/api/v1/auth/login', {
      email: 'boss@acme.example',
      password: 'not the password',
    });
    await login(server, 'boss@acme.example', PASSWORD);
    const r = await api(server, 'GET', '/api/v1/manage/audit?limit=3', undefined, boss);
    expect(r.body.entries).toHaveLength(3);
    expect(r.body.entries[0]).toMatchObject({ action: 'login', actor: bossId });
    expect(r.body.entries[1]).toMatchObject({
      action: 'login.failed',
      target: 'boss@acme.example',
      address: expect.any(String),
    });
    expect((await api(server, 'GET', '/api/v1/manage/audit?limit=5000', undefined, boss)).status).toBe(400);
  });
});
