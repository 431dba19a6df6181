/**
 * Files sent through the chat (protocol/chat-file.ts): offers, the agent's answer, the bytes kept
 * on this server's disk between the sender's upload and the receiver's download, and their end.
 *
 * Contract:
 * - Every limit is checked BEFORE anything is stored: the server's size limit, the free space of
 *   the data folder (with a reserve, and counting what accepted files still have to bring), the
 *   files pending per session and in all. An upload longer than its offer is cut off at the
 *   offered size; a Content-Length that disagrees is refused before a byte is read.
 * - The bytes are hashed as they arrive; a digest that differs from the offer's deletes them.
 * - Only the sender of a file uploads it, only its receiver downloads it: the customer by the
 *   request token of that session, the agent by a login that holds that session now.
 * - Files live in `<dataDir>/chat-files/<session>/<file id>` (never under the sender's name) and are
 *   deleted when the session ends, and all at once when the server starts (their state is in
 *   memory only, so nothing from before a restart can be fetched).
 * - Each step is in the audit log (name, size, sha256) and a file line is in the transcript.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, statfs } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  CHAT_FILE_CHUNK_MAX_BYTES,
  CHAT_FILE_DEFAULT_MAX_BYTES,
  CHAT_FILE_PROGRESS_MS,
  CHAT_FILES_PENDING_MAX,
  CHAT_FILES_PER_SESSION_MAX,
  type ChatFileOffer,
  type ChatFileView,
} from '../../protocol/chat-file';
import { ProtocolError } from '../../protocol/errors';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import type { UserRecord } from '../store/store';
import type { SessionService } from './session-service';

/** Free space the data folder keeps after every accepted file (the database must stay writable), in bytes. */
export const CHAT_FILE_DISK_RESERVE_BYTES = 256 * 1024 * 1024;
/** The folder under the data folder that holds chat files. */
export const CHAT_FILES_DIR = 'chat-files';

/** Who is calling: the customer of a session (by request token) or a signed-in agent. */
export type ChatFileParty = { kind: 'customer'; sessionId: string } | { kind: 'agent'; user: UserRecord };

interface Entry {
  view: ChatFileView;
  sessionId: string;
  /** The agent who sent it (agent files), for the reports. */
  senderAgentId: string | null;
  uploading: boolean;
  /** Bytes stored so far, and their running digest (null before the first chunk). */
  received: number;
  hash: Hash | null;
  lastProgressAt: number;
}

export interface ChatFileOptions {
  /** Largest file taken, in bytes. */
  maxBytes: number;
  /** Free bytes on the file system of `dir` (statfs; tests pass their own). */
  freeBytes: (dir: string) => Promise<number>;
}

export async function statfsFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export const DEFAULT_CHAT_FILE_OPTIONS: ChatFileOptions = {
  maxBytes: CHAT_FILE_DEFAULT_MAX_BYTES,
  freeBytes: statfsFreeBytes,
};

const PENDING = new Set(['offered', 'accepted']);

export class ChatFileService {
  private readonly files = new Map<string, Entry>();
  private readonly root: string;
  private readonly options: ChatFileOptions;

  constructor(
    private readonly ctx: ServerContext,
    private readonly sessions: SessionService,
    private readonly presence: Presence,
    options: Partial<ChatFileOptions> = {},
  ) {
    this.options = { ...DEFAULT_CHAT_FILE_OPTIONS, ...options };
    this.root = join(ctx.config.dataDir, CHAT_FILES_DIR);
    sessions.events.on('ended', ({ sessionId }) => {
      void this.forget(sessionId).catch((err: unknown) =>
        ctx.log.error('chat_files_delete_failed', { sessionId, error: String(err) }),
      );
    });
  }

