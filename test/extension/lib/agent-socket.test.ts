/**
 * The agent's WebSocket client (extension/lib/agent-socket.ts) in Node, against a real server
 * (the `ws` package stands in for the browser's WebSocket; same events). Timers run twenty times
 * faster than the real ones, so backoff and keepalive take test-sized time. A misbehaving peer
 * (welcomes, then never answers) is a small `ws` server: the real one cannot be made to hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  AgentRequestError,
  AgentSocket,
  type SocketLike,
  type SocketState,
  type Timers,
} from '../../../extension/lib/agent-socket';
import { webSocketUrl } from '../../../extension/lib/server-address';
import { startTestServer, type TestServer } from '../../support/test-server';
import { signInAgent } from '../../support/workflow';

/** Test timers: every delay is divided by this. */
const SPEED_UP = 20;
const fastTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms / SPEED_UP),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function nodeSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  const s: SocketLike = {
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (d) => ws.send(d),
    close: (c, r) => ws.close(c, r),
  };
  ws.on('open', () => s.onopen?.({}));
  ws.on('message', (data, binary) => {
    if (!binary) s.onmessage?.({ data: data.toString('utf8') });
  });
  ws.on('close', (code, reason) => s.onclose?.({ code, reason: reason.toString() }));
  ws.on('error', (e) => s.onerror?.(e));
  return s;
}

function recorder() {
  const states: SocketState[] = [];
  const pushes: { type: string }[] = [];
  const refusals: string[] = [];
  const waiters: { pred: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.pred()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  return {
    states,
    pushes,
    refusals,
    events: {
      onPush: (m: { type: string }) => {
        pushes.push(m);
        check();
      },
      onState: (s: SocketState) => {
        states.push(s);
        check();
      },
      onRefused: (code: string) => {
        refusals.push(code);
        check();
      },
    },
    until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
      if (pred()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}; states ${states.join(',')}`)),
          ms,
        );
        waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('against a real server', () => {
  it('signs in with its token, gets the welcome, and answers requests with validated results', async () => {
    const agent = await signInAgent(server);
    const r = recorder();
    const socket = new AgentSocket(nodeSocket, r.events, fastTimers);
    await expect(socket.request({ type: 'presence.set', status: 'busy' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    socket.start(webSocketUrl(server.url), agent.token);
    await r.until(() => socket.state === 'ready', 'ready');
    expect(r.states).toEqual(['connecting', 'authenticating', 'ready']);
    expect(r.pushes[0]?.type).toBe('agent.welcome');
    expect(await socket.request({ type: 'presence.set', status: 'busy' })).toEqual({ status: 'busy' });
    const refused = await socket
      .request({ type: 'request.accept', sessionId: 'nope' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgentRequestError);
    expect((refused as AgentRequestError).code).toBe('session_not_found');
    socket.stop();
    expect(socket.state).toBe('idle');
  });

  it('keeps the connection alive with pings the server answers', async () => {
    const agent = await signInAgent(server);
    const r = recorder();
    const socket = new AgentSocket(nodeSocket, r.events, fastTimers);
    socket.start(webSocketUrl(server.url), agent.token);
    await r.until(() => socket.state === 'ready', 'ready');
    // Three keepalive periods (20 s each, sped up): still the first connection.
    await new Promise((res) => setTimeout(res, (3 * 20_000) / SPEED_UP));
    expect(socket.state).toBe('ready');
    expect(r.states).toEqual(['connecting', 'authenticating', 'ready']);
    socket.stop();
  });

  it('stops for good when the token is refused: no reconnect loop', async () => {
    const r = recorder();
    const socket = new AgentSocket(nodeSocket, r.events, fastTimers);
    socket.start(webSocketUrl(server.url), 'not-a-real-token');
    await r.until(() => r.refusals.length > 0, 'refusal');
    expect(r.refusals).toEqual(['token_invalid']);
    await new Promise((res) => setTimeout(res, 300));
    expect(socket.state).toBe('refused');
    expect(r.states.filter((s) => s === 'connecting')).toHaveLength(1);
  });

  it('hears signed_out when the login ends elsewhere, and stops', async () => {
    const agent = await signInAgent(server);
    const r = recorder();
    const socket = new AgentSocket(nodeSocket, r.events, fastTimers);
    socket.start(webSocketUrl(server.url), agent.token);
    await r.until(() => socket.state === 'ready', 'ready');
    await server.services.auth.logout(agent.token, '127.0.0.1');
    await r.until(() => socket.state === 'refused', 'refused');
    expect(r.pushes.map((p) => p.type)).toContain('signed_out');
  });

  it('reconnects by itself after the server restarts, and rejects what was pending', async () => {
    const own = await startTestServer();
    const agent = await signInAgent(own);
    const r = recorder();
    const socket = new AgentSocket(nodeSocket, r.events, fastTimers);
    socket.start(webSocketUrl(own.url), agent.token);
    await r.until(() => socket.state === 'ready', 'ready');
    const port = own.port;
    const dataDir = own.dataDir;
    await own.stop(true);
    await r.until(() => socket.state === 'retry_wait', 'retry_wait');
    const again = await startTestServer({ port, dataDir });
    try {
      await r.until(
        () => r.pushes.filter((p) => p.type === 'agent.welcome').length === 2,
        'second welcome',
        10_000,
      );
      expect(socket.state).toBe('ready');
      expect(r.states.filter((s) => s === 'ready')).toHaveLength(2);
    } finally {
      socket.stop();
      await again.stop();
    }
  });
});

describe('against a peer that stops answering', () => {
  let silent: WebSocketServer;
  let url: string;
  let connections = 0;
  beforeAll(async () => {
    silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => silent.once('listening', r));
    const a = silent.address();
    url = `ws://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/ws`;
    silent.on('connection', (ws) => {
      connections++;
      ws.once('message', () =>
        ws.send(
          JSON.stringify({
            type: 'agent.welcome',
            agent: { id: 'a1', name: 'Silent Sam', email: 'sam@example.test' },
            role: 'agent',
            loginId: 'l1',
            status: 'available',
            features: {
              screenView: true,
              screenControl: true,
              fileTransfer: true,
              shareMyScreen: false,
              transfer: true,
            },
            queue: [],
            sessions: [],
          }),
        ),
      );
      // ...and never anything again: pings go unanswered.
    });
  });
  afterAll(() => new Promise((r) => silent.close(r)));

  it('notices the dead connection through the unanswered ping and reconnects', async () => {
    const r = recorder();
    const socket = new AgentSocket(nodeSocket, r.events, fastTimers, () => 0);
    socket.start(url, 'token');
    await r.until(() => socket.state === 'ready', 'ready');
    const pending = socket.request({ type: 'directory.list' }).catch((e: unknown) => e);
    // keepalive after 20 s, its reply due 10 s later (sped up: 3 s), then a new connection.
    await r.until(() => connections >= 2 && socket.state === 'ready', 'the second connection', 10_000);
    expect(await pending).toMatchObject({ code: 'unavailable' });
    expect(r.states).toContain('retry_wait');
    socket.stop();
  });
});
