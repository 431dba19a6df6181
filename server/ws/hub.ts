/**
 * The WebSocket hub on /ws: checks Origin on upgrade (refused before any state exists), waits
 * for the first message, and hands the connection to the channel whose first-message type it is
 * (agent, customer, helper, viewer). Each channel then owns the connection. Also runs the
 * heartbeat (heartbeat.ts: pings spread over the interval; a peer that misses one is terminated).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTROL_MESSAGE_MAX_BYTES, DATA_FRAME_MAX_BYTES, HELLO_TIMEOUT_MS } from '../../protocol/limits';
import { exceedsUtf8Bytes } from '../../protocol/parse';
import { ProtocolError } from '../../protocol/errors';
import type { AddressOf } from '../http/client-address';
import type { Log } from '../log';
import { CLOSE, Connection } from './connection';
import { Heartbeat } from './heartbeat';
import type { OriginPolicy } from './origin';

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

export function attachHub(
  server: Server,
  channels: readonly Channel[],
  origins: OriginPolicy,
  log: Log,
  addressOf: AddressOf = (req) => req.socket.remoteAddress ?? 'unknown',
): Hub {
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
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  });

  const heartbeat = new Heartbeat();

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn = new Connection(ws, addressOf(req), req.headers.origin);
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
      const text = data.toString('utf8');
      if (exceedsUtf8Bytes(text, CONTROL_MESSAGE_MAX_BYTES)) {
        conn.error('message_too_large', `control messages are limited to ${CONTROL_MESSAGE_MAX_BYTES} bytes`);
        return;
      }
      session.onText(text);
    };

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (session) {
        deliver(data, isBinary);
        return;
      }
      if (opening) {
        if (held.length >= MAX_HELD_MESSAGES) {
          conn.error('backpressure', 'too many messages before the hello was answered');
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
        conn.error('message_too_large', `control messages are limited to ${CONTROL_MESSAGE_MAX_BYTES} bytes`);
        return;
      }
      const text = data.toString('utf8');
      const type = peekType(text);
      const channel = type === undefined ? undefined : byType.get(type);
      if (!channel) {
        conn.error(
          type === undefined ? 'invalid_message' : 'unknown_message_type',
          `the first message must be one of: ${[...byType.keys()].join(', ')}`,
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
          held.length = 0;
          if (err instanceof ProtocolError) {
            conn.error(err.code, err.message, peekId(text), err.details);
          } else {
            log.error('ws_open_failed', { channel: channel.name, error: String(err) });
            conn.error(
              'internal_error',
              'the server could not open this connection; try again',
              peekId(text),
            );
          }
        });
    });

    ws.on('close', () => {
      clearTimeout(helloTimer);
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
  } catch {
    // not JSON
  }
  return undefined;
}
