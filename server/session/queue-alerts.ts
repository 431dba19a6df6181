/**
 * Who hears about the queue: a waiting entry is pushed to the available agents of its portal
 * (or to the one agent a transfer names, busy or not), withdrawn from everyone who may list it,
 * and every customer waiting in a portal's line is told their place and how many agents are
 * available. An agent back from busy gets the alerts they missed.
 */
import type { QueueEntry } from '../../protocol/common';
import type { ServerContext } from '../context';
import type { Presence, PresenceState } from '../presence/presence';
import type { CustomerLinks } from './customer-links';
import type { QueueIndex } from './queue';

export class QueueAlerts {
  constructor(
    private readonly ctx: ServerContext,
    private readonly presence: Presence,
    private readonly queue: QueueIndex,
    private readonly customers: CustomerLinks,
  ) {}

  /** How many agents serving the portal are available right now. */
  async agentsAvailable(slug: string): Promise<number> {
    return (await this.ctx.store.portals.agentsOf(slug)).filter((id) => this.presence.isAvailable(id)).length;
  }

  /** Pushes a waiting entry to whoever should see it now; returns how many available agents serve its portal. */
  async alert(entry: QueueEntry): Promise<number> {
    const message = { type: 'queue.added', entry } as const;
    const available = await this.agentsAvailable(entry.portal.slug);
    if (entry.targetAgentId !== undefined) {
      // A transfer to one agent reaches them even when busy: it was addressed to them by name.
      this.presence.send(entry.targetAgentId, message);
      return available;
    }
    for (const id of await this.ctx.store.portals.agentsOf(entry.portal.slug)) {
      if (this.presence.isAvailable(id)) this.presence.send(id, message);
    }
    return available;
  }

  /** Online agents who may have this entry in their list (to withdraw it). */
  async audienceOf(entry: QueueEntry): Promise<string[]> {
    if (entry.targetAgentId !== undefined) return [entry.targetAgentId];
    return (await this.ctx.store.portals.agentsOf(entry.portal.slug)).filter((id) =>
      this.presence.isOnline(id),
    );
  }

  /** Tells every customer waiting in a portal's line their place and how many agents are available. */
  async pushPositions(slug: string): Promise<void> {
    const agentsAvailable = await this.agentsAvailable(slug);
    this.queue.line(slug).forEach((e, i) => {
      this.customers.send(e.sessionId, { type: 'queue.position', position: i + 1, agentsAvailable });
    });
  }

  async onPresenceChange(userId: string, before: PresenceState, after: PresenceState): Promise<void> {
    const portals = await this.ctx.store.portals.portalsOf(userId);
    if (after === 'available' && before !== null) {
      // Back from busy: the alerts they did not get while busy.
      for (const entry of this.queue.visibleTo(userId, new Set(portals))) {
        this.presence.send(userId, { type: 'queue.added', entry });
      }
    }
    if ((before === 'available') !== (after === 'available')) {
      for (const slug of portals) await this.pushPositions(slug);
    }
  }
}
