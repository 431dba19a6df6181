/**
 * Payload of the `files` data channel (end-to-end encrypted, both ways): file transfer between
 * the agent's viewer and the customer's helper, and browsing the customer's folders to pick a
 * file. Every transfer is started by the viewer, which picks its 128-bit random `id`:
 *
 *   to the customer (upload):   file.offer -> file.accepted{offset} | file.failed
 *                               chunks (viewer) ... <- file.ack{offset} ...  file.end{sha256}
 *                               -> file.done{name} | file.failed{checksum_mismatch, ...}
 *   from the customer (fetch):  file.fetch{offset} -> file.sending{size, offset} | file.failed
 *                               chunks (helper) ... -> file.ack{offset} ...  <- file.end{sha256}
 *   either side:                file.cancel
 *   the customer offers:        <- files.offered{offer} ... file.fetch{offer} | files.offer.declined
 *                               <- files.offer.withdrawn{offer} (the customer changed their mind; a
 *                               file.fetch{offer} arriving after it fails with offer_withdrawn)
 *
 * The receiver acknowledges the bytes it has stored (`file.ack` carries the offset reached), and
 * the sender keeps at most a window of unacknowledged bytes in flight (file-window.ts). A repeated
 * `file.offer` / `file.fetch` with a known id resumes the transfer: the answer names the offset to
 * go on from (after a reconnect of either side, or when a chunk arrived out of step).
 *
 * A payload is either one UTF-8 JSON message (it starts with `{`) or one binary chunk:
 *
 *   offset size  field
 *   0      1     kind      FILE_CHUNK_KIND (never `{`, so the two cannot be confused)
 *   1      16    id        the transfer id as 16 bytes (its 32 hex digits in the JSON messages)
 *   17     8     offset    where `data` goes in the file, unsigned big-endian, below 2^53
 *   25     n     data      1..FILE_CHUNK_MAX_BYTES bytes
 *
 * Parsing checks sizes before it allocates and validates everything; it never throws.
 */
import * as z from 'zod';
import { message } from '../message';
import type { ParseResult } from '../parse';
import { JSON_PAYLOAD_MAX_BYTES, parseJsonPayload } from './json-payload';

/** Bytes of data a sender puts in one chunk. */
export const FILE_CHUNK_BYTES = 256 * 1024;
/** Largest chunk data a receiver accepts, in bytes (a sealed frame still fits the 1 MiB + 4 KiB frame limit). */
export const FILE_CHUNK_MAX_BYTES = 1024 * 1024;
/** First byte of a binary chunk payload. */
export const FILE_CHUNK_KIND = 0x01;
/** Bytes of the chunk header: kind, id, offset. */
export const FILE_CHUNK_HEADER_BYTES = 1 + 16 + 8;
/** Bytes of a transfer id (shown as twice as many lowercase hex digits). */
export const FILE_ID_BYTES = 16;
/** Largest file size the protocol can express, in bytes: offsets stay exact JS integers (8 PiB). */
export const FILE_SIZE_MAX = Number.MAX_SAFE_INTEGER;
/** Longest file name an offer may carry, in characters (the helper shortens it to a safe name). */
export const FILE_NAME_MAX_CHARS = 1024;
/** Longest folder or file name in a location, in characters. */
export const FILE_SEGMENT_MAX_CHARS = 255;
/** Deepest folder a location may name, in folders below its place. */
export const FILE_PATH_DEPTH_MAX = 64;
/** Longest place name ("Home", "Documents", or a local name like "Téléchargements"), in characters. */
export const FILE_PLACE_MAX_CHARS = 64;
/** Most places the helper offers. */
export const FILE_PLACES_MAX = 16;
/** Most entries one listing carries (the helper also keeps the payload under the frame limit). */
export const FILE_LISTING_MAX_ENTRIES = 5000;
/** Longest error text, in characters. */
export const FILE_MESSAGE_MAX_CHARS = 300;
/** Largest JSON message on the files channel, in bytes (a long listing). */
export const FILES_JSON_MAX_BYTES = JSON_PAYLOAD_MAX_BYTES;

const JSON_OPEN_BRACE = 0x7b;
const TWO_POW_32 = 2 ** 32;

/** A transfer id: 32 lowercase hex digits (128 random bits chosen by the viewer). */
export const FileId = z.string().regex(/^[0-9a-f]{32}$/);
/** A SHA-256 digest: 64 lowercase hex digits. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/** A byte count or offset inside a file. */
export const FileOffset = z.number().int().min(0).max(FILE_SIZE_MAX);
/** Request ids the viewer picks to match listings to requests. */
export const FilesRequestId = z.number().int().min(0).max(0xffff_ffff);

/** One folder or file name inside a location: never ".", "..", nor anything with a separator or NUL. */
export const FileSegment = z
  .string()
  .min(1)
  .max(FILE_SEGMENT_MAX_CHARS)
  // Anything but "." and "..", without separators or NUL (no lookahead: generators read this too).
  // eslint-disable-next-line no-control-regex -- NUL is exactly what must be refused in a name
  .regex(/^(?:[^/\\\u0000.][^/\\\u0000]*|\.[^/\\\u0000.][^/\\\u0000]*|\.\.[^/\\\u0000]+)$/u);

