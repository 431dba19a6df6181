/**
 * What every channel does with its first message: parse it with the channel's union (a refusal
 * becomes a ProtocolError the hub answers with, keeping the socket open for another try) and
 * check the protocol version the client speaks.
 */
import type * as z from 'zod';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { ProtocolError } from '../../../protocol/errors';
import { parseMessage } from '../../../protocol/parse';

/** Parses the first message and returns it when its type is `type`. */
export function parseHello<U extends { type: string }, K extends U['type']>(
  schema: z.ZodType<U>,
  text: string,
  ...types: K[]
): Extract<U, { type: K }> {
  const parsed = parseMessage(schema, text);
  if (!parsed.ok) throw new ProtocolError(parsed.code, parsed.message);
  const msg = parsed.value;
  if (!isOneOf(msg, types)) {
    throw new ProtocolError('not_authenticated', `send ${types.join(' or ')} first`);
  }
  return msg;
}

function isOneOf<U extends { type: string }, K extends U['type']>(
  msg: U,
  types: K[],
): msg is Extract<U, { type: K }> {
  return (types as string[]).includes(msg.type);
}

export function requireProtocol(version: number): void {
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      'protocol_unsupported',
      `this server speaks protocol ${PROTOCOL_VERSION}, the client ${version}; update the client`,
      { server: PROTOCOL_VERSION, client: version },
    );
  }
}

/** Answer to a second hello on a connection that is already set up. */
export function alreadyOpen(): never {
  throw new ProtocolError('bad_request', 'this connection is already set up; open a new one to start over');
}
