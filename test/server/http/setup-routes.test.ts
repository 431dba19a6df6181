import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../../server/config';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAccount, api } from './api-client';

const servers: TestServer[] = [];
async function fresh(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  const s = await startTestServer(config);
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

function tokenOf(server: TestServer): string {
  expect(server.setupLink).toMatch(new RegExp(`^${server.url}/setup#[A-Za-z0-9_-]{43}$`));
  return server.setupLink!.split('#')[1]!;
}

const form = (setupToken: string) => ({
  setupToken,
  companyName: 'Acme Help Desk',
  name: 'Mia Manager',
  email: ' Mia@Acme.example ',
  password: 'a long enough secret',
});

async function expectSealed(server: TestServer) {
  for (const [method, path] of [
    ['GET', '/api/v1/setup'],
    ['POST', '/api/v1/setup'],
    ['GET', '/setup'],
    ['GET', '/setup/'],
    ['GET', '/setup/setup.js'],
  ] as const) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(method === 'POST'
        ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(form('x')) }
        : {}),
    });
    expect(res.status, `${method} ${path}`).toBe(404);
    await res.arrayBuffer();
  }
}

describe('first-run setup', () => {
  it('offers a one-time link while no manager exists, with the built-in page when none is built', async () => {
    const server = await fresh({ pagesDir: join(tmpdir(), 'lifeline-no-pages-here') });
    tokenOf(server);
    expect(await api(server, 'GET', '/api/v1/setup')).toMatchObject({ status: 200, body: { needed: true } });
    const page = await fetch(`${server.url}/setup`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/setup/setup.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<)/);
    const script = await fetch(`${server.url}/setup/setup.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('/api/v1/setup');
  });

  it('serves the built setup page when there is one, and seals it too', async () => {
    const pagesDir = mkdtempSync(join(tmpdir(), 'lifeline-pages-'));
    mkdirSync(join(pagesDir, 'setup'));
    writeFileSync(join(pagesDir, 'setup', 'index.html'), '<!doctype html><title>built setup page</title>');
    try {
      const server = await fresh({ pagesDir });
      const page = await fetch(`${server.url}/setup/`);
      expect(await page.text()).toContain('built setup page');
      await addAccount(server, 'it@acme.example', 'manager');
      await expectSealed(server);
    } finally {
      rmSync(pagesDir, { recursive: true, force: true });
    }
  });

  it('creates the company and its first manager, signs them in, audits it, then seals every setup route', async () => {
    const server = await fresh();
    const token = tokenOf(server);
    const r = await api(server, 'POST', '/api/v1/setup', form(token));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      role: 'manager',
      agent: { name: 'Mia Manager', email: 'mia@acme.example' },
    });
    expect((await server.store.company.get())?.name).toBe('Acme Help Desk');
    const users = await api(server, 'GET', '/api/v1/manage/users', undefined, r.body.token);
    expect(users.status).toBe(200);
    expect(users.body.users).toEqual([
      expect.objectContaining({ email: 'mia@acme.example', role: 'manager', state: 'active' }),
    ]);
    const audit = await server.store.audit.recent(10);
    expect(audit.find((a) => a.action === 'setup.complete')).toMatchObject({
      actor: 'setup',
      details: { company: 'Acme Help Desk', email: 'mia@acme.example' },
      address: expect.any(String),
    });
    expect(audit.find((a) => a.action === 'user.add')).toMatchObject({
      actor: 'setup',
      details: { role: 'manager' },
    });
    await expectSealed(server);
    // The same link again is refused too (404, not "wrong token").
    expect((await api(server, 'POST', '/api/v1/setup', form(token))).status).toBe(404);
  });

  it('stays sealed after a restart, and a restart before setup makes a new link', async () => {
    const first = await fresh();
    const oldToken = tokenOf(first);
    await first.stop(true);
    servers.splice(servers.indexOf(first), 1);
    const second = await fresh({ dataDir: first.dataDir });
    const newToken = tokenOf(second);
    expect(newToken).not.toBe(oldToken);
    const stale = await api(second, 'POST', '/api/v1/setup', form(oldToken));
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('token_invalid');
    expect((await api(second, 'POST', '/api/v1/setup', form(newToken))).status).toBe(201);
    await second.stop(true);
    servers.splice(servers.indexOf(second), 1);
    const third = await fresh({ dataDir: first.dataDir });
    expect(third.setupLink).toBeNull();
    await expectSealed(third);
  });

  it('refuses weak passwords and invalid fields without using up the link', async () => {
    const server = await fresh();
    const token = tokenOf(server);
    const weak = await api(server, 'POST', '/api/v1/setup', { ...form(token), password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    const bad = await api(server, 'POST', '/api/v1/setup', { ...form(token), companyName: '' });
    expect(bad.body.error).toMatchObject({ code: 'invalid_message', details: { field: 'companyName' } });
    expect(await server.store.users.countManagers()).toBe(0);
    expect((await api(server, 'POST', '/api/v1/setup', form(token))).status).toBe(201);
  });

  it('seals as soon as a manager exists by any other door (the CLI, on the same database)', async () => {
    const server = await fresh();
    const token = tokenOf(server);
    await addAccount(server, 'it@acme.example', 'manager');
    await expectSealed(server);
    expect((await api(server, 'POST', '/api/v1/setup', form(token))).status).toBe(404);
  });

  it('lets exactly one of two simultaneous setups through', async () => {
    const server = await fresh();
    const token = tokenOf(server);
    const replies = await Promise.all([
      api(server, 'POST', '/api/v1/setup', form(token)),
      api(server, 'POST', '/api/v1/setup', { ...form(token), email: 'other@acme.example' }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 404]);
    expect(await server.store.users.countManagers()).toBe(1);
  });
});
