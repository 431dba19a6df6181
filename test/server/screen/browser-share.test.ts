// The support page shares the screen itself (no helper): it joins the session's data plane as the
// helper with its request token, once the agent asked; the agent and the viewers learn it is a
// browser share; the server holds it to view only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../../protocol/common';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  screenRequested,
  seen,
  unique,
} from '../../support/workflow';

let server: TestServer;
let slug: string;
const MAC = { platform: 'darwin', release: '', arch: 'unknown' };

beforeAll(async () => {
  server = await startTestServer();
  slug = unique('brw').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

describe('sharing from the support page', () => {
  it('joins with the request token once the agent asked; everyone knows it is view only', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    const page = await connectHelper(server, { kind: 'page', requestToken: s.requestToken }, { os: MAC });
    expect(page.first).toMatchObject({ type: 'helper.welcome', sessionId: s.sessionId });
    expect(await seen(viewer.client, (m) => m.type === 'helper.joined')).toMatchObject({
      helper: { peerId: 1, browser: true, os: MAC },
    });
    expect(
      await seen(
        agent.client,
        (m) => m.type === 'helper.status' && m.sessionId === s.sessionId && m.connected === true,
      ),
    ).toMatchObject({ browser: true });
    // View only, by the server too.
    page.client.send({ type: 'helper.consent', grants: { ...NO_GRANTS, view: true, control: true } });
    expect(await seen(page.client, (m) => m.type === 'error')).toMatchObject({ code: 'forbidden' });
    page.client.send({ type: 'helper.consent', grants: { ...NO_GRANTS, view: true } });
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'consented')).toBeTruthy();
    // Its code and download are spent: one helper per request.
    const late = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    expect(late.first).toMatchObject({ code: 'join_code_invalid' });
    page.client.send({ type: 'helper.stop' });
    expect(await seen(agent.client, (m) => m.type === 'helper.status' && m.ended === 'stopped')).toBeTruthy();
    await closeAll(agent.client, s.client, viewer.client, page.client, late.client);
  });

  it('is refused before the agent asks, and with a token that names no request', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await acceptedSession(server, agent, slug);
    const early = await connectHelper(server, { kind: 'page', requestToken: s.requestToken }, { os: MAC });
    expect(early.first).toMatchObject({ type: 'error', code: 'illegal_transition' });
    const forged = await connectHelper(server, { kind: 'page', requestToken: 'A'.repeat(43) }, { os: MAC });
    expect(forged.first).toMatchObject({ type: 'error', code: 'request_not_found' });
    await closeAll(agent.client, s.client, early.client, forged.client);
  });
});
