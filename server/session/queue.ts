/**
 * The live queue: every session waiting for an agent (`queued`, or `transferring` to a portal
 * or to one agent), as the entries agents see in their alert list. It is an index over the
 * store's open sessions, rebuilt from the store at start-up, so a restart loses no request.
 * Positions count only the portal's own line (a transfer aimed at one agent waits for that agent
 * alone and is always first in its own line).
 */
import type { QueueEntry } from '../../protocol/common';

export class QueueIndex {
  private readonly entries = new Map<string, QueueEntry>();
  /** Told of every put and remove (the session service tells the other nodes). */
  onChange: ((sessionId: string) => void) | null = null;

  put(entry: QueueEntry): void {
    this.entries.set(entry.sessionId, entry);
    this.onChange?.(entry.sessionId);
  }

  get(sessionId: string): QueueEntry | undefined {
    return this.entries.get(sessionId);
  }

  remove(sessionId: string): QueueEntry | undefined {
    const entry = this.entries.get(sessionId);
    this.entries.delete(sessionId);
    this.onChange?.(sessionId);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries an agent may accept: aimed at them, or untargeted on a portal they serve; oldest first. */
  visibleTo(userId: string, portals: ReadonlySet<string>): QueueEntry[] {
    return this.sorted().filter((e) =>
      e.targetAgentId !== undefined ? e.targetAgentId === userId : portals.has(e.portal.slug),
    );
  }

  /** The portal's own line (untargeted entries), oldest first. */
  line(slug: string): QueueEntry[] {
    return this.sorted().filter((e) => e.targetAgentId === undefined && e.portal.slug === slug);
  }

  /** 1-based place of a waiting session in its line; undefined when it is not waiting. */
  position(sessionId: string): number | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.targetAgentId !== undefined) return 1;
    return this.line(entry.portal.slug).findIndex((e) => e.sessionId === sessionId) + 1;
  }

  private sorted(): QueueEntry[] {
    // Map order is insertion order; a re-queued (transferred) session sorts by its new queuedAt.
    return [...this.entries.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  }
}
