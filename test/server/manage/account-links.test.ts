/**
 * Invitations and password resets through a real SMTP server on loopback (smtp-server): the
 * manager invites, the e-mail carries a one-time link (never a password), the person sets their
 * password through it and signs in; the link is dead after use, after a newer one, and after it
 * expires; a weak password does not use it up. Without SMTP the manager gets the link to copy.
 * The server's log never holds a link token or a password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog } from '../../../server/log';
import { INVITE_TTL_MS, RESET_TTL_MS } from '../../../server/accounts/account-links';
import { activationLink, mailText, startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAccount, api, login } from '../http/api-client';

const NEW_PASSWORD = 'a brand new passphrase';
let smtp: SmtpSink;
let server: TestServer;
let boss: string;
let clock = Date.now();
const logLines: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer(
    { smtp: { url: smtp.url, from: 'Lifeline <desk@acme.example>' } },
    { now: () => clock, log: createLog('debug', (l) => void logLines.push(l)) },
  );
  await server.services.accounts.createCompany('Acme IT', 'test');
  await addAccount(server, 'boss@acme.example', 'manager', { name: 'Boss' });
  boss = (await login(server, 'boss@acme.example')).token;
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

const tokenOf = (link: string) => link.split('#')[1]!;

describe('account links by e-mail', () => {
  it('invites a new agent: the e-mail holds a one-time link, the agent chooses a password and signs in', async () => {
    const created = await api(
      server,
      'POST',
      '/api/v1/manage/users',
      { email: 'Nina@Acme.example', name: 'Nina', role: 'agent' },
      boss,
    );
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('invited');
    const sent = await api(
      server,
      'POST',
      `/api/v1/manage/users/${created.body.id}/link`,
      { language: 'fr' },
      boss,
    );
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ purpose: 'invite', emailed: true });
    expect(sent.body.link).toBeUndefined();

    const mail = await smtp.next('nina@acme.example');
    const text = mailText(mail.raw);
    expect(text).toContain('Bonjour Nina');
    const link = activationLink(mail.raw);
    expect(link.startsWith(`${server.url}/activate#`)).toBe(true);

    const users = await api(server, 'GET', '/api/v1/manage/users', undefined, boss);
    expect(
      users.body.users.find((u: { email: string }) => u.email === 'nina@acme.example').pendingLink,
    ).toMatchObject({
      purpose: 'invite',
      expiresAt: clock + INVITE_TTL_MS,
    });

    const info = await api(server, 'POST', '/api/v1/account/link', { token: tokenOf(link) });
    expect(info.body).toMatchObject({ purpose: 'invite', email: 'nina@acme.example', name: 'Nina' });
    // A weak password is refused and does not use the link up.
    const weak = await api(server, 'POST', '/api/v1/account/password', {
      token: tokenOf(link),
      password: 'nina12345678',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    const set = await api(server, 'POST', '/api/v1/account/password', {
      token: tokenOf(link),
      password: NEW_PASSWORD,
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ email: 'nina@acme.example', role: 'agent' });
    expect((await login(server, 'nina@acme.example', NEW_PASSWORD)).role).toBe('agent');

    const again = await api(server, 'POST', '/api/v1/account/password', {
      token: tokenOf(link),
      password: 'another good passphrase',
    });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('link_used');
    const audit = await server.store.audit.query({ target: created.body.id, offset: 0, limit: 10 });
    expect(audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.add', 'user.invite', 'user.activate_link']),
    );
  });

  it('resets a password by link: the old password works until then, the link dies after use and after expiry', async () => {
    const nina = (await server.store.users.byEmail('nina@acme.example'))!;
    const agentToken = (await login(server, 'nina@acme.example', NEW_PASSWORD)).token;

    // A first reset link, replaced by a second: the first is dead at once.
    await api(server, 'POST', `/api/v1/manage/users/${nina.id}/link`, {}, boss);
    const first = activationLink((await smtp.next('nina@acme.example')).raw);
    const second = await api(server, 'POST', `/api/v1/manage/users/${nina.id}/link`, {}, boss);
    expect(second.body).toMatchObject({ purpose: 'reset', emailed: true, expiresAt: clock + RESET_TTL_MS });
    const secondLink = activationLink((await smtp.next('nina@acme.example')).raw);
    expect(mailText(smtp.messages.at(-1)!.raw)).toContain('Hello Nina');
    expect(
      (await api(server, 'POST', '/api/v1/account/link', { token: tokenOf(first) })).body.error.code,
    ).toBe('link_used');

    // The old password still signs in until the new one is chosen.
    expect((await login(server, 'nina@acme.example', NEW_PASSWORD)).role).toBe('agent');
    const reset = await api(server, 'POST', '/api/v1/account/password', {
      token: tokenOf(secondLink),
      password: 'the second passphrase',
    });
    expect(reset.status).toBe(200);
    // Choosing it signs the old sign-ins out and retires the old password.
    expect((await api(server, 'GET', '/api/v1/auth/me', undefined, agentToken)).body.error.code).toBe(
      'signed_out',
    );
    expect(
      (
        await api(server, 'POST', '/api/v1/auth/login', {
          email: 'nina@acme.example',
          password: NEW_PASSWORD,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await api(server, 'POST', '/api/v1/account/password', {
          token: tokenOf(secondLink),
          password: 'yet another passphrase',
        })
      ).body.error.code,
    ).toBe('link_used');

    // Expiry: a link a day and a minute old is dead.
    await api(server, 'POST', `/api/v1/manage/users/${nina.id}/link`, {}, boss);
    const late = activationLink((await smtp.next('nina@acme.example')).raw);
    clock += RESET_TTL_MS + 60_000;
    const expired = await api(server, 'POST', '/api/v1/account/password', {
      token: tokenOf(late),
      password: 'too late passphrase',
    });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('link_expired');
    expect(
      (await api(server, 'POST', '/api/v1/account/link', { token: 'made-up-token' })).body.error.code,
    ).toBe('link_invalid');

    // Neither a link token nor a password ever reached the log.
    const log = logLines.join('');
    for (const secret of [
      tokenOf(first),
      tokenOf(secondLink),
      tokenOf(late),
      NEW_PASSWORD,
      'the second passphrase',
    ])
      expect(log).not.toContain(secret);
    // Nor an e-mail: only links.
    for (const m of smtp.messages) expect(mailText(m.raw)).not.toMatch(/passphrase/);
  });

  it('refuses a link for a deactivated account', async () => {
    const gone = await addAccount(server, 'gone@acme.example', 'agent', { inactive: true });
    const r = await api(server, 'POST', `/api/v1/manage/users/${gone.id}/link`, {}, boss);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('account_inactive');
  });
});

describe('account links without SMTP', () => {
  it('gives the manager the link to copy, and it works the same', async () => {
    const plain = await startTestServer();
    try {
      await addAccount(plain, 'boss@plain.example', 'manager');
      const token = (await login(plain, 'boss@plain.example')).token;
      const user = await api(
        plain,
        'POST',
        '/api/v1/manage/users',
        { email: 'ole@plain.example', name: 'Ole', role: 'agent' },
        token,
      );
      const r = await api(plain, 'POST', `/api/v1/manage/users/${user.body.id}/link`, {}, token);
      expect(r.body).toMatchObject({ purpose: 'invite', emailed: false });
      expect(r.body.link).toMatch(new RegExp(`^${plain.url}/activate#[A-Za-z0-9_-]{43}$`));
      const set = await api(plain, 'POST', '/api/v1/account/password', {
        token: r.body.link.split('#')[1],
        password: 'a long enough secret',
      });
      expect(set.status).toBe(200);
    } finally {
      await plain.stop();
    }
  });
});
