import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataChannel, encodeFrame, PEER_ALL_VIEWERS } from '../../../protocol/frame';
import { JOIN_CODE_TTL_MS } from '../../../protocol/limits';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  ALL_GRANTS,
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  resultOf,
  screenRequested,
  seen,
  seenType,
  unique,
} from '../../support/workflow';

let server: TestServer;
let slug: string;
let clockOffset = 0;
const GRACE_MS = 1_500;

beforeAll(async () => {
  server = await startTestServer(
    {},
    { now: () => Date.now() + clockOffset, workflow: { reconnectGraceMs: GRACE_MS } },
  );
  slug = unique('scr').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

describe('screen sharing: join codes and the helper', () => {
  it('gives the agent a 9-digit code, shows it on the customer page, and lets the helper join once', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug, { name: 'Lee' });
    const reply = resultOf<{ sessionId: string; joinCode: string; expiresAt: number }>(
      await agent.client.request({ type: 'screen.request', sessionId: customer.sessionId }),
    );
    expect(reply.joinCode).toMatch(/^\d{9}$/);
    expect(reply.expiresAt).toBeGreaterThan(Date.now() + JOIN_CODE_TTL_MS - 60_000);
    expect(await seenType(customer.client, 'screen.requested')).toMatchObject({
      joinCode: reply.joinCode,
      agentName: agent.name,
    });
    expect(await server.store.sessions.byId(customer.sessionId)).toMatchObject({ screen: 'requested' });

    // Typed with spaces, as people do.
    const spaced = reply.joinCode.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3');
    const helper = await connectHelper(server, { kind: 'join', joinCode: spaced });
    expect(helper.first).toMatchObject({
      type: 'helper.welcome',
      sessionId: customer.sessionId,
      peerId: 1,
      customerName: 'Lee',
      viewers: [],
    });
    expect(typeof helper.first.resumeToken).toBe('string');
    expect(await seen(agent.client, (m) => m.type === 'helper.status' && m.connected === true)).toMatchObject(
      {
        sessionId: customer.sessionId,
        os: 'Linux 6.1.0 (x11)',
      },
    );

    const again = await connectHelper(server, { kind: 'join', joinCode: reply.joinCode });
    expect(again.first).toMatchObject({ type: 'error', code: 'join_code_invalid' });
    await closeAll(agent.client, customer.client, helper.client, again.client);
  });

  it('refuses an expired code', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    clockOffset += JOIN_CODE_TTL_MS + 1;
    try {
      const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
      expect(helper.first).toMatchObject({ type: 'error', code: 'join_code_expired' });
      await closeAll(helper.client);
    } finally {
      clockOffset = 0;
    }
    await closeAll(agent.client, s.client);
  });

  it('throttles wrong codes from one address, on the same socket, without closing it', async () => {
    const own = await startTestServer();
    try {
      const helper = await connectHelper(own, { kind: 'join', joinCode: '000000000' });
      expect(helper.first).toMatchObject({ code: 'join_code_invalid' });
      const codes: string[] = [];
      for (let i = 1; i <= 8; i++) {
        const mark = helper.client.received.length;
        helper.client.send({
          type: 'helper.hello',
          credential: { kind: 'join', joinCode: String(i).padStart(9, '0') },
          protocol: 1,
          version: '0.1.0',
          os: { platform: 'linux', release: '6', arch: 'x64' },
          supported: true,
        });
        codes.push(String((await seenType(helper.client, 'error', mark)).code));
      }
      expect(codes.slice(0, 4)).toEqual(Array(4).fill('join_code_invalid'));
      expect(codes.at(-1)).toBe('too_many_attempts');
      expect(helper.client.closeCode).toBeNull();
      await closeAll(helper.client);
    } finally {
      await own.stop();
    }
  });

  it('tells the helper, the page and the agent when the customer’s system is not supported', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(
      server,
      { kind: 'join', joinCode: s.joinCode },
      { os: { platform: 'darwin', release: '23.1.0', arch: 'arm64' }, supported: false },
    );
    expect(helper.first).toMatchObject({
      type: 'error',
      code: 'os_not_supported',
      message: 'screen sharing is not supported on macOS 23.1.0 yet',
    });
    expect(await helper.client.waitClose()).toBe(1008);
    expect(
      await seen(agent.client, (m) => m.type === 'helper.status' && m.error === 'os_not_supported'),
    ).toMatchObject({
      sessionId: s.sessionId,
      connected: false,
      os: 'macOS 23.1.0',
    });
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.error !== undefined)).toEqual({
      type: 'screen.status',
      state: 'none',
      error: 'os_not_supported',
      os: 'macOS 23.1.0',
    });
    await closeAll(agent.client, s.client);
  });

  it('refuses a screen request without the feature', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    await server.services.accounts.updateUser(agent.email, { features: { screenView: false } }, 'test');
    expect(
      await agent.client.request({ type: 'screen.request', sessionId: customer.sessionId }),
    ).toMatchObject({
      code: 'feature_disabled',
    });
    await closeAll(agent.client, customer.client);
  });
});

