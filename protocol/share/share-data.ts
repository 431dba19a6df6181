/**
 * The data plane of a share room (share-channel.ts): which channels each side may use, the
 * picture's size limit, and the one control message a watcher sends. Payload layouts are the
 * helper's, unchanged:
 *
 *   handshake  both ways   protocol/crypto (the sharer answers in the helper's role, the watcher
 *                          commits first in the viewer's role), cleartext
 *   screen     sharer ->   protocol/screen/screen-message.ts: RESET, then UPDATEs of FILL and JPEG
 *                          rectangles (the browser has no cheap lossless encoder; JPEG tiles of
 *                          what changed, quality following the measured throughput)
 *   ack        -> sharer   protocol/screen/ack-message.ts: the last screen message applied; the
 *                          sharer keeps each watcher's unacknowledged bytes under a window
 *   control    -> sharer   {"type":"screen.refresh"}: start over with a RESET and a full picture
 *                          (after a decoder error, a gap, or a frame that failed authentication)
 *
 * Everything but the handshake is end-to-end encrypted (protocol/crypto/e2e-session.ts). Input,
 * clipboard, files and annotations have no place here: the customer watches, nothing more. The
 * server drops any other channel with `forbidden` (server/relay/share-frame-policy.ts) and the
 * sharer ignores it too.
 */
import * as z from 'zod';
import { DataChannel, type DataChannelId } from '../frame';
import { message } from '../message';
import { parseMessage, type ParseResult } from '../parse';

export type ShareRole = 'sharer' | 'watcher';

/** Channels each side of a share room may send on. */
export const SHARE_CHANNELS: Readonly<Record<ShareRole, ReadonlySet<DataChannelId>>> = {
  sharer: new Set([DataChannel.handshake, DataChannel.screen]),
  watcher: new Set([DataChannel.handshake, DataChannel.ack, DataChannel.control]),
};

export function shareChannelAllowed(role: ShareRole, channel: number): boolean {
  return (SHARE_CHANNELS[role] as ReadonlySet<number>).has(channel);
}

/** Widest picture a sharer sends, in pixels; a larger capture is scaled down to fit. */
export const SHARE_MAX_WIDTH = 1920;
/** Tallest picture a sharer sends, in pixels. */
export const SHARE_MAX_HEIGHT = 1200;
/** Largest picture a watcher accepts, in pixels (RGBA: 4 bytes each). */
export const SHARE_MAX_PIXELS = SHARE_MAX_WIDTH * SHARE_MAX_HEIGHT;

/** Largest control payload, in bytes: the only message is a few dozen. */
export const SHARE_CONTROL_MAX_BYTES = 256;

export const WatcherControl = z.discriminatedUnion('type', [message('screen.refresh', {})]);
export type WatcherControl = z.infer<typeof WatcherControl>;

export function encodeWatcherControl(msg: WatcherControl): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(msg));
}

/** Validates a decrypted control payload (size first, then UTF-8, JSON and the union). */
export function parseWatcherControl(payload: Uint8Array): ParseResult<WatcherControl> {
  if (payload.byteLength > SHARE_CONTROL_MAX_BYTES) {
    return { ok: false, code: 'message_too_large', message: 'control payload too large' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { ok: false, code: 'invalid_message', message: 'control payload is not UTF-8' };
  }
  return parseMessage(WatcherControl, text, SHARE_CONTROL_MAX_BYTES);
}
