/**
 * What survives what on the server's side of screen sharing (issue 9): the customer's grants
 * across the helper's reconnects (files frames flow before the helper has even re-confirmed,
 * and a revoke still applies at once); a helper that is gone replaced at once by a new code (the
 * old one refused if it comes back); and a server restart on the same data folder, after which
 * a join code given before still works, a helper comes back with its resume token and its
 * grants, and viewers come back with their agents' login tokens. Secrets are kept hashed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataChannel, encodeFrame, parseFrame } from '../../../protocol/frame';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import { makeDataDir, startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  addAgent,
  addPortal,
  closeAll,
  connectAgent,
  connectHelper,
  connectViewer,
  resultOf,
  screenRequested,
  seen,
  unique,
} from '../../support/workflow';
import type { TestWsClient } from '../../support/ws-client';

const GRACE_MS = 3_000;
let server: TestServer;
let slug: string;

beforeAll(async () => {
  server = await startTestServer({}, { workflow: { reconnectGraceMs: GRACE_MS } });
  slug = unique('res').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server?.stop());

/** Resolves with the next binary frame `client` receives. */
function nextFrame(client: TestWsClient, timeoutMs = 5000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame')), timeoutMs);
    const on = (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      clearTimeout(timer);
      client.ws.off('message', on);
      resolve(new Uint8Array(data));
    };
    client.ws.on('message', on);
  });
}

const FILES_FRAME = () => encodeFrame({ channel: DataChannel.files, from: 0, to: 1 }, new Uint8Array([7, 7]));

describe('grants across the helper’s reconnects', () => {
  it('keeps the customer’s grants when the helper resumes: files frames flow at once, a revoke still stops them', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await seen(viewer.client, (m) => m.type === 'helper.consent');
    helper.client.ws.terminate(); // the network drops
    await seen(viewer.client, (m) => m.type === 'helper.left' && m.reconnecting === true);
    expect(await server.store.screenGrants.get(s.sessionId)).toEqual(ALL_GRANTS);

    const back = await connectHelper(server, {
      kind: 'resume',
      resumeToken: String(helper.first.resumeToken),
    });
    expect(back.first.type).toBe('helper.welcome');
    // The viewer hears the helper is back with the consent the customer gave: nothing to fail.
    expect(await seen(viewer.client, (m) => m.type === 'helper.joined')).toMatchObject({
      helper: { grants: ALL_GRANTS },
    });
    // Before the helper re-confirms, a files frame already reaches it (the relay kept the grant).
    const got = nextFrame(back.client);
    viewer.client.ws.send(FILES_FRAME());
    expect(parseFrame(await got)).toMatchObject({ ok: true, header: { channel: DataChannel.files } });

    // The helper re-confirms less (the customer unticked files while the link was down): at once.
    back.client.send({ type: 'helper.consent', grants: { ...ALL_GRANTS, files: false } });
    await seen(
      viewer.client,
      (m) => m.type === 'helper.consent' && (m.grants as { files: boolean }).files === false,
    );
    viewer.client.ws.send(FILES_FRAME());
    expect(await seen(viewer.client, (m) => m.type === 'error')).toMatchObject({ code: 'consent_required' });
    expect(await server.store.screenGrants.get(s.sessionId)).toEqual({ ...ALL_GRANTS, files: false });
    await closeAll(agent.client, s.client, back.client, viewer.client);
  });

  it('starts a helper that joins with a code with no grants, whatever the session had', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'consented');
    helper.client.ws.terminate();
    await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'reconnecting');
    const code = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId: s.sessionId }),
    ).joinCode;
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    const second = await connectHelper(server, { kind: 'join', joinCode: code });
    expect(second.first.type).toBe('helper.welcome');
    expect(await seen(viewer.client, (m) => m.type === 'helper.joined')).toMatchObject({
      helper: { grants: { view: false, control: false, clipboard: false, files: false, reboot: false } },
    });
    expect(await server.store.screenGrants.get(s.sessionId)).toBeNull();
    await closeAll(agent.client, s.client, second.client, viewer.client);
  });
});

describe('a helper that is gone is replaced at once', () => {
  it('gives the agent a new code while the old helper is reconnecting; the old one is refused if it comes back', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const old = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    old.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await seen(viewer.client, (m) => m.type === 'helper.consent');
    old.client.ws.terminate(); // kill -9 of the helper
    await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'reconnecting');
    await seen(viewer.client, (m) => m.type === 'helper.left' && m.reconnecting === true);

    const from = viewer.client.received.length;
    const reply = resultOf<{ joinCode: string }>(
      await agent.client.request({ type: 'screen.request', sessionId: s.sessionId }),
    );
    expect(reply.joinCode).toMatch(/^\d{9}$/);
    expect(
      await seen(s.client, (m) => m.type === 'screen.requested' && m.joinCode === reply.joinCode),
    ).toBeTruthy();
    // The viewer is told the old helper will not come back.
    expect(await seen(viewer.client, (m) => m.type === 'helper.left', 'left', from)).toEqual({
      type: 'helper.left',
      reconnecting: false,
    });
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && m.connected === false && !(m.grants as { view: boolean }).view,
      ),
    ).toBeTruthy();

    const late = await connectHelper(server, { kind: 'resume', resumeToken: String(old.first.resumeToken) });
    expect(late.first).toMatchObject({ type: 'error', code: 'resume_expired' });
    const fresh = await connectHelper(server, { kind: 'join', joinCode: reply.joinCode });
    expect(fresh.first).toMatchObject({ type: 'helper.welcome', sessionId: s.sessionId });
    await closeAll(agent.client, s.client, viewer.client, late.client, fresh.client);
  });

  it('still refuses a new code while a helper is connected', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    expect(await agent.client.request({ type: 'screen.request', sessionId: s.sessionId })).toMatchObject({
      type: 'error',
      code: 'illegal_transition',
    });
    await closeAll(agent.client, s.client, helper.client);
  });
});

