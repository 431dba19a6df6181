/**
 * The browser side of chat files (protocol/chat-file.ts), shared by the support page and the
 * extension's chat window: the SHA-256 of a file before it is offered, its upload in chunks to
 * /api/v1/chat-files/:id, and the receiver's download, checked against the offer's SHA-256
 * before the browser saves it. Errors carry the server's stable code (or `checksum_mismatch`
 * for a download that arrived damaged, `unavailable` for a network failure).
 */
import { CHAT_FILE_CHUNK_BYTES, chatFilePath, type ChatFileView } from '../../protocol/chat-file';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';

export class ChatFileError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChatFileError';
  }
}

/** Lowercase hex SHA-256 of the bytes. */
export async function sha256Hex(data: Blob | ArrayBuffer): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** What an offer of this file says: its name, size and digest. */
export async function describeFile(file: File): Promise<{ name: string; size: number; sha256: string }> {
  return { name: file.name, size: file.size, sha256: await sha256Hex(file) };
}

export interface TransferTarget {
  /** The server's origin ('' on the server's own pages). */
  origin: string;
  /** The customer's request token or the agent's login token. */
  token: string;
}

async function errorOf(res: Response): Promise<ChatFileError> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    const code = body.error?.code;
    return new ChatFileError(
      isErrorCode(code) ? code : 'internal_error',
      String(body.error?.message ?? res.status),
    );
  } catch {
    return new ChatFileError('internal_error', `HTTP ${res.status}`);
  }
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new ChatFileError('unavailable', String(err));
  }
}

/** Sends the bytes of an accepted file, chunk by chunk; `onProgress` gets the bytes sent so far. */
export async function uploadChatFile(
  target: TransferTarget,
  fileId: string,
  data: Blob,
  onProgress: (sent: number) => void,
): Promise<ChatFileView> {
  let offset = 0;
  let last: ChatFileView | null = null;
  do {
    const chunk = data.slice(offset, offset + CHAT_FILE_CHUNK_BYTES);
    const res = await call(`${target.origin}${chatFilePath(fileId)}?offset=${offset}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${target.token}`, 'Content-Type': 'application/octet-stream' },
      body: chunk,
    });
    if (!res.ok) throw await errorOf(res);
    last = ((await res.json()) as { file: ChatFileView }).file;
    offset += chunk.size;
    onProgress(offset);
  } while (offset < data.size);
  return last;
}

/**
 * Fetches a ready file, checks its SHA-256 against the offer's and returns the bytes; a damaged
 * copy is dropped (ChatFileError checksum_mismatch). `onProgress` gets the bytes received so far.
 */
export async function downloadChatFile(
  target: TransferTarget,
  file: ChatFileView,
  onProgress: (received: number) => void,
): Promise<Blob> {
  const res = await call(`${target.origin}${chatFilePath(file.id)}`, {
    headers: { Authorization: `Bearer ${target.token}` },
  });
  if (!res.ok || !res.body) throw await errorOf(res);
  const parts: Uint8Array[] = [];
  let received = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > file.size) throw new ChatFileError('checksum_mismatch', 'more bytes than the offer said');
    parts.push(value);
    onProgress(received);
  }
  const blob = new Blob(parts as BlobPart[]);
  if (received !== file.size || (await sha256Hex(blob)) !== file.sha256) {
    throw new ChatFileError('checksum_mismatch', 'the file arrived damaged');
  }
  return blob;
}

/** Hands the bytes to the browser's downloads under the file's name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
