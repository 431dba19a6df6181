/**
 * A viewer written in Node for the helper's end-to-end tests: what the agent's viewer window does,
 * without a browser. It opens the viewer channel with the agent's login token, agrees keys with
 * the helper (protocol/crypto: commitment first), opens every frame, applies screen messages to
 * the reference ScreenDecoder (libjpeg-turbo for JPEG) and acknowledges each one, and can send
 * input, clipboard and control messages sealed with its keys.
 *
 * A frame that fails to open is never applied; when it was a screen frame the stream is out of
 * step (its zlib stream lost a piece), so the viewer drops updates until the next RESET and asks
 * for one with screen.refresh, as a real viewer must. `tamperNext` flips one bit of the next frame
 * of a channel before it is opened: what a relay that changed a byte in transit would cause.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { isCryptoError } from '../../../protocol/crypto/crypto-error';
import type { E2eSession } from '../../../protocol/crypto/e2e-session';
import { startHandshake, type Handshake } from '../../../protocol/crypto/handshake';
import type { ClipboardMessage } from '../../../protocol/data/clipboard';
import type { InputEvent } from '../../../protocol/data/input';
import { encodeJsonPayload } from '../../../protocol/data/json-payload';
import {
  parseAnyControlToViewer,
  type ControlToHelper,
  type ControlToViewer,
} from '../../../protocol/data/session-control';
import {
  DataChannel,
  encodeFrame,
  parseFrame,
  PEER_HELPER,
  type DataChannelId,
} from '../../../protocol/frame';
import { DATA_FRAME_MAX_BYTES } from '../../../protocol/limits';
import {
  encodeAck,
  parseCursorMessage,
  screenMessageSeq,
  SCREEN_KIND,
  type CursorMessage,
} from '../../../protocol/screen';
import { ScreenDecoder } from '../../../ui/decoder/screen-decoder';
import { TurboJpegDecoder } from '../../ui/decoder/turbo-jpeg-decoder';
import { ConditionWaiters } from '../../support/condition-waiters';

export interface ViewerMessage {
  type: string;
  [key: string]: unknown;
}

export class NodeViewer {
  readonly messages: ViewerMessage[] = [];
  readonly control: ControlToViewer[] = [];
  readonly cursor: CursorMessage[] = [];
  readonly clipboard: ClipboardMessage[] = [];
  decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
  session: E2eSession | null = null;
  peerId = 0;
  /** Opened payloads of the files channel go here (test/e2e/file-transfer/ drives the viewer's file transfer with them). */
  onFiles: ((plaintext: Uint8Array) => void) | null = null;
  /** When the first complete update was applied (performance.now()), for the report's figures. */
  firstPictureAt: number | null = null;
  /** Figures for the report. */
  readonly counts = {
    screenFrames: 0,
    screenBytes: 0,
    cursorFrames: 0,
    rejected: 0,
    dropped: 0,
    resets: 0,
    handshakes: 0,
  };
  private handshake: Handshake | null = null;
  private awaitingReset = false;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly tamper = new Set<DataChannelId>();
  private readonly waiters = new ConditionWaiters();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        const msg = JSON.parse(data.toString('utf8')) as ViewerMessage;
        this.messages.push(msg);
        if (msg.type === 'helper.joined') void this.startHandshake();
        this.changed();
        return;
      }
      const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
      this.chain = this.chain.then(() => this.onFrame(frame)).catch(() => undefined);
    });
  }

  static async connect(wsUrl: string, origin: string, token: string, sessionId: string): Promise<NodeViewer> {
    const ws = new WebSocket(wsUrl, { origin, perMessageDeflate: false, maxPayload: DATA_FRAME_MAX_BYTES });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const viewer = new NodeViewer(ws);
    ws.send(JSON.stringify({ type: 'viewer.hello', token, sessionId, protocol: PROTOCOL_VERSION }));
    const welcome = await viewer.waitMessage((m) => m.type === 'viewer.welcome' || m.type === 'error');
    if (welcome.type !== 'viewer.welcome') throw new Error(`viewer refused: ${JSON.stringify(welcome)}`);
    viewer.peerId = Number(welcome.peerId);
    if (welcome.helper) await viewer.startHandshake();
    return viewer;
  }

  get sas(): string | null {
    return this.session?.sas ?? null;
  }

  /** Starts (or restarts) the key agreement with the helper. */
  async startHandshake(): Promise<void> {
    this.session = null;
    this.awaitingReset = true;
    this.decoder = new ScreenDecoder({ jpeg: new TurboJpegDecoder() });
    this.handshake = await startHandshake('viewer');
    this.counts.handshakes++;
    this.ws.send(
      encodeFrame({ channel: DataChannel.handshake, from: 0, to: PEER_HELPER }, this.handshake.firstMessage!),
    );
  }

  /** Flips a bit of the next frame received on `channel` before it is opened. */
  tamperNext(channel: DataChannelId): void {
    this.tamper.add(channel);
  }

  async sendInput(event: InputEvent): Promise<void> {
    await this.sendJson(DataChannel.input, event);
  }

  async sendControl(msg: ControlToHelper): Promise<void> {
    await this.sendSealed(DataChannel.control, encodeJsonPayload(msg));
  }

  async sendClipboard(msg: ClipboardMessage): Promise<void> {
    await this.sendJson(DataChannel.clipboard, msg);
  }

  async sendJson(channel: DataChannelId, value: unknown): Promise<void> {
    await this.sendSealed(channel, new TextEncoder().encode(JSON.stringify(value)));
  }

  /** Seals and sends; `corrupt` flips one ciphertext bit after sealing (a relay's change). */
  async sendSealed(channel: DataChannelId, plaintext: Uint8Array, corrupt = false): Promise<void> {
    if (!this.session) throw new Error('no session with the helper yet');
    const frame = await this.session.seal(channel, PEER_HELPER, plaintext);
    if (corrupt) frame[frame.byteLength - 20]! ^= 0x01;
    this.ws.send(frame);
  }

  /** Resolves when `pred()` holds, checked after every message and frame. */
  until(pred: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
    return this.waiters.until(
      pred,
      timeoutMs,
      () => `viewer: timed out waiting for ${what}; last messages ${JSON.stringify(this.messages.slice(-4))}`,
    );
  }

  async waitMessage(
    pred: (m: ViewerMessage) => boolean,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<ViewerMessage> {
    let found: ViewerMessage | undefined;
    await this.until(
      () => (found = this.messages.slice(from).find(pred)) !== undefined,
      timeoutMs,
      'a message',
    );
    return found!;
  }

  close(): void {
    this.ws.close();
  }

  // ------------------------------------------------------------------ internals

  private changed(): void {
    this.waiters.changed();
  }

  private async onFrame(frame: Uint8Array): Promise<void> {
    const parsed = parseFrame(frame);
    if (!parsed.ok) return;
    const { channel } = parsed.header;
    if (channel === DataChannel.handshake) {
      const hs = this.handshake;
      if (!hs) return;
      const step = await hs.receive(parsed.payload);
      if (step.send)
        this.ws.send(encodeFrame({ channel: DataChannel.handshake, from: 0, to: PEER_HELPER }, step.send));
      if (step.session) this.session = step.session;
      this.changed();
      return;
    }
    const session = this.session;
    if (!session) return;
    if (this.tamper.delete(channel)) frame[frame.byteLength - 20]! ^= 0x01;
    let plaintext: Uint8Array;
    try {
      plaintext = (await session.open(frame)).plaintext;
    } catch (err) {
      if (!isCryptoError(err)) throw err;
      this.counts.rejected++;
      if (channel === DataChannel.screen && !this.awaitingReset) {
        this.awaitingReset = true;
        await this.sendControl({ type: 'screen.refresh' });
      }
      this.changed();
      return;
    }
    switch (channel) {
      case DataChannel.screen:
        await this.onScreen(plaintext);
        break;
      case DataChannel.cursor:
        this.counts.cursorFrames++;
        this.cursor.push(parseCursorMessage(plaintext));
        break;
      case DataChannel.control: {
        const msg = parseAnyControlToViewer(plaintext);
        if (msg.ok) this.control.push(msg.value);
        break;
      }
      case DataChannel.clipboard:
        this.clipboard.push(JSON.parse(new TextDecoder().decode(plaintext)) as ClipboardMessage);
        break;
      case DataChannel.files:
        this.onFiles?.(plaintext);
        break;
    }
    this.changed();
  }

  private async onScreen(payload: Uint8Array): Promise<void> {
    this.counts.screenFrames++;
    this.counts.screenBytes += payload.byteLength;
    const isReset = payload[0] === SCREEN_KIND.reset;
    if (this.awaitingReset && !isReset) {
      this.counts.dropped++;
    } else {
      if (isReset) {
        this.awaitingReset = false;
        this.counts.resets++;
      }
      const applied = await this.decoder.apply(payload);
      if (applied.end && this.firstPictureAt === null) this.firstPictureAt = performance.now();
    }
    // Acknowledge every message, applied or dropped: the helper's window must not stall.
    await this.sendSealed(DataChannel.ack, encodeAck(screenMessageSeq(payload)));
  }
}
