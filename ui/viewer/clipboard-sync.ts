/**
 * Clipboard text between the agent's computer and the customer's, automatic and explicit:
 *   - when the viewer gains focus, the agent's clipboard is read and, if it changed since it was
 *     last shared, sent to the customer (the agent copied something elsewhere and came back to
 *     paste it remotely);
 *   - when the customer's clipboard changes (the helper sends it), it is written to the agent's
 *     clipboard at once while the viewer has focus, or kept and written at the next focus (the
 *     browser allows clipboard writes to a focused page only) unless the agent's own clipboard
 *     changed meanwhile (the newer copy wins);
 *   - push() and pull() do the same on demand, whatever changed.
 * What is already on both sides is remembered, so nothing bounces back and forth.
 */

export interface SystemClipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

export interface ClipboardSyncTarget {
  /** Sends text to the customer; false when refused (too large, not granted: it says why). */
  sendClipboard(text: string): boolean;
  requestClipboard(): boolean;
  notify(
    key: 'clipReceived' | 'clipSent' | 'clipReadFailed' | 'clipWriteFailed',
    level?: 'info' | 'warning' | 'error',
  ): void;
}

export class ClipboardSync {
  /** The text both sides are known to hold (sent or received last). */
  private shared: string | null = null;
  /** Text from the customer not yet written here (the viewer had no focus). */
  private pending: string | null = null;
  /** What the agent's clipboard held when last read (to tell whether it changed meanwhile). */
  private localSeen: string | null = null;

  constructor(
    private readonly clipboard: SystemClipboard,
    private readonly target: ClipboardSyncTarget,
    private readonly hasFocus: () => boolean,
    private readonly enabled: () => boolean,
  ) {}

  /** The viewer got focus: share the agent's new clipboard, or deliver the customer's. */
  async onFocus(): Promise<void> {
    if (!this.enabled()) return;
    let local: string;
    try {
      local = await this.clipboard.readText();
    } catch {
      // No permission or no text: the explicit buttons still work and say what failed.
      return this.deliverPending();
    }
    const changedHere = local !== this.localSeen;
    this.localSeen = local;
    if (changedHere && local.length > 0 && local !== this.shared) {
      this.pending = null; // the agent's newer copy wins over an older one from the customer
      if (this.target.sendClipboard(local)) this.shared = local;
      return;
    }
    await this.deliverPending();
  }

  /** Text from the customer's clipboard. */
  async onRemote(text: string): Promise<void> {
    // An empty clipboard (the program that owned the customer's copy closed) has nothing to
    // paste; writing it here would wipe what the agent copied meanwhile.
    if (text.length === 0 || text === this.shared) return;
    this.shared = text;
    this.pending = text;
    if (this.hasFocus()) await this.deliverPending();
  }

  /** Explicit "send my clipboard". */
  async push(): Promise<void> {
    let local: string;
    try {
      local = await this.clipboard.readText();
    } catch {
      this.target.notify('clipReadFailed', 'error');
      return;
    }
    this.localSeen = local;
    if (this.target.sendClipboard(local)) {
      this.shared = local;
      this.target.notify('clipSent');
    }
  }

  /** Explicit "get the customer's clipboard". */
  pull(): void {
    this.shared = null; // whatever comes back is written, even if it did not change
    this.target.requestClipboard();
  }

  private async deliverPending(): Promise<void> {
    const text = this.pending;
    if (text === null || !this.hasFocus()) return;
    try {
      await this.clipboard.writeText(text);
      this.pending = null;
      this.localSeen = text;
      this.target.notify('clipReceived');
    } catch {
      this.target.notify('clipWriteFailed', 'error');
    }
  }
}
