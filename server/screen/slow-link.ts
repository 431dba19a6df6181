/**
 * Whether the customer's page should show the slow-link advice (protocol `screen.link`). The
 * agent's viewers measure the link (round trips on the data plane, ui/viewer/viewer-stats.ts) and
 * each says when it turns slow or fine again (`viewer.link`); the server only keeps who said slow.
 * The advice holds while at least one viewer says slow and the screen is streaming, so a viewer
 * that closes, or sharing that stops, takes it down. `change` answers what to tell the page, once
 * per change (null: nothing new).
 */
export class SlowLink<Peer> {
  private readonly slow = new Set<Peer>();
  private told = false;

  /** What the customer's page was last told (a page that reconnects is told again if true). */
  get slowTold(): boolean {
    return this.told;
  }

  report(peer: Peer, slow: boolean): void {
    if (slow) this.slow.add(peer);
    else this.slow.delete(peer);
  }

  drop(peer: Peer): void {
    this.slow.delete(peer);
  }

  /** The value to tell the customer's page now, or null when it already knows it. */
  change(streaming: boolean): boolean | null {
    const now = streaming && this.slow.size > 0;
    if (now === this.told) return null;
    this.told = now;
    return now;
  }
}
