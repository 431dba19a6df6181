/**
 * Per-agent features on the screen-sharing path, against a real server with ws clients: the
 * server is the authority. A viewer of an agent without `screenView` is refused at its hello
 * (`feature_disabled`); the welcome tells a viewer its features; the relay drops input frames
 * of a viewer whose agent lacks `screenControl` with a `feature_disabled` notice (never silently)
 * even though the customer granted control; and a manager's change applies to a viewer already
 * open (it is told with viewer.features) as well as at the next viewer.hello.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataChannel, encodeFrame, parseFrame, PEER_HELPER } from '../../../protocol/frame';
import type { Features } from '../../../protocol/common';
import { startTestServer, type TestServer } from '../../support/test-server';
import type { TestWsClient } from '../../support/ws-client';
import {
  ALL_GRANTS,
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  connectViewer,
  screenRequested,
  seen,
  seenType,
  unique,
  type ConnectedAgent,
} from '../../support/workflow';

/** How long a dropped frame is given to show up anyway before we conclude it was not forwarded, in ms. */
const QUIET_MS = 300;

let server: TestServer;
let slug: string;
beforeAll(async () => {
  server = await startTestServer();
  slug = unique('feat').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

const setFeatures = (agent: ConnectedAgent, features: Partial<Features>) =>
  server.services.accounts.updateUser(agent.email, { features }, 'test');

/** An agent, a customer sharing with every grant, the helper's socket. */
async function sharing(agent: ConnectedAgent) {
  const s = await screenRequested(server, agent, slug);
  const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
  helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
  await seen(agent.client, (m) => m.type === 'helper.status' && (m.grants as { control: boolean }).control);
  return { sessionId: s.sessionId, customer: s.client, helper: helper.client };
}

const inputFrame = () =>
  encodeFrame({ channel: DataChannel.input, from: 2, to: PEER_HELPER }, new Uint8Array([7, 7, 7]));

function binaryAfter(c: TestWsClient, mark: number): Buffer[] {
  return c.binary.slice(mark);
}

describe('per-agent features on the screen path', () => {
  it('refuses viewer.hello with feature_disabled when the agent lacks screenView', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const customer = await acceptedSession(server, agent, slug);
    await setFeatures(agent, { screenView: false });
    const viewer = await connectViewer(server, agent.token, customer.sessionId);
    expect(viewer.first).toMatchObject({ type: 'error', code: 'feature_disabled' });
    // The refusal is final for this hello: no welcome follows.
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(viewer.client.received.some((m) => m.type === 'viewer.welcome')).toBe(false);
    // And screen.request is refused the same way.
    expect(
      await agent.client.request({ type: 'screen.request', sessionId: customer.sessionId }),
    ).toMatchObject({ type: 'error', code: 'feature_disabled' });
    await closeAll(agent.client, customer.client, viewer.client);
  });

  it('tells the viewer its features in viewer.welcome', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    await setFeatures(agent, { screenControl: false, fileTransfer: false });
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    expect(viewer.first).toMatchObject({
      type: 'viewer.welcome',
      features: { screenView: true, screenControl: false, fileTransfer: false },
    });
    await closeAll(agent.client, s.client, viewer.client);
  });

  it('drops input from a viewer without screenControl with a coded notice, though the customer granted control', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const { sessionId, customer, helper } = await sharing(agent);
    await setFeatures(agent, { screenControl: false });
    const viewer = await connectViewer(server, agent.token, sessionId);
    expect(viewer.first).toMatchObject({ features: { screenControl: false } });

    const helperMark = helper.binary.length;
    const mark = viewer.client.received.length;
    viewer.client.ws.send(inputFrame());
    expect(await seen(viewer.client, (m) => m.type === 'error', 'feature notice', mark)).toMatchObject({
      code: 'feature_disabled',
      message: 'frame dropped: your manager has not enabled control for your account',
      details: { channel: DataChannel.input, feature: 'screenControl', to: PEER_HELPER },
    });
    // Files need fileTransfer (on here): only the input frame was refused. The handshake still
    // reaches the helper, and nothing on the input channel ever does.
    viewer.client.ws.send(
      encodeFrame({ channel: DataChannel.handshake, from: 2, to: PEER_HELPER }, new Uint8Array([1])),
    );
    await waitBinary(helper, helperMark + 1);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    const channels = binaryAfter(helper, helperMark).map((b) => {
      const f = parseFrame(b);
      return f.ok ? f.header.channel : -1;
    });
    expect(channels).toEqual([DataChannel.handshake]);
    expect(viewer.client.closeCode).toBeNull();
    await closeAll(agent.client, customer, helper, viewer.client);
  });

  it('applies a manager’s change to a viewer already open, and at the next viewer.hello', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const { sessionId, customer, helper } = await sharing(agent);
    const before = await connectViewer(server, agent.token, sessionId);
    expect(before.first).toMatchObject({ features: { screenControl: true } });

    await setFeatures(agent, { screenControl: false });
    // The open viewer is told, and its input is refused from now on.
    expect(await seenType(before.client, 'viewer.features')).toMatchObject({
      features: { screenControl: false, screenView: true },
    });
    const beforeMark = before.client.received.length;
    before.client.ws.send(inputFrame());
    expect(await seenType(before.client, 'error', beforeMark)).toMatchObject({ code: 'feature_disabled' });

    // The next hello reads the change too: view-only, and its input is refused.
    const after = await connectViewer(server, agent.token, sessionId);
    expect(after.first).toMatchObject({ features: { screenControl: false } });
    const mark = after.client.received.length;
    after.client.ws.send(inputFrame());
    expect(await seenType(after.client, 'error', mark)).toMatchObject({ code: 'feature_disabled' });

    // Switched back on: the next viewer controls again.
    await setFeatures(agent, { screenControl: true });
    const again = await connectViewer(server, agent.token, sessionId);
    expect(again.first).toMatchObject({ features: { screenControl: true } });
    const mark2 = helper.binary.length;
    again.client.ws.send(inputFrame());
    await waitBinary(helper, mark2 + 1);
    await closeAll(agent.client, customer, helper, before.client, after.client, again.client);
  });

  it('drops a reboot request from a viewer whose agent lacks reboot, though the customer granted it (the attack)', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const { sessionId, customer, helper } = await sharing(agent);
    await setFeatures(agent, { reboot: false });
    const viewer = await connectViewer(server, agent.token, sessionId);
    expect(viewer.first).toMatchObject({ features: { reboot: false } });
    // A modified viewer sends the request anyway, on the session channel (the only one the
    // helper acts on; the payload is ciphertext to the server, the header is not).
    const rebootFrame = () =>
      encodeFrame({ channel: DataChannel.session, from: 2, to: PEER_HELPER }, new Uint8Array([9, 9]));
    const helperMark = helper.binary.length;
    const mark = viewer.client.received.length;
    viewer.client.ws.send(rebootFrame());
    expect(await seen(viewer.client, (m) => m.type === 'error', 'feature notice', mark)).toMatchObject({
      code: 'feature_disabled',
      message:
        "frame dropped: your manager has not enabled rebooting the customer's computer for your account",
      details: { channel: DataChannel.session, feature: 'reboot', to: PEER_HELPER },
    });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(binaryAfter(helper, helperMark)).toEqual([]);

    // Switched on by the manager: the open viewer's next request reaches the helper.
    await setFeatures(agent, { reboot: true });
    await seen(viewer.client, (m) => m.type === 'viewer.features' && (m.features as Features).reboot);
    viewer.client.ws.send(rebootFrame());
    await waitBinary(helper, helperMark + 1);
    const forwarded = parseFrame(helper.binary[helperMark]!);
    expect(forwarded.ok && forwarded.header.channel).toBe(DataChannel.session);
    await closeAll(agent.client, customer, helper, viewer.client);
  });
});

async function waitBinary(c: TestWsClient, count: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (c.binary.length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} binary frames`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
