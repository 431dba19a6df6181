/**
 * Channels of "share my screen": the agent shows their own screen (or a window) to the customer,
 * view only. Two JSON channels on /ws, each followed by binary data-plane frames (frame.ts) once
 * welcomed, on a data-plane room of their own (apart from the helper's):
 *
 * - sharer: the agent's share page. First message `share.hello` with the agent's login token and
 *   a session the agent holds; refused with `feature_disabled` unless a manager switched
 *   `shareMyScreen` on for the agent. The sharer is peer 1 of the room.
 * - watcher: the customer's support page. First message `share.watch` with the request token;
 *   accepted only while the session's agent is sharing. Watchers are peers 2 and up.
 *
 * The payloads reuse the helper's formats (see protocol/share/share-data.ts): the e2e handshake
 * with the sharer in the helper's role, screen messages, acks, and `screen.refresh` on control.
 * The customer's page learns when sharing starts and stops from `share.status` on the customer
 * channel (customer-channel.ts).
 */
import * as z from 'zod';
import { ErrorMessage, Id, PersonName, Token } from '../common';
import { message } from '../message';

const ProtocolVersion = z.number().int().min(1).max(1000);
/** A watcher's peer id in the share room (2 .. 0xfffe, as in frame.ts). */
export const WatcherPeerId = z.number().int().min(2).max(0xfffe);
export const WatcherPeer = z.object({ peerId: WatcherPeerId });
export type WatcherPeer = z.infer<typeof WatcherPeer>;
const EndedBy = z.enum(['customer', 'agent', 'system']);

// ---------------------------------------------------------------- sharer (agent) <-> server
export const SharerToServer = z.discriminatedUnion('type', [
  message('share.hello', { token: Token, sessionId: Id, protocol: ProtocolVersion }),
  /** The agent stopped sharing (button, or the browser's own "stop sharing"); the socket closes next. */
  message('share.stop', {}),
]);
export type SharerToServer = z.infer<typeof SharerToServer>;

export const ServerToSharer = z.discriminatedUnion('type', [
  message('share.welcome', {
    sessionId: Id,
    peerId: z.literal(1),
    customerName: PersonName,
  }),
  ErrorMessage,
  message('watcher.joined', { peer: WatcherPeer }),
  message('watcher.left', { peerId: WatcherPeerId }),
  message('session.ended', { by: EndedBy }),
]);
export type ServerToSharer = z.infer<typeof ServerToSharer>;

// ---------------------------------------------------------------- watcher (customer) <-> server
export const WatcherToServer = z.discriminatedUnion('type', [
  message('share.watch', { requestToken: Token, protocol: ProtocolVersion }),
]);
export type WatcherToServer = z.infer<typeof WatcherToServer>;

export const ServerToWatcher = z.discriminatedUnion('type', [
  message('share.watching', { sessionId: Id, peerId: WatcherPeerId, agentName: PersonName }),
  ErrorMessage,
  /** The agent stopped sharing (or their share page went away); the socket closes next. */
  message('share.stopped', {}),
  message('session.ended', { by: EndedBy }),
]);
export type ServerToWatcher = z.infer<typeof ServerToWatcher>;
