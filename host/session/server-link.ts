/**
 * One WebSocket from the helper to `<server>/ws` (the `ws` package: from Node there is no Origin
 * header, which the server accepts for native programs). It sends `helper.hello` as soon as the
 * socket opens, then hands every text message, validated against ServerToHelper (size first,
 * then JSON and schema: parse.ts), to `onMessage`, and every binary message (a data-plane frame)
 * to `onFrame`. Outgoing control messages are checked against HelperToServer before they leave.
 *
 * A link is single-use: when it closes (`onClose` fires exactly once) the session client makes a
 * new one. A silent socket is not trusted: when nothing (not even the server's heartbeat ping)
 * arrives for LINK_SILENCE_MS, the link is terminated so reconnection can start.
 */
import type { Agent } from 'node:http';
import WebSocket from 'ws';
import {
  HEARTBEAT_INTERVAL_MS,
  CONTROL_MESSAGE_MAX_BYTES,
  DATA_FRAME_MAX_BYTES,
} from '../../protocol/limits';
import { HelperToServer, ServerToHelper } from '../../protocol/helper-channel';
import { parseMessage } from '../../protocol/parse';

/** Longest silence from the server before the link counts as dead, in ms (two heartbeats and a half). */
export const LINK_SILENCE_MS = Math.round(HEARTBEAT_INTERVAL_MS * 2.5);
/** How long the TCP connect and WebSocket upgrade may take, in ms. */
export const LINK_CONNECT_TIMEOUT_MS = 10_000;

export type HelloMessage = Extract<HelperToServer, { type: 'helper.hello' }>;

export interface ServerLinkEvents {
  onOpen?(): void;
  onMessage(msg: ServerToHelper): void;
  onFrame(frame: Uint8Array): void;
  /** Fired once; `opened` tells whether the upgrade ever succeeded. */
  onClose(info: { code: number; reason: string; opened: boolean; error?: string }): void;
  /** A message from the server that failed validation (logged; the link stays up). */
  onInvalid?(reason: string): void;
}

/** `https://support.example.com` -> `wss://support.example.com/ws`. */
export function socketUrl(serverOrigin: string): string {
  const url = new URL('/ws', serverOrigin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class ServerLink {
  private readonly ws: WebSocket;
  private opened = false;
  private closed = false;
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    serverOrigin: string,
    hello: HelloMessage,
    private readonly events: ServerLinkEvents,
    private readonly silenceMs: number = LINK_SILENCE_MS,
    /** Through a proxy's tunnel when one applies (host/net/server-agent.ts); undefined: direct. */
    agent?: Agent,
  ) {
    this.ws = new WebSocket(socketUrl(serverOrigin), {
      perMessageDeflate: false,
      maxPayload: DATA_FRAME_MAX_BYTES,
      handshakeTimeout: LINK_CONNECT_TIMEOUT_MS,
      ...(agent ? { agent } : {}),
    });
    let lastError: string | undefined;
    this.ws.on('open', () => {
      this.opened = true;
      this.alive();
      this.send(hello);
      this.events.onOpen?.();
    });
    this.ws.on('ping', () => this.alive());
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.alive();
      if (isBinary) {
        this.events.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        return;
      }
      if (data.byteLength > CONTROL_MESSAGE_MAX_BYTES) {
        this.events.onInvalid?.(`control message of ${data.byteLength} bytes`);
        return;
      }
      const parsed = parseMessage(ServerToHelper, data.toString('utf8'));
      if (!parsed.ok) {
        this.events.onInvalid?.(`${parsed.code}: ${parsed.message}`);
        return;
      }
      this.events.onMessage(parsed.value);
    });
    this.ws.on('error', (err) => {
      lastError = err.message;
    });
    this.ws.on('close', (code, reason) => {
      if (this.closed) return;
      this.closed = true;
      this.clearSilence();
      this.events.onClose({
        code,
        reason: reason.toString('utf8'),
        opened: this.opened,
        ...(lastError !== undefined ? { error: lastError } : {}),
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket, not yet handed to the OS. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(msg: HelperToServer): void {
    if (!this.isOpen) return;
    // Checked on the way out too: a bug here must not reach the server as a half-valid message.
    const checked = HelperToServer.parse(msg);
    this.ws.send(JSON.stringify(checked));
  }

  sendFrame(frame: Uint8Array): void {
    if (!this.isOpen) return;
    this.ws.send(frame, { binary: true });
  }

  /** Closes politely (the server sees a normal close). */
  close(code = 1000, reason = ''): void {
    this.clearSilence();
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(code, reason);
  }

  /** Drops the socket at once, as a network failure would. */
  terminate(): void {
    this.clearSilence();
    this.ws.terminate();
  }

  private alive(): void {
    this.clearSilence();
    if (this.closed) return;
    this.silenceTimer = setTimeout(() => this.ws.terminate(), this.silenceMs);
    this.silenceTimer.unref?.();
  }

  private clearSilence(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  }
}
