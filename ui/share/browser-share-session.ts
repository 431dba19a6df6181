/**
 * The customer's screen shared from the support page itself, for systems without a helper
 * (macOS, ChromeOS) or a computer where nothing may be installed: "share my screen" reversed.
 * The page joins the session's screen data plane as the helper would (helper.hello with its
 * request token, credential `page`), states its consent as view only (the browser asked what to
 * share; nothing else can be granted from a page, and the server holds it to that), and streams
 * the captured picture to each of the agent's viewers end to end (picture-streamer.ts: the same
 * key agreement in the helper's role, the same screen format, so the agent's viewer shows it as
 * it shows the helper's). Nothing a viewer sends is obeyed beyond `screen.refresh`.
 *
 * A lost connection comes back with the resume token of the last welcome (one timer, backoff),
 * while the capture goes on; a refusal or the end of the session ends it (outgoing-share.ts). Framework-free: the
 * support controller drives it, Node tests run it with a synthetic picture.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import type { ErrorCode } from '../../protocol/errors';
import { ServerToHelper, type HelperToServer, type OsInfo } from '../../protocol/helper-channel';
import type { HandlerMap } from '../../protocol/message';
import type { CreateSocket } from '../data-plane/data-plane-socket';
import { OutgoingShare, type OutgoingSharePhase } from './outgoing-share';
import type { JpegEncoder } from './picture-encoder';
import type { PictureSource } from './picture-streamer';

export { RECONNECT_FIRST_MS, RECONNECT_MAX_MS } from './outgoing-share';
/** Version string of the page's "helper" in its hello. */
const PAGE_HELPER_VERSION = 'page-1';
/** Codes after which a new socket cannot help. */
const FINAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'request_not_found',
  'session_ended',
  'session_not_found',
  'illegal_transition',
  'resume_expired',
  'forbidden',
  'protocol_unsupported',
]);

export interface BrowserShareOptions {
  url: string;
  requestToken: string;
  createSocket: CreateSocket;
  source: PictureSource;
  jpeg: JpegEncoder;
  /** What the page knows of the customer's system and browser (the agent's viewer names it). */
  os: OsInfo;
  maxFps?: number;
  now?: () => number;
}

export type BrowserSharePhase = OutgoingSharePhase;

export interface BrowserShareSnapshot {
  phase: BrowserSharePhase;
  refused: ErrorCode | null;
  /** The security code of each of the agent's viewers whose key agreement is done. */
  codes: string[];
  /** Viewers watching now (secured or not). */
  viewers: number;
  picturesSent: number;
  bytesSent: number;
}

type Push = Exclude<ServerToHelper, { type: 'helper.welcome' }>;

export class BrowserShareSession {
  private resumeToken: string | null = null;
  private readonly share: OutgoingShare<ServerToHelper, 'helper.welcome', BrowserShareSnapshot>;

  constructor(options: BrowserShareOptions) {
    const { requestToken, os } = options;
    this.share = new OutgoingShare({
      // The socket's address and the picture's source, encoder and pace, as given.
      ...options,
      schema: ServerToHelper,
      welcomeType: 'helper.welcome',
      hello: () => ({
        type: 'helper.hello',
        credential: this.resumeToken
          ? { kind: 'resume', resumeToken: this.resumeToken }
          : { kind: 'page', requestToken },
        protocol: PROTOCOL_VERSION,
        version: PAGE_HELPER_VERSION,
        os,
        supported: true,
      }),
      welcomed: (msg, socket) => {
        this.resumeToken = msg.resumeToken;
        // The browser asked what to share; that choice is the consent, and it is view only.
        const consent: HelperToServer = {
          type: 'helper.consent',
          grants: { view: true, control: false, clipboard: false, files: false, reboot: false },
        };
        socket.sendText(consent);
        for (const v of msg.viewers) this.share.streamer.addPeer(v.peerId);
      },
      push: (msg) => this.onPush(msg),
      // Never welcomed: nothing to come back to.
      isFinal: (refused) => (refused !== null && FINAL.has(refused)) || this.resumeToken === null,
      snapshot: () => this.snapshot(),
    });
  }

  get phase(): BrowserSharePhase {
    return this.share.phase;
  }

  start(): void {
    this.share.start();
  }

  /** The customer stops sharing (the page's button, or the browser's own "stop sharing"). */
  stop(): void {
    const stop: HelperToServer = { type: 'helper.stop' };
    this.share.stop(stop);
  }

  subscribe(listener: (s: BrowserShareSnapshot) => void): () => void {
    return this.share.subscribe(listener);
  }

  snapshot(): BrowserShareSnapshot {
    const f = this.share.streamer.figures();
    return {
      phase: this.share.phase,
      refused: this.share.refused,
      codes: f.peers.flatMap((p) => (p.sas ? [p.sas] : [])),
      viewers: f.peers.length,
      picturesSent: f.picturesSent,
      bytesSent: f.bytesSent,
    };
  }

  private onPush(msg: Push): void {
    const handler = this.pushHandlers[msg.type] as (m: Push, ctx: void) => void;
    handler(msg, undefined);
  }

  private readonly pushHandlers: HandlerMap<Push, void> = {
    'peer.joined': ({ peer }) => this.share.streamer.addPeer(peer.peerId),
    'peer.left': ({ peerId }) => this.share.streamer.removePeer(peerId),
    'session.ended': () => this.share.ended(),
    reply: () => undefined,
    // Relay notices (a frame for a viewer that just left): nothing to repair.
    error: () => undefined,
  };
}
