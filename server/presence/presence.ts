/**
 * Who is online and how: every agent WebSocket (the extension's popup, background and chat
 * windows each hold one), grouped by agent, with one status per agent (`available` or `busy`).
 * An agent is online while at least one socket is open. The status outlives a reconnect (a
 * reloaded popup does not flip a busy agent back to available); new agents start available.
 * Listeners hear every change of an agent's availability, which moves customers' queue views.
 */
import type { ServerToAgent } from '../../protocol/agent-channel';
import type { AgentStatus } from '../../protocol/common';
import type { Connection } from '../ws/connection';

/** Status of an agent who has not chosen one yet. */
export const DEFAULT_AGENT_STATUS: AgentStatus = 'available';

export interface AgentLink {
  readonly conn: Connection;
  readonly userId: string;
  readonly loginId: string;
}

/** null = offline. */
export type PresenceState = AgentStatus | null;

export type PresenceListener = (userId: string, before: PresenceState, after: PresenceState) => void;

interface OnlineAgent {
  status: AgentStatus;
  links: Set<AgentLink>;
}

export class Presence {
  private readonly online = new Map<string, OnlineAgent>();
  /** Last status each agent chose; bounded by the number of accounts. */
  private readonly chosen = new Map<string, AgentStatus>();
  private readonly listeners = new Set<PresenceListener>();

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a socket; returns the agent's status. */
  add(link: AgentLink): AgentStatus {
    let agent = this.online.get(link.userId);
    const before = this.stateOf(link.userId);
    if (!agent) {
      agent = { status: this.chosen.get(link.userId) ?? DEFAULT_AGENT_STATUS, links: new Set() };
      this.online.set(link.userId, agent);
    }
    agent.links.add(link);
    this.emit(link.userId, before, agent.status);
    return agent.status;
  }

  remove(link: AgentLink): void {
    const agent = this.online.get(link.userId);
    if (!agent || !agent.links.delete(link)) return;
    if (agent.links.size > 0) return;
    this.online.delete(link.userId);
    this.emit(link.userId, agent.status, null);
  }

  /** Sets an online agent's status; tells every socket of theirs. */
  setStatus(userId: string, status: AgentStatus): void {
    this.chosen.set(userId, status);
    const agent = this.online.get(userId);
    if (!agent) return;
    const before = agent.status;
    agent.status = status;
    this.send(userId, { type: 'presence.changed', status });
    this.emit(userId, before, status);
  }

  stateOf(userId: string): PresenceState {
    return this.online.get(userId)?.status ?? null;
  }

  isOnline(userId: string): boolean {
    return this.online.has(userId);
  }

  isAvailable(userId: string): boolean {
    return this.online.get(userId)?.status === 'available';
  }

  onlineCount(): number {
    return this.online.size;
  }

  /** Sends one message to every socket of an agent (no-op when offline). */
  send(userId: string, message: ServerToAgent): void {
    const agent = this.online.get(userId);
    if (!agent) return;
    // One serialisation for all the agent's sockets.
    const text = JSON.stringify(message);
    for (const link of agent.links) link.conn.sendText(text);
  }

  private emit(userId: string, before: PresenceState, after: PresenceState): void {
    if (before === after) return;
    for (const l of this.listeners) l(userId, before, after);
  }
}
