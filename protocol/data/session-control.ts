/**
 * Session-level messages on the `control` data channel (UTF-8 JSON, end-to-end encrypted), next
 * to the screen messages of protocol/screen/screen-control.ts. Viewer -> helper: pause and resume
 * this viewer's screen stream, and ask for a reboot (done only when the customer granted
 * `reboot`). Helper -> viewer: whether the stream is paused, and a refusal with a stable code
 * when a request cannot be done (not granted, not permitted on this machine).
 *
 * `ControlToHelper` is the whole control channel as the helper reads it: screen and session
 * messages in one union, so one handler map covers every type.
 *
 * Examples:
 *   {"type":"screen.pause"}     {"type":"screen.resume"}     {"type":"session.reboot"}
 *   {"type":"screen.paused","paused":true}
 *   {"type":"session.refused","request":"session.reboot","code":"consent_required",
 *    "message":"the customer has not allowed reboot"}
 */
import * as z from 'zod';
import { ErrorCodeSchema } from '../common';
import { CONTROL_MESSAGE_MAX_BYTES } from '../limits';
import { message } from '../message';
import { parseMessage, type ParseResult } from '../parse';
import { ScreenControlToHelper, ScreenControlToViewer } from '../screen/screen-control';

export const SessionControlToHelper = z.discriminatedUnion('type', [
  /** Stop sending this viewer pictures (its window is hidden); the helper keeps nothing queued. */
  message('screen.pause', {}),
  /** Start again: the stream restarts with a RESET and a full picture. */
  message('screen.resume', {}),
  /** Reboot the customer's machine; the helper resumes the session after the restart. */
  message('session.reboot', {}),
]);
export type SessionControlToHelper = z.infer<typeof SessionControlToHelper>;

/** What a refusal answers: a control request, or data on another channel. */
export const RefusedRequest = z.enum(['session.reboot', 'input', 'clipboard', 'annotations']);
export type RefusedRequest = z.infer<typeof RefusedRequest>;

export const SessionControlToViewer = z.discriminatedUnion('type', [
  message('screen.paused', { paused: z.boolean() }),
  message('session.refused', {
    request: RefusedRequest,
    code: ErrorCodeSchema,
    message: z.string().max(300),
  }),
]);
export type SessionControlToViewer = z.infer<typeof SessionControlToViewer>;

/** Every message a viewer may send on the control channel. */
export const ControlToHelper = z.discriminatedUnion('type', [
  ...ScreenControlToHelper.options,
  ...SessionControlToHelper.options,
]);
export type ControlToHelper = z.infer<typeof ControlToHelper>;

/** Every message a helper may send on the control channel. */
export const ControlToViewer = z.discriminatedUnion('type', [
  ...ScreenControlToViewer.options,
  ...SessionControlToViewer.options,
]);
export type ControlToViewer = z.infer<typeof ControlToViewer>;

export function encodeSessionControl(msg: SessionControlToHelper | SessionControlToViewer): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(msg));
}

/** Decodes bytes as UTF-8 text, size-checked first; null when too large or not UTF-8. */
function controlText(payload: Uint8Array): string | null {
  if (payload.byteLength > CONTROL_MESSAGE_MAX_BYTES) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return null;
  }
}

export function parseAnyControlToHelper(payload: Uint8Array): ParseResult<ControlToHelper> {
  const text = controlText(payload);
  if (text === null) return { ok: false, code: 'invalid_message', message: 'not UTF-8 or too large' };
  return parseMessage(ControlToHelper, text);
}

export function parseAnyControlToViewer(payload: Uint8Array): ParseResult<ControlToViewer> {
  const text = controlText(payload);
  if (text === null) return { ok: false, code: 'invalid_message', message: 'not UTF-8 or too large' };
  return parseMessage(ControlToViewer, text);
}
