/**
 * The trailer a helper download carries at the very end of the helper's executable: the server it
 * came from, the ticket that binds it to the customer's request (absent for a download that is not
 * bound), and the customer's language. The server appends it when it serves the file; the helper
 * reads it from its own file when it starts, so a double-click joins the right session with no
 * code typed. Executables ignore bytes past their end (ELF and PE loaders read what their headers
 * name), so the program runs unchanged.
 *
 * Layout, at the end of the file (all integers little-endian):
 *   payload   N bytes   UTF-8 JSON {"server": "...", "ticket"?: "...", "language"?: "en"|"fr"}
 *   length    4 bytes   N (1 .. TRAILER_PAYLOAD_MAX_BYTES)
 *   magic    12 bytes   ASCII "LIFELINE-DL1" (the 1 is the format's version)
 * A file without the magic has no trailer; a trailer whose length or JSON is wrong is refused.
 */
import * as z from 'zod';
import { Token } from './common';
import { Language } from './i18n/language';

export const TRAILER_MAGIC = 'LIFELINE-DL1';
/** Length field + magic, in bytes. */
export const TRAILER_FOOTER_BYTES = 4 + TRAILER_MAGIC.length;
/** Largest payload, in bytes (checked before anything is read or allocated). */
export const TRAILER_PAYLOAD_MAX_BYTES = 4096;

export const DownloadTrailer = z.object({
  /** The server's origin (http or https), e.g. "https://support.example.com". */
  server: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s/?#]+$/, 'an http(s) origin'),
  ticket: Token.optional(),
  language: Language.optional(),
});
export type DownloadTrailer = z.infer<typeof DownloadTrailer>;

export class TrailerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrailerError';
  }
}

/** The trailer's bytes (payload, length, magic), to append to the executable. */
export function encodeTrailer(trailer: DownloadTrailer): Uint8Array {
  const payload = new TextEncoder().encode(JSON.stringify(DownloadTrailer.parse(trailer)));
  if (payload.length > TRAILER_PAYLOAD_MAX_BYTES) throw new TrailerError('trailer payload too large');
  const out = new Uint8Array(payload.length + TRAILER_FOOTER_BYTES);
  out.set(payload, 0);
  new DataView(out.buffer).setUint32(payload.length, payload.length, true);
  out.set(new TextEncoder().encode(TRAILER_MAGIC), payload.length + 4);
  return out;
}

/**
 * The payload length a footer announces, or null when `footer` (the file's last
 * TRAILER_FOOTER_BYTES bytes) has no magic. Throws TrailerError for an impossible length.
 */
export function trailerPayloadLength(footer: Uint8Array): number | null {
  if (footer.length !== TRAILER_FOOTER_BYTES) return null;
  const magic = new TextDecoder('latin1').decode(footer.subarray(4));
  if (magic !== TRAILER_MAGIC) return null;
  const length = new DataView(footer.buffer, footer.byteOffset, 4).getUint32(0, true);
  if (length === 0 || length > TRAILER_PAYLOAD_MAX_BYTES) {
    throw new TrailerError(`trailer length ${length} is out of range`);
  }
  return length;
}

/** The trailer from its payload bytes; throws TrailerError when they are not a valid trailer. */
export function decodeTrailerPayload(payload: Uint8Array): DownloadTrailer {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new TrailerError('trailer payload is not UTF-8 JSON');
  }
  const parsed = DownloadTrailer.safeParse(json);
  if (!parsed.success) throw new TrailerError(`trailer payload is invalid: ${parsed.error.message}`);
  return parsed.data;
}
