// A helper started from a download bound to the request joins with the download's ticket (no code
// typed), once; one helper per request; a decline or a closed consent window is told to the agent,
// the page and the viewer in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  resultOf,
  screenRequested,
  seen,
  unique,
} from '../../support/workflow';

let server: TestServer;
let slug: string;

beforeAll(async () => {
  server = await startTestServer();
  slug = unique('tkt').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

describe('helper downloads bound to the request', () => {
  it('join the session with the ticket, in the language the customer chose, and only once', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug, { name: 'Léa', language: 'fr' });
    expect(s.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const helper = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
    expect(helper.first).toMatchObject({
      type: 'helper.welcome',
      sessionId: s.sessionId,
      customerName: 'Léa',
      language: 'fr',
    });
    // The request's code is spent too: one helper per request.
    const byCode = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    expect(byCode.first).toMatchObject({ type: 'error', code: 'join_code_invalid' });
    const again = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
    expect(again.first).toMatchObject({ type: 'error', code: 'download_ticket_used' });
    await closeAll(agent.client, s.client, helper.client, byCode.client, again.client);
  });

  it('are spent when the helper joins with the code instead', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    expect(helper.first.type).toBe('helper.welcome');
    const late = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
    expect(late.first).toMatchObject({ type: 'error', code: 'download_ticket_used' });
    await closeAll(agent.client, s.client, helper.client, late.client);
  });

  it('stay valid across "Ask again": every download of the request works until a helper joins', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const from = s.client.received.length;
    resultOf(await agent.client.request({ type: 'screen.request', sessionId: s.sessionId }));
    const requested = await seen(s.client, (m) => m.type === 'screen.requested', 'request', from);
    expect(requested.download).not.toBe(s.ticket);
    // The file downloaded before "Ask again" still joins; the newer one is then spent with it.
    const helper = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
    expect(helper.first.type).toBe('helper.welcome');
    const newer = await connectHelper(server, { kind: 'ticket', ticket: String(requested.download) });
    expect(newer.first).toMatchObject({ code: 'download_ticket_used' });
    await closeAll(agent.client, s.client, helper.client, newer.client);
  });

  it('tell an unknown ticket from a used one', async () => {
    const unknown = await connectHelper(server, { kind: 'ticket', ticket: 'x'.repeat(43) });
    expect(unknown.first).toMatchObject({ type: 'error', code: 'download_ticket_invalid' });
    await closeAll(unknown.client);
  });

  it('expire with the session', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    resultOf(await s.client.request({ type: 'session.end' }));
    const late = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
    expect(late.first).toMatchObject({ type: 'error', code: 'download_ticket_expired' });
    await closeAll(agent.client, s.client, late.client);
  });
});

describe('the customer declines', () => {
  for (const reason of ['declined', 'closed'] as const) {
    it(`(${reason}): the agent, the page and the viewer read why, and sharing is over`, async () => {
      const agent = await addAgent(server, { portals: [slug] });
      const s = await screenRequested(server, agent, slug);
      const viewer = await connectViewer(server, agent.token, s.sessionId);
      const helper = await connectHelper(server, { kind: 'ticket', ticket: s.ticket });
      helper.client.send({ type: 'helper.declined', reason });
      expect(await helper.client.waitClose()).toBe(1000);
      expect(
        await seen(agent.client, (m) => m.type === 'helper.status' && m.connected === false),
      ).toMatchObject({ sessionId: s.sessionId, ended: reason });
      expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'none')).toMatchObject({
        ended: reason,
      });
      expect(await seen(viewer.client, (m) => m.type === 'helper.left')).toMatchObject({
        reconnecting: false,
        ended: reason,
      });
      expect(await server.store.sessions.byId(s.sessionId)).toMatchObject({
        state: 'accepted',
        screen: 'none',
      });
      const audit = await server.store.audit.recent(20);
      expect(audit.find((a) => a.action === 'screen.declined' && a.target === s.sessionId)?.details).toEqual({
        reason,
      });
      await closeAll(agent.client, s.client, viewer.client);
    });
  }

  it('is refused once something is shared (that is a revoke or a stop)', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    helper.client.send({
      type: 'helper.consent',
      grants: { view: true, control: false, clipboard: false, files: false, reboot: false },
    });
    await seen(agent.client, (m) => m.type === 'helper.status' && (m.grants as { view: boolean }).view);
    helper.client.send({ type: 'helper.declined', reason: 'declined' });
    expect(await seen(helper.client, (m) => m.type === 'error')).toMatchObject({
      code: 'illegal_transition',
    });
    await closeAll(agent.client, s.client, helper.client);
  });
});
