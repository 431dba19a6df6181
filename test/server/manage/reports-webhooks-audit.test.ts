/**
 * What a manager reads after the work is done, against a real server and real sockets: a session
 * with a transfer lands in the report with both agents, the transfer comment, the comment and the
 * transcript, is found by search, exports to CSV that parses back (quotes, commas, new lines,
 * accents, formula-looking cells neutralised) and counts in the dashboard figures. Webhooks
 * arrive signed for each event, and a receiver that is down gets retries with backoff until it
 * answers. An audit entry edited in the database is caught by `lifeline audit verify`. Features
 * switched off are refused for the next action (multiChat at accept, live push to the agent).
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../server/reports/csv';
import { SESSION_CSV_COLUMNS } from '../../../server/reports/session-csv';
import { verifySignature } from '../../../server/webhooks/webhook-signature';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  addAgent,
  addPortal,
  closeAll,
  connectViewer,
  customerViaHttp,
  resultOf,
  type ConnectedAgent,
} from '../../support/workflow';
import { addAccount, api, login } from '../http/api-client';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: TestServer;
let boss: string;
let ann: ConnectedAgent;
let bob: ConnectedAgent;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** While true the receiver answers 503 (down for maintenance). */
let receiverDown = false;

const NASTY_PROBLEM =
  '=HYPERLINK("http://evil.example","click"), "quoted", comma, and\nnew line: café ñ 日本';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiverDown ? 503 : 204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  server = await startTestServer({}, { webhooks: { retryDelaysMs: [200, 400, 800], pollMs: 50 } });
  await server.services.accounts.createCompany('Acme', 'test');
  await addAccount(server, 'boss@acme.example', 'manager', { name: 'Boss' });
  boss = (await login(server, 'boss@acme.example')).token;
  await addPortal(server, 'desk', 'Desk');
  ann = await addAgent(server, { portals: ['desk'], name: 'Ann Agent' });
  bob = await addAgent(server, { portals: ['desk'], name: 'Bob Backup' });
});
afterAll(async () => {
  await closeAll(ann?.client, bob?.client);
  await server?.stop();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

const until = async <T>(probe: () => T | undefined, what: string, ms = 5000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('session reports, webhooks and the audit chain', () => {
  let secret = '';
  let sessionId = '';

  it('registers a webhook; its secret is shown once', async () => {
    const r = await api(
      server,
      'POST',
      '/api/v1/manage/webhooks',
      {
        url: receiverUrl,
        events: ['request.created', 'session.accepted', 'session.transferred', 'session.ended'],
      },
      boss,
    );
    expect(r.status).toBe(201);
    secret = r.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const list = await api(server, 'GET', '/api/v1/manage/webhooks', undefined, boss);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const bad = await api(
      server,
      'POST',
      '/api/v1/manage/webhooks',
      { url: 'ftp://x', events: ['session.ended'] },
      boss,
    );
    expect(bad.status).toBe(400);
  });

  it('records a transferred session with both agents, comments, transcript; webhooks arrive signed', async () => {
    const customer = await customerViaHttp(server, 'desk', {
      name: 'Zoé <script>',
      email: 'zoe@example.com',
      problem: NASTY_PROBLEM,
    });
    sessionId = customer.sessionId;
    resultOf(await ann.client.request({ type: 'request.accept', sessionId }));
    resultOf(await ann.client.request({ type: 'chat.send', sessionId, text: 'Bonjour, je regarde ça' }));
    resultOf(
      await ann.client.request({
        type: 'session.transfer',
        sessionId,
        target: { kind: 'agent', agentId: bob.user.id },
        comment: 'Needs the printer "expert", see, ticket #12',
      }),
    );
    resultOf(await bob.client.request({ type: 'request.accept', sessionId }));
    resultOf(
      await bob.client.request({ type: 'session.comment', sessionId, comment: '+Fixed: driver reinstalled' }),
    );
    resultOf(await bob.client.request({ type: 'session.end', sessionId }));
    await closeAll(customer.client);

    const types = await until(() => {
      const t = received.map((r) => JSON.parse(r.body).type as string);
      return t.length >= 5 ? t : undefined;
    }, 'five webhook deliveries');
    expect(types).toEqual([
      'request.created',
      'session.accepted',
      'session.transferred',
      'session.accepted',
      'session.ended',
    ]);
    const nowS = Math.floor(Date.now() / 1000);
    for (const r of received) {
      const sig = r.headers['lifeline-signature'];
      expect(verifySignature(typeof sig === 'string' ? sig : undefined, secret, r.body, nowS)).toBe(true);
      expect(verifySignature(typeof sig === 'string' ? sig : undefined, 'whsec_wrong', r.body, nowS)).toBe(
        false,
      );
      expect(verifySignature(typeof sig === 'string' ? sig : undefined, secret, r.body + ' ', nowS)).toBe(
        false,
      );
      // A replay an hour later is refused by the timestamp.
      expect(verifySignature(typeof sig === 'string' ? sig : undefined, secret, r.body, nowS + 3600)).toBe(
        false,
      );
    }
    const transferred = JSON.parse(received[2]!.body);
    expect(transferred.data).toMatchObject({
      comment: 'Needs the printer "expert", see, ticket #12',
      to: { kind: 'agent', name: 'Bob Backup' },
    });

    const detail = await api(server, 'GET', `/api/v1/manage/sessions/${sessionId}`, undefined, boss);
    expect(detail.status).toBe(200);
    expect(detail.body.session).toMatchObject({
      customerName: 'Zoé <script>',
      problem: NASTY_PROBLEM,
      outcome: 'completed',
      comment: '+Fixed: driver reinstalled',
      agents: [
        expect.objectContaining({ name: 'Ann Agent' }),
        expect.objectContaining({ name: 'Bob Backup' }),
      ],
      transfers: [
        expect.objectContaining({
          from: expect.objectContaining({ name: 'Ann Agent' }),
          to: { kind: 'agent', ref: bob.user.id, name: 'Bob Backup' },
          comment: 'Needs the printer "expert", see, ticket #12',
        }),
      ],
      endedBy: 'agent',
    });
    expect(detail.body.transcript.map((l: { text: string }) => l.text)).toContain('Bonjour, je regarde ça');
  });

  it('finds the session by search words, agent, outcome and portal; pages through results', async () => {
    const q = (query: string) => api(server, 'GET', `/api/v1/manage/sessions?${query}`, undefined, boss);
    expect((await q('q=expert')).body.sessions.map((s: { id: string }) => s.id)).toEqual([sessionId]);
    expect((await q('q=backup')).body.total).toBe(1);
    expect((await q('q=caf%C3%A9')).body.total).toBe(1);
    expect((await q('q=nothing-like-this')).body.total).toBe(0);
    expect((await q(`agent=${bob.user.id}&outcome=completed&portal=desk`)).body.total).toBe(1);
    expect((await q('outcome=abandoned')).body.total).toBe(0);
    // A percent sign is a character, not a wildcard.
    expect((await q('q=%25')).body.total).toBe(0);
    for (let i = 0; i < 3; i++) {
      const c = await customerViaHttp(server, 'desk', { name: `Walk-away ${i}` });
      c.client.send({ type: 'request.cancel', id: `c${i}` });
      await c.client.waitType('reply');
      await closeAll(c.client);
    }
    const page1 = await q('limit=2&offset=0');
    const page2 = await q('limit=2&offset=2');
    expect(page1.body.total).toBe(4);
    expect([...page1.body.sessions, ...page2.body.sessions].map((s: { id: string }) => s.id)).toHaveLength(4);
    expect((await q('outcome=abandoned')).body.total).toBe(3);
  });

  it('exports CSV that parses back, with formula-looking cells neutralised', async () => {
    const res = await fetch(`${server.url}/api/v1/manage/sessions/export.csv?q=expert`, {
      headers: { Authorization: `Bearer ${boss}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="lifeline-sessions-/);
    const bytes = Buffer.from(await res.arrayBuffer());
    // A UTF-8 byte-order mark first, so spreadsheet programs read the accents right.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...SESSION_CSV_COLUMNS]);
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(SESSION_CSV_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    // A random id may start with "-" (1 run in 64): neutralised like any other formula-looking cell.
    expect(row['id']).toBe(/^[=+\-@]/.test(sessionId) ? `'${sessionId}` : sessionId);
    expect(row['customer']).toBe('Zoé <script>');
    // The problem starts with "=": it gets an apostrophe, and is otherwise exact.
    expect(row['problem']).toBe(`'${NASTY_PROBLEM}`);
    expect(row['comments']).toBe(`'+Fixed: driver reinstalled`);
    expect(row['transfers']).toContain(
      'Ann Agent -> Bob Backup: Needs the printer "expert", see, ticket #12',
    );
    expect(row['agents']).toContain('Bob Backup');
    // Every field is quoted: no cell of the file begins with a bare "=".
    expect(text.split(/\r\n/).some((line) => /(^|,)=/.test(line))).toBe(false);
  });

  it('counts the sessions in the dashboard figures', async () => {
    const r = await api(
      server,
      'GET',
      `/api/v1/manage/stats?from=${Date.now() - 3600_000}&to=${Date.now() + 60_000}`,
      undefined,
      boss,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ requests: 4, answered: 1, abandoned: 3 });
    expect(r.body.answerMedianMs).toBeGreaterThanOrEqual(0);
    expect(r.body.answerP90Ms).toBeGreaterThanOrEqual(r.body.answerMedianMs);
    expect(r.body.sessionsPerAgent.map((a: { agent: { name: string } }) => a.agent.name).sort()).toEqual([
      'Ann Agent',
      'Bob Backup',
    ]);
    expect(r.body.requestsPerHour.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(4);
    expect((await api(server, 'GET', '/api/v1/manage/stats?from=10&to=5', undefined, boss)).status).toBe(400);
  });

  it('retries a delivery while the receiver is down, then delivers; the log shows every attempt', async () => {
    receiverDown = true;
    const before = received.length;
    const c = await customerViaHttp(server, 'desk', { name: 'Retry Rita' });
    await until(() => (received.length >= before + 2 ? true : undefined), 'two failed attempts', 5000);
    receiverDown = false;
    const hooks = await api(server, 'GET', '/api/v1/manage/webhooks', undefined, boss);
    const id = hooks.body.webhooks[0].id;
    const log = await (async () => {
      const end = Date.now() + 5000;
      for (;;) {
        const r = await api(server, 'GET', `/api/v1/manage/webhooks/${id}/deliveries`, undefined, boss);
        const d = r.body.deliveries.find(
          (x: { state: string; attempts: number }) => x.attempts >= 2 && x.state === 'delivered',
        );
        if (d) return d;
        if (Date.now() > end) throw new Error(JSON.stringify(r.body));
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    expect(log).toMatchObject({ event: 'request.created', state: 'delivered', lastStatus: 204 });
    // The same delivery id came each time: the receiver can tell a retry from a new event.
    const ids = received.slice(before).map((r) => r.headers['lifeline-delivery']);
    expect(new Set(ids).size).toBe(1);
    await closeAll(c.client);
  });

  it('refuses a second session to an agent without multi-chat, and tells the agent at once', async () => {
    const patch = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${ann.user.id}`,
      { features: { multiChat: false, shareMyScreen: true } },
      boss,
    );
    expect(patch.body.features).toMatchObject({ multiChat: false, shareMyScreen: true, clipboard: true });
    // A later change names only what it changes: multiChat stays off.
    const later = await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${ann.user.id}`,
      { features: { clipboard: false } },
      boss,
    );
    expect(later.body.features).toMatchObject({ multiChat: false, clipboard: false, shareMyScreen: true });
    await api(
      server,
      'PATCH',
      `/api/v1/manage/users/${ann.user.id}`,
      { features: { clipboard: true } },
      boss,
    );
    const pushed = await ann.client.waitType('agent.features');
    expect(pushed).toMatchObject({ features: { multiChat: false, shareMyScreen: true } });
    const first = await customerViaHttp(server, 'desk', { name: 'One' });
    const second = await customerViaHttp(server, 'desk', { name: 'Two' });
    resultOf(await ann.client.request({ type: 'request.accept', sessionId: first.sessionId }));
    const refused = await ann.client.request({ type: 'request.accept', sessionId: second.sessionId });
    expect(refused).toMatchObject({ type: 'error', code: 'feature_disabled' });
    await closeAll(first.client, second.client);
  });

  it('catches an audit entry edited in the database: lifeline audit verify names the first broken link', async () => {
    const ok = await api(server, 'GET', '/api/v1/manage/audit/verify', undefined, boss);
    expect(ok.body).toMatchObject({ ok: true });
    const entries = ok.body.entries as number;
    expect(entries).toBeGreaterThan(10);
    // Run asynchronously: this process serves the server under test, its event loop must go on.
    const cli = (...args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['bin/lifeline.mjs', 'audit', ...args, '--data', server.dataDir],
          { encoding: 'utf8' },
          (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        );
      });
    // Someone with the database file rewrites who did something.
    const db = new Database(join(server.dataDir, DATABASE_FILE));
    const victim = db
      .prepare("SELECT id, actor FROM audit WHERE action = 'session.transfer' LIMIT 1")
      .get() as {
      id: number;
      actor: string;
    };
    db.prepare("UPDATE audit SET actor = 'somebody-else' WHERE id = ?").run(victim.id);
    db.close();

    const broken = await cli('verify');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(`audit log broken at entry ${victim.id} (session.transfer`);
    expect(broken.stderr).toContain('the entry was changed');
    const api2 = await api(server, 'GET', '/api/v1/manage/audit/verify', undefined, boss);
    expect(api2.body).toMatchObject({ ok: false, brokenAt: victim.id, reason: 'entry_changed' });

    // Put it back and delete the entry after it instead: the link of the one after that breaks.
    const db2 = new Database(join(server.dataDir, DATABASE_FILE));
    db2.prepare('UPDATE audit SET actor = ? WHERE id = ?').run(victim.actor, victim.id);
    db2.prepare('DELETE FROM audit WHERE id = ?').run(victim.id + 1);
    db2.close();
    const gap = await api(server, 'GET', '/api/v1/manage/audit/verify', undefined, boss);
    expect(gap.body).toMatchObject({ ok: false, brokenAt: victim.id + 2, reason: 'chain_broken' });
    const filter = await api(server, 'GET', '/api/v1/manage/audit?action=session.&limit=5', undefined, boss);
    expect(filter.body.entries.every((e: { action: string }) => e.action.startsWith('session.'))).toBe(true);
  });
  it('lists files the viewer reports as verified, with their SHA-256, in the report', async () => {
    const customer = await customerViaHttp(server, 'desk', { name: 'Fay Files' });
    resultOf(await bob.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
    const viewer = await connectViewer(server, bob.token, customer.sessionId);
    expect(viewer.first.type).toBe('viewer.welcome');
    const sha256 = 'ab'.repeat(32);
    viewer.client.send({
      type: 'viewer.file',
      direction: 'to_customer',
      name: 'driver, "v2".exe',
      size: 1234,
      sha256,
    });
    // A malformed report is refused, never stored.
    viewer.client.send({
      type: 'viewer.file',
      direction: 'to_customer',
      name: 'x',
      size: 1,
      sha256: 'not-a-hash',
    });
    await viewer.client.waitType('error');
    const files = await (async () => {
      for (let i = 0; i < 100; i++) {
        const r = await api(server, 'GET', `/api/v1/manage/sessions/${customer.sessionId}`, undefined, boss);
        if (r.body.session.files.length > 0) return r.body.session.files;
        await new Promise((res) => setTimeout(res, 20));
      }
      return [];
    })();
    expect(files).toEqual([
      expect.objectContaining({
        direction: 'to_customer',
        name: 'driver, "v2".exe',
        size: 1234,
        sha256,
        agent: expect.objectContaining({ name: 'Bob Backup' }),
      }),
    ]);
    resultOf(await bob.client.request({ type: 'session.end', sessionId: customer.sessionId }));
    await closeAll(viewer.client, customer.client);
  });
});
