/**
 * The bytes of files sent through the chat (protocol/chat-file.ts, server/session/chat-files.ts):
 *   PUT /api/v1/chat-files/:id?offset=N  one chunk of the sender's bytes -> 200 {file}
 *   GET /api/v1/chat-files/:id           the receiver downloads the file (application/octet-stream)
 * Both take `Authorization: Bearer <token>`: the customer's request token or the agent's login
 * token. The file's name is never part of a path here; it goes out only as the download's
 * Content-Disposition, encoded (RFC 6266 / 5987), so no quote or line break can reach a header.
 */
import { ChatFileId } from '../../../protocol/chat-file';
import { ProtocolError } from '../../../protocol/errors';
import type { AuthService } from '../../auth/auth-service';
import type { ChatFileParty, ChatFileService } from '../../session/chat-files';
import type { SessionService } from '../../session/session-service';
import { bearerToken } from '../bearer';
import { sendJson } from '../respond';
import type { Router } from '../router';

export interface ChatFileRouteDeps {
  files: ChatFileService;
  sessions: SessionService;
  auth: AuthService;
}

export function registerChatFileRoutes(router: Router, deps: ChatFileRouteDeps): void {
  router.add('PUT', '/api/v1/chat-files/:id', async ({ req, res, params, url, address }) => {
    const id = validId(params['id']);
    const offset = Number(url.searchParams.get('offset') ?? '0');
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new ProtocolError('bad_request', 'offset: a byte count');
    const party = await partyOf(deps, bearerToken(req));
    const file = await deps.files.receive(id, party, offset, req, address);
    sendJson(res, 200, { file });
  });

  router.add('GET', '/api/v1/chat-files/:id', async ({ req, res, params, address }) => {
    const id = validId(params['id']);
    const party = await partyOf(deps, bearerToken(req));
    const file = await deps.files.open(id, party, address);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(file.view.size),
      'Content-Disposition': contentDisposition(file.view.name),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    const stream = file.stream();
    stream.on('error', () => res.destroy());
    res.on('finish', () => void file.delivered().catch(() => undefined));
    stream.pipe(res);
  });
}

function validId(raw: string | undefined): string {
  const id = ChatFileId.safeParse(raw);
  if (!id.success) throw new ProtocolError('not_found', 'no such file');
  return id.data;
}

/** The customer of a session (request token) or a signed-in agent (login token). */
async function partyOf(deps: ChatFileRouteDeps, token: string | null): Promise<ChatFileParty> {
  if (!token)
    throw new ProtocolError('not_authenticated', 'send Authorization: Bearer <request or login token>');
  try {
    const s = await deps.sessions.byRequestToken(token);
    return { kind: 'customer', sessionId: s.id };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
  try {
    const { user } = await deps.auth.authenticate(token);
    return { kind: 'agent', user };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    throw new ProtocolError('not_authenticated', 'this token names no support request and no sign-in');
  }
}

/** `attachment` with an ASCII fallback and the exact name in UTF-8 (RFC 5987). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const utf8 = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
