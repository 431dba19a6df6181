import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  AGENT_PASSWORD,
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  connectAgent,
  resultOf,
  seen,
  seenType,
  signInAgent,
  unique,
} from '../../support/workflow';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function freshPortal(name?: string): Promise<string> {
  const slug = unique('t').toLowerCase();
  await addPortal(server, slug, name ?? `Desk ${slug}`);
  return slug;
}

async function auditActions(target: string): Promise<string[]> {
  return (await server.store.audit.recent(500)).filter((e) => e.target === target).map((e) => e.action);
}

describe('transfer', () => {
  it('to one agent: only they are alerted, with the comment; the history follows; the customer is told who took over', async () => {
    const slug = await freshPortal();
    const alice = await addAgent(server, { portals: [slug], name: 'Alice' });
    const bob = await addAgent(server, { name: 'Bob' }); // does not even serve the portal
    const carol = await addAgent(server, { portals: [slug], name: 'Carol' });
    resultOf(await bob.client.request({ type: 'presence.set', status: 'busy' })); // busy: still reached
    const customer = await acceptedSession(server, alice, slug, { name: 'Kim' });
    const sid = customer.sessionId;
    resultOf(await customer.client.request({ type: 'chat.send', text: 'The printer jams' }));
    resultOf(await alice.client.request({ type: 'chat.send', sessionId: sid, text: 'Passing you to Bob' }));
    const carolMark = carol.client.received.length;

    resultOf(
      await alice.client.request({
        type: 'session.transfer',
        sessionId: sid,
        target: { kind: 'agent', agentId: bob.user.id },
        comment: 'Printer model X200, firmware is old',
      }),
    );
    const alert = await seen(bob.client, (m) => m.type === 'queue.added', 'queue.added at Bob');
    expect(alert.entry).toMatchObject({
      sessionId: sid,
      customerName: 'Kim',
      targetAgentId: bob.user.id,
      transfer: {
        fromAgent: { id: alice.user.id, name: 'Alice' },
        comment: 'Printer model X200, firmware is old',
      },
    });
    expect(await seen(alice.client, (m) => m.type === 'session.updated')).toMatchObject({
      session: { id: sid, state: 'transferring' },
    });
    expect(await seenType(customer.client, 'session.transferred')).toEqual({ type: 'session.transferred' });

    // Alice no longer holds it; Carol may not take a transfer meant for Bob.
    expect(await alice.client.request({ type: 'chat.send', sessionId: sid, text: 'x' })).toMatchObject({
      code: 'not_in_session',
    });
    expect(await carol.client.request({ type: 'request.accept', sessionId: sid })).toMatchObject({
      code: 'forbidden',
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(carol.client.received.slice(carolMark).some((m) => m.type === 'queue.added')).toBe(false);

    const taken = resultOf<{ session: Record<string, unknown>; transcript: { text: string }[] }>(
      await bob.client.request({ type: 'request.accept', sessionId: sid }),
    );
    expect(taken.session).toMatchObject({ state: 'accepted', agent: { id: bob.user.id } });
    expect(taken.transcript.map((l) => l.text)).toEqual(['The printer jams', 'Passing you to Bob']);
    const assigned = await seenType(bob.client, 'session.assigned');
    expect((assigned.transcript as unknown[]).length).toBe(2);
    expect(
      await seen(customer.client, (m) => m.type === 'session.transferred' && m.agentName !== undefined),
    ).toMatchObject({ agentName: 'Bob' });

    resultOf(await bob.client.request({ type: 'chat.send', sessionId: sid, text: 'Bob here' }));
    expect(
      await seen(customer.client, (m) => m.type === 'chat.message' && (m.line as { seq: number }).seq === 3),
    ).toMatchObject({
      line: { text: 'Bob here', from: { kind: 'agent', name: 'Bob' } },
    });
    expect(await auditActions(sid)).toEqual(
      expect.arrayContaining(['session.transfer', 'session.transfer_accepted']),
    );
    const transferAudit = (await server.store.audit.recent(500)).find(
      (e) => e.target === sid && e.action === 'session.transfer',
    );
    expect(transferAudit).toMatchObject({ actor: alice.user.id, details: { to: { agentId: bob.user.id } } });
    await closeAll(alice.client, bob.client, carol.client, customer.client);
  });

  it('to a portal queue: its available agents are alerted with the comment; the customer waits in line', async () => {
    const first = await freshPortal();
    const billing = await freshPortal('Billing');
    const alice = await addAgent(server, { portals: [first] });
    const dan = await addAgent(server, { portals: [billing] });
    const eve = await addAgent(server, { portals: [billing] });
    const customer = await acceptedSession(server, alice, first);
    resultOf(
      await alice.client.request({
        type: 'session.transfer',
        sessionId: customer.sessionId,
        target: { kind: 'portal', slug: billing },
        comment: 'Refund question',
      }),
    );
    for (const agent of [dan, eve]) {
      const added = await seenType(agent.client, 'queue.added');
      expect(added.entry).toMatchObject({
        sessionId: customer.sessionId,
        portal: { slug: billing, name: 'Billing' },
        transfer: { comment: 'Refund question' },
      });
      expect((added.entry as Record<string, unknown>).targetAgentId).toBeUndefined();
    }
    expect(await seenType(customer.client, 'session.transferred')).toMatchObject({ portalName: 'Billing' });
    expect(await seenType(customer.client, 'queue.position')).toMatchObject({
      position: 1,
      agentsAvailable: 2,
    });
    resultOf(await eve.client.request({ type: 'request.accept', sessionId: customer.sessionId }));
    expect(await seen(dan.client, (m) => m.type === 'queue.removed')).toMatchObject({ reason: 'accepted' });
    const record = await server.store.sessions.byId(customer.sessionId);
    expect(record).toMatchObject({ portalSlug: billing, agentId: eve.user.id, state: 'accepted' });
    await closeAll(alice.client, dan.client, eve.client, customer.client);
  });

  it('refuses transfers to agents who are not signed in, to unknown portals, and without the feature', async () => {
    const slug = await freshPortal();
    const alice = await addAgent(server, { portals: [slug] });
    const offline = await signInAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, alice, slug);
    const base = { type: 'session.transfer', sessionId: customer.sessionId, comment: '' };
    expect(
      await alice.client.request({ ...base, target: { kind: 'agent', agentId: offline.user.id } }),
    ).toMatchObject({
      code: 'agent_unavailable',
    });
    expect(
      await alice.client.request({ ...base, target: { kind: 'agent', agentId: 'nobody' } }),
    ).toMatchObject({
      code: 'agent_not_found',
    });
    expect(
      await alice.client.request({ ...base, target: { kind: 'portal', slug: 'no-such' } }),
    ).toMatchObject({
      code: 'portal_not_found',
    });
    await server.services.accounts.updateUser(alice.email, { features: { transfer: false } }, 'test');
    expect(await alice.client.request({ ...base, target: { kind: 'portal', slug } })).toMatchObject({
      code: 'feature_disabled',
    });
    // Still Alice's session: nothing moved.
    expect(await server.store.sessions.byId(customer.sessionId)).toMatchObject({
      state: 'accepted',
      agentId: alice.user.id,
    });
    await closeAll(alice.client, customer.client);
  });
});

describe('comments and ending', () => {
  it('saves the agent’s comment on the session, also after the end', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    resultOf(
      await agent.client.request({
        type: 'session.comment',
        sessionId: customer.sessionId,
        comment: 'Reset the router',
      }),
    );
    expect(await seenType(agent.client, 'session.updated')).toMatchObject({
      session: { comment: 'Reset the router' },
    });
    resultOf(await agent.client.request({ type: 'session.end', sessionId: customer.sessionId }));
    resultOf(
      await agent.client.request({
        type: 'session.comment',
        sessionId: customer.sessionId,
        comment: 'Fixed after reset',
      }),
    );
    expect(await server.store.sessions.byId(customer.sessionId)).toMatchObject({
      comment: 'Fixed after reset',
      state: 'ended',
    });
    await closeAll(agent.client, customer.client);
  });

  it('ends when the agent says so: the customer is told, the audit log records it, a second end is refused', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    resultOf(await agent.client.request({ type: 'session.end', sessionId: customer.sessionId }));
    expect(await seenType(customer.client, 'session.ended')).toEqual({ type: 'session.ended', by: 'agent' });
    expect(await seenType(agent.client, 'session.ended')).toMatchObject({
      sessionId: customer.sessionId,
      by: 'agent',
    });
    expect(await agent.client.request({ type: 'session.end', sessionId: customer.sessionId })).toMatchObject({
      code: 'session_ended',
    });
    expect(await customer.client.request({ type: 'chat.send', text: 'hello?' })).toMatchObject({
      code: 'session_ended',
    });
    expect(await server.store.sessions.byId(customer.sessionId)).toMatchObject({
      state: 'ended',
      endedBy: 'agent',
    });
    expect(await auditActions(customer.sessionId)).toContain('session.end');
    await closeAll(agent.client, customer.client);
  });

  it('ends when the customer says so: the agent is told', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    resultOf(await customer.client.request({ type: 'session.end' }));
    expect(await seenType(agent.client, 'session.ended')).toMatchObject({
      sessionId: customer.sessionId,
      by: 'customer',
    });
    const entry = (await server.store.audit.recent(500)).find(
      (e) => e.target === customer.sessionId && e.action === 'session.end',
    );
    expect(entry).toMatchObject({ actor: `customer:${customer.sessionId}`, details: { by: 'customer' } });
    await closeAll(agent.client, customer.client);
  });

  it('refuses an end from an agent who does not hold the session', async () => {
    const slug = await freshPortal();
    const agent = await addAgent(server, { portals: [slug] });
    const other = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    expect(await other.client.request({ type: 'session.end', sessionId: customer.sessionId })).toMatchObject({
      code: 'not_in_session',
    });
    expect(await other.client.request({ type: 'session.end', sessionId: 'no-such-session' })).toMatchObject({
      code: 'session_not_found',
    });
    expect((await server.store.sessions.byId(customer.sessionId))?.state).toBe('accepted');
    await closeAll(agent.client, other.client, customer.client);
  });
});

