/**
 * Size limits of the screen, cursor and ack payloads. The decoder checks every length field
 * against these BEFORE it allocates; the encoder never produces a message that breaks them.
 */
import { DATA_FRAME_MAX_BYTES } from '../limits';

/** Largest screen/cursor payload (plaintext, before encryption), in bytes: the frame limit less room for the header and the cipher's nonce and tag. */
export const SCREEN_MESSAGE_MAX_BYTES = DATA_FRAME_MAX_BYTES - 4096;
/** Largest framebuffer side, in pixels (u16 on the wire). */
export const SCREEN_MAX_SIDE = 16_384;
/** Largest framebuffer, in pixels (e.g. three 4K monitors side by side); RGBA is 4 bytes each. */
export const SCREEN_MAX_PIXELS = 32 * 1024 * 1024;
/** Most drawing operations in one message. */
export const SCREEN_MAX_OPS_PER_MESSAGE = 16_384;
/** Most bytes the lossless (zlib) section of one message may inflate to. */
export const SCREEN_MAX_INFLATED_BYTES = 4 * 1024 * 1024;
/** Most colours in a palette rectangle. */
export const PALETTE_MAX_COLORS = 256;
/** Largest cursor side, in pixels. */
export const CURSOR_MAX_SIDE = 256;
