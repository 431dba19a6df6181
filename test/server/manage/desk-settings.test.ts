/**
 * The manager's transfer timeout (GET/PUT /api/v1/manage/settings) and what the reports say of
 * the new turns of a session: callback requests (kind, "callback requested", "called back") and
 * customers who left before anyone answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  customerViaWs,
  resultOf,
  seen,
  unique,
} from '../../support/workflow';
import { addAccount, api, login } from '../http/api-client';

let server: TestServer;
let manager: string;
beforeAll(async () => {
  server = await startTestServer({}, { workflow: { customerGraceMs: 300, requestsPerAddress: 10_000 } });
  await server.services.accounts.createCompany('Desk Inc', 'test');
  await addAccount(server, 'boss@desk.example', 'manager', { name: 'Boss' });
  manager = (await login(server, 'boss@desk.example')).token;
});
afterAll(() => server.stop());

describe('transfer timeout', () => {
  it('is 2 minutes by default, set by a manager within 15-3600 s, audited, and refused to agents', async () => {
    expect((await api(server, 'GET', '/api/v1/manage/settings', undefined, manager)).body).toEqual({
      transferTimeoutSeconds: 120,
    });
    for (const bad of [14, 3601, 1.5, '60']) {
      const r = await api(server, 'PUT', '/api/v1/manage/settings', { transferTimeoutSeconds: bad }, manager);
      expect(r.status, String(bad)).toBe(400);
    }
    await addAccount(server, 'agent@desk.example', 'agent', { name: 'Agent' });
    const agent = (await login(server, 'agent@desk.example')).token;
    expect(
      (await api(server, 'PUT', '/api/v1/manage/settings', { transferTimeoutSeconds: 60 }, agent)).status,
    ).toBe(403);
    const put = await api(server, 'PUT', '/api/v1/manage/settings', { transferTimeoutSeconds: 45 }, manager);
    expect(put).toMatchObject({ status: 200, body: { transferTimeoutSeconds: 45 } });
    expect((await server.store.audit.recent(5)).map((e) => e.action)).toContain('company.transfer_timeout');
  });

  it('applies to a transfer already waiting: its deadline moves', async () => {
    const slug = unique('t').toLowerCase();
    await addPortal(server, slug);
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const bob = await addAgent(server, { name: 'Bob' });
    await api(server, 'PUT', '/api/v1/manage/settings', { transferTimeoutSeconds: 3600 }, manager);
    const customer = await acceptedSession(server, ann, slug);
    resultOf(
      await ann.client.request({
        type: 'session.transfer',
        sessionId: customer.sessionId,
        target: { kind: 'agent', agentId: bob.user.id },
        comment: '',
      }),
    );
    const first = server.services.workflow.sessions.deadlines.of(customer.sessionId)!;
    await api(server, 'PUT', '/api/v1/manage/settings', { transferTimeoutSeconds: 15 }, manager);
    const moved = server.services.workflow.sessions.deadlines.of(customer.sessionId)!;
    expect(first - moved).toBe((3600 - 15) * 1000);
    expect(server.services.workflow.sessions.queue.get(customer.sessionId)?.answerBy).toBe(moved);
    await closeAll(customer.client, ann.client, bob.client);
  });
});

describe('reports', () => {
  it('show callback requests as their own kind and outcome, and customers who left', async () => {
    const slug = unique('r').toLowerCase();
    await addPortal(server, slug);
    const ann = await addAgent(server, { portals: [slug], name: 'Ann' });
    const waiting = await customerViaWs(server, slug, { name: 'Wanda' });
    resultOf(await waiting.client.request({ type: 'request.callback', email: 'wanda@example.com' }));
    const handled = await customerViaWs(server, slug, { name: 'Hal' });
    resultOf(await handled.client.request({ type: 'request.callback', email: 'hal@example.com' }));
    resultOf(
      await ann.client.request({ type: 'callback.handled', sessionId: handled.sessionId, note: 'Done' }),
    );
    const gone = await customerViaWs(server, slug, { name: 'Gone' });
    await closeAll(gone.client);
    await seen(ann.client, (m) => m.type === 'queue.removed' && m.sessionId === gone.sessionId);

    const page = await api(server, 'GET', `/api/v1/manage/sessions?portal=${slug}`, undefined, manager);
    const byName = new Map(
      (page.body.sessions as { customerName: string; kind: string; outcome: string }[]).map((s) => [
        s.customerName,
        s,
      ]),
    );
    expect(byName.get('Wanda')).toMatchObject({ kind: 'callback', outcome: 'callback' });
    expect(byName.get('Hal')).toMatchObject({ kind: 'callback', outcome: 'handled' });
    expect(byName.get('Gone')).toMatchObject({ kind: 'live', outcome: 'left' });
    for (const [outcome, names] of [
      ['callback', ['Wanda']],
      ['handled', ['Hal']],
      ['left', ['Gone']],
    ] as const) {
      const r = await api(
        server,
        'GET',
        `/api/v1/manage/sessions?portal=${slug}&outcome=${outcome}`,
        undefined,
        manager,
      );
      expect(
        r.body.sessions.map((s: { customerName: string }) => s.customerName),
        outcome,
      ).toEqual(names);
    }
    const csv = await (
      await fetch(`${server.url}/api/v1/manage/sessions/export.csv?portal=${slug}`, {
        headers: { Authorization: `Bearer ${manager}` },
      })
    ).text();
    expect(csv.split(/\r?\n/)[0]).toMatch(/,"kind"$/);
    expect(csv).toContain(`"callback"`);
    await closeAll(waiting.client, handled.client, ann.client);
  });
});
