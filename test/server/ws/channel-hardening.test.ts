import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { CONTROL_MESSAGE_MAX_BYTES } from '../../../protocol/limits';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient, type TestMessage } from '../../support/ws-client';
import {
  addAgent,
  addPortal,
  closeAll,
  connectAgent,
  connectHelper,
  connectViewer,
  customerViaHttp,
  helperHello,
  screenRequested,
  seen,
  seenType,
  signInAgent,
  unique,
} from '../../support/workflow';

let server: TestServer;
let slug: string;
beforeAll(async () => {
  server = await startTestServer({}, { workflow: { loginRecheckMs: 200 } });
  slug = unique('h').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

/** Sends raw text and returns the next error the socket gets. */
async function errorFor(c: TestWsClient, text: string): Promise<TestMessage> {
  const mark = c.received.length;
  c.ws.send(text);
  return seenType(c, 'error', mark);
}

/** The abuse every open channel must answer with a code while staying usable. */
async function expectHardened(c: TestWsClient, channel: string): Promise<void> {
  const big = JSON.stringify({ type: 'chat.send', id: 'big', text: 'x'.repeat(CONTROL_MESSAGE_MAX_BYTES) });
  expect(await errorFor(c, big), `${channel}: oversized`).toMatchObject({ code: 'message_too_large' });
  expect(await errorFor(c, '{not json'), `${channel}: not JSON`).toMatchObject({ code: 'invalid_message' });
  expect(await errorFor(c, '[1,2,3]'), `${channel}: array`).toMatchObject({ code: 'invalid_message' });
  expect(await errorFor(c, 'null'), `${channel}: null`).toMatchObject({ code: 'invalid_message' });
  expect(
    await errorFor(c, JSON.stringify({ type: 'no.such.thing', id: 'u1' })),
    `${channel}: unknown type`,
  ).toMatchObject({
    code: 'unknown_message_type',
  });
  expect(await errorFor(c, JSON.stringify({ nothing: 'here' })), `${channel}: no type`).toMatchObject({
    code: 'unknown_message_type',
  });
  expect(c.closeCode, `${channel}: still open`).toBeNull();
}

describe('every channel answers malformed and oversized messages with a code and stays open', () => {
  it('agent channel', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    await expectHardened(agent.client, 'agent');
    expect(
      await errorFor(
        agent.client,
        JSON.stringify({ type: 'chat.send', id: 'bad1', sessionId: 'x', text: '' }),
      ),
    ).toMatchObject({
      code: 'invalid_message',
      id: 'bad1',
    });
    expect(
      await errorFor(agent.client, JSON.stringify({ type: 'presence.set', id: 'bad2', status: 'asleep' })),
    ).toMatchObject({ code: 'invalid_message', id: 'bad2' });
    expect(
      await errorFor(agent.client, JSON.stringify({ type: 'agent.hello', token: agent.token, protocol: 1 })),
    ).toMatchObject({
      code: 'bad_request',
    });
    // Still healthy: a real request gets its reply.
    expect(await agent.client.request({ type: 'ping' })).toMatchObject({ type: 'reply', result: {} });
    await closeAll(agent.client);
  });

  it('customer channel', async () => {
    const customer = await customerViaHttp(server, slug);
    await expectHardened(customer.client, 'customer');
    expect(
      await errorFor(customer.client, JSON.stringify({ type: 'chat.send', id: 'c1', text: 'a\u0000b' })),
    ).toMatchObject({ code: 'invalid_message', id: 'c1' });
    expect(await customer.client.request({ type: 'chat.send', text: 'still works' })).toMatchObject({
      type: 'reply',
    });
    await closeAll(customer.client);
  });

  it('helper channel', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const helper = await connectHelper(server, { kind: 'join', joinCode: s.joinCode });
    await expectHardened(helper.client, 'helper');
    expect(
      await errorFor(helper.client, JSON.stringify({ type: 'helper.consent', grants: { view: 'yes' } })),
    ).toMatchObject({ code: 'invalid_message' });
    helper.client.send({
      type: 'helper.consent',
      grants: { view: true, control: false, clipboard: false, files: false, reboot: false },
    });
    expect(await seen(s.client, (m) => m.type === 'screen.status' && m.state === 'consented')).toBeTruthy();
    await closeAll(agent.client, s.client, helper.client);
  });

  it('viewer channel', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug);
    const viewer = await connectViewer(server, agent.token, s.sessionId);
    await expectHardened(viewer.client, 'viewer');
    expect(
      await errorFor(
        viewer.client,
        JSON.stringify({ type: 'viewer.hello', token: agent.token, sessionId: s.sessionId, protocol: 1 }),
      ),
    ).toMatchObject({
      code: 'bad_request',
    });
    await closeAll(agent.client, s.client, viewer.client);
  });

  it('before any hello: refused first messages keep the socket for another try', async () => {
    const c = await TestWsClient.connect(server.wsUrl, server.url);
    expect(await errorFor(c, 'x'.repeat(CONTROL_MESSAGE_MAX_BYTES + 10))).toMatchObject({
      code: 'message_too_large',
    });
    expect(
      await errorFor(c, JSON.stringify({ type: 'agent.hello', token: 'nope', protocol: PROTOCOL_VERSION })),
    ).toMatchObject({
      code: 'token_invalid',
    });
    expect(
      await errorFor(c, JSON.stringify({ type: 'agent.hello', token: 'a b', protocol: PROTOCOL_VERSION })),
    ).toMatchObject({
      code: 'invalid_message',
    });
    expect(await errorFor(c, JSON.stringify({ type: 'chat.send', id: 'z', text: 'hi' }))).toMatchObject({
      code: 'unknown_message_type',
    });
    const signed = await signInAgent(server, { portals: [slug] });
    c.send({ type: 'agent.hello', token: signed.token, protocol: PROTOCOL_VERSION });
    expect(await seenType(c, 'agent.welcome')).toMatchObject({ agent: { id: signed.user.id } });
    await closeAll(c);
  });

  it('refuses another protocol version on every hello with protocol_unsupported', async () => {
    const signed = await signInAgent(server, { portals: [slug] });
    const hellos = [
      { type: 'agent.hello', token: signed.token, protocol: 2 },
      { type: 'customer.hello', requestToken: 'abc', protocol: 2 },
      { type: 'request.create', id: 'r', portal: slug, name: 'A', problem: 'x', protocol: 2 },
      { ...helperHello({ kind: 'join', joinCode: '123456789' }), protocol: 2 },
      { type: 'viewer.hello', token: signed.token, sessionId: 'abc', protocol: 2 },
    ];
    for (const hello of hellos) {
      const c = await TestWsClient.connect(server.wsUrl, server.url);
      expect(await errorFor(c, JSON.stringify(hello)), hello.type).toMatchObject({
        code: 'protocol_unsupported',
        details: { server: PROTOCOL_VERSION, client: 2 },
      });
      await closeAll(c);
    }
  });

  it('answers a flood of requests in order, all of them', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const n = 500;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(`f${i}`);
      agent.client.send({ type: 'ping', id: `f${i}` });
    }
    await seen(agent.client, (m) => m.type === 'reply' && m.id === `f${n - 1}`, 'last reply', 0, 15_000);
    const replies = agent.client.received
      .filter((m) => m.type === 'reply' && String(m.id).startsWith('f'))
      .map((m) => m.id);
    expect(replies).toEqual(ids);
    await closeAll(agent.client);
  });
});