describe('screen sharing: consent, viewers, reconnects', () => {
  it('carries consent to the agent, the viewer and the page; the first screen frame marks streaming', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    expect(viewer.first).toMatchObject({
      type: 'viewer.welcome',
      sessionId: s.sessionId,
      peerId: 2,
      helper: { peerId: 1, grants: { view: false }, os: { platform: 'linux' } },
    });
    expect(await seenType(helper.client, 'peer.joined')).toMatchObject({
      peer: { peerId: 2, agentName: agent.name },
    });

    helper.client.send({ type: 'helper.consent', grants: { ...ALL_GRANTS, files: false } });
    expect(await seen(viewer.client, (m) => m.type === 'helper.consent')).toMatchObject({
      grants: { view: true, control: true, files: false },
    });
    expect(
      await seen(agent.client, (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view),
    ).toMatchObject({ connected: true });
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'consented')).toBeTruthy();

    helper.client.ws.send(
      encodeFrame({ channel: DataChannel.screen, from: 1, to: PEER_ALL_VIEWERS }, new Uint8Array([1, 2, 3])),
    );
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'streaming')).toBeTruthy();
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'session.updated' && (m.session as { screen: string }).screen === 'streaming',
      ),
    ).toBeTruthy();

    // Revoking view pauses sharing.
    helper.client.send({ type: 'helper.consent', grants: { ...ALL_GRANTS, view: false } });
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'paused')).toBeTruthy();
    const audit = (await server.store.audit.recent(200))
      .filter((e) => e.target === s.sessionId)
      .map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['screen.request', 'screen.consent']));
    await closeAll(agent.client, s.client, helper.client, viewer.client);
  });

  it('lets only the session’s own agent open a viewer', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const other = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    expect((await connectViewer(server, other.token, s.sessionId)).first).toMatchObject({
      code: 'not_in_session',
    });
    expect((await connectViewer(server, 'not-a-token', s.sessionId)).first).toMatchObject({
      code: 'token_invalid',
    });
    expect((await connectViewer(server, agent.token, 'no-such-session')).first).toMatchObject({
      code: 'session_not_found',
    });
    await closeAll(agent.client, other.client, s.client);
  });

  it('waits in reconnecting when the helper drops, and takes it back with the resume token', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
    await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'consented');
    helper.client.send({ type: 'helper.rebooting' });
    helper.client.ws.terminate(); // a reboot: no close handshake
    expect(await seen(viewer.client, (m) => m.type === 'helper.left')).toEqual({
      type: 'helper.left',
      reconnecting: true,
    });
    expect(
      await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'reconnecting'),
    ).toBeTruthy();
    expect(
      await seen(agent.client, (m) => m.type === 'helper.status' && m.connected === false),
    ).toMatchObject({ sessionId: s.sessionId });

    const back = await connectHelper(server, {
      kind: 'resume',
      resumeToken: String(helper.first.resumeToken),
    });
    expect(back.first).toMatchObject({
      type: 'helper.welcome',
      sessionId: s.sessionId,
      viewers: [{ peerId: 2, agentName: agent.name }],
    });
    expect(back.first.resumeToken).not.toBe(helper.first.resumeToken);
    expect(await seen(viewer.client, (m) => m.type === 'helper.joined')).toMatchObject({
      helper: { peerId: 1 },
    });
    // The old token was rotated away.
    const stale = await connectHelper(server, {
      kind: 'resume',
      resumeToken: String(helper.first.resumeToken),
    });
    expect(stale.first).toMatchObject({ code: 'resume_expired' });
    await closeAll(agent.client, s.client, back.client, viewer.client, stale.client);
  });

  it('ends sharing when the grace period passes, and the chat goes on', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    helper.client.ws.terminate();
    await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'reconnecting');
    expect(
      await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'none', 'none', 0, GRACE_MS * 10),
    ).toBeTruthy();
    const late = await connectHelper(server, {
      kind: 'resume',
      resumeToken: String(helper.first.resumeToken),
    });
    expect(late.first).toMatchObject({ code: 'resume_expired' });
    expect(await server.store.sessions.byId(s.sessionId)).toMatchObject({
      state: 'accepted',
      screen: 'none',
    });
    resultOf(await s.client.request({ type: 'chat.send', text: 'still here' }));
    // And the agent may ask again.
    resultOf(await agent.client.request({ type: 'screen.request', sessionId: s.sessionId }));
    await closeAll(agent.client, s.client, late.client);
  });

  it('stops when the customer presses stop; the helper may not come back with its token', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    helper.client.send({ type: 'helper.stop' });
    expect(await helper.client.waitClose()).toBe(1000);
    // Everyone is told it was the customer's doing, in so many words.
    expect(await seen(viewer.client, (m) => m.type === 'helper.left')).toEqual({
      type: 'helper.left',
      reconnecting: false,
      ended: 'stopped',
    });
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'none')).toMatchObject({
      ended: 'stopped',
    });
    expect(
      await seen(agent.client, (m) => m.type === 'helper.status' && m.connected === false),
    ).toMatchObject({ ended: 'stopped' });
    const again = await connectHelper(server, {
      kind: 'resume',
      resumeToken: String(helper.first.resumeToken),
    });
    expect(again.first).toMatchObject({ code: 'resume_expired' });
    await closeAll(agent.client, s.client, viewer.client, again.client);
  });

  it('closes the helper and the viewers when the session ends', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    resultOf(await s.client.request({ type: 'session.end' }));
    for (const c of [helper.client, viewer.client]) {
      expect(await seenType(c, 'session.ended')).toEqual({ type: 'session.ended', by: 'customer' });
      expect(await c.waitClose()).toBe(4004);
    }
    await closeAll(agent.client, s.client);
  });

  it('closes the former agent’s viewer when the session is transferred; the helper stays', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    resultOf(
      await agent.client.request({
        type: 'session.transfer',
        sessionId: s.sessionId,
        target: { kind: 'portal', slug },
        comment: 'over to you',
      }),
    );
    expect(await seenType(viewer.client, 'error')).toMatchObject({ code: 'not_in_session' });
    expect(await viewer.client.waitClose()).toBe(1000);
    expect(await seenType(helper.client, 'peer.left')).toEqual({ type: 'peer.left', peerId: 2 });
    expect(helper.client.closeCode).toBeNull();
    await closeAll(agent.client, s.client, helper.client);
  });
});
