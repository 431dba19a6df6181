/**
 * The one message the background sends to the offscreen document (Chrome): play the chime.
 * Kept apart from ui-protocol.ts because it flows the other way and has no answer.
 */
import * as z from 'zod';

export const OffscreenPlay = z.object({ target: z.literal('offscreen'), type: z.literal('play') });
export const OFFSCREEN_PLAY: z.infer<typeof OffscreenPlay> = { target: 'offscreen', type: 'play' };
