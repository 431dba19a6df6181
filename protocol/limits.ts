/**
 * Every size and time limit of the protocol, in one place, with its unit. Parsers check these
 * BEFORE they allocate (a length field is compared to the limit before a buffer is made), and the
 * server's `ws` maxPayload is derived from them.
 */

/** Largest JSON control message on /ws, in bytes (UTF-8). */
export const CONTROL_MESSAGE_MAX_BYTES = 64 * 1024;
/** Largest binary data-plane frame (header + payload), in bytes: a 1 MiB file chunk plus overhead. */
export const DATA_FRAME_MAX_BYTES = 1024 * 1024 + 4096;
/** Largest HTTP request body the server reads, in bytes. */
export const HTTP_BODY_MAX_BYTES = 64 * 1024;
/** Largest native-messaging message from the browser to the host, in bytes (browsers allow 64 MiB; we need far less). */
export const NATIVE_INBOUND_MAX_BYTES = 1024 * 1024;
/** Largest native-messaging message from the host to the browser: the browsers' hard cap is 1 MB. */
export const NATIVE_OUTBOUND_MAX_BYTES = 1024 * 1024 - 1;

/** Longest chat message, in characters. */
export const CHAT_TEXT_MAX_CHARS = 8000;
/** Longest customer or agent display name, in characters. */
export const NAME_MAX_CHARS = 100;
/** Longest e-mail address (RFC 5321 path limit), in characters. */
export const EMAIL_MAX_CHARS = 254;
/** Longest password accepted, in characters (argon2 has no need for more; bounds hashing cost). */
export const PASSWORD_MAX_CHARS = 256;
/** Shortest password a manager may set, in characters. */
export const PASSWORD_MIN_CHARS = 10;
/** Longest problem description on a support request, in characters. */
export const PROBLEM_MAX_CHARS = 4000;
/** Longest session comment (for the manager and for transfers), in characters. */
export const COMMENT_MAX_CHARS = 8000;
/** Longest company or portal display name, in characters. */
export const TITLE_MAX_CHARS = 120;
/** Portal slugs: lowercase letters, digits and dashes, this many characters at most. */
export const SLUG_MAX_CHARS = 48;
/** Longest system or browser name a support page reports ("Windows 10", "Firefox 128"), in characters. */
export const CLIENT_INFO_MAX_CHARS = 60;
/** Longest opaque token or id carried in a message, in characters. */
export const TOKEN_MAX_CHARS = 128;
/** Request ids chosen by clients to match replies, in characters. */
export const REQUEST_ID_MAX_CHARS = 64;

/** How long a client may take to send its hello after the WebSocket opens, in ms. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Server ping interval on every WebSocket, in ms; a peer that misses two is terminated. */
export const HEARTBEAT_INTERVAL_MS = 20_000;
/** A helper that dropped (reboot, network) may resume for this long before the session ends, in ms. */
export const RECONNECT_GRACE_MS = 10 * 60_000;
/** A screen-sharing join code is valid for this long, in ms. */
export const JOIN_CODE_TTL_MS = 10 * 60_000;
/** Digits in a join code a customer types into the standalone helper. */
export const JOIN_CODE_DIGITS = 9;
/**
 * A helper download bound to a request (its ticket, carried inside the file) can be fetched and
 * started for this long after the agent asked, in ms: long enough for a slow download and finding
 * the file, short enough that a forgotten copy in Downloads is useless.
 */
export const DOWNLOAD_TICKET_TTL_MS = 30 * 60_000;
