// The support page's controller with a stand-in socket, for the orderings a real server produces
// only sometimes (an end announced before the cancel's reply, a restart the server refuses, a
// kept token the server forgot, late messages after the customer moved on). The everyday paths
// run against the real server in test/e2e/support-page.
import { describe, expect, it } from 'vitest';
import { RequestStore, keyFor } from '../../../ui/support/request-store';
import { SupportController } from '../../../ui/support/support-controller';
import { FakeSocket } from './fake-socket';
import { manualTimers } from './manual-timers';

const details = { name: 'Chloé', email: 'chloe@example.com', problem: 'printer' };
const view = (over: Record<string, unknown> = {}) => ({
  sessionId: 's1',
  state: 'queued',
  screen: 'none',
  portal: { slug: 'it', name: 'IT' },
  customerName: 'Chloé',
  position: 1,
  agentsAvailable: 1,
  queuedAt: 1,
  ...over,
});

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

async function setup(storage = memory(), extra: { language?: 'en' | 'fr' } = {}) {
  const sockets: FakeSocket[] = [];
  const timers = manualTimers();
  const c = new SupportController({
    ...extra,
    client: { system: 'macOS', browser: 'Safari 17' },
    slug: 'it',
    wsUrl: 'ws://test/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    fetchPortal: () => Promise.resolve({ name: 'IT', agentsAvailable: 1 }),
    store: new RequestStore(storage, 'it'),
    createBridge: null,
    timers,
    now: timers.now,
  });
  c.start();
  await Promise.resolve();
  await Promise.resolve();
  const last = () => sockets[sockets.length - 1]!;
  /** Answers the last request the page sent. */
  const reply = (result: unknown) => last().receive({ type: 'reply', id: last().lastSent().id, result });
  const fail = (code: string) =>
    last().receive({ type: 'error', id: last().lastSent().id, code, message: code });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { c, sockets, timers, storage, last, reply, fail, settle };
}

async function waiting() {
  const t = await setup();
  t.c.submit(details);
  t.last().open();
  expect(t.last().lastSent()).toMatchObject({
    type: 'request.create',
    portal: 'it',
    ...details,
    protocol: 1,
  });
  t.reply({ requestToken: 'tok1', session: view() });
  await t.settle();
  expect(t.c.current.phase).toBe('waiting');
  return t;
}