/**
 * A folder on the customer's machine: one of the places the helper offers, and the folders below
 * it. Never an absolute path: nothing can name a folder outside the places.
 */
export const FileWhere = z.object({
  place: z.string().min(1).max(FILE_PLACE_MAX_CHARS),
  dirs: z.array(FileSegment).max(FILE_PATH_DEPTH_MAX),
});
export type FileWhere = z.infer<typeof FileWhere>;

/** Why a transfer or a listing failed; every code is in protocol/errors.ts. */
export const FileErrorCode = z.enum([
  'consent_required',
  'no_space',
  'name_refused',
  'checksum_mismatch',
  'not_found',
  'forbidden',
  'bad_request',
  'unavailable',
  'offer_withdrawn',
  'internal_error',
]);
export type FileErrorCode = z.infer<typeof FileErrorCode>;

export const FileEntry = z.object({
  name: z.string().min(1).max(FILE_NAME_MAX_CHARS),
  kind: z.enum(['file', 'directory', 'other']),
  size: FileOffset,
  modifiedMs: z.number().int().min(0).max(FILE_SIZE_MAX),
});
export type FileEntry = z.infer<typeof FileEntry>;

const ErrorText = z.string().max(FILE_MESSAGE_MAX_CHARS);

/** Messages the viewer sends on the files channel. */
export const FilesToHelper = z.discriminatedUnion('type', [
  /** Which folders can be browsed and written to. */
  message('files.places.get', { req: FilesRequestId }),
  /** The entries of one folder. */
  message('files.list', { req: FilesRequestId, where: FileWhere }),
  /** A file for the customer, to be saved in `where`; repeated with the same id, it resumes. */
  message('file.offer', {
    id: FileId,
    name: z.string().min(1).max(FILE_NAME_MAX_CHARS),
    size: FileOffset,
    /** Known up front (optional): otherwise file.end carries it. */
    sha256: Sha256Hex.optional(),
    where: FileWhere,
  }),
  /** Every chunk of the upload was sent; the digest of the whole file unless the offer had it. */
  message('file.end', { id: FileId, sha256: Sha256Hex.optional() }),
  /** A file from the customer, from `offset` on (0, or the bytes already received when resuming). */
  message('file.fetch', {
    id: FileId,
    where: FileWhere,
    name: FileSegment,
    offset: FileOffset,
    /** The customer's offer this fetch accepts (files.offered), if any. */
    offer: FileId.optional(),
  }),
  /** Download progress: every byte before `offset` is stored. */
  message('file.ack', { id: FileId, offset: FileOffset }),
  message('file.cancel', { id: FileId }),
  /** The agent declines the customer's offer (files.offered); nothing of the file was read. */
  message('files.offer.declined', { offer: FileId }),
]);
export type FilesToHelper = z.infer<typeof FilesToHelper>;

/** Messages the helper sends on the files channel. */
export const FilesToViewer = z.discriminatedUnion('type', [
  message('files.places', {
    req: FilesRequestId,
    places: z
      .array(
        z.object({
          name: z.string().min(1).max(FILE_PLACE_MAX_CHARS),
          /** Free space in that place, in bytes (null: unknown). */
          freeBytes: FileOffset.nullable(),
        }),
      )
      .max(FILE_PLACES_MAX),
  }),
  message('files.listing', {
    req: FilesRequestId,
    where: FileWhere,
    entries: z.array(FileEntry).max(FILE_LISTING_MAX_ENTRIES),
    /** Entries in the folder; more than `entries.length` when the listing was cut. */
    total: z.number().int().min(0).max(0xffff_ffff),
  }),
  /** A places or list request failed. */
  message('files.error', { req: FilesRequestId, code: FileErrorCode, message: ErrorText }),
  /** Upload accepted (or resumed, or out of step): send from `offset`. */
  message('file.accepted', { id: FileId, offset: FileOffset }),
  /** Upload progress: every byte before `offset` is written. */
  message('file.ack', { id: FileId, offset: FileOffset }),
  /** Upload checked and saved as `name` (may differ from the offer: sanitised, or "name (1).ext"). */
  message('file.done', { id: FileId, name: z.string().min(1).max(FILE_NAME_MAX_CHARS), size: FileOffset }),
  /** Download starts (or resumes) at `offset`; the file has `size` bytes. */
  message('file.sending', {
    id: FileId,
    name: z.string().min(1).max(FILE_NAME_MAX_CHARS),
    size: FileOffset,
    offset: FileOffset,
  }),
  /** Every chunk of the download was sent; the digest of the whole file. */
  message('file.end', { id: FileId, size: FileOffset, sha256: Sha256Hex }),
  /** Refused or failed; the partial file, if any, is deleted. `no_space` names both sizes. */
  message('file.failed', {
    id: FileId,
    code: FileErrorCode,
    message: ErrorText,
    neededBytes: FileOffset.optional(),
    freeBytes: FileOffset.optional(),
  }),
  /** The customer's side cancelled (stop, revoke). */
  message('file.cancel', { id: FileId }),
  /**
   * The customer offers one file of their places: the agent accepts with a file.fetch of that
   * `where`/`name` carrying `offer`, or answers files.offer.declined. Nothing is read before.
   */
  message('files.offered', { offer: FileId, where: FileWhere, name: FileSegment, size: FileOffset }),
  /** The customer withdrew the pending offer: the viewer stops showing it; nothing was read. */
  message('files.offer.withdrawn', { offer: FileId }),
]);
export type FilesToViewer = z.infer<typeof FilesToViewer>;

