/**
 * Session messages on the `control` data channel, beside the screen ones (screen/screen-control.ts
 * owns `screen.*`; both unions share the channel and are told apart by `type`). UTF-8 JSON
 * (json-payload.ts).
 *
 * Viewer -> helper:
 *   {"type":"stream.pause"}    stop screen sharing for now: the helper stops capturing and sends no
 *                              screen or cursor data; the session, the chat, the consent and the
 *                              end-to-end keys stay as they are
 *   {"type":"stream.resume"}   start again: the helper restarts the picture with a RESET
 *   {"type":"ping","id":7}     the helper answers {"type":"pong","id":7} at once (the viewer's
 *                              round-trip time: viewer -> relay -> helper -> relay -> viewer,
 *                              queueing included, which is what the agent feels)
 * Helper -> viewer:
 *   {"type":"pong","id":7}
 *   {"type":"stream.state","paused":true,"by":"agent"}   sent to every viewer whenever sharing
 *                              pauses or resumes (by the agent's viewer, or by the customer in the
 *                              helper's own window), and to a viewer that joins while paused
 */
import * as z from 'zod';
import { message } from '../message';
import type { ParseResult } from '../parse';
import { CONTROL_MESSAGE_MAX_BYTES } from '../limits';
import { parseJsonPayload } from './json-payload';

/** Largest ping id (u32): the viewer counts up and wraps. */
export const PING_ID_MAX = 0xffff_ffff;

const PingId = z.number().int().min(0).max(PING_ID_MAX);

export const StreamControlToHelper = z.discriminatedUnion('type', [
  message('stream.pause', {}),
  message('stream.resume', {}),
  message('ping', { id: PingId }),
]);
export type StreamControlToHelper = z.infer<typeof StreamControlToHelper>;

export const StreamControlToViewer = z.discriminatedUnion('type', [
  message('pong', { id: PingId }),
  message('stream.state', { paused: z.boolean(), by: z.enum(['agent', 'customer']) }),
]);
export type StreamControlToViewer = z.infer<typeof StreamControlToViewer>;

export function parseStreamControlToHelper(payload: Uint8Array): ParseResult<StreamControlToHelper> {
  return parseJsonPayload(StreamControlToHelper, payload, CONTROL_MESSAGE_MAX_BYTES);
}

export function parseStreamControlToViewer(payload: Uint8Array): ParseResult<StreamControlToViewer> {
  return parseJsonPayload(StreamControlToViewer, payload, CONTROL_MESSAGE_MAX_BYTES);
}
