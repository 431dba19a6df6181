/**
 * The WebSocket hub on /ws: checks Origin on upgrade and caps the sockets one client address
 * holds (both refused before any state exists), waits for the first message, and hands the
 * connection to the channel whose first-message type it is (agent, customer, helper, viewer).
 * Each channel then owns the connection. Also runs the heartbeat (heartbeat.ts: pings spread over
 * the interval; a peer that misses one is terminated, not closed: a dead TCP peer never answers a
 * close handshake).
 *
 * Before the hello the socket lives under the same rules as after it (connection.ts): its
 * answers count against its outgoing budget and its malformed messages against its protocol
 * errors. Every error answers with the request id of the message it is about when one can be
 * read, and messages held while a hello is checked are each answered if the hello fails.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTROL_MESSAGE_MAX_BYTES, DATA_FRAME_MAX_BYTES, HELLO_TIMEOUT_MS } from '../../protocol/limits';
import { peekRequestId } from '../../protocol/parse';
import { ProtocolError, type ErrorCode } from '../../protocol/errors';
import { clientAddress, isSharedAddress, NO_PROXY, type ProxyTrust } from '../http/client-address';
import type { Log } from '../log';
import { CLOSE, Connection } from './connection';
import { Heartbeat } from './heartbeat';
import type { OriginPolicy } from './origin';
import { pauseReading, resumeReading } from './channels/read-pause';
import { InboundGate } from './inbound-rate';
import type { OutgoingLimits } from './outgoing-budget';
import { SOCKETS_PER_ADDRESS, SocketCounts } from './socket-counts';

/** What a channel does with a connection once its first message was accepted. */
export interface ChannelSession {
  onText(text: string): void;
  onBinary(data: Buffer): void;
  onClose(): void;
}

export interface Channel {
  readonly name: string;
  /** The `type` values of the messages that may open this channel. */
  readonly firstTypes: readonly string[];
  /** Validates the first message and sets the connection up; throws ProtocolError to refuse. */
  open(conn: Connection, text: string): Promise<ChannelSession>;
}

/** Messages that arrive while a channel is still opening are held, up to this many. */
const MAX_HELD_MESSAGES = 32;

export interface Hub {
  readonly wss: WebSocketServer;
  connections(): number;
  close(): Promise<void>;
}

export interface HubOptions {
  /** Reverse proxies whose X-Forwarded-For names the client (--trust-proxy). */
  proxies?: ProxyTrust;
  /** Sockets one client address may hold open (SOCKETS_PER_ADDRESS). */
  socketsPerAddress?: number;
  /** Outgoing budget of each socket (tests shrink it). */
  outgoing?: OutgoingLimits;
  /**
   * Several nodes only: sockets another node forwards (server/cluster/node-link-session.ts) upgrade
   * on `path`; `admit` checks the node's proof and returns the client it speaks for (null:
   * refused). Such a socket then lives like the client's own, under the client's address.
   */
  forwarded?: { path: string; admit(req: IncomingMessage): ForwardedClient | null };
}

/** The client behind a forwarded socket, as the forwarding node saw it. */
export interface ForwardedClient {
  address: string;
  origin?: string;
  userAgent?: string;
}

