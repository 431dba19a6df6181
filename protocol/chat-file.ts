/**
 * Files sent through the chat (customer <-> agent, without screen sharing): the shapes both
 * channels (customer-channel.ts, agent-channel.ts) and the HTTP routes share. Imports nothing
 * from the rest of protocol/ but limits, so common.ts can use `ChatFileRef` for transcript lines.
 *
 * The flow: the sender offers (`chat.file_offer`: name, size, SHA-256 of the bytes it will send);
 * the server checks the size limit, the free space and the pending count BEFORE anything is
 * stored, writes a transcript line and shows the offer to both sides (`chat.file`). An agent's
 * file is accepted at once; a customer's waits for the agent's `chat.file_answer` (accept, or
 * decline with a reason the customer reads). The sender then PUTs the bytes in chunks to
 * /api/v1/chat-files/:id?offset=N; the server hashes them as they arrive and keeps the file only
 * if the digest matches. The receiver GETs them and checks the digest again before saving.
 */
import * as z from 'zod';
import { COMMENT_MAX_CHARS } from './limits';

/** Longest chat file name, in characters (most file systems' limit for one name). */
export const CHAT_FILE_NAME_MAX_CHARS = 255;
/** Default largest chat file the server takes, in bytes: 100 MB (`--chat-file-max-mb` changes it). */
export const CHAT_FILE_DEFAULT_MAX_BYTES = 100 * 1000 * 1000;
/** Largest size an offer can state at all, in bytes: integers stay exact. */
export const CHAT_FILE_SIZE_LIMIT = Number.MAX_SAFE_INTEGER;
/** Most files of one session waiting for an answer or for their bytes at once. */
export const CHAT_FILES_PENDING_MAX = 3;
/** Most chat files one session may hold in all (kept until the session ends). */
export const CHAT_FILES_PER_SESSION_MAX = 50;
/** The bytes go up in chunks of this size, in bytes (each a short HTTP request, with progress). */
export const CHAT_FILE_CHUNK_BYTES = 4 * 1024 * 1024;
/** Largest chunk the server reads, in bytes. */
export const CHAT_FILE_CHUNK_MAX_BYTES = 8 * 1024 * 1024;
/** At most one progress notice per file this often while its bytes arrive, in ms. */
export const CHAT_FILE_PROGRESS_MS = 500;

/** A chat file's id: 32 lowercase hex digits (128 random bits chosen by the server). */
export const ChatFileId = z.string().regex(/^[0-9a-f]{32}$/);
/** A SHA-256 digest: 64 lowercase hex digits. */
export const ChatFileSha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Why a name is refused, or null when it is fine: one name, not a path (no `/` or `\`), not `.`
 * or `..`, no control characters, no leading or trailing space. The server stores files under
 * their id, never under this name; the rule keeps names harmless wherever a browser saves them.
 */
export function chatFileNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > CHAT_FILE_NAME_MAX_CHARS) return 'length';
  // eslint-disable-next-line no-control-regex -- the point is to refuse control characters
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control characters';
  if (/[/\\]/.test(name)) return 'a path, not a name';
  if (name === '.' || name === '..') return 'a path, not a name';
  if (name.trim() !== name) return 'surrounding spaces';
  return null;
}

export const ChatFileName = z
  .string()
  .max(CHAT_FILE_NAME_MAX_CHARS * 4)
  .superRefine((name, ctx) => {
    const problem = chatFileNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `file name refused: ${problem}` });
  });

/** What an offer states: the receiver checks the same digest. */
export const ChatFileOffer = z.object({
  name: ChatFileName,
  size: z.number().int().min(1).max(CHAT_FILE_SIZE_LIMIT),
  sha256: ChatFileSha256,
});
export type ChatFileOffer = z.infer<typeof ChatFileOffer>;

/** A file as a transcript line carries it (stored with the line; stays after the bytes are gone). */
export const ChatFileRef = z.object({
  id: ChatFileId,
  name: ChatFileName,
  size: z.number().int().min(1).max(CHAT_FILE_SIZE_LIMIT),
  sha256: ChatFileSha256,
});
export type ChatFileRef = z.infer<typeof ChatFileRef>;

/**
 * offered -> accepted | declined | cancelled; accepted -> ready | failed | cancelled;
 * ready -> delivered (the receiver downloaded it; may download again). `gone`: the session ended
 * and the bytes were deleted.
 */
export const ChatFileState = z.enum([
  'offered',
  'accepted',
  'declined',
  'ready',
  'delivered',
  'failed',
  'cancelled',
  'gone',
]);
export type ChatFileState = z.infer<typeof ChatFileState>;

/** Why a file failed, as a stable error code (protocol/errors.ts). */
export const ChatFileError = z.enum(['checksum_mismatch', 'file_too_large', 'no_space', 'internal_error']);
export type ChatFileError = z.infer<typeof ChatFileError>;

export const ChatFileView = z.object({
  ...ChatFileRef.shape,
  /** Who sends it. */
  from: z.enum(['customer', 'agent']),
  state: ChatFileState,
  /** Bytes the server holds so far (progress while the sender uploads). */
  received: z.number().int().min(0).max(CHAT_FILE_SIZE_LIMIT),
  /** The agent's reason when declined. */
  reason: z.string().max(COMMENT_MAX_CHARS).optional(),
  error: ChatFileError.optional(),
});
export type ChatFileView = z.infer<typeof ChatFileView>;

/** The path the sender PUTs the bytes to and the receiver GETs them from. */
export const chatFilePath = (id: string) => `/api/v1/chat-files/${id}`;
