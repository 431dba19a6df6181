/**
 * Calls the handler for a message's type from a HandlerMap (protocol/message.ts). The map has one
 * handler per type, so a type without a handler does not compile; this only narrows the call
 * (TypeScript cannot tie `handlers[msg.type]` to `msg` by itself).
 */
import type { HandlerMap } from '../../protocol/message';

export function dispatch<U extends { type: string }>(handlers: HandlerMap<U, void>, msg: U): void {
  const handler = handlers[msg.type as U['type']] as (m: U, ctx: void) => void;
  handler(msg, undefined);
}
