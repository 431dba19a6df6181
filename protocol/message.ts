/**
 * Building blocks for channel unions: `message(type, shape)` declares one message, `HandlerMap`
 * types a dispatcher so that a missing handler is a compile error, and `RequestMap` ties each
 * request type to the schema of its reply's `result`.
 */
import * as z from 'zod';
import { RequestId } from './common';

export function message<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ type: z.literal(type), ...shape });
}

/** A request: a message with an id that the reply carries back. */
export function request<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ type: z.literal(type), id: RequestId, ...shape });
}

/** The success reply of every channel; `result`'s schema comes from the channel's request map. */
export const ReplyMessage = z.object({
  type: z.literal('reply'),
  id: RequestId,
  result: z.unknown(),
});
export type ReplyMessage = z.infer<typeof ReplyMessage>;

export type MessageOf<U extends { type: string }, K extends U['type']> = Extract<U, { type: K }>;

/** One handler per message type of a union; a missing or misspelt key does not compile. */
export type HandlerMap<U extends { type: string }, Ctx, R = void> = {
  [K in U['type']]: (msg: MessageOf<U, K>, ctx: Ctx) => R | Promise<R>;
};

/** Request type -> schema of its reply's result. */
export type RequestMap = Record<string, z.ZodType>;

/** The result type a request handler returns: its schema's output, or nothing for plain messages. */
export type ResultOf<Results extends RequestMap, K> = K extends keyof Results ? z.output<Results[K]> : void;

/**
 * A HandlerMap whose request handlers must return their reply's result (typed by the channel's
 * results map, e.g. AGENT_RESULTS); plain messages return nothing.
 */
export type ResultHandlerMap<U extends { type: string }, Ctx, Results extends RequestMap> = {
  [K in U['type']]: (msg: MessageOf<U, K>, ctx: Ctx) => ResultOf<Results, K> | Promise<ResultOf<Results, K>>;
};
