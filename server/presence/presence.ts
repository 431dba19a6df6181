/**
 * Who is online and how: every agent WebSocket (the extension's popup, background and chat
 * windows each hold one), grouped by agent, with one status per agent (`available` or `busy`).
 * An agent is online while at least one socket is open. The status outlives a reconnect (a
 * reloaded popup does not flip a busy agent back to available); new agents start available.
 * Listeners hear every change of an agent's availability, which moves customers' queue views.
 *
 * Several nodes (`--bus`): an agent's sockets may sit on several nodes. Each node keeps its own
 * sockets here and learns the others' agents from a `PresenceMirror` (cluster/presence-
 * directory.ts), which also carries `send` to the agent's sockets on other nodes and a status
 * chosen on one node to the others. The state answered here (online, available) is the whole
 * deployment's; listeners hear only changes made by this node's own sockets (the node where an
 * agent's change happened reacts once, for every node).
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

/** What this node tells the other nodes (cluster/presence-directory.ts); absent on one node. */
export interface PresenceMirror {
  /** This node's own state of an agent changed (null: no socket of theirs left here). */
  changed(userId: string, state: PresenceState): void;
  /** The agent chose a status here: other nodes holding sockets of theirs take it. */
  chose(userId: string, status: AgentStatus): void;
  /** A message for the agent's sockets on other nodes (serialised once). */
  sent(userId: string, text: string): void;
}

interface OnlineAgent {
  status: AgentStatus;
  links: Set<AgentLink>;
}

export class Presence {
  private readonly online = new Map<string, OnlineAgent>();
  /** Last status each agent chose; bounded by the number of accounts. */
  private readonly chosen = new Map<string, AgentStatus>();
  private readonly listeners = new Set<PresenceListener>();
  /** Agents online on other nodes and their status there (empty on one node). */
  private readonly remote = new Map<string, AgentStatus>();
  private mirror: PresenceMirror | null = null;

  /** Joins a deployment of several nodes (once, before sockets arrive). */
  mirrorTo(mirror: PresenceMirror): void {
    this.mirror = mirror;
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a socket; returns the agent's status. */
  add(link: AgentLink): AgentStatus {
    let agent = this.online.get(link.userId);
    const before = this.stateOf(link.userId);
    if (!agent) {
      // Online elsewhere: the status they have there (they chose it on another node).
      const status = this.remote.get(link.userId) ?? this.chosen.get(link.userId) ?? DEFAULT_AGENT_STATUS;
      agent = { status, links: new Set() };
      this.online.set(link.userId, agent);
      this.mirror?.changed(link.userId, status);
    }
    agent.links.add(link);
    this.emit(link.userId, before, this.stateOf(link.userId));
    return agent.status;
  }

  remove(link: AgentLink): void {
    const agent = this.online.get(link.userId);
    if (!agent || !agent.links.delete(link)) return;
    if (agent.links.size > 0) return;
    const before = this.stateOf(link.userId);
    this.online.delete(link.userId);
    this.mirror?.changed(link.userId, null);
    this.emit(link.userId, before, this.stateOf(link.userId));
  }

  /** Sets an online agent's status; tells every socket of theirs. */
  setStatus(userId: string, status: AgentStatus): void {
    this.chosen.set(userId, status);
    const agent = this.online.get(userId);
    if (!agent) return;
    const before = this.stateOf(userId);
    agent.status = status;
    this.mirror?.chose(userId, status);
    this.mirror?.changed(userId, status);
    this.send(userId, { type: 'presence.changed', status });
    this.emit(userId, before, this.stateOf(userId));
  }

  /**
   * The agent chose a status on another node: this node's sockets of theirs take it (they got
   * `presence.changed` from that node's send already). No listener runs: that node's did.
   */
  choseElsewhere(userId: string, status: AgentStatus): void {
    this.chosen.set(userId, status);
    const agent = this.online.get(userId);
    if (!agent || agent.status === status) return;
    agent.status = status;
    this.mirror?.changed(userId, status);
  }

  /** The agent's state on the other nodes, as the mirror knows it (null: online on none). */
  setRemote(userId: string, state: PresenceState): void {
    if (state === null) this.remote.delete(userId);
    else this.remote.set(userId, state);
  }

  /** Users online on other nodes (the mirror's view, to reconcile it). */
  remoteUsers(): string[] {
    return [...this.remote.keys()];
  }

  /** This node's own sockets' state of each agent online here (what the mirror publishes). */
  localStates(): Map<string, AgentStatus> {
    return new Map([...this.online].map(([id, a]) => [id, a.status]));
  }

  /** The deployment's state of an agent: available if available on any node. */
  stateOf(userId: string): PresenceState {
    const here = this.online.get(userId)?.status ?? null;
    const there = this.remote.get(userId) ?? null;
    return here === 'available' || there === 'available' ? 'available' : (here ?? there);
  }

  isOnline(userId: string): boolean {
    return this.online.has(userId) || this.remote.has(userId);
  }

  isAvailable(userId: string): boolean {
    return this.stateOf(userId) === 'available';
  }

  onlineCount(): number {
    let n = this.online.size;
    for (const id of this.remote.keys()) if (!this.online.has(id)) n++;
    return n;
  }

  /**
   * Sends one message to every socket of an agent, on every node (no-op when offline). With a
   * mirror it goes to the other nodes whatever this node believes of them: a view of another
   * node's sockets may be a moment old, a missed message would not come back.
   */
  send(userId: string, message: ServerToAgent): void {
    if (!this.mirror && !this.online.has(userId)) return;
    // One serialisation for all the agent's sockets.
    const text = JSON.stringify(message);
    this.mirror?.sent(userId, text);
    this.deliver(userId, text);
  }

  /** Sends an already serialised message to this node's sockets of an agent (from another node too). */
  deliver(userId: string, text: string): void {
    const agent = this.online.get(userId);
    if (!agent) return;
    for (const link of agent.links) link.conn.sendText(text);
  }

  private emit(userId: string, before: PresenceState, after: PresenceState): void {
    if (before === after) return;
    for (const l of this.listeners) l(userId, before, after);
  }
}
