/**
 * The server's check on a share room's frames (protocol/share/share-data.ts), read from the
 * 8-byte header only: the sharer sends key agreement and screen messages, watchers send key
 * agreement, acks and control. Anything else (input above all: the customer watches, nothing
 * more) is dropped with a `forbidden` notice to its sender before it reaches the relay. The
 * notice goes through the relay's flow control like the relay's own refusals, so a client that
 * floods refused frames without reading gets its socket paused, not an ever-growing buffer. The
 * sharer ignores such channels too; this is the second line.
 */
import { FRAME_HEADER_BYTES } from '../../protocol/frame';
import { shareChannelAllowed, type ShareRole } from '../../protocol/share/share-data';
import type { FlowControl } from './flow-control';
import type { RelayPeer } from './relay-peer';

/** Byte offset of the channel id in a frame header (protocol/frame.ts). */
const CHANNEL_OFFSET = 1;

const REFUSALS: Record<ShareRole, string> = {
  watcher: 'frame dropped: watching a shared screen is view only (key agreement, acks and refresh requests)',
  sharer: 'frame dropped: a shared screen carries key agreement and screen messages only',
};

/** True when the frame may go on to the relay; otherwise its sender was told why. */
export function admitShareFrame(
  role: ShareRole,
  peer: RelayPeer,
  data: Uint8Array,
  flow: FlowControl,
): boolean {
  // Too short for a header: the relay's own parser answers that with its usual notice.
  if (data.byteLength < FRAME_HEADER_BYTES) return true;
  const channel = data[CHANNEL_OFFSET]!;
  if (shareChannelAllowed(role, channel)) return true;
  const notice = { type: 'error', code: 'forbidden', message: REFUSALS[role], details: { channel } };
  flow.send(peer, peer, JSON.stringify(notice));
  return false;
}
