/**
 * Payload of the `input` data channel (viewer -> helper, end-to-end encrypted): keyboard by
 * physical key (KeyboardEvent.code) so arrows, keypad, function keys and shortcuts reach the
 * remote application whatever the layouts; text by character for non-ASCII input; pointer in
 * desktop pixels; buttons; wheel. The helper applies these only while `control` is granted.
 */
import * as z from 'zod';

/** Longest text typed in one message, in characters (paste-as-typing goes in several). */
export const INPUT_TEXT_MAX_CHARS = 1000;
/** Largest desktop coordinate accepted, in pixels. */
export const INPUT_COORD_MAX = 32_767;

export const KeyCode = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9]+$/, 'a KeyboardEvent.code value');

const coord = z.number().int().min(-INPUT_COORD_MAX).max(INPUT_COORD_MAX);

export const PointerButtonSchema = z.enum(['left', 'middle', 'right', 'back', 'forward']);

export const InputEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('key'), code: KeyCode, down: z.boolean() }),
  z.object({ type: z.literal('text'), text: z.string().min(1).max(INPUT_TEXT_MAX_CHARS) }),
  z.object({ type: z.literal('pointer.move'), x: coord, y: coord }),
  z.object({ type: z.literal('pointer.button'), button: PointerButtonSchema, down: z.boolean(), x: coord, y: coord }),
  z.object({ type: z.literal('pointer.wheel'), dx: z.number().int().min(-100).max(100), dy: z.number().int().min(-100).max(100), x: coord, y: coord }),
  /** Special key combinations the viewer's menu sends (the browser would catch them otherwise). */
  z.object({ type: z.literal('keys.combo'), combo: z.enum(['ctrl-alt-del', 'super', 'print-screen', 'alt-tab', 'alt-f4']) }),
  /** Release everything (the viewer lost focus or closed). */
  z.object({ type: z.literal('release.all') }),
]);
export type InputEvent = z.infer<typeof InputEvent>;