describe('signed out elsewhere', () => {
  it('closes the agent’s sockets with a clear message when their seat is taken; their sessions survive', async () => {
    // A server of its own: a one-seat company.
    const own = await startTestServer();
    try {
      const slug = unique('seat').toLowerCase();
      await addPortal(own, slug);
      await own.services.accounts.createCompany('Acme', 'test');
      await own.services.accounts.setSeats(1, 'test');
      const signed = await signInAgent(own, { portals: [slug], name: 'Olga' });
      const olga = await connectAgent(own, signed);
      const second = await connectAgent(own, signed);
      const customer = await acceptedSession(own, olga, slug);

      const pat = await own.services.accounts.addUser(
        { email: 'pat@example.test', name: 'Pat', role: 'agent', password: AGENT_PASSWORD },
        'test',
      );
      const login = { email: pat.email, password: AGENT_PASSWORD, address: '127.0.0.1' };
      await expect(own.services.auth.login(login)).rejects.toMatchObject({ code: 'seat_limit_reached' });
      await own.services.auth.login({ ...login, replace: signed.loginId });

      for (const c of [olga.client, second.client]) {
        expect(await seenType(c, 'signed_out')).toEqual({
          type: 'signed_out',
          reason: 'seat_taken',
          byName: 'Pat',
          message: 'signed out: seat taken by Pat',
        });
        expect(await c.waitClose()).toBe(4003);
      }
      expect(await own.store.sessions.byId(customer.sessionId)).toMatchObject({
        state: 'accepted',
        agentId: signed.user.id,
      });
      // The customer's chat goes on, and the session is still Olga's when she is back.
      resultOf(await customer.client.request({ type: 'chat.send', text: 'are you there?' }));
      await own.services.accounts.setSeats(null, 'test');
      const again = await own.services.auth.login({
        email: signed.email,
        password: AGENT_PASSWORD,
        address: '127.0.0.1',
      });
      const back = await connectAgent(own, { ...signed, token: again.token, loginId: again.loginId });
      expect((back.welcome.sessions as { id: string }[]).map((s) => s.id)).toContain(customer.sessionId);
      await closeAll(back.client, customer.client);
    } finally {
      await own.stop();
    }
  });

  it('closes the sockets of a login that logs out over HTTP', async () => {
    const signed = await signInAgent(server);
    const agent = await connectAgent(server, signed);
    const res = await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${signed.token}` },
    });
    expect(res.status).toBe(204);
    expect(await seenType(agent.client, 'signed_out')).toMatchObject({
      reason: 'logout',
      message: 'signed out',
    });
    expect(await agent.client.waitClose()).toBe(4003);
  });

  it('closes the sockets of a deactivated account', async () => {
    const signed = await signInAgent(server);
    const agent = await connectAgent(server, signed);
    await server.services.accounts.setState(signed.email, 'deactivated', 'test');
    expect(await seenType(agent.client, 'signed_out')).toMatchObject({
      reason: 'deactivated',
      message: 'signed out: your account was deactivated',
    });
    expect(await agent.client.waitClose()).toBe(4003);
  });
});
