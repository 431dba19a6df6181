/**
 * Payload of the `clipboard` data channel (both ways, end-to-end encrypted): text only in this
 * version. Large clips are sent in parts so no single frame passes the relay's frame limit; the
 * receiver refuses totals over CLIPBOARD_MAX_CHARS with a clear message, before it buffers.
 */
import * as z from 'zod';

/** Largest clipboard text shared, in characters (a 4 MiB log fits; a whole disk image does not). */
export const CLIPBOARD_MAX_CHARS = 4 * 1024 * 1024;
/** Characters per part (a part stays well under the 1 MiB frame limit in UTF-8). */
export const CLIPBOARD_PART_CHARS = 256 * 1024;

export const ClipboardMessage = z.discriminatedUnion('type', [
  /** Start of a clip: its total length lets the receiver refuse before buffering. */
  z.object({ type: z.literal('clip.begin'), clipId: z.number().int().min(0), totalChars: z.number().int().min(0) }),
  z.object({ type: z.literal('clip.part'), clipId: z.number().int().min(0), text: z.string().max(CLIPBOARD_PART_CHARS) }),
  z.object({ type: z.literal('clip.end'), clipId: z.number().int().min(0) }),
  /** Ask the other side for its clipboard now (explicit "pull"). */
  z.object({ type: z.literal('clip.request') }),
  /** The clip was refused or could not be read or written; `reason` is shown to the person. */
  z.object({
    type: z.literal('clip.error'),
    code: z.enum(['too_large', 'not_granted', 'unavailable']),
    message: z.string().max(300),
  }),
]);
export type ClipboardMessage = z.infer<typeof ClipboardMessage>;
