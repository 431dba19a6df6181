/**
 * The sockets whose rights follow an agent's features while they are open (viewer windows, the
 * "share my screen" page), so that a manager's change applies at once instead of at the next
 * hello: each socket registers what it does with new features (the relay's copy updated and the
 * viewer told, or the socket closed when the feature it exists for is gone). The management API
 * calls `apply` as it saves the change (account-service.ts); the support workflow's periodic
 * login check also re-reads the features of agents with such sockets, for changes made by
 * another process (the CLI).
 */
import type { Features } from '../../protocol/common';

export type FeaturesChanged = (features: Features) => void;

export class LiveFeatures {
  private readonly byUser = new Map<string, Set<FeaturesChanged>>();
  /** The features each user's sockets were last given, to tell a change from a re-read. */
  private readonly last = new Map<string, string>();

  /** Registers a socket of `userId` holding `features` now; returns the function that unregisters it. */
  add(userId: string, features: Features, onChange: FeaturesChanged): () => void {
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(onChange);
    this.last.set(userId, JSON.stringify(features));
    return () => {
      const s = this.byUser.get(userId);
      if (!s) return;
      s.delete(onChange);
      if (s.size === 0) {
        this.byUser.delete(userId);
        this.last.delete(userId);
      }
    };
  }

  /** The agent's features are now `features`: every registered socket of theirs is told, once per change. */
  apply(userId: string, features: Features): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    const key = JSON.stringify(features);
    if (this.last.get(userId) === key) return;
    this.last.set(userId, key);
    for (const onChange of [...set]) onChange({ ...features });
  }

  /** Agents with at least one registered socket. */
  userIds(): string[] {
    return [...this.byUser.keys()];
  }
}
