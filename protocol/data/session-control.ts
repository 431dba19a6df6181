/**
 * Session messages. The viewer's request to reboot the customer's machine travels on the `session`
 * data channel, never on `control`: the relay holds that channel to the agent's `reboot` feature
 * and the customer's `reboot` grant (server/relay/frame-features.ts, frame-grants.ts), and the
 * helper acts on `session.reboot` from that channel only. The helper's refusal, with a stable code,
 * of a request it cannot do (not granted, not permitted on this machine) goes back on `control`.
 * UTF-8 JSON (json-payload.ts).
 *
 * `ControlToHelper` / `ControlToViewer` are the whole control channel in each direction: the
 * screen, stream and background unions (and the session refusal back), so one handler map covers every type.
 *
 * Examples:
 *   {"type":"session.reboot"}
 *   {"type":"session.refused","request":"session.reboot","code":"consent_required",
 *    "message":"the customer has not allowed a reboot"}
 */
import * as z from 'zod';
import { ErrorCodeSchema } from '../common';
import { CONTROL_MESSAGE_MAX_BYTES } from '../limits';
import { message } from '../message';
import type { ParseResult } from '../parse';
import { ScreenControlToHelper, ScreenControlToViewer } from '../screen/screen-control';
import { BackgroundControlToHelper, BackgroundControlToViewer } from './background-control';
import { parseJsonPayload } from './json-payload';
import { StreamControlToHelper, StreamControlToViewer } from './stream-control';

export const SessionControlToHelper = z.discriminatedUnion('type', [
  /** Reboot the customer's machine; the helper resumes the session after the restart. */
  message('session.reboot', {}),
]);
export type SessionControlToHelper = z.infer<typeof SessionControlToHelper>;

/** What a refusal answers: a control request, or data on another channel. */
export const RefusedRequest = z.enum(['session.reboot', 'input', 'clipboard', 'annotations']);
export type RefusedRequest = z.infer<typeof RefusedRequest>;

export const SessionControlToViewer = z.discriminatedUnion('type', [
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
  ...StreamControlToHelper.options,
  ...BackgroundControlToHelper.options,
]);
export type ControlToHelper = z.infer<typeof ControlToHelper>;

/** Every message a helper may send on the control channel. */
export const ControlToViewer = z.discriminatedUnion('type', [
  ...ScreenControlToViewer.options,
  ...StreamControlToViewer.options,
  ...SessionControlToViewer.options,
  ...BackgroundControlToViewer.options,
]);
export type ControlToViewer = z.infer<typeof ControlToViewer>;

/** What the `session` channel carries (viewer -> helper). */
export function parseSessionControlToHelper(payload: Uint8Array): ParseResult<SessionControlToHelper> {
  return parseJsonPayload(SessionControlToHelper, payload, CONTROL_MESSAGE_MAX_BYTES);
}

export function parseAnyControlToHelper(payload: Uint8Array): ParseResult<ControlToHelper> {
  return parseJsonPayload(ControlToHelper, payload, CONTROL_MESSAGE_MAX_BYTES);
}

export function parseAnyControlToViewer(payload: Uint8Array): ParseResult<ControlToViewer> {
  return parseJsonPayload(ControlToViewer, payload, CONTROL_MESSAGE_MAX_BYTES);
}
