/**
 * A client's socket that reached a node other than the one carrying its session's screen: this
 * node opens a WebSocket of its own to the carrying node (its advertised address, path
 * LINK_PATH, with signed claims naming the client's real address, Origin and User-Agent:
 * link-claims.ts), sends the client's hello there, and from then on carries the client's messages
 * both ways, as they are. The hub in front keeps checking the client as it checks any socket
 * (sizes, text rate, heartbeat, the per-address cap); the carrying node decides everything else
 * (the credential is checked and spent there once, the relay, the consent).
 *
 * Bounded both ways like the relay (node-link.ts OneWayFlow): the link's buffer past the high-water
 * mark pauses reading the client, the client's buffer past it pauses reading the link (so TCP
 * pushes back to the carrying node, whose relay then treats this viewer as a slow one); either
 * side writing nothing for the stall time is cut. Every message is bounded by the sockets'
 * maxPayload (DATA_FRAME_MAX_BYTES). The link is pinged every LINK_PING_MS; one unanswered ping
 * cuts it (a carrying node gone without a TCP reset).
 *
 * A link that drops while the client is still here (the carrying node died, or its network went)
 * is told to the client as an `unavailable` error with `reason: 'node_lost'`, then a close with
 * CLOSE.nodeLost, at once: never a socket that stays open with nothing behind it. A close the
 * carrying node chose (session ended, signed out...) reaches the client with its own code.
 */
import WebSocket, { type RawData } from 'ws';
import { ProtocolError } from '../../protocol/errors';
import { DATA_FRAME_MAX_BYTES } from '../../protocol/limits';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from '../relay/flow-control';
import { pauseReading, resumeReading } from '../ws/channels/read-pause';
import { CLOSE, type Connection } from '../ws/connection';
import type { ChannelSession } from '../ws/hub';
import type { Log } from '../log';
import { LINK_HEADER, LINK_PATH, type LinkSigner } from './link-claims';
import { OneWayFlow, sendableCode } from './node-link';

/** How long opening a link may take before the client is told the node does not answer, in ms. */
export const LINK_OPEN_MS = 5_000;
/** Ping period of a link; a ping unanswered by the next one cuts it, in ms. */
export const LINK_PING_MS = 10_000;

/** Close codes the carrying node sends on purpose; anything else (1006: the TCP link died) is a loss. */
const ABNORMAL_CLOSES = new Set([1006, 1011, 1015]);

export interface NodeLinkOptions {
  /** This node's id (named in the claims). */
  nodeId: string;
  signer: LinkSigner;
  log: Log;
  limits?: FlowLimits;
  now?: () => number;
  pingMs?: number;
}

/** The carrying node's socket URL from its advertised address (http(s) or ws(s), no path). */
export function linkUrl(advertised: string): string {
  const url = new URL(advertised);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = LINK_PATH;
  return url.toString();
}

function unreachable(target: string): ProtocolError {
  return new ProtocolError(
    'unavailable',
    'the server node carrying this screen does not answer; try again in a few seconds',
    { reason: 'node_unreachable', node: target },
  );
}

/** Opens the link to `address` (node `target`) for `conn`, sends `hello`, and carries the rest. */
export async function openNodeLink(
  conn: Connection,
  hello: string,
  target: { nodeId: string; address: string },
  options: NodeLinkOptions,
): Promise<ChannelSession> {
  const limits = options.limits ?? DEFAULT_FLOW_LIMITS;
  const header = options.signer.sign({
    from: options.nodeId,
    address: conn.address,
    ...(conn.origin ? { origin: conn.origin.slice(0, 512) } : {}),
    ...(conn.userAgent ? { userAgent: conn.userAgent.slice(0, 512) } : {}),
    at: (options.now ?? Date.now)(),
  });
  const link = new WebSocket(linkUrl(target.address), {
    headers: { [LINK_HEADER]: header },
    perMessageDeflate: false,
    maxPayload: DATA_FRAME_MAX_BYTES,
    handshakeTimeout: LINK_OPEN_MS,
  });
  link.on('error', (err) =>
    options.log.debug('node_link_error', { node: target.nodeId, error: err.message }),
  );
  // Messages the carrying node sends before this function returns are held by ws until a
  // listener exists: the listener is added below, synchronously after the open resolves.
  await new Promise<void>((resolve, reject) => {
    const fail = () => reject(unreachable(target.nodeId));
    link.once('open', () => {
      link.off('close', fail);
      resolve();
    });
    link.once('close', fail);
  });
  if (!conn.isOpen) {
    link.close(1000, 'client gone');
    throw unreachable(target.nodeId);
  }

  // Client -> carrying node: the link's buffer holds the client's reading.
  const up = new OneWayFlow(
    { pause: () => pauseReading(conn, 'link'), resume: () => resumeReading(conn, 'link') },
    link,
    limits,
  );
  // Carrying node -> client: the client's buffer holds the link's reading.
  const down = new OneWayFlow(
    { pause: () => link.pause(), resume: () => link.readyState === link.OPEN && link.resume() },
    conn.ws,
    limits,
  );
  link.on('message', (data: RawData, isBinary: boolean) => {
    if (conn.isOpen) down.send(data, isBinary);
  });

  let alive = true;
  const ping = setInterval(() => {
    if (!alive) {
      link.terminate();
      return;
    }
    alive = false;
    link.ping();
  }, options.pingMs ?? LINK_PING_MS);
  ping.unref();
  link.on('pong', () => (alive = true));

  let clientGone = false;
  link.once('close', (code: number, reason: Buffer) => {
    clearInterval(ping);
    up.stop();
    down.stop();
    if (clientGone || !conn.isOpen) return;
    if (ABNORMAL_CLOSES.has(code)) {
      options.log.warn('node_link_lost', { node: target.nodeId, code, conn: conn.id });
      conn.error(
        'unavailable',
        'the server node carrying this screen stopped; reconnect to reach the session again',
        undefined,
        { reason: 'node_lost', node: target.nodeId },
      );
      conn.close(CLOSE.nodeLost, 'the server node carrying this screen stopped');
      return;
    }
    conn.close(sendableCode(code), reason.toString());
  });

  link.send(hello);
  return {
    onText: (text) => {
      if (link.readyState === link.OPEN) up.send(text, false);
    },
    onBinary: (data) => {
      if (link.readyState === link.OPEN) up.send(data, true);
    },
    onClose: () => {
      clientGone = true;
      clearInterval(ping);
      up.stop();
      down.stop();
      if (link.readyState === link.OPEN || link.readyState === link.CONNECTING)
        link.close(1000, 'client gone');
    },
  };
}