export function attachHub(
  server: Server,
  channels: readonly Channel[],
  origins: OriginPolicy,
  log: Log,
  options: HubOptions = {},
): Hub {
  const proxies = options.proxies ?? NO_PROXY;
  const perAddress = new SocketCounts(options.socketsPerAddress ?? SOCKETS_PER_ADDRESS);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: DATA_FRAME_MAX_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
  });
  const byType = new Map<string, Channel>();
  for (const ch of channels) for (const t of ch.firstTypes) byType.set(t, ch);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    const { forwarded } = options;
    if (forwarded && path === forwarded.path) {
      // The forwarding node checked Origin and its own per-address cap for this client.
      const client = forwarded.admit(req);
      if (!client) {
        log.warn('ws_link_refused', { from: req.socket.remoteAddress ?? '' });
        rejectUpgrade(socket, 403, 'Forbidden: not a node of this deployment');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, client.address, client));
      return;
    }
    if (path !== '/ws') {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    const origin = req.headers.origin;
    if (!origins.isAllowed(origin, req.headers.host)) {
      log.warn('ws_origin_refused', { origin: origin ?? '' });
      rejectUpgrade(socket, 403, 'Forbidden: origin not allowed');
      return;
    }
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], proxies);
    const release = isSharedAddress(address, proxies) ? () => undefined : perAddress.admit(address);
    if (!release) {
      log.warn('ws_address_cap', { address, max: perAddress.max });
      rejectUpgrade(socket, 429, 'Too Many Requests: too many connections from this address');
      return;
    }
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, address));
  });

  const heartbeat = new Heartbeat();

  function onConnection(
    ws: WebSocket,
    req: IncomingMessage,
    address: string,
    client: ForwardedClient | null = null,
  ): void {
    const origin = client ? client.origin : req.headers.origin;
    const userAgent = client ? client.userAgent : req.headers['user-agent'];
    const conn = new Connection(ws, address, origin, userAgent, {
      ...(options.outgoing ? { outgoing: options.outgoing } : {}),
      onAbuse: (c, why) => log.warn('ws_closed_for_abuse', { conn: c.id, address: c.address, why }),
    });
    heartbeat.add(ws);
    ws.on('error', (err) => log.debug('ws_error', { conn: conn.id, error: err.message }));

    let session: ChannelSession | null = null;
    let opening = false;
    const held: { data: Buffer; isBinary: boolean }[] = [];
    const helloTimer = setTimeout(() => {
      if (!session) conn.close(CLOSE.helloTimeout, 'no hello within 10 s');
    }, HELLO_TIMEOUT_MS);

    const deliver = (data: Buffer, isBinary: boolean) => {
      if (!session) return;
      if (isBinary) {
        session.onBinary(data);
        return;
      }
      // data.length is the UTF-8 size: checked before the text is made.
      if (data.length > CONTROL_MESSAGE_MAX_BYTES) {
        tooLarge(data);
        return;
      }
      session.onText(data.toString('utf8'));
    };

    const tooLarge = (data: Buffer) =>
      conn.error(
        'message_too_large',
        `control messages are limited to ${CONTROL_MESSAGE_MAX_BYTES} bytes`,
        peekRequestId(data.subarray(0, 1024).toString('utf8')),
      );

    /**
     * A hello failed: every message held behind it is answered with the hello's own code (the
     * reason it could not be handled), none dropped in silence.
     */
    const answerHeld = (code: ErrorCode) => {
      for (const m of held.splice(0)) {
        const id = m.isBinary ? undefined : requestIdIn(m.data);
        conn.error(code, 'not handled: the hello before this message was refused', id);
      }
    };

    const onMessage = (data: Buffer, isBinary: boolean) => {
      // A socket the server is closing answers nothing more (ws may still parse what it had read).
      if (!conn.isOpen) return;
      if (session) {
        deliver(data, isBinary);
        return;
      }
      if (opening) {
        if (held.length >= MAX_HELD_MESSAGES) {
          conn.error(
            'backpressure',
            'too many messages before the hello was answered',
            isBinary ? undefined : requestIdIn(data),
          );
          return;
        }
        held.push({ data, isBinary });
        return;
      }
      if (isBinary) {
        conn.error('not_authenticated', 'send a hello before any binary frame');
        return;
      }
      if (data.length > CONTROL_MESSAGE_MAX_BYTES) {
        tooLarge(data);
        return;
      }
      const text = data.toString('utf8');
      const type = peekType(text);
      const channel = type === undefined ? undefined : byType.get(type);
      if (!channel) {
        conn.error(
          type === undefined ? 'invalid_message' : 'unknown_message_type',
          `the first message must be one of: ${[...byType.keys()].join(', ')}`,
          peekId(text),
        );
        return;
      }
      opening = true;
      channel
        .open(conn, text)
        .then((s) => {
          clearTimeout(helloTimer);
          opening = false;
          if (!conn.isOpen) {
            s.onClose();
            return;
          }
          session = s;
          for (const m of held.splice(0)) deliver(m.data, m.isBinary);
        })
        .catch((err: unknown) => {
          opening = false;
          if (err instanceof ProtocolError) {
            conn.error(err.code, err.message, peekId(text), err.details);
            answerHeld(err.code);
          } else {
            log.error('ws_open_failed', { channel: channel.name, error: String(err) });
            conn.error(
              'internal_error',
              'the server could not open this connection; try again',
              peekId(text),
            );
            answerHeld('internal_error');
          }
        });
    };

    // Every message passes the socket's rate first (inbound-rate.ts): text, and anything before
    // the hello, is handled at most INBOUND_MESSAGES_PER_S a second; the rest waits, in order.
    const gate = new InboundGate({
      handle: onMessage,
      pause: () => pauseReading(conn, 'rate'),
      resume: () => resumeReading(conn, 'rate'),
      dropped: (count) =>
        conn.error(
          'backpressure',
          `${count} messages dropped: they arrived faster than they could wait`,
          undefined,
          {
            dropped: count,
          },
        ),
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // A socket the server is closing answers nothing more (ws still parses what it had read).
      if (conn.isOpen) gate.push(data, isBinary, !isBinary || !session);
    });

    ws.on('close', () => {
      clearTimeout(helloTimer);
      gate.close();
      session?.onClose();
    });
  }

  return {
    wss,
    connections: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        heartbeat.stop();
        for (const ws of wss.clients) ws.close(CLOSE.serverShutdown, 'server shutting down');
        wss.close(() => resolve());
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000).unref();
      }),
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function peekType(text: string): string | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw === 'object' && raw !== null && 'type' in raw && typeof raw.type === 'string')
      return raw.type;
  } catch {
    // not JSON: the caller answers invalid_message
  }
  return undefined;
}

function peekId(text: string): string | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    if (
      typeof raw === 'object' &&
      raw !== null &&
      'id' in raw &&
      typeof raw.id === 'string' &&
      raw.id.length <= 64
    ) {
      return raw.id;
    }
    return undefined;
  } catch {
    return peekRequestId(text);
  }
}

/** The request id of a held or refused text message (parsed when small enough, else peeked). */
function requestIdIn(data: Buffer): string | undefined {
  if (data.length > CONTROL_MESSAGE_MAX_BYTES) return peekRequestId(data.subarray(0, 1024).toString('utf8'));
  return peekId(data.toString('utf8'));
}
