import { describe, expect, it } from 'vitest';
import {
  CustomerRequestError,
  CustomerSocket,
  REQUEST_TIMEOUT_MS,
  type ConnectionState,
} from '../../../ui/support/customer-socket';
import {
  RECONNECT_INITIAL_MS,
  RECONNECT_JITTER,
  RECONNECT_MAX_MS,
} from '../../../ui/support/reconnect-backoff';
import { FakeSocket } from './fake-socket';
import { manualTimers } from './manual-timers';

const session = {
  sessionId: 's1',
  state: 'queued',
  screen: 'none',
  portal: { slug: 'it', name: 'IT' },
  customerName: 'Chloé',
  position: 1,
  agentsAvailable: 2,
  queuedAt: 1,
};

function setup(opts: { reconnect?: boolean; random?: () => number } = {}) {
  const timers = manualTimers();
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const messages: unknown[] = [];
  let opened = 0;
  const socket = new CustomerSocket({
    url: 'ws://test/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onOpen: () => opened++,
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    shouldReconnect: () => opts.reconnect ?? true,
    timers,
    now: timers.now,
    random: opts.random ?? (() => 0.5),
  });
  return { socket, timers, sockets, states, messages, opened: () => opened };
}

describe('CustomerSocket', () => {
  it('matches replies to requests by id and validates the result', async () => {
    const { socket, sockets } = setup();
    socket.connect();
    sockets[0]!.open();
    const p = socket.request('request.create', { portal: 'it', name: 'Chloé', problem: 'x', protocol: 1 });
    const sent = sockets[0]!.lastSent();
    expect(sent).toMatchObject({ type: 'request.create', portal: 'it' });
    sockets[0]!.receive({
      type: 'reply',
      id: sent.id,
      result: { requestToken: 'tok', session, extra: 'dropped' },
    });
    const result = await p;
    expect(result.requestToken).toBe('tok');
    expect(Object.keys(result)).not.toContain('extra');
  });

  it("rejects a request with the server's error code, and a malformed result as invalid_message", async () => {
    const { socket, sockets } = setup();
    socket.connect();
    sockets[0]!.open();
    const a = socket.request('request.cancel', {});
    sockets[0]!.receive({
      type: 'error',
      id: sockets[0]!.lastSent().id,
      code: 'illegal_transition',
      message: 'no',
    });
    await expect(a).rejects.toMatchObject({ code: 'illegal_transition' });
    const b = socket.request('request.cancel', {});
    sockets[0]!.receive({ type: 'reply', id: sockets[0]!.lastSent().id, result: { sessionId: 'has space' } });
    await expect(b).rejects.toMatchObject({ code: 'invalid_message' });
  });

  it('drops invalid and oversized messages without telling the page', () => {
    const { socket, sockets, messages } = setup();
    socket.connect();
    sockets[0]!.open();
    sockets[0]!.receive('not json');
    sockets[0]!.receive({ type: 'chat.message', line: { nope: true } });
    sockets[0]!.receive({
      type: 'queue.position',
      position: 2,
      agentsAvailable: 1,
      padding: 'x'.repeat(70_000),
    });
    sockets[0]!.receive({ type: 'queue.position', position: 2, agentsAvailable: 1 });
    expect(messages).toEqual([{ type: 'queue.position', position: 2, agentsAvailable: 1 }]);
  });

  it('times out a request that gets no answer, and rejects all pending requests on a drop', async () => {
    const { socket, sockets, timers } = setup({ reconnect: false });
    socket.connect();
    sockets[0]!.open();
    const slow = socket.request('request.cancel', {});
    timers.advance(REQUEST_TIMEOUT_MS);
    await expect(slow).rejects.toBeInstanceOf(CustomerRequestError);
    const pending = socket.request('chat.send', { text: 'hi' });
    sockets[0]!.drop();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    await expect(socket.request('chat.send', { text: 'hi' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('reconnects from one timer with growing delays, then resets after a success', () => {
    const { socket, sockets, timers, states, opened } = setup();
    socket.connect();
    sockets[0]!.open();
    expect(opened()).toBe(1);
    sockets[0]!.drop();
    expect(states.at(-1)).toMatchObject({ name: 'lost', attempt: 0 });
    expect(timers.pending()).toBe(1);
    expect(timers.delays()).toEqual([RECONNECT_INITIAL_MS]);
    // The server stays down: each failed attempt doubles the wait, one timer at a time.
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [delay] = timers.delays();
      waits.push(delay!);
      timers.advance(delay!);
      expect(states.at(-1)).toMatchObject({ name: 'connecting' });
      sockets.at(-1)!.drop();
      expect(timers.pending()).toBe(1);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, RECONNECT_MAX_MS, RECONNECT_MAX_MS]);
    // Back: the page is told and the first message goes out again.
    timers.advance(timers.delays()[0]!);
    sockets.at(-1)!.open();
    expect(opened()).toBe(2);
    expect(states.at(-1)).toEqual({ name: 'open' });
    sockets.at(-1)!.drop();
    expect(timers.delays()).toEqual([RECONNECT_INITIAL_MS]);
  });

  it('applies jitter to the delays', () => {
    const { socket, sockets, timers } = setup({ random: () => 0 });
    socket.connect();
    sockets[0]!.open();
    sockets[0]!.drop();
    expect(timers.delays()).toEqual([RECONNECT_INITIAL_MS * (1 - RECONNECT_JITTER)]);
  });

  it('"reconnect now" skips the wait without leaving a second timer behind', () => {
    const { socket, sockets, timers } = setup();
    socket.connect();
    sockets[0]!.open();
    sockets[0]!.drop();
    socket.reconnectNow();
    expect(sockets).toHaveLength(2);
    expect(timers.pending()).toBe(0);
    socket.reconnectNow(); // not lost any more: nothing happens
    expect(sockets).toHaveLength(2);
  });

  it('stays down when the page no longer wants a connection, and stop() ends everything', () => {
    const a = setup({ reconnect: false });
    a.socket.connect();
    a.sockets[0]!.open();
    a.sockets[0]!.drop();
    expect(a.states.at(-1)).toEqual({ name: 'idle' });
    expect(a.timers.pending()).toBe(0);

    const b = setup();
    b.socket.connect();
    b.sockets[0]!.open();
    b.socket.stop();
    expect(b.sockets[0]!.closedByClient).toBe(true);
    expect(b.timers.pending()).toBe(0);
    expect(b.states.at(-1)).toEqual({ name: 'idle' });
  });
});
