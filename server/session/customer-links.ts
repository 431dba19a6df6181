/**
 * The customer sockets of each session (a customer may have the support page open in two
 * tabs). A link's session can change once: `request.restart` moves it to the new session.
 */
import type { ServerToCustomer } from '../../protocol/customer-channel';
import type { Connection } from '../ws/connection';

export interface CustomerLink {
  readonly conn: Connection;
  sessionId: string;
  /**
   * Pushes held back while the link's welcome is being built, so the welcome always comes
   * first; `release` sends them after it. (A chat line may then be both in the welcome's
   * transcript and in a held `chat.message`: pages key lines by seq.)
   */
  held?: string[];
}

/** A session's customer got their first page connected (`true`) or lost their last (`false`). */
export type CustomerLinkListener = (sessionId: string, connected: boolean) => void;

export class CustomerLinks {
  private readonly bySession = new Map<string, Set<CustomerLink>>();
  private readonly listeners = new Set<CustomerLinkListener>();

  onChange(listener: CustomerLinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(link: CustomerLink): void {
    let set = this.bySession.get(link.sessionId);
    if (!set) {
      set = new Set();
      this.bySession.set(link.sessionId, set);
    }
    const first = set.size === 0;
    set.add(link);
    if (first) for (const l of this.listeners) l(link.sessionId, true);
  }

  remove(link: CustomerLink): void {
    const set = this.bySession.get(link.sessionId);
    if (!set?.delete(link)) return;
    if (set.size > 0) return;
    this.bySession.delete(link.sessionId);
    for (const l of this.listeners) l(link.sessionId, false);
  }

  move(link: CustomerLink, sessionId: string): void {
    this.remove(link);
    link.sessionId = sessionId;
    this.add(link);
  }

  /** Sockets open for the session (tabs of one request). */
  count(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  isConnected(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  send(sessionId: string, message: ServerToCustomer): void {
    const set = this.bySession.get(sessionId);
    if (!set) return;
    const text = JSON.stringify(message);
    for (const link of set) {
      if (link.held) link.held.push(text);
      else link.conn.sendText(text);
    }
  }

  /** Sends what was held back during the welcome, then lets pushes through. */
  release(link: CustomerLink): void {
    const held = link.held ?? [];
    delete link.held;
    for (const text of held) link.conn.sendText(text);
  }
}