export interface FileChunk {
  kind: 'chunk';
  id: string;
  offset: number;
  /** A view into the payload, not a copy. */
  data: Uint8Array;
}

export type FilesPayload<M> = FileChunk | { kind: 'message'; message: M };

// ------------------------------------------------------------------ ids

/** A new random transfer id (WebCrypto's random source, in browsers and Node alike). */
export function newFileId(): string {
  return fileIdFromBytes(crypto.getRandomValues(new Uint8Array(FILE_ID_BYTES)));
}

export function fileIdFromBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < FILE_ID_BYTES; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

function writeFileId(out: Uint8Array, at: number, id: string): void {
  for (let i = 0; i < FILE_ID_BYTES; i++) out[at + i] = parseInt(id.slice(i * 2, i * 2 + 2), 16);
}

// ------------------------------------------------------------------ chunks

/** Builds a chunk payload (header + a copy of `data`). */
export function encodeFileChunk(id: string, offset: number, data: Uint8Array): Uint8Array {
  if (!FileId.safeParse(id).success) throw new RangeError('invalid file id');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('invalid chunk offset');
  if (data.byteLength < 1 || data.byteLength > FILE_CHUNK_MAX_BYTES)
    throw new RangeError(`chunk of ${data.byteLength} bytes (1..${FILE_CHUNK_MAX_BYTES})`);
  const out = new Uint8Array(FILE_CHUNK_HEADER_BYTES + data.byteLength);
  out[0] = FILE_CHUNK_KIND;
  writeFileId(out, 1, id);
  const view = new DataView(out.buffer, out.byteOffset + 17, 8);
  view.setUint32(0, Math.floor(offset / TWO_POW_32));
  view.setUint32(4, offset >>> 0);
  out.set(data, FILE_CHUNK_HEADER_BYTES);
  return out;
}

function parseChunk(payload: Uint8Array): ParseResult<FileChunk> {
  if (payload.byteLength <= FILE_CHUNK_HEADER_BYTES)
    return { ok: false, code: 'invalid_message', message: 'file chunk without data' };
  if (payload.byteLength > FILE_CHUNK_HEADER_BYTES + FILE_CHUNK_MAX_BYTES)
    return {
      ok: false,
      code: 'message_too_large',
      message: `file chunk over ${FILE_CHUNK_MAX_BYTES} bytes of data`,
    };
  const view = new DataView(payload.buffer, payload.byteOffset + 17, 8);
  const high = view.getUint32(0);
  const offset = high * TWO_POW_32 + view.getUint32(4);
  const end = offset + payload.byteLength - FILE_CHUNK_HEADER_BYTES;
  if (high >= 2 ** 21 || end > FILE_SIZE_MAX)
    return { ok: false, code: 'invalid_message', message: 'file chunk offset out of range' };
  return {
    ok: true,
    value: {
      kind: 'chunk',
      id: fileIdFromBytes(payload.subarray(1, 17)),
      offset,
      data: payload.subarray(FILE_CHUNK_HEADER_BYTES),
    },
  };
}

function parseFilesPayload<S extends z.ZodType>(
  schema: S,
  payload: Uint8Array,
): ParseResult<FilesPayload<z.output<S>>> {
  if (payload.byteLength === 0) return { ok: false, code: 'invalid_message', message: 'empty payload' };
  if (payload[0] === FILE_CHUNK_KIND) return parseChunk(payload);
  if (payload[0] !== JSON_OPEN_BRACE)
    return { ok: false, code: 'invalid_message', message: `unknown files payload kind ${payload[0]}` };
  const parsed = parseJsonPayload(schema, payload, FILES_JSON_MAX_BYTES);
  return parsed.ok ? { ok: true, value: { kind: 'message', message: parsed.value } } : parsed;
}

/** A files payload from the viewer: a chunk of an upload, or a message. */
export function parseFilesToHelper(payload: Uint8Array): ParseResult<FilesPayload<FilesToHelper>> {
  return parseFilesPayload(FilesToHelper, payload);
}

/** A files payload from the helper: a chunk of a download, or a message. */
export function parseFilesToViewer(payload: Uint8Array): ParseResult<FilesPayload<FilesToViewer>> {
  return parseFilesPayload(FilesToViewer, payload);
}
