/**
 * "Plain background during the session" on the `control` data channel (beside screen.* and
 * stream.*; told apart by `type`). A desktop wallpaper (a photo) costs many bytes and frames on a
 * poor link; a plain colour costs almost nothing. The agent asks from the viewer; the helper asks
 * the customer first, and only with their yes replaces the wallpaper with PLAIN_BACKGROUND_HEX. It
 * puts the wallpaper back exactly when the agent turns it off, when the session ends, when the
 * helper exits, and after a crash at the helper's next start (host/session/plain-background/).
 * UTF-8 JSON (json-payload.ts).
 *
 * Viewer -> helper:
 *   {"type":"background.plain","on":true}     ask for the plain background (the customer is asked)
 *   {"type":"background.plain","on":false}    put the wallpaper back (never asked)
 * Helper -> viewer (to every viewer on each change, and to each viewer once its keys are agreed):
 *   {"type":"background.state","state":"asking"}
 *   {"type":"background.state","state":"on"}
 *   {"type":"background.state","state":"off"}
 *   {"type":"background.state","state":"declined"}           the customer said no (or closed the question)
 *   {"type":"background.state","state":"unsupported","code":"feature_disabled",
 *    "message":"this desktop (XFCE) has no plain background the helper can set"}
 *   {"type":"background.state","state":"failed","code":"internal_error","message":"..."}
 */
import * as z from 'zod';
import { ErrorCodeSchema } from '../common';
import { CONTROL_MESSAGE_MAX_BYTES } from '../limits';
import { message } from '../message';
import type { ParseResult } from '../parse';
import { parseJsonPayload } from './json-payload';

/** The plain colour (a dark slate: calm, and text on the desktop stays readable). */
export const PLAIN_BACKGROUND_HEX = '#2e3440';
/** Longest reason carried to the viewer, in characters. */
export const BACKGROUND_MESSAGE_MAX_CHARS = 300;

export const BackgroundState = z.enum(['off', 'asking', 'on', 'declined', 'unsupported', 'failed']);
export type BackgroundState = z.infer<typeof BackgroundState>;

export const BackgroundControlToHelper = z.discriminatedUnion('type', [
  message('background.plain', { on: z.boolean() }),
]);
export type BackgroundControlToHelper = z.infer<typeof BackgroundControlToHelper>;

export const BackgroundControlToViewer = z.discriminatedUnion('type', [
  message('background.state', {
    state: BackgroundState,
    code: ErrorCodeSchema.optional(),
    message: z.string().max(BACKGROUND_MESSAGE_MAX_CHARS).optional(),
  }),
]);
export type BackgroundControlToViewer = z.infer<typeof BackgroundControlToViewer>;

export function parseBackgroundControlToHelper(payload: Uint8Array): ParseResult<BackgroundControlToHelper> {
  return parseJsonPayload(BackgroundControlToHelper, payload, CONTROL_MESSAGE_MAX_BYTES);
}
