/**
 * Typed senders for the share channels (protocol/share/share-channel.ts): a message outside the
 * channel's server->client union does not compile.
 */
import type { ServerToSharer, ServerToWatcher } from '../../../protocol/share/share-channel';
import type { Connection } from '../connection';

export function sendToSharer(conn: Connection, message: ServerToSharer): void {
  conn.send(message);
}

export function sendToWatcher(conn: Connection, message: ServerToWatcher): void {
  conn.send(message);
}
