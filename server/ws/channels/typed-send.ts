/**
 * Typed senders, one per channel: a message that is not in the channel's server->client union
 * does not compile. (Connection.send itself takes any `{ type }`, so it can serve every channel.)
 */
import type { ServerToAgent } from '../../../protocol/agent-channel';
import type { ServerToCustomer } from '../../../protocol/customer-channel';
import type { ServerToHelper } from '../../../protocol/helper-channel';
import type { ServerToViewer } from '../../../protocol/viewer-channel';
import type { Connection } from '../connection';

export function sendToAgent(conn: Connection, message: ServerToAgent): void {
  conn.send(message);
}

export function sendToCustomer(conn: Connection, message: ServerToCustomer): void {
  conn.send(message);
}

export function sendToHelper(conn: Connection, message: ServerToHelper): void {
  conn.send(message);
}

export function sendToViewer(conn: Connection, message: ServerToViewer): void {
  conn.send(message);
}