  /** Deletes whatever a previous run left (its offers died with it); call once at start. */
  async load(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  /** The session's files, for a client that (re)connects. */
  of(sessionId: string): ChatFileView[] {
    return [...this.files.values()].filter((e) => e.sessionId === sessionId).map((e) => e.view);
  }

  async offer(
    sessionId: string,
    party: ChatFileParty,
    offer: ChatFileOffer,
    address?: string,
  ): Promise<ChatFileView> {
    const s =
      party.kind === 'agent'
        ? await this.sessions.held(party.user, sessionId)
        : await this.sessions.record(sessionId);
    if (s.state === 'ended') throw new ProtocolError('session_ended', 'this session has ended');
    if (offer.size > this.options.maxBytes) {
      throw new ProtocolError(
        'file_too_large',
        `files through the chat may be ${this.options.maxBytes} bytes at most`,
        {
          max: this.options.maxBytes,
        },
      );
    }
    const mine = [...this.files.values()].filter((e) => e.sessionId === sessionId);
    if (mine.filter((e) => PENDING.has(e.view.state)).length >= CHAT_FILES_PENDING_MAX) {
      throw new ProtocolError('too_many_files', `at most ${CHAT_FILES_PENDING_MAX} files may wait at once`, {
        max: CHAT_FILES_PENDING_MAX,
      });
    }
    if (mine.length >= CHAT_FILES_PER_SESSION_MAX) {
      throw new ProtocolError('too_many_files', `at most ${CHAT_FILES_PER_SESSION_MAX} files per session`, {
        max: CHAT_FILES_PER_SESSION_MAX,
      });
    }
    await this.requireSpace(offer.size);
    const id = randomBytes(16).toString('hex');
    const from = party.kind === 'agent' ? 'agent' : 'customer';
    const view: ChatFileView = {
      id,
      name: offer.name,
      size: offer.size,
      sha256: offer.sha256,
      from,
      // The agent chose to send it; a customer's file waits for the agent.
      state: from === 'agent' ? 'accepted' : 'offered',
      received: 0,
    };
    this.files.set(id, {
      view,
      sessionId,
      senderAgentId: party.kind === 'agent' ? party.user.id : null,
      uploading: false,
      received: 0,
      hash: null,
      lastProgressAt: 0,
    });
    const author =
      party.kind === 'agent'
        ? ({ kind: 'agent', name: party.user.name, agentId: party.user.id } as const)
        : ({ kind: 'customer', name: s.customerName } as const);
    const ref = { id, name: offer.name, size: offer.size, sha256: offer.sha256 };
    const line = await this.ctx.store.transcripts.append(sessionId, author, offer.name, this.ctx.now(), ref);
    this.sessions.customers.send(sessionId, { type: 'chat.message', line });
    if (s.state === 'accepted' && s.agentId) this.presence.send(s.agentId, { type: 'chat.message', line });
    await this.audit(party, 'chat_file.offered', sessionId, view, address);
    await this.announce(sessionId, view);
    return view;
  }

  async answer(
    user: UserRecord,
    sessionId: string,
    fileId: string,
    accept: boolean,
    reason: string | undefined,
    address?: string,
  ): Promise<ChatFileView> {
    await this.sessions.held(user, sessionId);
    const e = this.entry(fileId, sessionId);
    if (e.view.from !== 'customer')
      throw new ProtocolError('forbidden', 'only a file the customer offers is answered');
    if (e.view.state !== 'offered')
      throw new ProtocolError('illegal_transition', `this file is ${e.view.state}`);
    if (accept) await this.requireSpace(e.view.size);
    e.view = accept
      ? { ...e.view, state: 'accepted' }
      : { ...e.view, state: 'declined', ...(reason?.trim() ? { reason: reason.trim() } : {}) };
    await this.audit(
      { kind: 'agent', user },
      accept ? 'chat_file.accepted' : 'chat_file.declined',
      sessionId,
      e.view,
      address,
    );
    await this.announce(sessionId, e.view);
    return e.view;
  }

  async cancel(
    sessionId: string,
    party: ChatFileParty,
    fileId: string,
    address?: string,
  ): Promise<ChatFileView> {
    if (party.kind === 'agent') await this.sessions.held(party.user, sessionId);
    const e = this.entry(fileId, sessionId);
    if (e.view.from !== party.kind) throw new ProtocolError('forbidden', 'only its sender withdraws a file');
    if (!PENDING.has(e.view.state))
      throw new ProtocolError('illegal_transition', `this file is ${e.view.state}`);
    e.received = 0;
    e.hash = null;
    e.view = { ...e.view, state: 'cancelled', received: 0 };
    await rm(this.pathOf(e), { force: true });
    await rm(`${this.pathOf(e)}.part`, { force: true });
    await this.audit(party, 'chat_file.cancelled', sessionId, e.view, address);
    await this.announce(sessionId, e.view);
    return e.view;
  }

  /**
   * Takes one chunk of the sender's bytes (an HTTP request body, at most CHAT_FILE_CHUNK_MAX_BYTES,
   * its Content-Length given) at `offset`, which must be where the previous chunk ended. Short
   * requests keep every upload inside the server's request timeout and give both sides progress.
   * Anything that goes wrong discards what arrived: the sender starts again from 0.
   */
  async receive(
    fileId: string,
    party: ChatFileParty,
    offset: number,
    req: IncomingMessage,
    address?: string,
  ): Promise<ChatFileView> {
    const e = this.files.get(fileId);
    if (!e) throw new ProtocolError('not_found', 'no such file');
    await this.requireParty(e, party, 'sender');
    if (e.view.state !== 'accepted')
      throw new ProtocolError('illegal_transition', `this file is ${e.view.state}`);
    if (e.uploading)
      throw new ProtocolError('illegal_transition', 'a chunk of this file is already arriving');
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (!Number.isSafeInteger(declared) || declared < 1) {
      throw new ProtocolError('bad_request', 'send each chunk with its Content-Length');
    }
    if (declared > CHAT_FILE_CHUNK_MAX_BYTES) {
      throw new ProtocolError('message_too_large', `a chunk is ${CHAT_FILE_CHUNK_MAX_BYTES} bytes at most`, {
        max: CHAT_FILE_CHUNK_MAX_BYTES,
      });
    }
    if (offset + declared > e.view.size) {
      throw new ProtocolError('file_too_large', 'more bytes than the offer said', { max: e.view.size });
    }
    if (offset !== e.received) {
      throw new ProtocolError('bad_request', `the next chunk starts at ${e.received}`, {
        offset: e.received,
      });
    }
    e.uploading = true;
    const part = `${this.pathOf(e)}.part`;
    let out: WriteStream | null = null;
    try {
      if (offset === 0) {
        await mkdir(join(this.root, e.sessionId), { recursive: true });
        e.hash = createHash('sha256');
      }
      const hash = e.hash;
      if (!hash) throw new ProtocolError('bad_request', 'start again from 0');
      out = createWriteStream(part, { flags: offset === 0 ? 'w' : 'a' });
      let got = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        got += chunk.length;
        // Content-Length is enforced by the HTTP parser; this guards a body that says otherwise.
        if (got > declared) throw new ProtocolError('bad_request', 'more bytes than the Content-Length');
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'close');
      out = null;
      if (got !== declared)
        throw new ProtocolError('bad_request', 'the chunk was cut short; start again from 0');
      if (e.view.state !== 'accepted')
        throw new ProtocolError('illegal_transition', `this file is ${e.view.state}`);
      e.received += got;
      if (e.received < e.view.size) {
        this.progress(e);
        return e.view;
      }
      e.hash = null;
      if (hash.digest('hex') !== e.view.sha256) {
        await rm(part, { force: true });
        e.received = 0;
        e.view = { ...e.view, state: 'failed', error: 'checksum_mismatch', received: 0 };
        await this.audit(party, 'chat_file.failed', e.sessionId, e.view, address);
        await this.announce(e.sessionId, e.view);
        throw new ProtocolError(
          'checksum_mismatch',
          'the bytes do not match the SHA-256 of the offer; nothing was kept',
        );
      }
      await rename(part, this.pathOf(e));
      e.view = { ...e.view, state: 'ready', received: e.received };
      await this.audit(party, 'chat_file.stored', e.sessionId, e.view, address);
      await this.announce(e.sessionId, e.view);
      return e.view;
    } catch (err) {
      out?.destroy();
      if (e.view.state === 'accepted') {
        await rm(part, { force: true });
        e.received = 0;
        e.hash = null;
        e.view = { ...e.view, received: 0 };
        await this.announce(e.sessionId, e.view);
      }
      throw err;
    } finally {
      e.uploading = false;
    }
  }

