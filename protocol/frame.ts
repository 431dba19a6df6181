/**
 * Binary frame layout of the session data plane (helper <-> viewers, relayed by the server).
 *
 *   offset size  field
 *   0      1     version      FRAME_VERSION
 *   1      1     channel      DataChannel
 *   2      2     from         peer id, big-endian; set by the server (what a client writes is replaced)
 *   4      2     to           peer id, big-endian; PEER_HELPER, a viewer's id, or PEER_ALL_VIEWERS
 *   6      2     reserved     0
 *   8      ...   payload      opaque to the server (end-to-end ciphertext except on `handshake`)
 *
 * The server reads bytes 0-7 only. Frames larger than DATA_FRAME_MAX_BYTES are refused before any
 * copy is made.
 */
import { DATA_FRAME_MAX_BYTES } from './limits';

export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 8;

/** The helper is always peer 1 in its session. */
export const PEER_HELPER = 1;
/** First peer id given to a viewer; later viewers count up. */
export const PEER_FIRST_VIEWER = 2;
/** Highest viewer peer id. */
export const PEER_MAX = 0xfffe;
/** `to` value that the server fans out to every viewer of the session. */
export const PEER_ALL_VIEWERS = 0xffff;

/** Logical channels inside the data plane; payload formats: protocol/crypto (handshake), protocol/screen (screen, cursor, ack, control), protocol/data (input, clipboard, annotations, session). */
export const DataChannel = {
  /** Key agreement (cleartext public keys); everything else is encrypted. */
  handshake: 1,
  screen: 2,
  cursor: 3,
  input: 4,
  clipboard: 5,
  files: 6,
  annotations: 7,
  /** Flow-control acknowledgements (bytes consumed) and pings for round-trip time. */
  ack: 8,
  /** Session-level control between peers (monitor choice, quality, pause/resume). */
  control: 9,
  /**
   * Requests that change the customer's machine (reboot): a channel of their own, so that the
   * server, which cannot read the encrypted payload, can hold them to the agent's `reboot`
   * feature and the customer's `reboot` grant from the frame header alone.
   */
  session: 10,
} as const;
export type DataChannelName = keyof typeof DataChannel;
export type DataChannelId = (typeof DataChannel)[DataChannelName];

const CHANNEL_IDS = new Set<number>(Object.values(DataChannel));

export interface FrameHeader {
  channel: DataChannelId;
  from: number;
  to: number;
}

export type FrameParseError =
  'frame_too_short' | 'frame_too_large' | 'bad_version' | 'bad_channel' | 'bad_peer';

export type ParsedFrame =
  { ok: true; header: FrameHeader; payload: Uint8Array } | { ok: false; error: FrameParseError };

export function isDataChannel(n: number): n is DataChannelId {
  return CHANNEL_IDS.has(n);
}

/** Reads the routing header; `payload` is a view into `frame`, not a copy. */
export function parseFrame(frame: Uint8Array): ParsedFrame {
  if (frame.byteLength > DATA_FRAME_MAX_BYTES) return { ok: false, error: 'frame_too_large' };
  if (frame.byteLength < FRAME_HEADER_BYTES) return { ok: false, error: 'frame_too_short' };
  if (frame[0] !== FRAME_VERSION) return { ok: false, error: 'bad_version' };
  const channel = frame[1]!;
  if (!isDataChannel(channel)) return { ok: false, error: 'bad_channel' };
  const view = new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES);
  const from = view.getUint16(2);
  const to = view.getUint16(4);
  if (to === 0) return { ok: false, error: 'bad_peer' };
  return { ok: true, header: { channel, from, to }, payload: frame.subarray(FRAME_HEADER_BYTES) };
}

/** Builds a frame: header + payload in one new buffer. */
export function encodeFrame(header: FrameHeader, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  writeFrameHeader(out, header);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Writes the 8-byte header at the start of `out` (used to fill a header in place). */
export function writeFrameHeader(out: Uint8Array, header: FrameHeader): void {
  const view = new DataView(out.buffer, out.byteOffset, FRAME_HEADER_BYTES);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, header.channel);
  view.setUint16(2, header.from);
  view.setUint16(4, header.to);
  view.setUint16(6, 0);
}

/** Overwrites the `from` field in place (the relay stamps the sender; clients cannot spoof it). */
export function stampFrom(frame: Uint8Array, from: number): void {
  new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES).setUint16(2, from);
}