describe('SupportController', () => {
  it('keeps the token and details in sessionStorage once the request exists', async () => {
    const t = await waiting();
    expect(JSON.parse(t.storage.data.get(keyFor('it'))!)).toEqual({ token: 'tok1', details });
  });

  it('counts a cancel as cancelled even when the end is announced before the reply', async () => {
    const t = await waiting();
    t.c.cancel();
    t.last().receive({ type: 'session.ended', by: 'customer' });
    t.reply({ sessionId: 's1' });
    await t.settle();
    expect(t.c.current.phase).toBe('cancelled');
    expect(JSON.parse(t.storage.data.get(keyFor('it'))!)).toEqual({ token: null, details });
    // A late accept for the cancelled request changes nothing.
    t.last().receive({ type: 'session.accepted', agentName: 'Anna' });
    expect(t.c.current.phase).toBe('cancelled');
  });

  it('restarts on the same socket, and falls back to a new request when the server refuses', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.accepted', agentName: 'Anna' });
    t.last().receive({ type: 'session.ended', by: 'agent' });
    expect(t.c.current).toMatchObject({ phase: 'ended', endedBy: 'agent' });
    t.c.restart();
    expect(t.c.current.phase).toBe('restarting');
    expect(t.last().lastSent()).toMatchObject({ type: 'request.restart' });
    t.fail('session_not_found');
    await t.settle();
    // A fresh connection whose first message is a new request with the same details.
    expect(t.sockets).toHaveLength(2);
    t.last().open();
    expect(t.last().lastSent()).toMatchObject({ type: 'request.create', ...details });
    t.reply({ requestToken: 'tok2', session: view({ sessionId: 's2' }) });
    await t.settle();
    expect(t.c.current.phase).toBe('waiting');
    expect(t.c.current.session?.sessionId).toBe('s2');
  });

  it('continues with the same agent: a new socket, an empty description, the old token as previous; the routing is kept', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.accepted', agentName: 'Anna' });
    t.last().receive({ type: 'session.ended', by: 'agent' });
    t.c.continueWithAgent();
    expect(t.c.current).toMatchObject({
      phase: 'form',
      continueWith: { token: 'tok1', agentName: 'Anna' },
      details: { ...details, problem: '' },
    });
    // The ended session's socket is left: the new request opens its own.
    expect(t.last().closedByClient).toBe(true);
    t.c.submit({ ...details, problem: 'the scanner now' });
    expect(t.sockets).toHaveLength(2);
    t.last().open();
    expect(t.last().lastSent()).toMatchObject({
      type: 'request.create',
      problem: 'the scanner now',
      previous: 'tok1',
    });
    const routing = { agentName: 'Anna', state: 'asked', answerBy: 5 };
    t.reply({ requestToken: 'tok2', session: view({ sessionId: 's2', routing }) });
    await t.settle();
    expect(t.c.current).toMatchObject({ phase: 'waiting', continueWith: null, session: { routing } });
    // Anna did not answer: the page is told, in the session it shows.
    t.last().receive({ type: 'request.routing', routing: { agentName: 'Anna', state: 'no_answer' } });
    expect(t.c.current.session?.routing).toEqual({ agentName: 'Anna', state: 'no_answer' });
  });

  it('starts a new request with the name and e-mail kept and an empty description', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.ended', by: 'agent' });
    t.c.newRequest();
    expect(t.c.current).toMatchObject({
      phase: 'form',
      continueWith: null,
      details: { ...details, problem: '' },
    });
  });

  it('keeps the description when the customer asks again after cancelling a waiting request', async () => {
    const t = await waiting();
    t.c.cancel();
    t.reply({ sessionId: 's1' });
    await t.settle();
    expect(t.c.current.phase).toBe('cancelled');
    t.c.newRequest();
    expect(t.c.current).toMatchObject({ phase: 'form', details });
  });

  it('resumes a kept request after a reload, and goes back to the form when the server forgot it', async () => {
    const kept = memory({ [keyFor('it')]: JSON.stringify({ token: 'old', details }) });
    const t = await setup(kept);
    expect(t.c.current.phase).toBe('resuming');
    t.last().open();
    expect(t.last().lastSent()).toEqual({ type: 'customer.hello', requestToken: 'old', protocol: 1 });
    t.last().receive({ type: 'error', code: 'request_not_found', message: 'unknown' });
    expect(t.c.current).toMatchObject({ phase: 'form', formError: 'request_not_found', details });
    expect(JSON.parse(kept.data.get(keyFor('it'))!)).toEqual({ token: null, details });
  });

  it('keeps the chat through a lost connection and follows the welcome when it is back', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.accepted', agentName: 'Anna' });
    t.last().receive({
      type: 'chat.typing',
      from: { kind: 'agent', name: 'Anna', agentId: 'a1' },
      typing: true,
    });
    expect(t.c.current.agentTyping).toBe('Anna');
    t.c.send('hello?');
    t.last().drop();
    await t.settle();
    expect(t.c.current).toMatchObject({ phase: 'chat', agentTyping: null, connection: { name: 'lost' } });
    expect(t.c.current.pending).toMatchObject([{ text: 'hello?', failed: true }]);
    t.timers.advance(t.timers.delays()[0]!);
    t.last().open();
    expect(t.last().lastSent()).toEqual({ type: 'customer.hello', requestToken: 'tok1', protocol: 1 });
    const line = {
      sessionId: 's1',
      seq: 1,
      from: { kind: 'agent', name: 'Anna', agentId: 'a1' },
      text: 'hi',
      at: 5,
    };
    t.last().receive({
      type: 'customer.welcome',
      session: view({ state: 'accepted', agentName: 'Anna' }),
      transcript: [line],
    });
    expect(t.c.current).toMatchObject({ phase: 'chat', reconnected: true, connection: { name: 'open' } });
    expect(t.c.current.lines).toHaveLength(1);
    // The failed line goes out again on retry and takes its place in the transcript.
    t.c.retry(t.c.current.pending[0]!.localId);
    expect(t.last().lastSent()).toMatchObject({ type: 'chat.send', text: 'hello?' });
    t.reply({ line: { ...line, seq: 2, from: { kind: 'customer', name: 'Chloé' }, text: 'hello?' } });
    await t.settle();
    expect(t.c.current.pending).toEqual([]);
    expect(t.c.current.lines.map((l) => l.seq)).toEqual([1, 2]);
  });

  it('does not reconnect once the request is over', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.ended', by: 'system' });
    t.last().drop();
    expect(t.c.current.connection).toEqual({ name: 'idle' });
    expect(t.timers.pending()).toBe(0);
  });

  it("tells the server the page's language and the customer's system, and follows a switch", async () => {
    const t = await setup(memory(), { language: 'fr' });
    t.c.submit(details);
    t.last().open();
    expect(t.last().lastSent()).toMatchObject({
      type: 'request.create',
      language: 'fr',
      client: { system: 'macOS', browser: 'Safari 17' },
    });
    t.reply({ requestToken: 'tok1', session: view() });
    await t.settle();
    t.c.setLanguage('en');
    expect(t.last().lastSent()).toEqual({ type: 'customer.language', language: 'en' });
    // A switch made while offline reaches the server after the next welcome.
    t.last().drop();
    t.c.setLanguage('fr');
    t.timers.advance(60_000);
    t.last().open();
    t.last().receive({ type: 'customer.welcome', session: view(), transcript: [] });
    expect(t.last().sent).toContainEqual({ type: 'customer.language', language: 'fr' });
  });

  it('binds the download to the request, and says how sharing ended on the customer side', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.accepted', agentName: 'Anna' });
    t.last().receive({
      type: 'screen.requested',
      joinCode: '123456789',
      expiresAt: 10_000,
      agentName: 'Anna',
      download: 'tkt_1',
    });
    expect(t.c.current.screen.request).toMatchObject({ joinCode: '123456789', ticket: 'tkt_1' });
    t.last().receive({ type: 'screen.status', state: 'none', ended: 'declined' });
    expect(t.c.current.screen).toMatchObject({
      state: 'none',
      ended: { how: 'declined', agentName: 'Anna' },
    });
    // Asked again: the page offers the download again, the old ending is history.
    t.last().receive({
      type: 'screen.requested',
      joinCode: '987654321',
      expiresAt: 10_000,
      agentName: 'Anna',
    });
    expect(t.c.current.screen).toMatchObject({ ended: null, request: { ticket: null } });
  });
  it('shows the slow-link advice only while the screen streams, and drops it when sharing stops', async () => {
    const t = await waiting();
    t.last().receive({ type: 'session.accepted', agentName: 'Anna' });
    // Not streaming yet: a slow report alone does not show the advice.
    t.last().receive({ type: 'screen.link', slow: true });
    expect(t.c.current.screen.slowLink).toBe(false);
    t.last().receive({ type: 'screen.status', state: 'streaming' });
    t.last().receive({ type: 'screen.link', slow: true });
    expect(t.c.current.screen.slowLink).toBe(true);
    t.last().receive({ type: 'screen.link', slow: false });
    expect(t.c.current.screen.slowLink).toBe(false);
    t.last().receive({ type: 'screen.link', slow: true });
    t.last().receive({ type: 'screen.status', state: 'none', ended: 'stopped' });
    expect(t.c.current.screen.slowLink).toBe(false);
    // A malformed push is dropped by the socket's validation: the state stays as it was.
    t.last().receive({ type: 'screen.status', state: 'streaming' });
    t.last().receive({ type: 'screen.link', slow: 'yes' });
    expect(t.c.current.screen.slowLink).toBe(false);
  });
});