describe('origins and logins', () => {
  it('refuses cross-origin upgrades for every channel, before any state exists', async () => {
    const before = server.hub.connections();
    for (const origin of [
      'https://evil.example',
      'null',
      'chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh',
    ]) {
      await expect(TestWsClient.connect(server.wsUrl, origin)).rejects.toThrow(/403/);
    }
    expect(server.hub.connections()).toBe(before);
    // Our extension, a Firefox extension page, and origin-less native helpers are let in.
    for (const origin of [
      'chrome-extension://goajcfhadlodllfbmdgmlpedmbjdmojp',
      'moz-extension://0c9e5f4e-3a4b-4c2d-8e1f-1234567890ab',
      undefined,
    ]) {
      const c = await TestWsClient.connect(server.wsUrl, origin);
      await closeAll(c);
    }
  });

  it('signs out sockets whose login was ended by another process (the CLI), on the next check', async () => {
    const signed = await signInAgent(server, { portals: [slug] });
    const agent = await connectAgent(server, signed);
    // What `lifeline user deactivate` does from another process: the store changes, no event here.
    await server.store.logins.end(signed.loginId, 'deactivated', Date.now());
    expect(await seenType(agent.client, 'signed_out', 0, 5000)).toMatchObject({ reason: 'deactivated' });
    expect(await agent.client.waitClose()).toBe(4003);
  });
});
