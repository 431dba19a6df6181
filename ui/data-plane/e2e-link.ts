/**
 * The viewer's side of the end-to-end key agreement with the helper (protocol/crypto/handshake.ts)
 * over the data plane's `handshake` channel, for the agent's viewer and for the customer watching
 * the agent's shared screen (where the sharer plays the helper, at peer 1): start() sends the
 * commitment, the helper's key arrives, the viewer reveals its own key and the session is agreed
 * (with the short authentication string both people compare). A new start() (the helper came
 * back, or it did not answer within HANDSHAKE_TIMEOUT_MS) begins again with fresh keys; answers
 * to an older attempt are ignored by generation. A handshake error ends the attempt and is
 * reported with its code.
 *
 * States: idle -> handshaking -> secure; any -> idle (drop); handshaking -> failed (error).
 */
import { DataChannel, encodeFrame, PEER_HELPER } from '../../protocol/frame';
import { isCryptoError, type CryptoErrorCode } from '../../protocol/crypto/crypto-error';
import type { E2eSession } from '../../protocol/crypto/e2e-session';
import { startHandshake, type Handshake } from '../../protocol/crypto/handshake';

/** How long the helper may take to answer the commitment before the viewer starts over, in ms. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

export type LinkState = 'idle' | 'handshaking' | 'secure' | 'failed';

export interface E2eLinkEvents {
  /** Sends a complete frame on the socket. */
  send(frame: Uint8Array): void;
  secured(session: E2eSession): void;
  failed(code: CryptoErrorCode | 'timeout', message: string): void;
}

export class E2eLink {
  private stateValue: LinkState = 'idle';
  private handshake: Handshake | null = null;
  private sessionValue: E2eSession | null = null;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly events: E2eLinkEvents,
    private readonly timeoutMs = HANDSHAKE_TIMEOUT_MS,
  ) {}

  get state(): LinkState {
    return this.stateValue;
  }

  get session(): E2eSession | null {
    return this.sessionValue;
  }

  /** Begins a fresh key agreement (forgets any previous session). */
  async start(): Promise<void> {
    const gen = ++this.generation;
    this.clearTimer();
    this.sessionValue = null;
    this.handshake = null;
    this.stateValue = 'handshaking';
    let hs: Handshake;
    try {
      hs = await startHandshake('viewer');
    } catch (e) {
      if (gen === this.generation) this.fail(e);
      return;
    }
    if (gen !== this.generation) return;
    this.handshake = hs;
    this.events.send(frameOf(hs.firstMessage!));
    this.timer = setTimeout(() => {
      if (gen !== this.generation || this.stateValue !== 'handshaking') return;
      this.events.failed('timeout', 'the helper did not answer the key agreement');
      void this.start();
    }, this.timeoutMs);
  }

  /** A payload from the helper on the handshake channel. */
  async receive(payload: Uint8Array): Promise<void> {
    const gen = this.generation;
    const hs = this.handshake;
    if (!hs || this.stateValue !== 'handshaking') return; // nothing asked: ignore
    try {
      const step = await hs.receive(payload);
      if (gen !== this.generation) return;
      if (step.send) this.events.send(frameOf(step.send));
      if (step.session) {
        this.clearTimer();
        this.sessionValue = step.session;
        this.stateValue = 'secure';
        this.events.secured(step.session);
      }
    } catch (e) {
      if (gen === this.generation) this.fail(e);
    }
  }

  /** The helper went away: keys are forgotten; start() again when it is back. */
  drop(): void {
    this.generation++;
    this.clearTimer();
    this.handshake = null;
    this.sessionValue = null;
    this.stateValue = 'idle';
  }

  private fail(e: unknown): void {
    this.clearTimer();
    this.handshake = null;
    this.sessionValue = null;
    this.stateValue = 'failed';
    if (isCryptoError(e)) this.events.failed(e.code, e.message);
    else this.events.failed('handshake_malformed', e instanceof Error ? e.message : String(e));
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function frameOf(payload: Uint8Array): Uint8Array {
  return encodeFrame({ channel: DataChannel.handshake, from: 0, to: PEER_HELPER }, payload);
}
