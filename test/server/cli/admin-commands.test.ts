import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../server/cli/cli-error';
import { companyCommand } from '../../../server/cli/commands/company-command';
import { portalCommand } from '../../../server/cli/commands/portal-command';
import { seatsCommand } from '../../../server/cli/commands/seats-command';
import { parseFeatureSettings, userCommand } from '../../../server/cli/commands/user-command';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store';
import { makeDataDir, startTestServer } from '../../support/test-server';
import { api, login } from '../http/api-client';
import { fakeIo } from './cli-io-fake';

const PW = 'cli password 123';
let data: string;
beforeAll(() => {
  data = makeDataDir();
});
afterAll(() => rmSync(data, { recursive: true, force: true }));

/** Runs a command in-process; returns its exit code (CliError's code when it throws) and output. */
async function run(
  command: (argv: string[], io: ReturnType<typeof fakeIo>) => Promise<number>,
  argv: string[],
  stdin = '',
) {
  const io = fakeIo(stdin);
  try {
    const code = await command([...argv, '--data', data], io);
    return { code, out: io.stdout, err: io.stderr };
  } catch (e) {
    if (e instanceof CliError) return { code: e.exitCode, out: io.stdout, err: e.message };
    throw e;
  }
}

async function readStore<T>(work: (s: ReturnType<typeof openSqliteStore>) => Promise<T>): Promise<T> {
  const store = openSqliteStore(data);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

describe('lifeline company / seats', () => {
  it('needs the company before seats, then sets and lifts the limit', async () => {
    expect(await run(seatsCommand, ['set', '2'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('create the company first'),
    });
    expect(await run(companyCommand, ['create', '--name', '  Acme IT '])).toMatchObject({
      code: 0,
      out: 'company "Acme IT" is set\n',
    });
    expect((await run(seatsCommand, ['set', '2'])).out).toBe('seats: 2\n');
    expect(await readStore((s) => s.company.get())).toMatchObject({ name: 'Acme IT', seats: 2 });
    for (const bad of ['0', 'many', '-3', '2.5'])
      expect((await run(seatsCommand, ['set', bad])).code, bad).toBe(2);
    expect((await run(seatsCommand, ['set', 'unlimited'])).out).toBe('seats: unlimited\n');
    expect((await run(companyCommand, ['show'])).out).toBe('name: Acme IT\nseats: unlimited\n');
  });
});

describe('lifeline user', () => {
  it('adds users (password only from stdin), lists them, and refuses duplicates', async () => {
    const added = await run(
      userCommand,
      ['add', '--email', ' Rob@Acme.example', '--role', 'manager', '--name', 'Rob', '--password-stdin'],
      `${PW}\n`,
    );
    expect(added).toMatchObject({ code: 0, out: 'manager rob@acme.example added (active)\n' });
    const invited = await run(userCommand, ['add', '--email', 'sue@acme.example', '--role', 'agent']);
    expect(invited.out).toBe('agent sue@acme.example added (invited)\n');
    expect(invited.err).toContain('reset-password sue@acme.example');
    const off = await run(
      userCommand,
      ['add', '--email', 'tom@acme.example', '--role', 'agent', '--password-stdin', '--inactive'],
      PW,
    );
    expect(off.out).toContain('(deactivated)');
    expect(await run(userCommand, ['add', '--email', 'rob@acme.example', '--role', 'agent'])).toMatchObject({
      code: 1,
      err: 'rob@acme.example already has an account',
    });
    const list = await run(userCommand, ['--data', data, 'list']);
    expect(list.out.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATE\s+PORTALS$/);
    expect(list.out).toMatch(/rob@acme\.example\s+Rob\s+manager\s+active/);
    const json = JSON.parse((await run(userCommand, ['list', '--json'])).out) as {
      email: string;
      state: string;
    }[];
    expect(json.map((u) => [u.email, u.state])).toEqual([
      ['rob@acme.example', 'active'],
      ['sue@acme.example', 'invited'],
      ['tom@acme.example', 'deactivated'],
    ]);
    const audit = await readStore((s) => s.audit.recent(20));
    expect(audit.filter((a) => a.action === 'user.add').every((a) => a.actor === 'cli')).toBe(true);
  });

  it('answers usage mistakes with exit 2 and the usage line', async () => {
    const cases: [string[], RegExp][] = [
      [['add', '--email', 'x@acme.example', '--role', 'boss'], /--role/],
      [['add', '--email', 'not an email', '--role', 'agent'], /--email/],
      [
        ['add', '--email', 'x@acme.example', '--role', 'agent', '--password', 'in-argv'],
        /Unknown option '--password'/,
      ],
      [['reset-password', 'rob@acme.example'], /--password-stdin/],
      [['activate'], /expected E/],
      [['frobnicate'], /unknown sub-command "frobnicate"[\s\S]*lifeline user add/],
      [[], /which one\?/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(userCommand, argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
  });

  it('refuses a weak or empty password from stdin and an unknown user, with exit 1', async () => {
    expect(
      await run(userCommand, ['reset-password', 'sue@acme.example', '--password-stdin'], 'short\n'),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('password too weak'),
    });
    expect(
      (await run(userCommand, ['reset-password', 'sue@acme.example', '--password-stdin'], '\n')).code,
    ).toBe(1);
    expect(await run(userCommand, ['activate', 'nobody@acme.example'])).toMatchObject({
      code: 1,
      err: 'no account for nobody@acme.example',
    });
    expect((await run(userCommand, ['activate', 'sue@acme.example'])).err).toContain('has no password yet');
  });

  it('sets and shows features', async () => {
    const r = await run(userCommand, [
      'features',
      'sue@acme.example',
      '--set',
      'shareMyScreen=on, fileTransfer=off',
    ]);
    expect(r.out).toMatch(/shareMyScreen\s+on/);
    expect(r.out).toMatch(/fileTransfer\s+off/);
    const json = JSON.parse((await run(userCommand, ['features', 'SUE@acme.example', '--json'])).out);
    expect(json).toEqual({
      screenView: true,
      screenControl: true,
      fileTransfer: false,
      shareMyScreen: true,
      transfer: true,
      clipboard: true,
      reboot: true,
      multiChat: true,
    });
    expect(() => parseFeatureSettings('teleport=on')).toThrow(/names: screenView/);
    expect(() => parseFeatureSettings('screenView=maybe')).toThrow(/on or off/);
    expect(() => parseFeatureSettings('')).toThrow(/at least one/);
  });

  it('protects the last active manager', async () => {
    expect(await run(userCommand, ['deactivate', 'rob@acme.example'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('last active manager'),
    });
  });
});

describe('lifeline portal', () => {
  it('adds portals, assigns and unassigns agents, lists them', async () => {
    expect((await run(portalCommand, ['add', 'helpdesk', '--name', 'Help desk'])).out).toContain(
      '/support/helpdesk',
    );
    expect((await run(portalCommand, ['add', 'helpdesk'])).code).toBe(1);
    expect((await run(portalCommand, ['add', 'Bad_Slug'])).code).toBe(2);
    expect((await run(portalCommand, ['add', 'sales'])).code).toBe(0);
    expect((await run(portalCommand, ['assign', 'helpdesk', 'SUE@acme.example'])).out).toBe(
      'sue@acme.example now serves portal helpdesk\n',
    );
    expect((await run(portalCommand, ['assign', 'helpdesk', 'rob@acme.example'])).code).toBe(0);
    expect((await run(portalCommand, ['assign', 'nope', 'sue@acme.example'])).code).toBe(1);
    const list = await run(portalCommand, ['list']);
    expect(list.out).toMatch(/helpdesk\s+Help desk\s+rob@acme\.example, sue@acme\.example/);
    expect(list.out).toMatch(/sales\s+sales\s+-/);
    expect((await run(portalCommand, ['unassign', 'helpdesk', 'rob@acme.example'])).code).toBe(0);
    const json = JSON.parse((await run(portalCommand, ['list', '--json'])).out) as {
      slug: string;
      agents: { email: string }[];
    }[];
    expect(json.find((p) => p.slug === 'helpdesk')?.agents.map((a) => a.email)).toEqual(['sue@acme.example']);
    expect((await run(userCommand, ['list'])).out).toMatch(
      /sue@acme\.example\s+sue\s+agent\s+invited\s+helpdesk/,
    );
  });
});

describe('the CLI next to a running server (same database, separate connection)', () => {
  it('deactivation and password reset done by the CLI sign the agent out of the server', async () => {
    const server = await startTestServer({ dataDir: data });
    try {
      expect(server.setupLink).toBeNull(); // a manager exists: no setup link
      await run(userCommand, ['reset-password', 'sue@acme.example', '--password-stdin'], `${PW}\n`);
      const sue = await login(server, 'sue@acme.example', PW);
      expect((await api(server, 'GET', '/api/v1/auth/me', undefined, sue.token)).status).toBe(200);
      expect(await server.services.auth.endedElsewhere(sue.loginId)).toBeNull();

      const r = await run(userCommand, ['deactivate', 'sue@acme.example']);
      expect(r.out).toBe('sue@acme.example is deactivated\nended 1 sign-in(s) of sue@acme.example\n');
      // New requests fail at once (the store is read on every request) ...
      const me = await api(server, 'GET', '/api/v1/auth/me', undefined, sue.token);
      expect(me.body.error).toMatchObject({ code: 'signed_out', details: { reason: 'deactivated' } });
      // ... and live connections learn it when they re-check.
      expect(await server.services.auth.endedElsewhere(sue.loginId)).toMatchObject({ reason: 'deactivated' });
      expect(
        (await api(server, 'POST', '/api/v1/auth/login', { email: 'sue@acme.example', password: PW })).body
          .error.code,
      ).toBe('account_inactive');

      await run(userCommand, ['activate', 'sue@acme.example']);
      const again = await login(server, 'sue@acme.example', PW);
      await run(
        userCommand,
        ['reset-password', 'sue@acme.example', '--password-stdin'],
        'a different password\n',
      );
      expect(await server.services.auth.endedElsewhere(again.loginId)).toMatchObject({
        reason: 'password_reset',
      });
      expect((await api(server, 'GET', '/api/v1/auth/me', undefined, again.token)).status).toBe(401);
    } finally {
      await server.stop(true);
    }
  });
});
