/**
 * Every declared management route (server.apiRoutes: the same list the router and the OpenAPI
 * document use) x every kind of caller x path variants, against a real server: the server, not
 * the page, decides. A denied caller gets exactly 401 (anonymous, bad token) or 403 (agent,
 * read-only token on a change, any token on token management) and nothing changes; an allowed
 * caller gets past the door (a GET without parameters answers 200 with a body its schema
 * accepts; others, sent ids that do not exist and empty bodies, answer 400 or 404, so nothing is
 * changed by the matrix itself). Variants: trailing slash and dot segments (`/./`, `/x/%2e%2e/`)
 * must behave exactly like the canonical path; a path in another case is no route at all (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRoute } from '../../../server/http/api-route';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAccount, login } from '../http/api-client';

type Role = 'anonymous' | 'agent' | 'manager' | 'readToken' | 'fullToken';
const ROLES: readonly Role[] = ['anonymous', 'agent', 'manager', 'readToken', 'fullToken'];

type Variant = 'canonical' | 'trailingSlash' | 'dotSegment' | 'encodedDots' | 'upperCase';
const VARIANTS: Record<Variant, (path: string) => string> = {
  canonical: (p) => p,
  trailingSlash: (p) => `${p}/`,
  dotSegment: (p) => p.replace('/api/v1/', '/api/v1/./'),
  encodedDots: (p) => p.replace('/api/v1/', '/api/v1/x/%2e%2E/'),
  upperCase: (p) => p.replace('/api/v1/', '/API/V1/'),
};

/** What the access table (server/http/manage-access.ts) says each role gets. */
function expected(route: ApiRoute, role: Role): 'allowed' | 401 | 403 {
  if (route.access === 'public' || role === 'manager') return 'allowed';
  if (role === 'anonymous') return 401;
  if (role === 'agent') return 403;
  if (route.access === 'manager') return 403;
  if (route.access === 'write' && role === 'readToken') return 403;
  return 'allowed';
}

/** Parameters that name nothing: an allowed caller gets 404, never a change. */
function concrete(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
    name === 'slug' ? 'no-such-portal' : 'nothing-here',
  );
}

let server: TestServer;
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  server = await startTestServer();
  await server.services.accounts.createCompany('Matrix Inc', 'test');
  await addAccount(server, 'boss@matrix.example', 'manager', { name: 'Boss' });
  await addAccount(server, 'agent@matrix.example', 'agent', { name: 'Agent' });
  tokens.manager = (await login(server, 'boss@matrix.example')).token;
  tokens.agent = (await login(server, 'agent@matrix.example')).token;
  tokens.readToken = (
    await server.services.apiTokens.create({ name: 'r', scope: 'read', expiresAt: null }, 'test')
  ).token;
  tokens.fullToken = (
    await server.services.apiTokens.create({ name: 'f', scope: 'full', expiresAt: null }, 'test')
  ).token;
});
afterAll(async () => {
  await server?.stop();
});

async function call(route: ApiRoute, path: string, role: Role) {
  const token = tokens[role];
  const res = await fetch(`${server.url}${path}`, {
    method: route.method,
    redirect: 'manual',
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(route.method !== 'GET' && route.method !== 'DELETE' ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(route.method !== 'GET' && route.method !== 'DELETE' ? { body: '{}' } : {}),
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('route x role matrix', () => {
  it('holds for every route, caller and path variant: 0 mismatches', async () => {
    const routes = server.apiRoutes;
    expect(routes.length).toBeGreaterThan(25);
    const auditBefore = (await server.store.audit.query({ offset: 0, limit: 1 })).total;
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const path = concrete(route.path);
      const hasParams = path !== route.path;
      for (const role of ROLES) {
        for (const [variant, transform] of Object.entries(VARIANTS) as [Variant, (p: string) => string][]) {
          cells++;
          const { status, text } = await call(route, transform(path), role);
          const want = variant === 'upperCase' ? 404 : expected(route, role);
          const where = `${route.method} ${transform(path)} as ${role} (${variant})`;
          if (want === 'allowed') {
            if (status === 401 || status === 403 || status >= 500)
              mismatches.push(`${where}: ${status} ${text.slice(0, 120)}`);
            else if (route.method === 'GET' && !hasParams && status !== 200)
              mismatches.push(`${where}: ${status}, expected 200`);
            else if (route.method === 'GET' && !hasParams && route.response) {
              const parsed = route.response.safeParse(JSON.parse(text));
              if (!parsed.success) mismatches.push(`${where}: answer does not match its schema`);
            }
          } else if (status !== want) {
            mismatches.push(`${where}: ${status}, expected ${want}`);
          }
        }
      }
    }
    console.log(
      `route x role matrix: ${routes.length} routes x ${ROLES.length} callers x ${Object.keys(VARIANTS).length} path variants = ${cells} requests, ${mismatches.length} mismatches`,
    );
    expect(mismatches).toEqual([]);
    // Denied calls and empty bodies changed nothing: the only audit entries are none at all.
    expect((await server.store.audit.query({ offset: 0, limit: 1 })).total).toBe(auditBefore);
  });

  it('refuses an expired or revoked API token on its next request, and never lists a token itself', async () => {
    const now = Date.now();
    const short = await server.services.apiTokens.create(
      { name: 'soon', scope: 'full', expiresAt: now + 1500 },
      'test',
    );
    const ok = await fetch(`${server.url}/api/v1/manage/users`, {
      headers: { Authorization: `Bearer ${short.token}` },
    });
    expect(ok.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await fetch(`${server.url}/api/v1/manage/users`, {
      headers: { Authorization: `Bearer ${short.token}` },
    });
    expect(expired.status).toBe(401);
    expect((await expired.json()).error).toMatchObject({
      code: 'api_token_expired',
      details: { reason: 'expired' },
    });

    const doomed = await server.services.apiTokens.create(
      { name: 'doomed', scope: 'read', expiresAt: null },
      'test',
    );
    const revoke = await fetch(`${server.url}/api/v1/manage/api-tokens/${doomed.view.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${tokens.manager}` },
    });
    expect(revoke.status).toBe(204);
    const revoked = await fetch(`${server.url}/api/v1/manage/seats`, {
      headers: { Authorization: `Bearer ${doomed.token}` },
    });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.details.reason).toBe('revoked');
    // A token is shown once: the list never holds it, only its name and scope.
    const list = await fetch(`${server.url}/api/v1/manage/api-tokens`, {
      headers: { Authorization: `Bearer ${tokens.manager}` },
    });
    const listed = JSON.stringify(await list.json());
    expect(listed).not.toContain(doomed.token);
    expect(listed).toContain('doomed');
  });

  it('serves an OpenAPI document naming every declared route', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of server.apiRoutes) {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    }
  });
});
