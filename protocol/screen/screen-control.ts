/**
 * Screen messages on the `control` data channel (UTF-8 JSON, validated with zod; other features
 * add their own `type`s to this channel). Viewer -> helper: which area to show (one monitor or the
 * whole desktop), a full refresh (after a decoder error), and the quality preference. Helper ->
 * viewer: the monitor list and what is selected.
 *
 * Examples:
 *   {"type":"screen.select","target":{"kind":"monitor","id":1}}
 *   {"type":"screen.select","target":{"kind":"desktop"}}
 *   {"type":"screen.refresh"}
 *   {"type":"screen.quality","mode":"lossless"}
 *   {"type":"screen.monitors","monitors":[{"id":0,"name":"DP-1","primary":true,
 *     "bounds":{"x":0,"y":0,"width":1920,"height":1080}}],"selected":{"kind":"desktop"}}
 */
import * as z from 'zod';
import { message } from '../message';
import { parseMessage, type ParseResult } from '../parse';
import { CONTROL_MESSAGE_MAX_BYTES } from '../limits';

/** Most monitors a helper reports. */
export const MONITORS_MAX = 16;

export const ScreenTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('desktop') }),
  z.object({
    kind: z.literal('monitor'),
    id: z
      .number()
      .int()
      .min(0)
      .max(MONITORS_MAX - 1),
  }),
]);
export type ScreenTarget = z.infer<typeof ScreenTarget>;

const Coord = z.number().int().min(-65_535).max(65_535);
const Side = z.number().int().min(1).max(65_535);

export const MonitorInfo = z.object({
  id: z
    .number()
    .int()
    .min(0)
    .max(MONITORS_MAX - 1),
  name: z.string().max(64),
  primary: z.boolean(),
  bounds: z.object({ x: Coord, y: Coord, width: Side, height: Side }),
});
export type MonitorInfo = z.infer<typeof MonitorInfo>;

/**
 * `auto`: lossless for text and UI, JPEG for photographic areas at a quality that follows the
 * measured throughput. `lossless`: never JPEG (sharper, more bytes). `low` (the viewer's "Fast
 * (less data)", for slow links): JPEG at 20 for photographic areas, and still areas are
 * never re-sent losslessly; text and UI stay lossless (a blurred letter costs a misread).
 */
export const QualityMode = z.enum(['auto', 'lossless', 'low']);
export type QualityMode = z.infer<typeof QualityMode>;

export const ScreenControlToHelper = z.discriminatedUnion('type', [
  message('screen.select', { target: ScreenTarget }),
  message('screen.refresh', {}),
  message('screen.quality', { mode: QualityMode }),
]);
export type ScreenControlToHelper = z.infer<typeof ScreenControlToHelper>;

export const ScreenControlToViewer = z.discriminatedUnion('type', [
  message('screen.monitors', { monitors: z.array(MonitorInfo).max(MONITORS_MAX), selected: ScreenTarget }),
]);
export type ScreenControlToViewer = z.infer<typeof ScreenControlToViewer>;

export function encodeControl(msg: ScreenControlToHelper | ScreenControlToViewer): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(msg));
}

/** Decodes bytes as UTF-8 text, size-checked first. */
function controlText(payload: Uint8Array): string | null {
  if (payload.byteLength > CONTROL_MESSAGE_MAX_BYTES) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return null;
  }
}

export function parseControlToHelper(payload: Uint8Array): ParseResult<ScreenControlToHelper> {
  const text = controlText(payload);
  if (text === null) return { ok: false, code: 'invalid_message', message: 'not UTF-8 or too large' };
  return parseMessage(ScreenControlToHelper, text);
}

export function parseControlToViewer(payload: Uint8Array): ParseResult<ScreenControlToViewer> {
  const text = controlText(payload);
  if (text === null) return { ok: false, code: 'invalid_message', message: 'not UTF-8 or too large' };
  return parseMessage(ScreenControlToViewer, text);
}