describe('a server restart on the same data folder', () => {
  it('keeps join codes, resume tokens and grants (hashed), so helper and viewer come back without a new code or consent', async () => {
    const dataDir = makeDataDir();
    let first: TestServer | null = await startTestServer(
      { dataDir },
      { workflow: { reconnectGraceMs: 60_000 } },
    );
    let second: TestServer | null = null;
    try {
      const portal = unique('rst').toLowerCase();
      await addPortal(first, portal);
      const agent = await addAgent(first, { portals: [portal] });
      const shared = await screenRequested(first, agent, portal);
      const waiting = await screenRequested(first, agent, portal);
      const helper = await connectHelper(first, { kind: 'join', joinCode: shared.joinCode });
      helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
      await seen(shared.client, (m) => m.type === 'screen.status' && m.state === 'consented');
      const token = String(helper.first.resumeToken);

      // Secrets are not in the database in the clear.
      const db = readFileSync(path.join(dataDir, DATABASE_FILE)).toString('latin1');
      const wal = readFileSync(path.join(dataDir, `${DATABASE_FILE}-wal`)).toString('latin1');
      for (const secret of [token, waiting.joinCode]) {
        expect(db).not.toContain(secret);
        expect(wal).not.toContain(secret);
      }

      await first.stop(true);
      first = null;
      await closeAll(helper.client, agent.client, shared.client, waiting.client);
      second = await startTestServer({ dataDir }, { workflow: { reconnectGraceMs: 60_000 } });
      expect(second.services.workflow.screen.stateOf(shared.sessionId)).toBe('reconnecting');
      expect(second.services.workflow.screen.stateOf(waiting.sessionId)).toBe('requested');

      // The agent's viewer comes back with the same login token; the helper is awaited.
      const viewer = await connectViewer(second, agent.token, shared.sessionId);
      expect(viewer.first).toMatchObject({ type: 'viewer.welcome', helper: null, helperReconnecting: true });
      // The helper comes back with its resume token, and its consent is still there.
      const back = await connectHelper(second, { kind: 'resume', resumeToken: token });
      expect(back.first).toMatchObject({ type: 'helper.welcome', sessionId: shared.sessionId });
      expect(await seen(viewer.client, (m) => m.type === 'helper.joined')).toMatchObject({
        helper: { grants: ALL_GRANTS },
      });
      // The code given before the restart still works, once.
      const joined = await connectHelper(second, { kind: 'join', joinCode: waiting.joinCode });
      expect(joined.first).toMatchObject({ type: 'helper.welcome', sessionId: waiting.sessionId });
      const again = await connectHelper(second, { kind: 'join', joinCode: waiting.joinCode });
      expect(again.first).toMatchObject({ code: 'join_code_invalid' });
      const agentBack = await connectAgent(second, agent);
      await closeAll(viewer.client, back.client, joined.client, again.client, agentBack.client);
    } finally {
      await first?.stop(true);
      await second?.stop();
    }
  });

  it('ends sharing when the helper does not come back within the grace period after the restart', async () => {
    const dataDir = makeDataDir();
    let first: TestServer | null = await startTestServer({ dataDir });
    let second: TestServer | null = null;
    try {
      const portal = unique('rsg').toLowerCase();
      await addPortal(first, portal);
      const agent = await addAgent(first, { portals: [portal] });
      const s = await screenRequested(first, agent, portal);
      const helper = await connectHelper(first, { kind: 'join', joinCode: s.joinCode });
      helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
      await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'consented');
      const token = String(helper.first.resumeToken);
      await first.stop(true);
      first = null;
      await closeAll(helper.client, agent.client, s.client);
      second = await startTestServer({ dataDir }, { workflow: { reconnectGraceMs: 500 } });
      const srv = second;
      await until(() => srv.services.workflow.screen.stateOf(s.sessionId) === 'none');
      expect(await srv.store.sessions.byId(s.sessionId)).toMatchObject({ screen: 'none', state: 'accepted' });
      expect(await srv.store.screenGrants.get(s.sessionId)).toBeNull();
      const late = await connectHelper(srv, { kind: 'resume', resumeToken: token });
      expect(late.first).toMatchObject({ code: 'resume_expired' });
      await closeAll(late.client);
    } finally {
      await first?.stop(true);
      await second?.stop();
    }
  });
});

async function until(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
