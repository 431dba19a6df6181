/**
 * Reads a request body with a hard size limit: Content-Length is checked before anything is
 * read, and the stream is cut the moment it passes the limit (chunked bodies lie about nothing
 * up front). Returns the parsed JSON or a stable error code.
 */
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../../protocol/errors';
import { HTTP_BODY_MAX_BYTES } from '../../protocol/limits';

export type BodyResult = { ok: true; value: unknown } | { ok: false; code: ErrorCode; message: string };

export function readJsonBody(req: IncomingMessage, maxBytes = HTTP_BODY_MAX_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve({ ok: false, code: 'message_too_large', message: `body larger than ${maxBytes} bytes` });
      return;
    }
    // JSON only, whether the length is declared or the body is chunked: this also keeps plain
    // cross-site HTML forms (which cannot send application/json) away from every API route.
    const type = req.headers['content-type'] ?? '';
    const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !/^application\/json\b/i.test(type)) {
      req.resume();
      resolve({ ok: false, code: 'bad_request', message: 'send the body as application/json' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        resolve({ ok: false, code: 'message_too_large', message: `body larger than ${maxBytes} bytes` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.length === 0) {
        resolve({ ok: true, value: {} });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch {
        resolve({ ok: false, code: 'bad_request', message: 'body is not valid JSON' });
      }
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, code: 'bad_request', message: 'request body could not be read' });
    });
  });
}
