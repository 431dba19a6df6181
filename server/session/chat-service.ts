/**
 * Chat inside a session: lines are appended to the transcript (gapless `seq` per session, in the
 * store, so they survive a restart) and pushed to every party; a receiving client acknowledges
 * with `chat.received {seq}` ("I have shown everything up to seq"), which reaches the other side
 * as `chat.delivered`; typing indicators pass through without being stored. Text is stored and
 * relayed as text: the server never puts it into HTML.
 *
 * Who may write: the customer while the session is open (also while queued or being transferred:
 * the agent who accepts reads it in the transcript), and the agent who holds the session.
 */
import type { ChatAuthor, ChatLine } from '../../protocol/common';
import { ProtocolError } from '../../protocol/errors';
import type { ServerContext } from '../context';
import type { Presence } from '../presence/presence';
import type { SessionRecord, UserRecord } from '../store/store';
import type { SessionService } from './session-service';

/** Which side of the chat a client is on. */
export type ChatSide = { kind: 'customer' } | { kind: 'agent'; user: UserRecord };

interface Acks {
  /** Highest seq acknowledged by the customer's page, and by the agent's client. */
  customer: number;
  agent: number;
  /** Highest seq written, when known (acks beyond it are refused). */
  lastSeq: number | null;
}

export class ChatService {
  private readonly acks = new Map<string, Acks>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly sessions: SessionService,
    private readonly presence: Presence,
  ) {
    sessions.events.on('ended', ({ sessionId }) => this.acks.delete(sessionId));
  }

  async send(sessionId: string, side: ChatSide, text: string): Promise<ChatLine> {
    const s = await this.writable(sessionId, side);
    const from: ChatAuthor =
      side.kind === 'customer'
        ? { kind: 'customer', name: s.customerName }
        : { kind: 'agent', name: side.user.name, agentId: side.user.id };
    const line = await this.ctx.store.transcripts.append(sessionId, from, text, this.ctx.now());
    const acks = this.acksOf(sessionId);
    acks.lastSeq = Math.max(acks.lastSeq ?? 0, line.seq);
    this.sessions.customers.send(sessionId, { type: 'chat.message', line });
    if (s.state === 'accepted' && s.agentId) this.presence.send(s.agentId, { type: 'chat.message', line });
    return line;
  }

  async typing(sessionId: string, side: ChatSide, typing: boolean): Promise<void> {
    const s = await this.writable(sessionId, side);
    if (side.kind === 'customer') {
      if (s.state === 'accepted' && s.agentId) {
        this.presence.send(s.agentId, {
          type: 'chat.typing',
          sessionId,
          from: { kind: 'customer', name: s.customerName },
          typing,
        });
      }
      return;
    }
    this.sessions.customers.send(sessionId, {
      type: 'chat.typing',
      from: { kind: 'agent', name: side.user.name, agentId: side.user.id },
      typing,
    });
  }

  /** A client has shown every line up to `seq`: tell the other side, once per new high mark. */
  async received(sessionId: string, side: ChatSide, seq: number): Promise<void> {
    const s = await this.readable(sessionId, side);
    const acks = this.acksOf(sessionId);
    if (acks.lastSeq === null || seq > acks.lastSeq) {
      // Seqs are gapless: line `seq` exists exactly when some line at or after it does.
      const last = (await this.ctx.store.transcripts.lines(sessionId, seq - 1)).at(-1)?.seq;
      if (last !== undefined) acks.lastSeq = Math.max(acks.lastSeq ?? 0, last);
    }
    if (acks.lastSeq === null || seq > acks.lastSeq) {
      throw new ProtocolError('invalid_message', `there is no chat line ${seq} yet`, {
        lastSeq: acks.lastSeq ?? 0,
      });
    }
    if (side.kind === 'customer') {
      if (seq <= acks.customer) return;
      acks.customer = seq;
      if (s.agentId && s.state === 'accepted')
        this.presence.send(s.agentId, { type: 'chat.delivered', sessionId, seq });
      return;
    }
    if (seq <= acks.agent) return;
    acks.agent = seq;
    this.sessions.customers.send(sessionId, { type: 'chat.delivered', seq });
  }

  private acksOf(sessionId: string): Acks {
    let a = this.acks.get(sessionId);
    if (!a) {
      a = { customer: 0, agent: 0, lastSeq: null };
      this.acks.set(sessionId, a);
    }
    return a;
  }

  /** The session if this side may write in it now. */
  private async writable(sessionId: string, side: ChatSide): Promise<SessionRecord> {
    if (side.kind === 'agent') return this.sessions.held(side.user, sessionId);
    const s = await this.sessions.record(sessionId);
    if (s.state === 'ended') throw new ProtocolError('session_ended', 'this session has ended');
    return s;
  }

  /** Acknowledgements are accepted while the session is open, from its customer or its agent. */
  private readable(sessionId: string, side: ChatSide): Promise<SessionRecord> {
    return this.writable(sessionId, side);
  }
}
