/**
 * Slow-link advice for the customer, against a real server with ws clients: the agent's viewer
 * says once per change that the link is slow (`viewer.link`), and the customer's page is told
 * (`screen.link`) while the screen streams; the advice goes when the viewer says fine, when
 * sharing pauses, and when the viewer closes. Only a viewer can say it: the customer channel
 * refuses the message, and a malformed value is refused with `invalid_message`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { DataChannel, encodeFrame, PEER_ALL_VIEWERS } from '../../../protocol/frame';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient, type TestMessage } from '../../support/ws-client';
import {
  ALL_GRANTS,
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
beforeAll(async () => {
  server = await startTestServer();
  slug = unique('slow').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

const screenFrame = () =>
  encodeFrame({ channel: DataChannel.screen, from: 1, to: PEER_ALL_VIEWERS }, new Uint8Array([1, 2, 3]));

/** The `screen.link` messages the page got from `from` on. */
const linkMessages = (c: TestWsClient, from = 0): TestMessage[] =>
  c.received.slice(from).filter((m) => m.type === 'screen.link');

/** The next `screen.link` the page gets after `from`. */
const nextLink = (c: TestWsClient, from: number) =>
  seen(c, (m) => m.type === 'screen.link', 'screen.link', from);

async function streaming() {
  const agent = await addAgent(server, { portals: [slug] });
  const s = await screenRequested(server, agent, slug);
  const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
  const viewer = await connectViewer(server, agent.token, s.sessionId);
  helper.client.send({ type: 'helper.consent', grants: ALL_GRANTS });
  helper.client.ws.send(screenFrame());
  await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'streaming');
  return {
    agent,
    customer: s.client,
    requestToken: s.requestToken,
    helper: helper.client,
    viewer: viewer.client,
  };
}

describe('slow-link advice reaches the customer page', () => {
  it('tells the page once per change while streaming, and takes it down when the link is fine', async () => {
    const t = await streaming();
    let mark = t.customer.received.length;
    t.viewer.send({ type: 'viewer.link', slow: true });
    expect(await nextLink(t.customer, mark)).toEqual({ type: 'screen.link', slow: true });

    // A repeat is no change: the page hears nothing until the link is fine again.
    mark = t.customer.received.length;
    t.viewer.send({ type: 'viewer.link', slow: true });
    t.viewer.send({ type: 'viewer.link', slow: false });
    expect(await nextLink(t.customer, mark)).toEqual({ type: 'screen.link', slow: false });
    expect(linkMessages(t.customer, mark)).toHaveLength(1);
    await closeAll(t.agent.client, t.customer, t.helper, t.viewer);
  });

  it('goes when sharing pauses, comes back when it streams again, goes when the viewer closes', async () => {
    const t = await streaming();
    let mark = t.customer.received.length;
    t.viewer.send({ type: 'viewer.link', slow: true });
    expect(await nextLink(t.customer, mark)).toMatchObject({ slow: true });

    mark = t.customer.received.length;
    t.helper.send({ type: 'helper.consent', grants: { ...ALL_GRANTS, view: false } });
    expect(await nextLink(t.customer, mark)).toMatchObject({ slow: false });

    mark = t.customer.received.length;
    t.helper.send({ type: 'helper.consent', grants: ALL_GRANTS });
    t.helper.ws.send(screenFrame());
    expect(await nextLink(t.customer, mark)).toMatchObject({ slow: true });

    mark = t.customer.received.length;
    t.viewer.close();
    expect(await nextLink(t.customer, mark)).toMatchObject({ slow: false });
    await closeAll(t.agent.client, t.customer, t.helper);
  });

  it('refuses it from the customer, and refuses a bad value from the viewer', async () => {
    const t = await streaming();
    const mark = t.customer.received.length;
    // The customer's own channel has no such message: a page cannot raise (or hide) the advice.
    t.customer.send({ type: 'viewer.link', slow: true });
    expect(await seen(t.customer, (m) => m.type === 'error', 'error', mark)).toMatchObject({
      code: 'unknown_message_type',
    });
    const second = t.customer.received.length;
    t.customer.send({ type: 'screen.link', slow: true });
    expect(await seen(t.customer, (m) => m.type === 'error', 'error', second)).toMatchObject({
      code: 'unknown_message_type',
    });

    const viewerMark = t.viewer.received.length;
    t.viewer.send({ type: 'viewer.link', slow: 'yes' });
    expect(await seen(t.viewer, (m) => m.type === 'error', 'error', viewerMark)).toMatchObject({
      code: 'invalid_message',
    });
    // Neither reached the page: the first advice it hears is the viewer's valid report after them.
    t.viewer.send({ type: 'viewer.link', slow: true });
    expect(await nextLink(t.customer, mark)).toEqual({ type: 'screen.link', slow: true });
    expect(linkMessages(t.customer, mark)).toHaveLength(1);
    expect(t.viewer.closeCode).toBeNull();
    await closeAll(t.agent.client, t.customer, t.helper, t.viewer);
  });
  it('tells a page that comes back (customer.hello) the advice in force, after its welcome', async () => {
    const t = await streaming();
    const mark = t.customer.received.length;
    t.viewer.send({ type: 'viewer.link', slow: true });
    expect(await nextLink(t.customer, mark)).toMatchObject({ slow: true });
    const again = await TestWsClient.connect(server.wsUrl, server.url);
    again.send({ type: 'customer.hello', requestToken: t.requestToken, protocol: PROTOCOL_VERSION });
    expect(await nextLink(again, 0)).toEqual({ type: 'screen.link', slow: true });
    const types = again.received.map((m) => m.type);
    expect(types.indexOf('customer.welcome')).toBeLessThan(types.indexOf('screen.link'));
    await closeAll(t.agent.client, t.customer, again, t.helper, t.viewer);
  });
});
