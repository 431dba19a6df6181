/**
 * What the session service tells the parts that live beside a session (screen sharing, the
 * relay, the reports' history and webhooks): a request was created, accepted, transferred, a
 * session ended, or left its agent (transfer). Listeners run synchronously after the store has
 * recorded the change.
 */
export type SessionEndedBy = 'customer' | 'agent' | 'system';

export interface SessionEventMap {
  created: { sessionId: string; at: number };
  /** An agent took the session (from the queue, or from a transfer when `transfer` is true). */
  accepted: { sessionId: string; agentId: string; at: number; transfer: boolean };
  transferred: {
    sessionId: string;
    fromAgentId: string;
    to: { kind: 'agent'; agentId: string; name: string } | { kind: 'portal'; slug: string; name: string };
    comment: string;
    at: number;
  };
  /**
   * `elsewhere`: it ended on another node (several nodes); this node's live parts (screen,
   * share, chat) let go of it, and what records the end (webhooks) leaves it to that node.
   */
  ended: { sessionId: string; by: SessionEndedBy; elsewhere?: boolean };
  /** The session is no longer held by `formerAgentId` (it went to a transfer queue). */
  released: { sessionId: string; formerAgentId: string; elsewhere?: boolean };
}

type Listener<K extends keyof SessionEventMap> = (event: SessionEventMap[K]) => void;

export class SessionEvents {
  private readonly listeners: { [K in keyof SessionEventMap]: Set<Listener<K>> } = {
    created: new Set(),
    accepted: new Set(),
    transferred: new Set(),
    ended: new Set(),
    released: new Set(),
  };

  on<K extends keyof SessionEventMap>(kind: K, listener: Listener<K>): () => void {
    const set = this.listeners[kind] as Set<Listener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof SessionEventMap>(kind: K, event: SessionEventMap[K]): void {
    for (const l of this.listeners[kind] as Set<Listener<K>>) l(event);
  }
}
