/**
 * The customer sockets of each session (a customer may have the support page open in two
 * tabs). A link's session can change once: `request.restart` moves it to the new session.
 * Several nodes (`--bus`): a customer's pages may sit on another node; `mirrorTo` gives `send`
 * a way there (cluster/customer-mirror.ts), and `deliver` takes what another node sent.
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

/** Carries pushes to the customer pages on other nodes (absent on one node). */
export interface CustomerMirror {
  sent(sessionId: string, text: string): void;
}

export class CustomerLinks {
  private readonly bySession = new Map<string, Set<CustomerLink>>();
  private readonly listeners = new Set<CustomerLinkListener>();
  private mirror: CustomerMirror | null = null;

  /** Joins a deployment of several nodes (once, before sockets arrive). */
  mirrorTo(mirror: CustomerMirror): void {
    this.mirror = mirror;
  }

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

  /** Sends to the session's customer pages, on every node. */
  send(sessionId: string, message: ServerToCustomer): void {
    if (!this.mirror && !this.bySession.has(sessionId)) return;
    const text = JSON.stringify(message);
    this.mirror?.sent(sessionId, text);
    this.deliver(sessionId, text);
  }

  /** Sends an already serialised push to this node's pages of the session (from another node too). */
  deliver(sessionId: string, text: string): void {
    const set = this.bySession.get(sessionId);
    if (!set) return;
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
