/**
 * An agreed end-to-end session between the helper and ONE viewer: seals data-plane frames for the
 * peer and opens the peer's frames. Layout of a sealed frame:
 *
 *   offset size  field
 *   0      8     routing header (frame.ts); `from` is written 0 and stamped by the relay
 *   8      8     counter, big-endian; the AES-GCM nonce is 4 zero bytes || counter
 *   16     n     AES-256-GCM ciphertext of the plaintext
 *   16+n   16    GCM tag
 *
 * Additional authenticated data: the 8-byte header with `from` zeroed (the relay rewrites it), so
 * version, channel and `to` are authenticated; who sent it is implied by the key (one per
 * direction). Each direction's counter starts at 0 and the receiver accepts only a counter above
 * the last frame it accepted (gaps allowed, so a relay may drop; a replayed or reordered-old frame
 * is refused with `frame_replayed`). The last-accepted counter moves only after authentication,
 * so forged frames cannot push it forward.
 *
 * seal() and open() each run one at a time, in call order: counters leave in increasing order and
 * the replay check cannot race with itself. Send frames in the order seal() resolves.
 */
import { DATA_FRAME_MAX_BYTES } from '../limits';
import { DataChannel, FRAME_HEADER_BYTES, parseFrame, writeFrameHeader, type DataChannelId } from '../frame';
import { CryptoError } from './crypto-error';
import type { SessionKeys } from './key-schedule';
import { asBufferSource, subtle } from './subtle';

export const COUNTER_BYTES = 8;
export const GCM_TAG_BYTES = 16;
const GCM_NONCE_BYTES = 12;
/** Bytes a sealed frame adds to its plaintext: header, counter and tag. */
export const SEALED_OVERHEAD_BYTES = FRAME_HEADER_BYTES + COUNTER_BYTES + GCM_TAG_BYTES;
/** Largest plaintext one sealed frame can carry. */
export const SEALED_PLAINTEXT_MAX_BYTES = DATA_FRAME_MAX_BYTES - SEALED_OVERHEAD_BYTES;
/** Counters stay exact JS integers; at one frame per microsecond this lasts 285 years. */
const COUNTER_MAX = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 2 ** 32;

export type E2eRole = 'helper' | 'viewer';

export interface OpenedFrame {
  channel: DataChannelId;
  /** Peer id stamped by the relay (not authenticated: the key already says who sealed it). */
  from: number;
  to: number;
  plaintext: Uint8Array;
}

export interface E2eSession {
  readonly role: E2eRole;
  /** Short authentication string both people compare, "123 456". */
  readonly sas: string;
  /** Encrypts `plaintext` into a complete frame for `to` (any channel but `handshake`). */
  seal(channel: DataChannelId, to: number, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Checks and decrypts a frame from the peer; rejects with CryptoError only. */
  open(frame: Uint8Array): Promise<OpenedFrame>;
}

export function createE2eSession(role: E2eRole, keys: SessionKeys): E2eSession {
  const sendKey = role === 'helper' ? keys.helperToViewer : keys.viewerToHelper;
  const receiveKey = role === 'helper' ? keys.viewerToHelper : keys.helperToViewer;
  let nextSendCounter = 0;
  let lastAccepted = -1;
  const sealQueue = serialQueue();
  const openQueue = serialQueue();

  const seal: E2eSession['seal'] = (channel, to, plaintext) => {
    if (plaintext.byteLength > SEALED_PLAINTEXT_MAX_BYTES) {
      return Promise.reject(
        new CryptoError(
          'plaintext_too_large',
          `plaintext of ${plaintext.byteLength} bytes; at most ${SEALED_PLAINTEXT_MAX_BYTES} fit in a frame`,
        ),
      );
    }
    if (channel === DataChannel.handshake || to < 1 || to > 0xffff || !Number.isInteger(to)) {
      return Promise.reject(
        new CryptoError('frame_malformed', `cannot seal for channel ${channel}, peer ${to}`),
      );
    }
    if (nextSendCounter > COUNTER_MAX) {
      return Promise.reject(new CryptoError('counter_exhausted', 'send counter exhausted: agree new keys'));
    }
    // The counter is taken now, synchronously, so concurrent callers never share a nonce.
    const counter = nextSendCounter++;
    return sealQueue(async () => {
      const frame = new Uint8Array(SEALED_OVERHEAD_BYTES + plaintext.byteLength);
      writeFrameHeader(frame, { channel, from: 0, to });
      writeCounter(frame, counter);
      const sealed = await subtle().encrypt(
        gcmParams(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + COUNTER_BYTES), frame),
        sendKey,
        asBufferSource(plaintext),
      );
      frame.set(new Uint8Array(sealed), FRAME_HEADER_BYTES + COUNTER_BYTES);
      return frame;
    });
  };

  const open: E2eSession['open'] = (frame) =>
    openQueue(async () => {
      if (frame.byteLength < SEALED_OVERHEAD_BYTES) {
        throw new CryptoError('frame_malformed', `frame of ${frame.byteLength} bytes is too short`);
      }
      const parsed = parseFrame(frame);
      if (!parsed.ok) throw new CryptoError('frame_malformed', `bad frame header: ${parsed.error}`);
      const { channel, from, to } = parsed.header;
      if (channel === DataChannel.handshake) {
        throw new CryptoError('frame_malformed', 'handshake frames are not encrypted');
      }
      const counter = readCounter(frame);
      // No honest peer sends a counter this high: treat it like any other forgery.
      if (counter > COUNTER_MAX) throw new CryptoError('frame_rejected', 'counter out of range');
      if (counter <= lastAccepted) {
        throw new CryptoError('frame_replayed', `counter ${counter} is not above ${lastAccepted}`);
      }
      let plain: ArrayBuffer;
      try {
        plain = await subtle().decrypt(
          gcmParams(frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + COUNTER_BYTES), frame),
          receiveKey,
          asBufferSource(frame.subarray(FRAME_HEADER_BYTES + COUNTER_BYTES)),
        );
      } catch {
        throw new CryptoError('frame_rejected', 'frame failed authentication (tampered or another key)');
      }
      lastAccepted = counter;
      return { channel, from, to, plaintext: new Uint8Array(plain) };
    });

  return { role, sas: keys.sas, seal, open };
}

/** AES-GCM parameters: nonce from the counter, AAD = the header with `from` zeroed. */
function gcmParams(counterBytes: Uint8Array, frame: Uint8Array): AesGcmParams {
  const iv = new Uint8Array(GCM_NONCE_BYTES);
  iv.set(counterBytes, GCM_NONCE_BYTES - COUNTER_BYTES);
  const aad = frame.slice(0, FRAME_HEADER_BYTES);
  aad[2] = 0;
  aad[3] = 0;
  return { name: 'AES-GCM', iv, additionalData: aad, tagLength: GCM_TAG_BYTES * 8 };
}

function writeCounter(frame: Uint8Array, counter: number): void {
  const view = new DataView(frame.buffer, frame.byteOffset + FRAME_HEADER_BYTES, COUNTER_BYTES);
  view.setUint32(0, Math.floor(counter / TWO_POW_32));
  view.setUint32(4, counter >>> 0);
}

function readCounter(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset + FRAME_HEADER_BYTES, COUNTER_BYTES);
  return view.getUint32(0) * TWO_POW_32 + view.getUint32(4);
}

/** Runs async jobs one at a time in call order; a failed job does not stop the ones after it. */
function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  };
}
