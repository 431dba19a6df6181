/**
 * The one error the screen/cursor/ack parsers throw. `code` is stable (tests and the viewer's
 * "screen stream broken, asking for a refresh" path key on it); `message` is English for logs.
 */
export type ScreenFormatErrorCode =
  /** The payload ended in the middle of a field. */
  | 'truncated'
  /** A field has a value outside its range (unknown kind or op, zero size, bad varint, trailing bytes). */
  | 'bad_value'
  /** A size field is over a protocol limit (checked before allocating). */
  | 'too_large'
  /** A rectangle or copy source lies outside the framebuffer. */
  | 'out_of_bounds'
  /** The zlib section does not inflate to exactly the bytes the operations need. */
  | 'bad_zlib'
  /** A JPEG did not decode, or decoded to another size than its rectangle. */
  | 'bad_jpeg'
  /** An update arrived before the first reset, or after an error (the stream must be reset). */
  | 'not_ready';

export class ScreenFormatError extends Error {
  constructor(
    readonly code: ScreenFormatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScreenFormatError';
  }
}