  /** The file for its receiver to download: where it is; `delivered` once the bytes went out. */
  async open(
    fileId: string,
    party: ChatFileParty,
    address?: string,
  ): Promise<{ view: ChatFileView; stream: () => NodeJS.ReadableStream; delivered: () => Promise<void> }> {
    const e = this.files.get(fileId);
    if (!e) throw new ProtocolError('not_found', 'no such file');
    await this.requireParty(e, party, 'receiver');
    if (e.view.state !== 'ready' && e.view.state !== 'delivered') {
      throw new ProtocolError('illegal_transition', `this file is ${e.view.state}`);
    }
    return {
      view: e.view,
      stream: () => createReadStream(this.pathOf(e)),
      delivered: async () => {
        if (e.view.state !== 'ready') return;
        e.view = { ...e.view, state: 'delivered' };
        await this.audit(party, 'chat_file.delivered', e.sessionId, e.view, address);
        const s = await this.sessions.record(e.sessionId);
        const agentId = e.senderAgentId ?? s.agentId;
        if (agentId) {
          await this.ctx.store.manage.history.addFile({
            sessionId: e.sessionId,
            at: this.ctx.now(),
            agentId,
            direction: e.view.from === 'agent' ? 'to_customer' : 'from_customer',
            name: e.view.name,
            size: e.view.size,
            sha256: e.view.sha256,
          });
        }
        await this.announce(e.sessionId, e.view);
      },
    };
  }

  /** The session ended: its bytes are deleted and its files forgotten. */
  async forget(sessionId: string): Promise<void> {
    for (const [id, e] of this.files) if (e.sessionId === sessionId) this.files.delete(id);
    await rm(join(this.root, sessionId), { recursive: true, force: true });
  }

  private entry(fileId: string, sessionId: string): Entry {
    const e = this.files.get(fileId);
    if (!e || e.sessionId !== sessionId) throw new ProtocolError('not_found', 'no such file in this session');
    return e;
  }

  private pathOf(e: Entry): string {
    return join(this.root, e.sessionId, e.view.id);
  }

  /** The sender or the receiver of this file, or a refusal that says nothing about the file. */
  private async requireParty(e: Entry, party: ChatFileParty, role: 'sender' | 'receiver'): Promise<void> {
    const want = role === 'sender' ? e.view.from : e.view.from === 'agent' ? 'customer' : 'agent';
    if (party.kind === 'customer') {
      if (party.sessionId !== e.sessionId || want !== 'customer') {
        throw new ProtocolError('not_in_session', 'this file is not yours to take or send');
      }
      return;
    }
    if (want !== 'agent') throw new ProtocolError('not_in_session', 'this file is not yours to take or send');
    await this.sessions.held(party.user, e.sessionId);
  }

  private async requireSpace(size: number): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const free = await this.options.freeBytes(this.root);
    let promised = 0;
    for (const e of this.files.values())
      if (e.view.state === 'accepted') promised += e.view.size - e.received;
    const need = size + promised + CHAT_FILE_DISK_RESERVE_BYTES;
    if (free < need) {
      throw new ProtocolError('no_space', 'the server has not enough free space for this file now', {
        size,
        free: Math.max(0, free - promised - CHAT_FILE_DISK_RESERVE_BYTES),
      });
    }
  }

  private progress(e: Entry): void {
    e.view = { ...e.view, received: e.received };
    const now = this.ctx.now();
    if (now - e.lastProgressAt < CHAT_FILE_PROGRESS_MS) return;
    e.lastProgressAt = now;
    void this.announce(e.sessionId, e.view).catch(() => undefined);
  }

  /** Tells both sides: the customer's pages, and the agent holding the session. */
  private async announce(sessionId: string, file: ChatFileView): Promise<void> {
    this.sessions.customers.send(sessionId, { type: 'chat.file', file });
    const s = await this.sessions.record(sessionId);
    if (s.state === 'accepted' && s.agentId)
      this.presence.send(s.agentId, { type: 'chat.file', sessionId, file });
  }

  private async audit(
    party: ChatFileParty,
    action: string,
    sessionId: string,
    file: ChatFileView,
    address: string | undefined,
  ): Promise<void> {
    await this.ctx.audit({
      actor: party.kind === 'agent' ? party.user.id : `customer:${sessionId}`,
      action,
      target: sessionId,
      details: {
        file: file.id,
        name: file.name,
        size: file.size,
        sha256: file.sha256,
        from: file.from,
        ...(file.reason ? { reason: file.reason } : {}),
        ...(file.error ? { error: file.error } : {}),
      },
      ...(address ? { address } : {}),
    });
  }
}
